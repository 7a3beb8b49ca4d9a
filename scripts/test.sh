#!/usr/bin/env bash
# Lint, type checks, then the whole suite on SQLite and again on PostgreSQL.
#
# PostgreSQL: KHAOS_SYNC_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres)
# names a server where a fresh database is created for the run and dropped after.
# Without a reachable server the PostgreSQL run is skipped with a notice, unless
# REQUIRE_POSTGRES=1 (as in CI), which makes it an error.
#
# Redis (KHAOS_SYNC_TEST_REDIS, default redis://127.0.0.1:6379/0) and moto's S3 server
# (started by the tests) are used where present; REQUIRE_REDIS=1 / REQUIRE_S3=1 (as in CI)
# turn a missing one from a skip into a failure.
#
# The suite runs in parallel with pytest-xdist, one process per core (TEST_WORKERS=N to
# choose, TEST_WORKERS=0 for one process); each process has its own test database.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
export PATH="$PWD/$BIN:$PATH"
PARALLEL=(-n "${TEST_WORKERS:-auto}" --dist loadgroup)

echo "== ruff"
ruff check src tests benchmarks
ruff format --check src tests benchmarks
echo "== import layers"
lint-imports
echo "== mypy"
mypy src/khaos_sync

echo "== tests on SQLite"
env -u DATABASE_URL python -m pytest "${PARALLEL[@]}" "$@"

ADMIN_URL=${KHAOS_SYNC_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}
if ! python scripts/pgdb.py ping "$ADMIN_URL" 2>/dev/null; then
  if [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "PostgreSQL is required but not reachable at $ADMIN_URL" >&2
    exit 1
  fi
  echo "== PostgreSQL not reachable at $ADMIN_URL: PostgreSQL run skipped"
  exit 0
fi
DB="khaos_sync_test_$(date +%s)_$$"
python scripts/pgdb.py create "$ADMIN_URL" "$DB"
trap 'python scripts/pgdb.py drop "$ADMIN_URL" "$DB"' EXIT
echo "== tests on PostgreSQL ($DB)"
DATABASE_URL="${ADMIN_URL%/*}/$DB" python -m pytest "${PARALLEL[@]}" --create-db "$@"
