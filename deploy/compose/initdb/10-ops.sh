#!/usr/bin/env bash
# Run once by the postgres image when it initialises an empty data directory (docker-entrypoint-initdb.d):
# includes deploy/postgres/postgresql.conf.d (mounted at /etc/postgresql/conf.d) from postgresql.conf, then creates
# the silos' role and database with deploy/postgres/roles.sql (mounted at /ops/roles.sql).
set -euo pipefail

echo "include_dir = '/etc/postgresql/conf.d'" >> "$PGDATA/postgresql.conf"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  -v ops_password="${OPS_SILO_PASSWORD:?set OPS_SILO_PASSWORD}" \
  -f /ops/roles.sql
