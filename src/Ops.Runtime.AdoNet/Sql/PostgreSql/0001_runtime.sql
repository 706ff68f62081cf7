-- Ops.Runtime schema for PostgreSQL, version 1.
--
-- Why it looks like this:
-- * Every table is keyed by cluster_id first, so several clusters (and every test run) can share one database
--   without seeing each other.
-- * rt_partition is the arbiter of ownership. Each row holds the owner silo, a lease expiry on the DATABASE clock
--   and an epoch (fencing token) that rises by exactly one on every acquisition. Every write of grain state,
--   reminders or inbox cursors first takes FOR SHARE on its partition row and checks owner + epoch: an acquisition
--   is an UPDATE of the same row, so it waits for writers that hold the share lock, and writers that come after it
--   see the new epoch and fail. A stale owner can never commit after a new owner took over.
-- * There is deliberately NO foreign key from state, reminder or inbox rows to rt_partition: a foreign-key check
--   takes FOR KEY SHARE, which does not conflict with the acquisition's UPDATE of non-key columns. It would look
--   like fencing without being fencing, and add lock traffic.
-- * Grain keys are stored as text (not hashed, unlike Orleans' OrleansStorage): a B-tree over a few short text
--   columns is fine at ops scale and removes hash-collision handling.
-- * Versions are ETags: every successful write sets version = version + 1 conditionally on the version the writer
--   observed. Clearing a state keeps the row (payload NULL) and bumps the version, so the ETag sequence never restarts.
-- * written_epoch records under which lease every state row was last written: an audit trail and a test oracle.
-- * The inbox is an append-only log per partition with gap-free offsets assigned by the partition's owner;
--   rt_inbox_cursor holds each grain's highest applied offset (written in the same fenced transaction as the state
--   change it caused), rt_inbox_partition the offset up to which every record is applied (replay starts after it).
-- * rt_require raises a recognisable SQLSTATE so a whole fenced unit can be one batch (one implicit transaction,
--   one round trip): the first failed check aborts and rolls back everything before it.

CREATE TABLE rt_cluster (
  cluster_id      text        PRIMARY KEY,
  partition_count integer     NOT NULL CHECK (partition_count > 0),
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rt_silo (
  cluster_id   text        NOT NULL,
  silo_id      uuid        NOT NULL,
  silo_name    text        NOT NULL,
  host         text        NOT NULL,
  silo_port    integer     NOT NULL,
  gateway_port integer     NOT NULL,
  process_id   integer     NOT NULL,
  status       smallint    NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, silo_id)
);

CREATE TABLE rt_partition (
  cluster_id       text        NOT NULL,
  partition_id     integer     NOT NULL,
  owner_silo       uuid        NULL,
  epoch            bigint      NOT NULL DEFAULT 0,
  lease_expires_at timestamptz NOT NULL DEFAULT '1970-01-01 00:00:00+00',
  PRIMARY KEY (cluster_id, partition_id)
);

CREATE TABLE rt_grain_state (
  cluster_id    text        NOT NULL,
  grain_type    text        NOT NULL,
  grain_key     text        NOT NULL,
  state_name    text        NOT NULL,
  partition_id  integer     NOT NULL,
  version       bigint      NOT NULL,
  written_epoch bigint      NOT NULL,
  payload       jsonb       NULL,
  modified_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, grain_type, grain_key, state_name)
);

CREATE TABLE rt_reminder (
  cluster_id    text        NOT NULL,
  grain_type    text        NOT NULL,
  grain_key     text        NOT NULL,
  name          text        NOT NULL,
  partition_id  integer     NOT NULL,
  period_ms     bigint      NOT NULL CHECK (period_ms > 0),
  first_tick_at timestamptz NOT NULL,
  next_due_at   timestamptz NOT NULL,
  version       bigint      NOT NULL,
  PRIMARY KEY (cluster_id, grain_type, grain_key, name)
);
CREATE INDEX ix_rt_reminder_due ON rt_reminder (cluster_id, partition_id, next_due_at);

CREATE TABLE rt_inbox (
  cluster_id   text        NOT NULL,
  partition_id integer     NOT NULL,
  inbox_offset bigint      NOT NULL,
  grain_type   text        NOT NULL,
  grain_key    text        NOT NULL,
  kind         text        NOT NULL,
  payload      bytea       NOT NULL,
  enqueued_at  timestamptz NOT NULL,
  PRIMARY KEY (cluster_id, partition_id, inbox_offset)
);

CREATE TABLE rt_inbox_cursor (
  cluster_id     text   NOT NULL,
  grain_type     text   NOT NULL,
  grain_key      text   NOT NULL,
  applied_offset bigint NOT NULL,
  PRIMARY KEY (cluster_id, grain_type, grain_key)
);

CREATE TABLE rt_inbox_partition (
  cluster_id       text    NOT NULL,
  partition_id     integer NOT NULL,
  committed_offset bigint  NOT NULL DEFAULT 0,
  PRIMARY KEY (cluster_id, partition_id)
);

CREATE TABLE rt_inbox_parked (
  cluster_id   text        NOT NULL,
  partition_id integer     NOT NULL,
  inbox_offset bigint      NOT NULL,
  grain_type   text        NOT NULL,
  grain_key    text        NOT NULL,
  kind         text        NOT NULL,
  payload      bytea       NOT NULL,
  enqueued_at  timestamptz NOT NULL,
  attempts     integer     NOT NULL,
  error        text        NOT NULL,
  parked_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, partition_id, inbox_offset)
);

-- Raises SQLSTATE RTF01 ('fence...') or RTV01 (anything else) with the given text when ok is not true.
CREATE FUNCTION rt_require(ok boolean, failure text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    IF failure LIKE 'fence%' THEN
      RAISE EXCEPTION USING ERRCODE = 'RTF01', MESSAGE = failure;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'RTV01', MESSAGE = failure;
  END IF;
  RETURN true;
END
$$;
