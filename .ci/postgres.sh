#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the record-store tests and exports
# RISKGATE_TEST_POSTGRES_URL. Sourced by .ci/run. Without PostgreSQL (and no way to install it),
# the PostgreSQL tests are skipped and the H2 ones still run.
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin)" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing PostgreSQL from Debian's packages for the record-store tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || true
fi
PGBIN=$(pg_bin)
if [ -z "$PGBIN" ]; then
  echo "PostgreSQL is not available: the PostgreSQL record-store tests will be skipped"
  return 0 2>/dev/null || exit 0
fi
PGDIR=$(mktemp -d /tmp/riskgate-pg.XXXXXX)
PGPORT=${RISKGATE_TEST_POSTGRES_PORT:-54329}
chown postgres "$PGDIR" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if as_pg "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres >/dev/null \
   && as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1" -l "$PGDIR/log" -w start >/dev/null \
   && as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres riskgate_test; then
  export RISKGATE_TEST_POSTGRES_URL="jdbc:postgresql://127.0.0.1:$PGPORT/riskgate_test?user=postgres"
  trap 'as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1; rm -rf "$PGDIR"' EXIT
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') started for the tests on 127.0.0.1:$PGPORT"
else
  echo "PostgreSQL could not be started (see $PGDIR/log): the PostgreSQL record-store tests will be skipped"
fi
