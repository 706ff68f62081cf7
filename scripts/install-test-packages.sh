#!/usr/bin/env bash
# Installs the Debian packages the tests drive as real components, when they are missing:
#   chromium              the browser the console tests drive through Playwright (never a downloaded browser)
#   prometheus            promtool (checks /metrics) and the Prometheus server that scrapes a silo in a test
# PostgreSQL is installed and started by scripts/start-test-postgres.sh. Idempotent; needs root or sudo.
set -euo pipefail

log() { echo "install-test-packages: $*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else log "needs root (or sudo) to install packages"; exit 1; fi
fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)

if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
    $SUDO apt-get update -q >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  fi
fi
