#!/usr/bin/env bash
# The store on SQLite and PostgreSQL side by side (bench/store_bench.cc), against a throwaway
# PostgreSQL 15 on loopback started and stopped here (tests/postgres/postgres.sh; fsync off, as
# for the tests: this measures the store's round trips and SQL, not the disk).
# Usage: bench/store_bench.sh [google benchmark flags], e.g. --benchmark_repetitions=5
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CAREREACH_BUILD_DIR:-build}
cmake --build "$build" --target store_bench >/dev/null
state=$(mktemp -d)
trap 'bash tests/postgres/postgres.sh stop "$state"; rm -rf "$state"' EXIT
bash tests/postgres/postgres.sh start "$state"
CAREREACH_BENCH_POSTGRES_URL=$(cat "$state/url") "$build/bench/store_bench" "$@"
