#!/usr/bin/env bash
# PostgreSQL for the shared snapshot catalogue (KPI_CATALOGUE, DESIGN 11) in tests and a one-machine
# cluster: `bash scripts/postgres.sh start DIR PORT` creates a throw-away cluster in DIR/pgdata
# (initdb, trust for local connections only), starts it listening on 127.0.0.1:PORT only (its socket
# in DIR), creates the database `kpi` and prints its address
# postgresql://kpi@127.0.0.1:PORT/kpi on the last line; `bash scripts/postgres.sh stop DIR` stops it.
# Debian's postgresql package (bash scripts/setup.sh installs it when missing). initdb refuses root:
# run as root, the server runs as the `postgres` user (DIR is handed to it).
set -euo pipefail
cmd=${1:-}
dir=${2:-}
port=${3:-55432}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: bash scripts/postgres.sh start|stop DIR [PORT]" >&2
  exit 2
fi
bin=${PG_BIN:-}
if [ -z "$bin" ]; then
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bin=$candidate
  done
fi
if [ -z "$bin" ] && command -v initdb >/dev/null; then bin=$(dirname "$(command -v initdb)"); fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/pgdata"
as_owner() {  # run as the owner of the data directory: root hands it to `postgres`
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
  start)
    if [ -z "$bin" ]; then
      echo "PostgreSQL not found (Debian: apt-get install postgresql; bash scripts/setup.sh does it)" >&2
      exit 3
    fi
    if [ "$(id -u)" = "0" ]; then chown postgres "$dir"; fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$data" -U kpi --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { tail -20 "$dir/initdb.log" >&2; exit 1; }
    fi
    if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      echo "PostgreSQL already running in $data"
    else
      as_owner "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=${KPI_PG_FSYNC:-on}" start >/dev/null \
        || { tail -20 "$dir/postgres.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/psql" -h "$dir" -p "$port" -U kpi -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'kpi'" | grep -q 1; then
      as_owner "$bin/createdb" -h "$dir" -p "$port" -U kpi kpi
    fi
    echo "postgresql://kpi@127.0.0.1:$port/kpi"
    ;;
  stop)
    if [ -n "$bin" ] && [ -f "$data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: bash scripts/postgres.sh start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
