#!/usr/bin/env bash
# Store size per stored network (docs/OPERATIONS.md, "Capacity plan"): starts carereach-server
# with an empty SQLite store, creates NETWORKS networks of ROWS roster rows each with the CLI
# (names and coordinates of real hospitals, specialty codes cycling over 10 CMS codes), stops
# the server, and prints the size of carereach.db (+ its -wal, if any).
#
#   bench/store_size.sh SERVER CLI NETWORKS ROWS [DATA_DIR]
set -euo pipefail
server=${1:?usage: store_size.sh SERVER CLI NETWORKS ROWS [DATA_DIR]}
cli=${2:?}; networks=${3:?}; rows=${4:?}
data=${5:-${CAREREACH_DATA:-../shared/data}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

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
  --state_dir="$work/state" --road_hierarchy=false >"$work/server.log" 2>&1 &
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
db=$(stat -c %s "$work/state/carereach.db")
wal=$(stat -c %s "$work/state/carereach.db-wal" 2>/dev/null || echo 0)
printf 'networks %d x rows %d: carereach.db %d bytes, -wal %d bytes; %.1f bytes per row; %d s\n' \
  "$networks" "$rows" "$db" "$wal" "$(echo "($db + $wal) / ($networks * $rows)" | bc -l)" \
  $((SECONDS - start))
