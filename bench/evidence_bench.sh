#!/usr/bin/env bash
# The Massachusetts seed scenario's adequacy question with exception evidence, timed through a
# real server: starts carereach-server from BUILD_DIR on a loopback port (its own state folder),
# imports the six alliance members (HIFLD open general acute care hospitals), asks `analyze
# adequacy` for 040 with the open Massachusetts hospitals as the supply, prints the md5 of the
# answer's CSV (100 supply providers listed per failing result: compare builds) and the server's
# `computed in` of RUNS calls (3 listed). A benchmark, not a test (docs/BENCHMARKS.md).
#   bench/evidence_bench.sh BUILD_DIR [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="$1"
runs="${2:-5}"
data="${CAREREACH_DATA:-$(cd .. && pwd)/shared/data}"
hospitals="$data/facilities/hifld_hospitals.csv"
work=$(mktemp -d)
"$build_dir/server/carereach-server" --listen=127.0.0.1:0 --port_file="$work/port" \
  --data_dir="$data" --state_dir="$work/state" > "$work/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2> /dev/null; wait $server_pid 2> /dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do [ -s "$work/port" ] && break; sleep 0.1; done
address="127.0.0.1:$(tr -d '\n ' < "$work/port")"
cli() { "$build_dir/clients/cli/carereach" --server "$address" --wait-seconds 120 --tenant mva "$@"; }
member() {
  cli network import "$1" --create --facilities "$hospitals" --where STATE=MA \
    --where STATUS=OPEN --where "TYPE=GENERAL ACUTE CARE" --where "NAME~$2" > /dev/null 2>&1
}
member cape-cod "CAPE COD HOSPITAL|FALMOUTH HOSPITAL"
member southcoast "SOUTHCOAST"
member berkshire "BERKSHIRE MED|FAIRVIEW HOSPITAL"
member lowell "LOWELL GENERAL"
member central "HEYWOOD|MILFORD REGIONAL"
member northeast "ANNA JAQUES|EMERSON HOSPITAL|WINCHESTER HOSPITAL|STURDY MEMORIAL"
ask() {
  cli analyze adequacy --region massachusetts --network cape-cod --network southcoast \
    --network berkshire --network lowell --network central --network northeast \
    --specialties 040 --supply-facilities "$hospitals" --supply-where STATE=MA \
    --supply-where STATUS=OPEN --supply-where "TYPE=GENERAL ACUTE CARE" "$@" 2> /dev/null
}
echo "answer md5: $(ask --evidence-providers 100 --format csv | md5sum | cut -d' ' -f1)"
for _ in $(seq 1 "$runs"); do ask --evidence-providers 3 | grep "computed in"; done
