#!/usr/bin/env bash
set -euo pipefail
bin=$(echo /usr/lib/postgresql/*/bin)
data=/var/lib/postgresql/data
mkdir -p "$data" /run/postgresql && chown postgres:postgres "$data" /run/postgresql && chmod 700 "$data"
as_postgres() { runuser -u postgres -- "$@"; }
if [ ! -s "$data/PG_VERSION" ]; then
  printf '%s' "$POSTGRES_PASSWORD" >/tmp/pw && chown postgres /tmp/pw
  as_postgres "$bin/initdb" -D "$data" -U "$POSTGRES_USER" --pwfile=/tmp/pw \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm /tmp/pw
  echo "host all all all scram-sha-256" >>"$data/pg_hba.conf"
  # Set up on a private socket, so that the health check only passes once the real server listens.
  as_postgres "$bin/pg_ctl" -D "$data" -w -o "-c listen_addresses= -c unix_socket_directories=/tmp" start
  as_postgres psql -h /tmp -U "$POSTGRES_USER" -d postgres -qc "CREATE DATABASE \"$POSTGRES_DB\""
  as_postgres "$bin/pg_ctl" -D "$data" -w stop
fi
exec runuser -u postgres -- "$bin/postgres" -D "$data" -c listen_addresses='*'
