#!/usr/bin/env bash
# Install (Debian, as root) and start the services the full test suite uses (PostgreSQL, Redis,
# Chromium for the browser tests, docker-compose for the deployment test), then print the
# variables that point the tests at them. Usage: eval "$(scripts/start-test-services.sh)"
set -euo pipefail

log() { printf 'services: %s\n' "$*" >&2; }

missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium) # browser tests (Playwright drives it)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose) # the compose deployment test
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
fi

# PostgreSQL: Debian's cluster tools, no systemd needed.
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
pg_lsclusters -h | awk '{print $2}' | grep -qx main || pg_createcluster "$version" main >&2
pg_ctlcluster "$version" main status >/dev/null 2>&1 || pg_ctlcluster "$version" main start >&2
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; }
[ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='dli'")" = 1 ] ||
  psql_admin "CREATE ROLE dli LOGIN PASSWORD 'dli'" >&2
[ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='dli_test'")" = 1 ] ||
  psql_admin "CREATE DATABASE dli_test OWNER dli" >&2
log "PostgreSQL $version is up"
echo "export DLI_TEST_DATABASE_URL=postgresql+psycopg://dli:dli@127.0.0.1:5432/dli_test"

# Redis, for the Celery queue tests: in-memory only.
if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --port 6379 --bind 127.0.0.1 --save "" --appendonly no >&2
  for _ in $(seq 1 30); do
    redis-cli -p 6379 ping >/dev/null 2>&1 && break
    sleep 0.2
  done
fi
log "Redis is up"
echo "export DLI_TEST_REDIS_URL=redis://127.0.0.1:6379/7"
