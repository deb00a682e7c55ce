#!/usr/bin/env bash
# Run a command with a throw-away PostgreSQL server (Debian's postgresql package) on 127.0.0.1 and
# YUNNAN_PLAN_TEST_PG_URL pointing at a fresh database on it; the server is stopped and its folder removed on
# exit, whatever the command's outcome. Used by .ci/run: `bash tools/with_postgres.sh python -m pytest -q`.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y postgresql >/dev/null || { apt-get update >/dev/null && apt-get install -y postgresql >/dev/null; }
  else
    sudo apt-get install -y postgresql >/dev/null
  fi
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDIR=$(mktemp -d /tmp/yunnan-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDIR"; fi
stop() {
  as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap stop EXIT INT TERM
as_pg "$BIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -w -l "$PGDIR/server.log" \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -k $PGDIR -c fsync=off" start >/dev/null
as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres yunnan_plan_test
export YUNNAN_PLAN_TEST_PG_URL="postgresql://postgres@127.0.0.1:$PORT/yunnan_plan_test"
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($YUNNAN_PLAN_TEST_PG_URL)"
"$@"
