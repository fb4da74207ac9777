#!/usr/bin/env bash
# Memory of carereach-server per loaded region: starts the server with one region at a time
# (docs/OPERATIONS.md, "Capacity plan") and prints VmRSS and VmHWM (/proc/PID/status) once the
# region's roads are ready, first with an empty road cache (import) and then from the cache, and
# for the same region without roads (the baseline). Also the whole default config.
#
#   bench/region_rss.sh build-cc/server/carereach-server [DATA_DIR]
#   STATE_PBF=/work/synth/state.osm.pbf bench/region_rss.sh ...
# With STATE_PBF (e.g. the synthetic state network of bench/synthetic.sh), also one region on that
# file (state_fips 26): with a time-only hierarchy contracted with lazy priorities (as
# deploy/k8s/region-michigan.yaml runs it), with one contracted with exact priorities, and without
# one (--road_hierarchy=false); the first import contracts for minutes. STATE_RUNS picks some of
# them (lazy, exact, none; default all three).
set -euo pipefail
server=${1:?usage: region_rss.sh SERVER [DATA_DIR]}
data=${2:-${CAREREACH_DATA:-../shared/data}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
header=$(sed -n '/^default_population_file/,/^}/p' deploy/regions.textproto)

# run NAME CONFIG CACHE_DIR WAIT_REGEX [COUNT]: waits for COUNT (1) log lines matching; prints "NAME rss_kib hwm_kib seconds".
run() {
  local name=$1 config=$2 cache=$3 wait=$4 log="$work/$1.log"
  local start=$SECONDS
  "$server" --listen=127.0.0.1:0 --port_file="$work/port" --data_dir="${run_data:-$data}" \
    --regions="$config" --road_cache_dir="$cache" --state_dir= ${run_flags:-} >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 3000); do
    if [ "$(grep -cE "$wait" "$log" || true)" -ge "${5:-1}" ]; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "$name: server exited"; cat "$log"; return 1; fi
    sleep 0.2
  done
  sleep 1
  local rss hwm
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  printf '%-28s VmRSS %7.1f MiB  VmHWM %7.1f MiB  (%d s)\n' "$name" \
    "$(echo "$rss/1024" | bc -l)" "$(echo "$hwm/1024" | bc -l)" $((SECONDS - start))
}

for region in honolulu imperial yuba; do
  block=$(awk -v r="$region" '/^region \{/ {b=""; keep=0} /^region \{/,/^\}/ {b=b $0 "\n"; if ($0 ~ "name: \"" r "\"") keep=1; if ($0 == "}" && keep) printf "%s", b}' deploy/regions.textproto)
  printf '%s\n%s\n' "$header" "$block" >"$work/$region.textproto"
  grep -v roads_file "$work/$region.textproto" >"$work/$region-noroads.textproto"
  run "$region (no roads)" "$work/$region-noroads.textproto" "" "SERVING"
  mkdir -p "$work/cache-$region"
  run "$region (import)" "$work/$region.textproto" "$work/cache-$region" "road network (ready|FAILED)"
  run "$region (from cache)" "$work/$region.textproto" "$work/cache-$region" "road network (ready|FAILED)"
done
mkdir -p "$work/cache-all"
run "default config (import)" deploy/regions.textproto "$work/cache-all" "road network (ready|FAILED)" 3
run "default config (cache)" deploy/regions.textproto "$work/cache-all" "road network (ready|FAILED)" 3

if [ -n "${STATE_PBF:-}" ]; then
  run_data="$work/state-data"
  mkdir -p "$run_data/roads"
  for d in census counties cms; do ln -s "$(realpath "$data/$d")" "$run_data/$d"; done
  ln -s "$(realpath "$STATE_PBF")" "$run_data/roads/state.osm.pbf"
  printf '%s\nregion {\n  name: "state"\n  state_fips: "26"\n  roads_file: "roads/state.osm.pbf"\n}\n' \
    "$header" >"$work/state.textproto"
  for state_run in ${STATE_RUNS:-lazy exact none}; do
    case $state_run in
      lazy) run_flags="--road_hierarchy_metrics=time --road_hierarchy_lazy_priorities" ;;
      exact) run_flags=--road_hierarchy_metrics=time ;;
      none) run_flags=--road_hierarchy=false ;;
      *) echo "STATE_RUNS: unknown run $state_run (lazy, exact, none)" >&2; exit 2 ;;
    esac
    rm -rf "$work/cache-state" && mkdir -p "$work/cache-state"
    run "state, $state_run (import)" "$work/state.textproto" "$work/cache-state" "road network (ready|FAILED)"
    run "state, $state_run (from cache)" "$work/state.textproto" "$work/cache-state" "road network (ready|FAILED)"
  done
fi
