#!/usr/bin/env bash
# Store size per stored network (docs/OPERATIONS.md, "Capacity plan"): starts carereach-server
# with an empty store, creates NETWORKS networks of ROWS roster rows each with the CLI (names and
# coordinates of real hospitals, specialty codes cycling over 10 CMS codes), stops the server,
# and prints the store's size: SQLite's carereach.db (+ its -wal, if any), or with
# CAREREACH_BENCH_ENGINE=postgres a throwaway PostgreSQL 15 (tests/postgres/postgres.sh) and the
# total size of the store's tables (pg_total_relation_size: rows, indexes, TOAST), after VACUUM.
#
#   [CAREREACH_BENCH_ENGINE=postgres] bench/store_size.sh SERVER CLI NETWORKS ROWS [DATA_DIR]
set -euo pipefail
server=${1:?usage: store_size.sh SERVER CLI NETWORKS ROWS [DATA_DIR]}
cli=${2:?}; networks=${3:?}; rows=${4:?}
data=${5:-${CAREREACH_DATA:-../shared/data}}
work=$(mktemp -d)
engine=${CAREREACH_BENCH_ENGINE:-sqlite}
repo=$(cd "$(dirname "$0")/.." && pwd)
store_flag=(--state_dir="$work/state")
if [ "$engine" = postgres ]; then
  mkdir "$work/pg"
  trap 'bash "$repo/tests/postgres/postgres.sh" stop "$work/pg" >/dev/null 2>&1; rm -rf "$work"' EXIT
  bash "$repo/tests/postgres/postgres.sh" start "$work/pg" >/dev/null
  store_flag=(--store="$(cat "$work/pg/url")")
else
  trap 'rm -rf "$work"' EXIT
fi

/usr/bin/python3 - "$data/facilities/hifld_hospitals.csv" "$rows" >"$work/roster.csv" <<'PY'
import csv, sys
codes = ["001", "002", "004", "007", "008", "011", "014", "016", "020", "040"]
with open(sys.argv[1], encoding="utf-8-sig") as f:
    facilities = [r for r in csv.DictReader(f) if r["STATUS"] == "OPEN"]
rows = int(sys.argv[2])
w = csv.writer(sys.stdout)
w.writerow(["id", "name", "specialty_code", "lon", "lat", "beds", "telehealth", "type"])
for i in range(rows):
    fac = facilities[i % len(facilities)]
    w.writerow([f"P{i:07d}", fac["NAME"], codes[i % len(codes)], fac["LONGITUDE"],
                fac["LATITUDE"], 0, "false", fac["TYPE"]])
PY

"$server" --listen=127.0.0.1:0 --port_file="$work/port" --data_dir="$data" \
  "${store_flag[@]}" --road_hierarchy=false >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do [ -s "$work/port" ] && grep -q ": SERVING$" "$work/server.log" && break; sleep 0.2; done
port=$(cat "$work/port")
start=$SECONDS
for i in $(seq 1 "$networks"); do
  "$cli" --server "127.0.0.1:$port" --wait-seconds 30 --tenant bench network create "net-$i" --name "Network $i" \
    --note "store size bench" --roster "$work/roster.csv" >/dev/null 2>"$work/cli.err" \
    || { cat "$work/cli.err"; kill "$pid"; exit 1; }
done
kill -TERM "$pid"; wait "$pid" || true
if [ "$engine" = postgres ]; then
  url=$(cat "$work/pg/url")
  psql -q "$url" -c "VACUUM ANALYZE" >/dev/null
  bytes=$(psql -At "$url" -c "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r'")
  printf 'networks %d x rows %d: PostgreSQL tables %d bytes; %.1f bytes per row; %d s\n' \
    "$networks" "$rows" "$bytes" "$(echo "$bytes / ($networks * $rows)" | bc -l)" \
    $((SECONDS - start))
  exit 0
fi
db=$(stat -c %s "$work/state/carereach.db")
wal=$(stat -c %s "$work/state/carereach.db-wal" 2>/dev/null || echo 0)
printf 'networks %d x rows %d: carereach.db %d bytes, -wal %d bytes; %.1f bytes per row; %d s\n' \
  "$networks" "$rows" "$db" "$wal" "$(echo "($db + $wal) / ($networks * $rows)" | bc -l)" \
  $((SECONDS - start))
