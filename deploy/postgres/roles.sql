-- The role and database of an Ops.Orleans cluster. Run as a superuser (or a role with CREATEROLE and CREATEDB),
-- with psql; safe to run again (it only brings things to this state, and sets the password given):
--
--   psql -v ON_ERROR_STOP=1 -v ops_password='...' -f deploy/postgres/roles.sql
--
-- Optional variables: -v ops_role=ops_silo -v ops_database=ops (the defaults). The silos then connect with
--   Host=...;Username=ops_silo;Password=...;Database=ops;Maximum Pool Size=50
-- and create and migrate their tables (the runtime's rt_*, and ops_catalog_overlay for catalog changes made
-- through the API) themselves at start-up, under advisory locks.
\set ON_ERROR_STOP on

\if :{?ops_role}
\else
  \set ops_role ops_silo
\endif
\if :{?ops_database}
\else
  \set ops_database ops
\endif
\if :{?ops_password}
\else
  \echo 'roles.sql: give the role a password: psql -v ops_password=... -f roles.sql'
  SELECT 1 / 0 AS ops_password_is_required;
\endif

-- The role: log in, nothing more (no superuser, no CREATEDB / CREATEROLE, no replication).
SELECT format('CREATE ROLE %I LOGIN', :'ops_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'ops_role') \gexec
ALTER ROLE :"ops_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'ops_password';

-- Session defaults for the silos' connections, so they hold wherever the server-wide settings
-- (postgresql.conf.d/ops.conf) are not applied, e.g. on a shared server:
-- a session idling inside a transaction is ended after 5 s, so a paused silo cannot hold a partition row's lock.
ALTER ROLE :"ops_role" SET idle_in_transaction_session_timeout = '5s';
-- lock_timeout is deliberately NOT set on the role (and any earlier setting is removed). The runtime sets it
-- itself, transaction-locally (SET LOCAL), only where giving up is right: lease acquisition
-- (PostgreSqlStoreOptions.LeaseLockTimeout, 1 s; a partition whose row is locked is retried on the next round).
-- A role-wide lock_timeout would also cut short the statements that must wait: lease renewal and release (which
-- queue behind in-flight fenced writes holding the row's share lock; a renewal failed this way makes a healthy silo
-- fence itself), the fenced writes themselves, and the advisory lock that serialises the schema migration when
-- several silos start at once.
ALTER ROLE :"ops_role" RESET lock_timeout;
-- Statements are bounded by the silo's own command timeout (30 s); the migration must not be cut short.
ALTER ROLE :"ops_role" RESET statement_timeout;

-- The database, owned by the role: it creates its tables in the public schema (PostgreSQL 15 lets only the
-- database owner do that). Nobody else may connect.
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', :'ops_database', :'ops_role', 'UTF8')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'ops_database') \gexec
ALTER DATABASE :"ops_database" OWNER TO :"ops_role";
REVOKE ALL ON DATABASE :"ops_database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"ops_database" TO :"ops_role";

\connect :"ops_database"
-- PostgreSQL 14 and earlier let every role create objects in public; only the silos' role should.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"ops_role";
