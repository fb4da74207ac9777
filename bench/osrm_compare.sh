#!/usr/bin/env bash
# Side-by-side: carereach vs OSRM v6 (contraction hierarchies), same machine, same O'ahu extract
# (roads/honolulu-county-hi-2016.osm.pbf), one run. A benchmark, not a test.
#
# Measured (medians of RUNS, default 20, or PREP_RUNS, default 5; the two sides alternating
# A B A B):
# * preprocessing: carereach's contraction hierarchy build (bench/hierarchy_bench FILE 1, its
#   "build" line) and its whole import from a cold graph cache (the whole hierarchy_bench
#   process: start, PBF -> graph, graph cache file written, hierarchy built), against
#   osrm-extract (stock profiles/car.lua) + osrm-contract, each a whole process.
# * matrix: 100 x 100 drive matrix over the first 100 Honolulu County tract centres by GEOID
#   (census/CenPop2020_Mean_TR.txt, STATEFP 15, COUNTYFP 003), origins = destinations:
#   carereach ComputeMatrix (streamed rows, max_minutes 1440) against OSRM /table/v1/driving
#   with annotations=duration,distance.
# * coverage: the 330 Honolulu tracts -> nearest of the 20 open HIFLD hospitals of county 15003
#   (STATUS=OPEN, COUNTYFIPS=15003), 10/20/30/60 minutes: one carereach ComputeCoverage RPC
#   against one OSRM /table call (sources = tracts, destinations = hospitals,
#   annotations=duration) plus, in the client, the minimum per tract and the covered population
#   per threshold.
# Queries go through bench/compare_client.cc (carereach-compare-client): one process, one gRPC
# channel and one kept-alive HTTP/1.1 connection (TCP_NODELAY) opened before 3 untimed warm-up
# rounds; each timing is the whole round trip, from the request going out to the answer decoded
# into numbers in the client (protobuf rows on one side, the JSON arrays parsed on the other,
# with a small hand-written parser of OSRM's number arrays).
#
# Usage: bench/osrm_compare.sh       (as root, or with sudo for apt-get on the first run)
#   CAREREACH_DATA       data dir (default: ../shared/data relative to the repo root)
#   CAREREACH_BUILD_DIR  carereach build dir (default: build); needs the targets
#                        carereach_server, carereach, hierarchy_bench, carereach_compare_client
#   RUNS                 timed repetitions of each query (default 20)
#   PREP_RUNS            timed repetitions of each side's preprocessing (default 5: one OSRM
#                        extract + contract of O'ahu takes ~45 s here)
#   CAREREACH_OSRM_DIR   where OSRM is built once and kept (default ~/.cache/carereach-osrm)
#   CAREREACH_OSRM_SRC   OSRM source: a git dir (bare or not) holding tag v6.0.0, a source dir
#                        or a source tarball; default: git clone --depth 1 --branch v6.0.0
#                        https://github.com/Project-OSRM/osrm-backend
#   OSRM_JOBS            parallel jobs of the one-time OSRM build (default: nproc); the build
#                        runs under nice -n 10
#   KEEP_WORK=1          keep the temp dir (OSRM files, logs) for debugging
#   OSRM_BUILD_ONLY=1    build OSRM into the cache if needed, then stop
#
# OSRM build: v6.0.0, CMake Release, -DENABLE_LTO=OFF (the upstream default is ON: LTO links
# take much longer and more memory on a 2-core machine; OSRM's own release binaries may be a few
# percent faster than these), -DENABLE_ASSERTIONS=OFF, -DENABLE_NODE_BINDINGS=OFF, ccache when
# present; only osrm-extract, osrm-contract and osrm-routed are built. One patch (appended to
# its CMakeLists.txt by this script): with Debian 12's g++ 12, a few files stop on false
# -Warray-bounds or -Wuninitialized warnings under OSRM's -Werror; those files are built with
# -Wno-error (same code, same optimisation); and Boost 1.74's asio/awaitable.hpp lacks
# #include <utility> under C++20, so the four HTTP-server files that include it get
# -include utility. Another compiler may stop on other files: add them to the lists in
# build_osrm below.
#
# THE TWO SIDES DO NOT ANSWER EXACTLY THE SAME QUESTION. Known differences:
# * Model. carereach: node-based graph, travel time = length / speed per edge, no turn costs.
#   OSRM car.lua: edge-based graph (turns are edges), turn penalties (up to 7.5 s by angle,
#   u-turns +20 s), traffic-signal penalty, turn restrictions honoured, and its routes minimise
#   the 'routability' weight (duration plus access/side-road penalties), reporting that route's
#   duration and distance. Base speeds agree (deploy/profiles/car.csv follows car.lua's default
#   speeds: motorway 90, primary 65, residential 25, service 15 km/h, maxspeed x 0.8), but
#   car.lua also lowers speeds for surface, smoothness and narrow ways and excludes ways by
#   access tags differently. So the minutes differ, and so does covered population: the script
#   prints both answers and the median ratio of the minutes over the matrix cells.
# * Snapping. carereach: nearest point on a road segment of the largest strongly connected
#   component within max_snap_meters (1000 m), the off-road leg counted at 10 mph. OSRM: nearest
#   segment (of a big component), no distance limit, off-road leg not counted; for coverage the
#   client treats tracts and hospitals OSRM snapped from farther than 1000 m as unsnapped (as
#   carereach does), using the snap distance OSRM reports per waypoint.
# * Bounds. carereach's matrix searches stop at max_minutes (1440 here, beyond any O'ahu
#   trip); OSRM's table is unbounded. carereach's coverage needs each tract's time only up to
#   the largest threshold (60 min) and may bound its searches there; OSRM computes every
#   tract-hospital pair in full.
# * Direction. Both: tract -> hospital for coverage, origin -> destination for the matrix.
# * Work per call. OSRM's table is a generic many-to-many; the coverage answer (minimum per row,
#   thresholds) is computed in our client and counted in its time. carereach's ComputeCoverage
#   also aggregates per county and returns per-threshold shares (no per-unit detail here).
# * Transport. carereach: gRPC (HTTP/2, protobuf), matrix rows streamed. OSRM: HTTP/1.1 GET,
#   JSON, coordinates in the URL (the coverage URL is ~8 KB). osrm-routed runs with
#   --max-table-size 1000 (default 100 would refuse the 350-point coverage table) and
#   --keepalive-timeout 60; both servers use their default thread counts (2 on this machine).
# * Preprocessing. osrm-extract parses the PBF and runs the Lua profile on every way; carereach's
#   import parses the PBF with its CSV profile. carereach's "build" figure excludes the import
#   (graph read from its cache); the "whole import" figure includes process start, PBF parsing,
#   writing the graph cache file and the hierarchy build. OSRM's figures are whole processes (osrm-extract
#   and osrm-contract each write their files to disk). Both use both cores.
# * Medians on a shared 2-core machine are noisy; the A B A B order spreads background load over
#   both sides.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
data_dir="${CAREREACH_DATA:-$repo_root/../shared/data}"
build_dir="${CAREREACH_BUILD_DIR:-build}"
[[ "$build_dir" = /* ]] || build_dir="$repo_root/$build_dir"
runs="${RUNS:-20}"
prep_runs="${PREP_RUNS:-5}"

pbf="$data_dir/roads/honolulu-county-hi-2016.osm.pbf"
hifld="$data_dir/facilities/hifld_hospitals.csv"
census="$data_dir/census/CenPop2020_Mean_TR.txt"
for f in "$pbf" "$hifld" "$census"; do
  if [[ ! -r "$f" ]]; then
    echo "osrm_compare: missing input $f (set CAREREACH_DATA)" >&2
    exit 1
  fi
done
data_dir="$(cd "$data_dir" && pwd)"
server_bin="$build_dir/server/carereach-server"
cli_bin="$build_dir/clients/cli/carereach"
hierarchy_bin="$build_dir/bench/hierarchy_bench"
client_bin="$build_dir/bench/carereach-compare-client"
for b in "$server_bin" "$cli_bin" "$hierarchy_bin" "$client_bin"; do
  if [[ ! -x "$b" ]]; then
    echo "osrm_compare: $b is not built (cmake --build $build_dir --target carereach_server" \
      "carereach hierarchy_bench carereach_compare_client; or set CAREREACH_BUILD_DIR)" >&2
    exit 1
  fi
done

say() { printf '== %s\n' "$*"; }
now_ms() { date +%s%3N; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
  if (NR % 2) printf "%.2f", v[(NR+1)/2]; else printf "%.2f", (v[NR/2]+v[NR/2+1])/2 }'; }

# ---------------------------------------------------------------------------------------------
# 1. OSRM v6, built once into the cache.
osrm_tag=v6.0.0
osrm_cache="${CAREREACH_OSRM_DIR:-$HOME/.cache/carereach-osrm}"
osrm_prefix="$osrm_cache/$osrm_tag"
osrm_bin="$osrm_prefix/bin"
osrm_packages=(build-essential cmake pkg-config libbz2-dev libxml2-dev libzip-dev
  libboost-date-time-dev libboost-iostreams-dev libboost-program-options-dev
  libboost-thread-dev libboost-test-dev libboost-filesystem-dev libtbb-dev lua5.4 liblua5.4-dev
  libexpat1-dev zlib1g-dev git curl)
build_osrm() {
  local missing=() p
  for p in "${osrm_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    local sudo=""
    [[ $EUID -eq 0 ]] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null; then
      $sudo apt-get update -qq
      $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
    fi
  fi
  local src="$osrm_cache/src-$osrm_tag" bld="$osrm_cache/build-$osrm_tag"
  mkdir -p "$osrm_cache"
  if [[ ! -f "$src/CMakeLists.txt" ]]; then
    rm -rf "$src"
    mkdir -p "$src"
    local from="${CAREREACH_OSRM_SRC:-}"
    if [[ -z "$from" ]]; then
      say "cloning Project-OSRM/osrm-backend $osrm_tag"
      git clone -q --depth 1 --branch "$osrm_tag" https://github.com/Project-OSRM/osrm-backend \
        "$osrm_cache/clone-$osrm_tag"
      from="$osrm_cache/clone-$osrm_tag"
    fi
    if [[ -d "$from" ]] && git --git-dir="$from" rev-parse -q --verify "$osrm_tag^{commit}" \
      > /dev/null 2>&1; then
      say "source: git archive $osrm_tag from $from"
      git --git-dir="$from" archive "$osrm_tag" | tar -x -C "$src"
    elif [[ -d "$from/.git" ]]; then
      say "source: git archive $osrm_tag from $from/.git"
      git -C "$from" archive "$osrm_tag" | tar -x -C "$src"
    elif [[ -f "$from/CMakeLists.txt" ]]; then
      say "source: copy of the source tree $from (taken to be $osrm_tag)"
      cp -a "$from/." "$src/"
    elif [[ -f "$from" ]]; then
      say "source: tarball $from (taken to be $osrm_tag)"
      tar -xf "$from" -C "$src" --strip-components=1
    else
      echo "osrm_compare: CAREREACH_OSRM_SRC=$from is neither a git dir, a source dir nor a" \
        "tarball" >&2
      exit 1
    fi
    rm -rf "$osrm_cache/clone-$osrm_tag"
  fi
  # The one patch: OSRM adds -Werror to every file (cmake/warnings.cmake, after
  # CMAKE_CXX_FLAGS, so -Wno-error there does not help), and g++ 12 reports false
  # -Warray-bounds / -Wuninitialized warnings in a few files (third_party/sol2's sol.hpp
  # lua_getfield(L, tableindex, &key[0]); std::copy of guidance NamedSegment arrays; a
  # boost::function copy in the API parameter grammar): those files alone are built with
  # -Wno-error. And Boost 1.74's asio/awaitable.hpp misses #include <utility> in C++20: the four
  # files of the HTTP server that include it are built with -include utility.
  if ! grep -q 'carereach osrm_compare.sh' "$src/CMakeLists.txt"; then
    cat >> "$src/CMakeLists.txt" << 'CMAKE'
# Added by carereach osrm_compare.sh: g++ 12 false warnings under -Werror.
set_source_files_properties(src/extractor/scripting_environment_lua.cpp
                            src/server/api/parameters_parser.cpp
                            src/engine/plugins/match.cpp
                            src/engine/plugins/trip.cpp
                            src/engine/plugins/viaroute.cpp
                            PROPERTIES COMPILE_OPTIONS "-Wno-error")
# Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility> (C++20, g++ 12).
set_source_files_properties(src/server/connection.cpp src/server/http/reply.cpp
                            src/server/request_parser.cpp src/tools/routed.cpp
                            PROPERTIES COMPILE_OPTIONS "-include;utility")
CMAKE
  fi
  local launcher=()
  if command -v ccache > /dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  fi
  say "building OSRM $osrm_tag in $bld (Release, niced, -j${OSRM_JOBS:-$(nproc)}; tens of minutes" \
    "the first time)"
  cmake -S "$src" -B "$bld" -DCMAKE_BUILD_TYPE=Release -DENABLE_LTO=OFF \
    -DENABLE_ASSERTIONS=OFF -DENABLE_NODE_BINDINGS=OFF -DENABLE_CCACHE=OFF -DBUILD_TESTING=OFF \
    -DCMAKE_CXX_FLAGS="-Wno-error" "${launcher[@]}" > "$osrm_cache/cmake.log" 2>&1 || {
    tail -n 40 "$osrm_cache/cmake.log" >&2
    exit 1
  }
  nice -n 10 cmake --build "$bld" -j"${OSRM_JOBS:-$(nproc)}" \
    --target osrm-extract osrm-contract osrm-routed > "$osrm_cache/build.log" 2>&1 || {
    grep -m 20 -E 'error|Error' "$osrm_cache/build.log" >&2
    tail -n 20 "$osrm_cache/build.log" >&2
    exit 1
  }
  mkdir -p "$osrm_bin" "$osrm_prefix/profiles"
  cp "$bld/osrm-extract" "$bld/osrm-contract" "$bld/osrm-routed" "$osrm_bin/"
  cp -a "$src/profiles/." "$osrm_prefix/profiles/"
  echo "$osrm_tag" > "$osrm_prefix/STAMP"
}
if [[ ! -f "$osrm_prefix/STAMP" || ! -x "$osrm_bin/osrm-routed" ]]; then
  build_osrm
fi
[[ "${OSRM_BUILD_ONLY:-0}" != 1 ]] || exit 0
osrm_version="$("$osrm_bin/osrm-routed" --version 2> /dev/null | tail -n 1 || echo "$osrm_tag")"

# ---------------------------------------------------------------------------------------------
# 2. Work dir, servers' cleanup.
work="$(mktemp -d -t carereach-osrm.XXXXXX)"
cr_pid=""
osrm_pid=""
stop_pid() {
  if [[ -n "$1" ]] && kill -0 "$1" 2> /dev/null; then
    kill -TERM "$1" 2> /dev/null || true
    wait "$1" 2> /dev/null || true
  fi
}
cleanup() {
  local rc=$?
  stop_pid "$cr_pid"
  stop_pid "$osrm_pid"
  if [[ "${KEEP_WORK:-0}" = 1 ]]; then
    echo "KEEP_WORK=1: work dir left in place: $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs a command with its output in $work/NAME.log; on failure shows the log's tail and stops.
logged() {
  local name="$1"
  shift
  if ! "$@" > "$work/$name.log" 2>&1; then
    echo "osrm_compare: '$name' failed; last lines of its log:" >&2
    tail -n 40 "$work/$name.log" >&2
    exit 1
  fi
}
port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# Inputs of the client: tracts of county 15003 by GEOID, open hospitals of county 15003.
tracts="$work/tracts.tsv"
hospitals="$work/hospitals.tsv"
awk -F, 'NR > 1 { sub(/\r$/, "") } NR > 1 && $1 == "15" && $2 == "003" {
  printf "%s%s%s\t%.6f\t%.6f\t%d\n", $1, $2, $3, $6 + 0, $5 + 0, $4 }' "$census" |
  sort -k1,1 > "$tracts"
python3 - "$hifld" > "$hospitals" << 'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    for row in csv.DictReader(f):
        if row["STATUS"] == "OPEN" and row["COUNTYFIPS"] == "15003":
            print(f'{row["ID"]}\t{float(row["LONGITUDE"]):.6f}\t{float(row["LATITUDE"]):.6f}')
PY
n_tracts=$(wc -l < "$tracts")
n_hospitals=$(wc -l < "$hospitals")
say "$n_tracts Honolulu County tracts (population $(awk -F'\t' '{s += $4} END {print s}' \
  "$tracts")), $n_hospitals open hospitals"

# ---------------------------------------------------------------------------------------------
# 3. Preprocessing, A B A B: carereach hierarchy (cold graph cache each run), then OSRM
# extract + contract.
say "preprocessing, $prep_runs runs each, alternating"
cp "$pbf" "$work/oahu.osm.pbf"
cr_build_s=()
cr_import_ms=()
osrm_extract_ms=()
osrm_contract_ms=()
osrm_prep_ms=()
for i in $(seq 1 "$prep_runs"); do
  rm -rf "$work/hcache"
  mkdir -p "$work/hcache"
  t0=$(now_ms)
  TMPDIR="$work/hcache" logged hierarchy_bench "$hierarchy_bin" "$pbf" 1
  t1=$(now_ms)
  cr_import_ms+=($((t1 - t0)))
  cr_build_s+=("$(sed -n 's/^build 1: \([0-9.]*\) s.*/\1/p' "$work/hierarchy_bench.log")")

  rm -f "$work"/oahu.osrm*
  t0=$(now_ms)
  logged osrm-extract "$osrm_bin/osrm-extract" -p "$osrm_prefix/profiles/car.lua" \
    "$work/oahu.osm.pbf"
  t1=$(now_ms)
  logged osrm-contract "$osrm_bin/osrm-contract" "$work/oahu.osrm"
  t2=$(now_ms)
  osrm_extract_ms+=($((t1 - t0)))
  osrm_contract_ms+=($((t2 - t1)))
  osrm_prep_ms+=($((t2 - t0)))
  printf '   run %2d: carereach build %s s, whole import %s ms | OSRM extract %s ms + contract' \
    "$i" "${cr_build_s[-1]}" "${cr_import_ms[-1]}" "${osrm_extract_ms[-1]}"
  printf ' %s ms\n' "${osrm_contract_ms[-1]}"
done
graph_line="$(grep -m1 '^graph:' "$work/hierarchy_bench.log" || true)"
hier_line="$(grep -m1 '^build 1:' "$work/hierarchy_bench.log" | sed 's/^build 1: [0-9.]* s; //')"
osrm_edges="$(sed -n 's/.*merged [0-9]* edges out of \([0-9]*\).*/\1/p' "$work/osrm-contract.log" |
  head -n 1)"
osrm_graph="edge-expanded graph ${osrm_edges:-?} edges"
cr_build_ms=()
for s in "${cr_build_s[@]}"; do cr_build_ms+=("$(awk -v s="$s" 'BEGIN {printf "%.1f", s * 1000}')"); done
m_cr_build="$(median "${cr_build_ms[@]}")"
m_cr_import="$(median "${cr_import_ms[@]}")"
m_osrm_extract="$(median "${osrm_extract_ms[@]}")"
m_osrm_contract="$(median "${osrm_contract_ms[@]}")"
m_osrm_prep="$(median "${osrm_prep_ms[@]}")"

# ---------------------------------------------------------------------------------------------
# 4. Servers. osrm-routed on a free loopback port; carereach-server on port 0 (--port_file)
# with only the honolulu region (the other regions' road networks would load beside it).
say "starting osrm-routed --algorithm ch"
osrm_port=""
for _ in $(seq 1 20); do
  candidate=$((20000 + RANDOM % 30000))
  port_in_use "$candidate" && continue
  t0=$(now_ms)
  "$osrm_bin/osrm-routed" --algorithm ch --ip 127.0.0.1 --port "$candidate" \
    --max-table-size 1000 --keepalive-timeout 60 "$work/oahu.osrm" > "$work/osrm-routed.log" 2>&1 &
  osrm_pid=$!
  for _ in $(seq 1 600); do
    grep -q 'running and waiting for requests' "$work/osrm-routed.log" && break
    kill -0 "$osrm_pid" 2> /dev/null || break
    sleep 0.05
  done
  if grep -q 'running and waiting for requests' "$work/osrm-routed.log"; then
    osrm_port="$candidate"
    echo "   osrm-routed ready on 127.0.0.1:$osrm_port after $(($(now_ms) - t0)) ms"
    break
  fi
  stop_pid "$osrm_pid"
  osrm_pid=""
done
if [[ -z "$osrm_port" ]]; then
  echo "osrm_compare: osrm-routed did not start; last lines of its log:" >&2
  tail -n 20 "$work/osrm-routed.log" >&2
  exit 1
fi

say "starting carereach-server (honolulu only, road cache in the work dir)"
awk '/^region \{/ { exit } { print }' "$repo_root/deploy/regions.textproto" > "$work/regions.textproto"
awk '/^region \{/ { r = 1 } r { print } r && /^\}/ { exit }' "$repo_root/deploy/regions.textproto" \
  >> "$work/regions.textproto"
grep -q 'name: "honolulu"' "$work/regions.textproto" || {
  echo "osrm_compare: deploy/regions.textproto's first region is not honolulu" >&2
  exit 1
}
t0=$(now_ms)
"$server_bin" --listen 127.0.0.1:0 --port_file "$work/carereach.port" --data_dir "$data_dir" \
  --regions "$work/regions.textproto" --road_cache_dir "$work/road-cache" --state_dir "" \
  > "$work/carereach-server.log" 2>&1 &
cr_pid=$!
for _ in $(seq 1 600); do
  [[ -s "$work/carereach.port" ]] && break
  kill -0 "$cr_pid" 2> /dev/null || break
  sleep 0.1
done
if [[ ! -s "$work/carereach.port" ]]; then
  echo "osrm_compare: carereach-server did not start: $(tail -n 5 "$work/carereach-server.log")" >&2
  exit 1
fi
cr_port="$(tr -d '[:space:]' < "$work/carereach.port")"
# The CLI's first call waits (retrying UNAVAILABLE) while the server imports the road graph and
# builds its hierarchy; its answer is also a check on the client's hospital list.
if ! "$cli_bin" --server "127.0.0.1:$cr_port" --wait-seconds 300 coverage \
  --region honolulu --facilities "$hifld" --where STATUS=OPEN --where COUNTYFIPS=15003 \
  --mode drive --minutes 10,20,30,60 --format json > "$work/cli_coverage.json" \
  2> "$work/cli_coverage.log"; then
  echo "osrm_compare: carereach CLI coverage failed: $(tail -n 3 "$work/cli_coverage.log")" >&2
  exit 1
fi
echo "   carereach-server on 127.0.0.1:$cr_port; start to first drive answer (import + hierarchy" \
  "+ one query): $(($(now_ms) - t0)) ms"

# ---------------------------------------------------------------------------------------------
# 5. Queries, A B A B.
say "queries: $runs runs, carereach and OSRM alternating, after 3 warm-up rounds"
logged client "$client_bin" "127.0.0.1:$cr_port" "127.0.0.1:$osrm_port" "$tracts" "$hospitals" \
  "$runs"
out="$work/client.log"
field() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$out"; }
read -ra t_cr_matrix <<< "$(field ms_matrix_carereach)"
read -ra t_osrm_matrix <<< "$(field ms_matrix_osrm)"
read -ra t_cr_cov <<< "$(field ms_coverage_carereach)"
read -ra t_osrm_cov <<< "$(field ms_coverage_osrm)"
read -ra t_cr_server <<< "$(field ms_coverage_carereach_server_compute)"
m_cr_matrix="$(median "${t_cr_matrix[@]}")"
m_osrm_matrix="$(median "${t_osrm_matrix[@]}")"
m_cr_cov="$(median "${t_cr_cov[@]}")"
m_osrm_cov="$(median "${t_osrm_cov[@]}")"
m_cr_server="$(median "${t_cr_server[@]}")"

# The CLI's covered populations must equal the client's (same hospitals, same server).
cli_covered="$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(str(r.get("covered_population", 0)) for r in d["results"]))' \
  "$work/cli_coverage.json")"
client_covered="$(awk '$1 == "covered" { printf "%s%s", (n++ ? " " : ""), $3 }' "$out")"
if [[ "$cli_covered" != "$client_covered" ]]; then
  echo "osrm_compare: the CLI's covered populations ($cli_covered) differ from the client's" \
    "($client_covered)" >&2
  exit 1
fi

# ---------------------------------------------------------------------------------------------
# 6. Report.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
mem="$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
revision="$(git -C "$repo_root" rev-parse --short HEAD 2> /dev/null || echo '?')"
echo
say "RESULT: carereach vs OSRM $osrm_version (CH, car.lua), O'ahu, medians of $runs"
echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine:   $(nproc) cores, ${cpu:-unknown CPU}, $mem, $(uname -sr)"
echo "carereach: commit $revision, build $build_dir; $graph_line"
echo "           hierarchy: $hier_line"
echo "osrm:      $osrm_prefix ($osrm_tag, Release, no LTO); $osrm_graph"
echo
echo "Covered population, tract -> nearest open hospital (the profiles differ: see the header)"
printf '%-8s | %12s | %12s | %10s\n' minutes carereach OSRM difference
printf '%s\n' "---------+--------------+--------------+-----------"
while read -r _ m c o; do
  printf '%-8s | %12s | %12s | %10s\n' "$m" "$c" "$o" "$((c - o))"
done < <(awk '$1 == "covered"' "$out")
read -r _ tot_c tot_o <<< "$(awk '$1 == "coverage_total"' "$out")"
read -r _ uns_c uns_o <<< "$(awk '$1 == "coverage_unsnapped"' "$out")"
echo "total population $tot_c (carereach) / $tot_o (client's tract list); unsnapped tracts" \
  "(> 1000 m from a road) $uns_c / $uns_o"
read -r _ reach_c reach_o <<< "$(awk '$1 == "matrix_reached"' "$out")"
read -r _ med_c med_o <<< "$(awk '$1 == "matrix_median_minutes"' "$out")"
echo "100 x 100 matrix: cells reached $reach_c (carereach) / $reach_o (OSRM); median minutes" \
  "$med_c / $med_o; median per-cell ratio carereach / OSRM: minutes" \
  "$(field matrix_median_ratio_minutes), miles $(field matrix_median_ratio_miles)"
echo
printf '%-72s | %12s | %12s | %16s\n' "what (median of $runs unless stated)" carereach OSRM "OSRM / carereach"
printf '%s\n' "$(printf '%.0s-' {1..73})+--------------+--------------+-----------------"
row() { printf '%-72s | %9s ms | %9s ms | %15s×\n' "$1" "$2" "$3" "$(ratio "$3" "$2")"; }
row "100 x 100 matrix, whole call, warm connection" "$m_cr_matrix" "$m_osrm_matrix"
row "coverage 330 tracts x $n_hospitals hospitals, 4 thresholds, whole call" "$m_cr_cov" \
  "$m_osrm_cov"
row "preprocessing (median of $prep_runs): hierarchy build vs extract + contract" "$m_cr_build" "$m_osrm_prep"
row "preprocessing (median of $prep_runs): whole import (cold) vs extract + contract" "$m_cr_import" "$m_osrm_prep"
echo
echo "carereach coverage server compute_ms median $m_cr_server ms; OSRM extract $m_osrm_extract ms" \
  "+ contract $m_osrm_contract ms (medians); OSRM connection reopened" \
  "$(field osrm_reconnects) times"
echo "per-run ms, matrix:   carereach ${t_cr_matrix[*]}"
echo "                      OSRM      ${t_osrm_matrix[*]}"
echo "per-run ms, coverage: carereach ${t_cr_cov[*]}"
echo "                      OSRM      ${t_osrm_cov[*]}"
