-- The catalog overlay on PostgreSQL: the catalog changes made through any silo's API, shared by every silo of the
-- cluster. Applied by each silo at start-up (before the runtime's own schema), under an advisory lock.
--
-- Why it looks like this:
-- * It is product data, not runtime state, so it is not one of the runtime's versioned rt_ scripts: the silo
--   creates it itself, because the catalog is loaded (and must be valid) before the runtime store starts.
--   The script is applied on every start, so it must stay idempotent: a later change appends statements
--   (ALTER TABLE ... ADD COLUMN IF NOT EXISTS ...), it never rewrites these. The advisory lock is there because two
--   silos running CREATE TABLE IF NOT EXISTS at the same moment can still collide in the catalog tables.
-- * One row per cluster, keyed by cluster_id like every runtime table, so several clusters (and every test run)
--   can share one database without seeing each other's catalog.
-- * The whole overlay is one document, not a row per entity: a change is validated against the whole catalog it
--   produces (owners, dependsOn cycles, aliases and routing keys across products), so the unit a silo validates is
--   the unit it saves.
-- * version is the optimistic-concurrency token: a save is an UPDATE ... WHERE version = <the version the silo
--   read>, and no row updated means another silo saved first. The silo then reads the newer overlay, applies its
--   change over it again, validates and saves again: concurrent changes of different entities all survive.
--   It is also what silos poll (a primary-key read of one bigint) to notice another silo's change.
-- * overlay is jsonb (the overlay as the API's JSON, camelCase) so an operator can read it with SQL;
--   saved_at and saved_by (the silo name) say which silo saved last and when.

CREATE TABLE IF NOT EXISTS ops_catalog_overlay (
  cluster_id text        PRIMARY KEY,
  version    bigint      NOT NULL CHECK (version > 0),
  overlay    jsonb       NOT NULL,
  saved_at   timestamptz NOT NULL DEFAULT now(),
  saved_by   text        NOT NULL
);
