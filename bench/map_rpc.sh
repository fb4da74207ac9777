#!/usr/bin/env bash
# Whole-RPC timing of MapService.RenderMap on real data: the Michigan adequacy map of issue #13
# (83 counties filled pass / fail for 040 acute inpatient hospitals, 3,017 tracts, the open
# general acute care HIFLD hospitals of Michigan as an inline roster, straight-line), drawn by
# the real carereach-server and asked for by the real CLI (`carereach map adequacy`), PNG and SVG
# alternating. A benchmark, not a test.
#
# Reported, medians of RUNS (default 20) after 3 untimed warm-up calls of each format:
#   analysis  the server's compute_ms (the adequacy analysis, RenderMapResponse.compute_ms)
#   drawing   the server's render_ms (projection, layers, encoding: RenderedMap.render_ms)
#   server    analysis + drawing (the RPC's server-side work, without the wire)
#   client    the whole CLI process: start, roster read (8,013 HIFLD rows filtered), the RPC,
#             the file written
#
# Usage: bench/map_rpc.sh
#   CAREREACH_DATA       data dir (default: ../shared/data relative to the repo root)
#   CAREREACH_BUILD_DIR  build dir with carereach_server and carereach (default: build)
#   RUNS                 timed calls of each format (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
export CAREREACH_DATA="${CAREREACH_DATA:-$(cd .. && pwd)/shared/data}"
build_dir="${CAREREACH_BUILD_DIR:-build}"
runs="${RUNS:-20}"
server_bin="$build_dir/server/carereach-server"
cli_bin="$build_dir/clients/cli/carereach"
for bin in "$server_bin" "$cli_bin"; do
  [ -x "$bin" ] || { echo "bench/map_rpc.sh: $bin missing (build carereach_server carereach)" >&2; exit 1; }
done

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2> /dev/null || true; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$server_bin" --listen=127.0.0.1:0 --port_file="$work/port" --data_dir="$CAREREACH_DATA" \
  --state_dir= 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 600); do [ -s "$work/port" ] && break; sleep 0.1; done
server="127.0.0.1:$(tr -d '\n ' < "$work/port")"

map() {  # FORMAT: one `map adequacy` call; prints "analysis_ms drawing_ms client_ms"
  local start end line
  start=$(date +%s%N)
  line=$("$cli_bin" --server "$server" --wait-seconds 120 map adequacy --region michigan \
    --facilities "$CAREREACH_DATA/facilities/hifld_hospitals.csv" --where STATE=MI \
    --where STATUS=OPEN --where "TYPE=GENERAL ACUTE CARE" --specialties 040 --specialty 040 \
    --out "$work/michigan.$1" 2> /dev/null | grep '^server')
  end=$(date +%s%N)
  # "server      analysis 7.8 ms, drawing 122 ms"
  echo "$line" | awk -v client="$(( (end - start) / 1000 ))" \
    '{print $3, $6, client / 1000}'
}

for _ in 1 2 3; do map png > /dev/null; map svg > /dev/null; done
: > "$work/png.txt"
: > "$work/svg.txt"
for _ in $(seq "$runs"); do
  map png >> "$work/png.txt"
  map svg >> "$work/svg.txt"
done

median() {  # COLUMN FILE
  cut -d' ' -f"$1" "$2" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
echo "Michigan adequacy map (040), whole RPC, medians of $runs; $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
printf '%-4s %12s %12s %12s %12s %10s\n' format analysis_ms drawing_ms server_ms client_ms bytes
for f in png svg; do
  awk '{print $1 + $2}' "$work/$f.txt" > "$work/$f.server"
  printf '%-4s %12s %12s %12s %12s %10s\n' "$f" "$(median 1 "$work/$f.txt")" \
    "$(median 2 "$work/$f.txt")" "$(median 1 "$work/$f.server")" "$(median 3 "$work/$f.txt")" \
    "$(stat -c %s "$work/michigan.$f")"
done
