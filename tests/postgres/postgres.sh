#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests: `postgres.sh start STATE_DIR` runs initdb in a
# new temporary folder and starts the server on a free loopback port (trust authentication, no
# network beyond 127.0.0.1), then writes its connection URL to STATE_DIR/url;
# `postgres.sh stop STATE_DIR` stops it and removes the folder. CTest runs them as the fixture
# `postgres` (tests/CMakeLists.txt) around every test that needs a server; scripts/test therefore
# starts and stops it. Debian's postgresql-15 package provides the binaries (scripts/setup).
# As root, the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail

action=${1:?usage: postgres.sh start|stop STATE_DIR}
state=${2:?usage: postgres.sh start|stop STATE_DIR}
bin=${CAREREACH_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: no PostgreSQL server binaries (install postgresql-15: scripts/setup)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$state/pgdata_dir" ] || return 0
  local dir
  dir=$(cat "$state/pgdata_dir")
  if [ -d "$dir/data" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  rm -f "$state/pgdata_dir" "$state/url"
}

case "$action" in
  start)
    mkdir -p "$state"
    stop  # a server left by an interrupted run
    dir=$(mktemp -d /tmp/carereach-pg.XXXXXX)
    echo "$dir" >"$state/pgdata_dir"
    chmod 755 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    for attempt in $(seq 1 20); do
      port=$((20000 + RANDOM % 20000))
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi  # in use
      if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
           -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" \
           start >/dev/null; then
        echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$state/url"
        echo "postgres.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
        exit 0
      fi
    done
    cat "$dir/server.log" >&2 || true
    echo "postgres.sh: could not start PostgreSQL on a free port" >&2
    exit 1
    ;;
  stop) stop ;;
  *) echo "usage: postgres.sh start|stop STATE_DIR" >&2; exit 2 ;;
esac
