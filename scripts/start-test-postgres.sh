#!/usr/bin/env bash
# Starts (or finds running) a throwaway PostgreSQL 15 cluster "opstest" on 127.0.0.1:55432 with trust
# authentication, installing Debian's postgresql package first if it is missing, and prints the Npgsql
# connection string on stdout (everything else goes to stderr). Idempotent; run as root.
# Used by scripts/test.sh and by the PostgreSQL benchmarks. Remove it with: pg_dropcluster --stop 15 opstest
set -euo pipefail
port="${OPS_TEST_POSTGRES_PORT:-55432}"
cluster=opstest
version=15

log() { echo "start-test-postgres: $*" >&2; }

# Installing packages and managing clusters need root; use sudo when not root (CI and the dev machines run as root).
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else log "needs root (or sudo) to install and start PostgreSQL"; exit 1; fi
fi

if ! command -v pg_createcluster >/dev/null 2>&1 || [ ! -x /usr/lib/postgresql/$version/bin/postgres ]; then
  log "installing postgresql-$version"
  export DEBIAN_FRONTEND=noninteractive
  if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; then
    $SUDO apt-get update -q >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
  fi
fi

ready() { pg_isready -q -h 127.0.0.1 -p "$port"; }

if ! ready; then
  if pg_lsclusters -h 2>/dev/null | awk -v c="$cluster" '$2 == c { found = 1 } END { exit !found }'; then
    log "starting existing cluster $cluster"
    if ! $SUDO pg_ctlcluster "$version" "$cluster" start >&2; then
      log "cluster $cluster is broken; recreating it"
      $SUDO pg_dropcluster --stop "$version" "$cluster" >&2 || true
    fi
  fi
  if ! pg_lsclusters -h 2>/dev/null | awk -v c="$cluster" '$2 == c { found = 1 } END { exit !found }'; then
    log "creating cluster $cluster on port $port"
    $SUDO pg_createcluster "$version" "$cluster" -p "$port" -- --auth-local=trust --auth-host=trust >&2
    # Settings the runtime relies on (see deploy/postgres/ once it exists): kill sessions idling inside a
    # transaction so a paused silo cannot hold a partition's share lock forever.
    $SUDO tee -a "/etc/postgresql/$version/$cluster/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
max_connections = 300
idle_in_transaction_session_timeout = '5s'
fsync = on
synchronous_commit = on
CONF
    $SUDO pg_ctlcluster "$version" "$cluster" start >&2
  fi
  for _ in $(seq 1 50); do ready && break; sleep 0.2; done
fi
ready || { log "PostgreSQL did not become ready on port $port"; exit 1; }
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
