-- Ops.Runtime schema for SQLite (the embedded default), version 1.
--
-- Why it looks like this:
-- * The same tables as the PostgreSQL schema (see Sql/PostgreSql/0001_runtime.sql for the reasoning on
--   partitions, epochs, versions and the inbox), keyed by cluster_id first.
-- * Times are INTEGER milliseconds since the Unix epoch. Lease times come from the database clock in SQL
--   (julianday('now'), which works on every SQLite version; unixepoch('subsec') needs 3.42); reminder and inbox
--   times are written by the silo.
-- * No row locks are needed for fencing: every write transaction is BEGIN IMMEDIATE and SQLite serialises writers
--   for the whole database, so "check owner + epoch, then conditional update" is atomic with respect to lease
--   acquisition. One silo process serves a database file (an OS lock beside the file keeps others out).
-- * Payloads are BLOBs: grain state is UTF-8 JSON (read it with CAST(payload AS TEXT)), inbox records are the
--   appender's bytes, kept byte for byte.
-- * WITHOUT ROWID: every table is looked up by its primary key only.

CREATE TABLE rt_cluster (
  cluster_id      TEXT    NOT NULL PRIMARY KEY,
  partition_count INTEGER NOT NULL CHECK (partition_count > 0),
  created_at      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE rt_silo (
  cluster_id   TEXT    NOT NULL,
  silo_id      TEXT    NOT NULL,
  silo_name    TEXT    NOT NULL,
  host         TEXT    NOT NULL,
  silo_port    INTEGER NOT NULL,
  gateway_port INTEGER NOT NULL,
  process_id   INTEGER NOT NULL,
  status       INTEGER NOT NULL,
  started_at   INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL,
  PRIMARY KEY (cluster_id, silo_id)
) WITHOUT ROWID;

CREATE TABLE rt_partition (
  cluster_id       TEXT    NOT NULL,
  partition_id     INTEGER NOT NULL,
  owner_silo       TEXT    NULL,
  epoch            INTEGER NOT NULL DEFAULT 0,
  lease_expires_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (cluster_id, partition_id)
) WITHOUT ROWID;

CREATE TABLE rt_grain_state (
  cluster_id    TEXT    NOT NULL,
  grain_type    TEXT    NOT NULL,
  grain_key     TEXT    NOT NULL,
  state_name    TEXT    NOT NULL,
  partition_id  INTEGER NOT NULL,
  version       INTEGER NOT NULL,
  written_epoch INTEGER NOT NULL,
  payload       BLOB    NULL,
  modified_at   INTEGER NOT NULL,
  PRIMARY KEY (cluster_id, grain_type, grain_key, state_name)
) WITHOUT ROWID;

CREATE TABLE rt_reminder (
  cluster_id    TEXT    NOT NULL,
  grain_type    TEXT    NOT NULL,
  grain_key     TEXT    NOT NULL,
  name          TEXT    NOT NULL,
  partition_id  INTEGER NOT NULL,
  period_ms     INTEGER NOT NULL CHECK (period_ms > 0),
  first_tick_at INTEGER NOT NULL,
  next_due_at   INTEGER NOT NULL,
  version       INTEGER NOT NULL,
  PRIMARY KEY (cluster_id, grain_type, grain_key, name)
) WITHOUT ROWID;
CREATE INDEX ix_rt_reminder_due ON rt_reminder (cluster_id, partition_id, next_due_at);

CREATE TABLE rt_inbox (
  cluster_id   TEXT    NOT NULL,
  partition_id INTEGER NOT NULL,
  inbox_offset INTEGER NOT NULL,
  grain_type   TEXT    NOT NULL,
  grain_key    TEXT    NOT NULL,
  kind         TEXT    NOT NULL,
  payload      BLOB    NOT NULL,
  enqueued_at  INTEGER NOT NULL,
  PRIMARY KEY (cluster_id, partition_id, inbox_offset)
) WITHOUT ROWID;

CREATE TABLE rt_inbox_cursor (
  cluster_id     TEXT    NOT NULL,
  grain_type     TEXT    NOT NULL,
  grain_key      TEXT    NOT NULL,
  applied_offset INTEGER NOT NULL,
  PRIMARY KEY (cluster_id, grain_type, grain_key)
) WITHOUT ROWID;

CREATE TABLE rt_inbox_partition (
  cluster_id       TEXT    NOT NULL,
  partition_id     INTEGER NOT NULL,
  committed_offset INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (cluster_id, partition_id)
) WITHOUT ROWID;

CREATE TABLE rt_inbox_parked (
  cluster_id   TEXT    NOT NULL,
  partition_id INTEGER NOT NULL,
  inbox_offset INTEGER NOT NULL,
  grain_type   TEXT    NOT NULL,
  grain_key    TEXT    NOT NULL,
  kind         TEXT    NOT NULL,
  payload      BLOB    NOT NULL,
  enqueued_at  INTEGER NOT NULL,
  attempts     INTEGER NOT NULL,
  error        TEXT    NOT NULL,
  parked_at    INTEGER NOT NULL,
  PRIMARY KEY (cluster_id, partition_id, inbox_offset)
) WITHOUT ROWID;
