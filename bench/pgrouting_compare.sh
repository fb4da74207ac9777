#!/usr/bin/env bash
# Side-by-side: carereach drive-mode coverage vs PostgreSQL + PostGIS + pgRouting, same question.
#
# Question: of the residents of the 330 Honolulu County 2020 Census tracts (population-weighted
# tract centres, census/CenPop2020_Mean_TR.txt), how many live within 10, 20, 30 and 60 minutes'
# drive of the nearest open hospital (HIFLD, STATUS=OPEN, COUNTYFIPS=15003) over the 2016 O'ahu
# OpenStreetMap extract (roads/honolulu-county-hi-2016.osm.pbf)?
#
# One run: installs the Debian packages if missing, starts a throwaway PostgreSQL 15 cluster in a
# temp dir on a free 127.0.0.1 port, imports the roads with osm2pgrouting, times the pgRouting
# query (median of RUNS, default 5), then starts carereach-server and times the carereach CLI the
# same way, prints both answers side by side, and stops and deletes the cluster on exit.
#
# Usage: bench/pgrouting_compare.sh            (as root, or with sudo for apt-get)
#   CAREREACH_DATA       data dir (default: ../shared/data relative to the repo root)
#   CAREREACH_BUILD_DIR  carereach build dir (default: build, relative to the repo root)
#   RUNS                timed repetitions of each side (default 5)
#   KEEP_CLUSTER=1      leave the cluster running and its temp dir in place (for debugging)
#
# THE TWO SIDES DO NOT ANSWER EXACTLY THE SAME QUESTION. Known differences:
# * Speeds. pgRouting uses osm2pgrouting's costs: length / speed, the speed being the way's
#   maxspeed tag when present, else the fixed per-class speed of
#   /usr/share/osm2pgrouting/mapconfig_for_cars.xml (motorway 130, trunk 110, primary/secondary/
#   tertiary 90, unclassified 90, residential 50, service 50, living_street 20 km/h), posted
#   limits taken at face value. carereach uses its speed profile as data (deploy/profiles/car.csv:
#   motorway 90, primary 65, secondary 55, tertiary 40, residential 25, service 15 km/h when no
#   maxspeed; a posted maxspeed x 0.8, capped at 120). osm2pgrouting's times are therefore much
#   shorter, and its coverage higher, especially at 10 minutes.
# * Classes and ferries. osm2pgrouting's car config imports only the highway classes it lists
#   (no route=ferry); carereach's profile also carries ferries (10 km/h). Turn restrictions are
#   ignored on both sides.
# * Snapping. pgRouting: each point goes to its nearest graph VERTEX (an intersection or way end;
#   osm2pgrouting splits ways at intersections and keeps no shape vertices), restricted here to
#   the largest strongly connected component, no distance limit, no off-road time. carereach:
#   each point goes to the nearest point on a road SEGMENT of its largest strongly connected
#   component, within max_snap_meters (1000 m), and the off-road leg counts at 10 mph; the
#   search starts part-way along the edge. The script prints the pgRouting snap distances.
# * Direction. Both measure resident -> hospital (carereach's default, TO_FACILITY); pgRouting
#   searches outwards from the hospitals on the reversed graph (cost and reverse_cost swapped).
# * Multi-source. pgRouting: ONE pgr_drivingDistance call with all hospital vertices as start
#   vertices, equicost => true (each vertex reported once, with the cost from its nearest start);
#   the script checks once, untimed, that equicost => false with a per-vertex minimum agrees.
# * Timing. pgRouting: query time from psql's \timing (snapping, reading the edges SQL into a
#   graph, which pgRouting does on every call, the search and the aggregation; one statement,
#   after one warm-up run in the same session), and also the whole `psql -f` command (process
#   start, new backend loading PostGIS and pgRouting, query). carereach: the whole CLI command
#   (process start, CSV read and filter, gRPC round trip, snapping, search, aggregation) against
#   a server whose road graph is already loaded. Import/graph-build time is excluded from both
#   and reported separately. Medians of a few runs on a shared 2-core machine are noisy.
# * A few tracts lie over 1000 m from any vertex (one, in the Northwestern Hawaiian Islands, is
#   ~1,900 km from O'ahu); pgRouting snaps them anyway, carereach leaves them unsnapped. The
#   script prints how many and their population (0 with this data).
# * The throwaway cluster runs with fsync=off and synchronous_commit=off (it is deleted at the
#   end); that speeds up the import, not the read-only query.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
sql_dir="$script_dir/pgrouting"
data_dir="${CAREREACH_DATA:-$repo_root/../shared/data}"
build_dir="${CAREREACH_BUILD_DIR:-build}"
[[ "$build_dir" = /* ]] || build_dir="$repo_root/$build_dir"
runs="${RUNS:-5}"

pbf="$data_dir/roads/honolulu-county-hi-2016.osm.pbf"
hifld="$data_dir/facilities/hifld_hospitals.csv"
census="$data_dir/census/CenPop2020_Mean_TR.txt"
for f in "$pbf" "$hifld" "$census"; do
  if [[ ! -r "$f" ]]; then
    echo "pgrouting_compare: missing input $f (set CAREREACH_DATA)" >&2
    exit 1
  fi
done
data_dir="$(cd "$data_dir" && pwd)"
minutes_list=(10 20 30 60)
max_seconds=3600

say() { printf '== %s\n' "$*"; }
now_ms() { date +%s%3N; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
  if (NR % 2) printf "%.1f", v[(NR+1)/2]; else printf "%.1f", (v[NR/2]+v[NR/2+1])/2 }'; }

# ---------------------------------------------------------------------------------------------
# 1. Packages.
packages=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting osm2pgrouting osmium-tool)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  sudo=""
  [[ $EUID -eq 0 ]] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null; then
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
  fi
fi
pg_bin=/usr/lib/postgresql/15/bin
mapconfig=/usr/share/osm2pgrouting/mapconfig_for_cars.xml
[[ -r "$mapconfig" ]] || mapconfig="$(dpkg -L osm2pgrouting | grep -m1 'mapconfig_for_cars.xml$')"

# ---------------------------------------------------------------------------------------------
# 2. Throwaway cluster. As root, the server runs as the Debian `postgres` user (PostgreSQL
# refuses to run as root); otherwise as the calling user.
work="$(mktemp -d -t carereach-pgrouting.XXXXXX)"
chmod 755 "$work"
pg_data="$work/pgdata"
server_pid=""
cluster_started=0
cleanup() {
  local rc=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2> /dev/null; then
    kill -TERM "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
  fi
  if [[ "${KEEP_CLUSTER:-0}" = 1 ]]; then
    echo "KEEP_CLUSTER=1: cluster left running: $pg_data (port ${port:-?}); stop it with" \
      "$pg_bin/pg_ctl -D $pg_data stop, then rm -rf $work"
    exit "$rc"
  fi
  if ((cluster_started)); then
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop > /dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[[ $EUID -ne 0 ]] || chown postgres "$work"

# Runs a command with its output in $work/NAME.log; on failure shows the log's tail and stops.
logged() {
  local name="$1"
  shift
  if ! "$@" > "$work/$name.log" 2>&1; then
    echo "pgrouting_compare: '$name' failed; last lines of its log:" >&2
    tail -n 40 "$work/$name.log" >&2
    exit 1
  fi
}

port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

say "starting a throwaway PostgreSQL 15 cluster in $work"
logged initdb as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --locale=C.UTF-8
# Loopback TCP and the cluster's own socket directory only.
cat > "$pg_data/pg_hba.conf" << 'EOF'
local all all              trust
host  all all 127.0.0.1/32 trust
EOF
port=""
for _ in $(seq 1 20); do
  candidate=$((20000 + RANDOM % 30000))
  port_in_use "$candidate" && continue
  if as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $candidate -c unix_socket_directories=$work \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c shared_buffers=512MB -c work_mem=256MB -c maintenance_work_mem=512MB" \
    > /dev/null 2>&1; then
    port="$candidate"
    cluster_started=1
    break
  fi
done
if [[ -z "$port" ]]; then
  echo "pgrouting_compare: PostgreSQL did not start; last lines of its log:" >&2
  tail -n 20 "$work/postgres.log" >&2 || true
  exit 1
fi
db=carereach_bench
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
unset PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
psql_cmd=("$pg_bin/psql" -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres)
psql_db=("${psql_cmd[@]}" -d "$db")
logged createdb "${psql_cmd[@]}" -d postgres -c "CREATE DATABASE $db"
logged extensions "${psql_db[@]}" -c "CREATE EXTENSION postgis; CREATE EXTENSION pgrouting;"
versions="$("${psql_db[@]}" -At -c "SELECT split_part(version(), ' on ', 1)
  || ', PostGIS ' || postgis_lib_version() || ', pgRouting ' || pgr_version()")"
say "cluster up on 127.0.0.1:$port ($versions)"

# ---------------------------------------------------------------------------------------------
# 3. Import.
say "importing $(basename "$pbf") (osmium cat -> .osm XML, then osm2pgrouting, car mapconfig)"
t0=$(now_ms)
logged osmium osmium cat "$pbf" -o "$work/honolulu.osm" --overwrite
t1=$(now_ms)
logged osm2pgrouting osm2pgrouting -f "$work/honolulu.osm" -c "$mapconfig" -d "$db" \
  -U postgres -h 127.0.0.1 -p "$port" --clean
t2=$(now_ms)
rm -f "$work/honolulu.osm"
import_osmium_ms=$((t1 - t0))
import_o2p_ms=$((t2 - t1))
echo "   osmium cat ${import_osmium_ms} ms, osm2pgrouting ${import_o2p_ms} ms"

# Raw CSV loads: every HIFLD column as text, header names as they are (minus the UTF-8 BOM).
hifld_columns="$(head -n 1 "$hifld" | sed 's/^\xEF\xBB\xBF//' | tr -d '\r' |
  awk -F, '{for (i = 1; i <= NF; i++) printf "%s\"%s\" text", (i > 1 ? ", " : ""), $i}')"
logged raw_tables "${psql_db[@]}" -c "CREATE TABLE bench_hifld_raw ($hifld_columns);
  CREATE TABLE bench_tracts_raw (statefp text, countyfp text, tractce text, population bigint,
                                 latitude float8, longitude float8);"
logged load_hifld "${psql_db[@]}" \
  -c "\\copy bench_hifld_raw FROM pstdin WITH (FORMAT csv, HEADER true)" < "$hifld"
logged load_census "${psql_db[@]}" \
  -c "\\copy bench_tracts_raw FROM pstdin WITH (FORMAT csv, HEADER true)" < "$census"

t0=$(now_ms)
prep="$("${psql_db[@]}" -q -At -F' ' -f "$sql_dir/prepare.sql" 2> "$work/prepare.log")" || {
  cat "$work/prepare.log" >&2
  exit 1
}
t1=$(now_ms)
prepare_ms=$((t1 - t0))
read -r n_edges n_vertices n_scc n_hospitals n_tracts total_pop <<< "$prep"
echo "   graph: $n_edges edges, $n_vertices vertices, $n_scc in the largest strongly connected" \
  "component (strongComponents + snap index ${prepare_ms} ms)"
echo "   $n_hospitals open hospitals, $n_tracts tracts, population $total_pop"
echo "   snap distances (pgRouting, nearest vertex of the largest SCC):"
"${psql_db[@]}" -f "$sql_dir/snap_report.sql" | sed 's/^/     /'

# ---------------------------------------------------------------------------------------------
# 4. pgRouting query, timed.
say "pgRouting: one multi-source pgr_drivingDistance (equicost, ${max_seconds} s bound)," \
  "1 warm-up + $runs runs"
{
  # One untimed warm-up run in the same session (loads the PostGIS and pgRouting libraries and
  # the tables into this backend), as carereach's first call warms its server.
  echo '\o /dev/null'
  echo "\\i $sql_dir/coverage.sql"
  echo '\o'
  echo '\timing on'
  for _ in $(seq 1 "$runs"); do echo "\\i $sql_dir/coverage.sql"; done
} > "$work/timed.sql"
"${psql_db[@]}" -At -F'|' -v max_seconds="$max_seconds" -v equicost=true -f "$work/timed.sql" \
  > "$work/timed.out" 2> "$work/timed.err" || {
  cat "$work/timed.err" >&2
  exit 1
}
mapfile -t pg_query_ms < <(sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' "$work/timed.out")
mapfile -t pg_rows < <(grep -E '^[0-9]+[|]' "$work/timed.out" | head -n ${#minutes_list[@]})
pg_query_median="$(median "${pg_query_ms[@]}")"

pg_cmd_ms=()
for _ in $(seq 1 "$runs"); do
  t0=$(now_ms)
  "${psql_db[@]}" -At -F'|' -v max_seconds="$max_seconds" -v equicost=true \
    -f "$sql_dir/coverage.sql" > "$work/cmd.out"
  t1=$(now_ms)
  pg_cmd_ms+=($((t1 - t0)))
done
pg_cmd_median="$(median "${pg_cmd_ms[@]}")"
if ! diff -q <(printf '%s\n' "${pg_rows[@]}") "$work/cmd.out" > /dev/null; then
  echo "pgrouting_compare: the psql -f runs gave a different answer from the \\timing runs" >&2
  exit 1
fi
echo "   query (\\timing): ${pg_query_ms[*]} ms -> median $pg_query_median ms"
echo "   whole psql -f command: ${pg_cmd_ms[*]} ms -> median $pg_cmd_median ms"

# Untimed check: equicost => false with a per-vertex minimum must give the same answer.
equicost_false="$("${psql_db[@]}" -At -F'|' -v max_seconds="$max_seconds" -v equicost=false \
  -f "$sql_dir/coverage.sql")"
if [[ "$equicost_false" == "$(printf '%s\n' "${pg_rows[@]}")" ]]; then
  equicost_check="equicost => false (per-vertex minimum) gives the same answer: checked"
else
  equicost_check="WARNING: equicost => false gives a DIFFERENT answer:
$equicost_false"
fi
echo "   $equicost_check"

declare -A pg_covered pg_share
for row in "${pg_rows[@]}"; do
  IFS='|' read -r m covered _total share <<< "$row"
  pg_covered[$m]="$covered"
  pg_share[$m]="$share"
done

# ---------------------------------------------------------------------------------------------
# 5. carereach, same question.
server_bin="$build_dir/server/carereach-server"
cli_bin="$build_dir/clients/cli/carereach"
cr_status=""
cr_query_median=""
declare -A cr_covered cr_share
if [[ ! -x "$server_bin" || ! -x "$cli_bin" ]]; then
  cr_status="not run: $server_bin or $cli_bin is not built (set CAREREACH_BUILD_DIR)"
else
  say "carereach: starting $server_bin (data $data_dir)"
  port_file="$work/carereach.port"
  t0=$(now_ms)
  "$server_bin" --listen 127.0.0.1:0 --port_file "$port_file" --data_dir "$data_dir" \
    > "$work/carereach-server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    [[ -s "$port_file" ]] && break
    kill -0 "$server_pid" 2> /dev/null || break
    sleep 0.1
  done
  if [[ ! -s "$port_file" ]]; then
    cr_status="not run: carereach-server did not start: $(tail -n 3 "$work/carereach-server.log")"
  else
    cr_port="$(tr -d '[:space:]' < "$port_file")"
    cli=("$cli_bin" --server "127.0.0.1:$cr_port" coverage --region honolulu
      --facilities "$hifld" --where STATUS=OPEN --where COUNTYFIPS=15003
      --mode drive --minutes "10,20,30,60" --format json)
    # First call: waits (retrying UNAVAILABLE) while the server builds or reads its road graph.
    if "$cli_bin" --wait-seconds 120 "${cli[@]:1}" > "$work/cr.json" 2> "$work/cr.err"; then
      t1=$(now_ms)
      echo "   server start to first drive answer (graph load + one query): $((t1 - t0)) ms"
      cr_ms=()
      for _ in $(seq 1 "$runs"); do
        t0=$(now_ms)
        "${cli[@]}" > "$work/cr.json" 2> "$work/cr.err"
        t1=$(now_ms)
        cr_ms+=($((t1 - t0)))
      done
      cr_query_median="$(median "${cr_ms[@]}")"
      echo "   whole CLI command: ${cr_ms[*]} ms -> median $cr_query_median ms"
      # Parse the JSON answer with the database at hand (no jq needed).
      cr_parsed="$("${psql_db[@]}" -At -F'|' -v json="$(cat "$work/cr.json")" << 'EOF'
SELECT (r->>'minutes')::float8, r->>'covered_population', round((r->>'share')::numeric, 6)
FROM json_array_elements((:'json')::json->'results') r;
SELECT 'meta', (:'json')::json->>'total_population', (:'json')::json->>'facility_count',
       coalesce((:'json')::json->>'unsnapped_units', '?'), (:'json')::json->>'mode';
EOF
      )"
      cr_mode=""
      while IFS='|' read -r m a b c d; do
        if [[ "$m" == meta ]]; then
          cr_total="$a" cr_facilities="$b" cr_unsnapped="$c" cr_mode="$d"
        else
          cr_covered[${m%.0}]="$a"
          cr_share[${m%.0}]="$b"
        fi
      done <<< "$cr_parsed"
      cr_status="ok: total population ${cr_total}, ${cr_facilities} facilities,"
      cr_status+=" ${cr_unsnapped} unsnapped tracts"
      if [[ "$cr_mode" != drive ]]; then
        cr_status="carereach answered in mode '$cr_mode', not drive: not compared"
        cr_query_median=""
        cr_covered=()
        cr_share=()
      fi
    else
      # The CLI's last line is "error: CODE: message"; earlier lines are progress notes.
      err="$(grep -m1 '^error:' "$work/cr.err" || tail -n 1 "$work/cr.err")"
      if grep -q FAILED_PRECONDITION "$work/cr.err"; then
        cr_status="carereach drive mode is not available on this build: $err"
      else
        cr_status="carereach failed: $err"
      fi
    fi
    kill -TERM "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
    server_pid=""
  fi
fi
echo "   carereach: $cr_status"

# ---------------------------------------------------------------------------------------------
# 6. Report.
cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo
say "RESULT: Honolulu County, population within N minutes' drive of the nearest open hospital"
echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
mem="$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
o2p_version="$(osm2pgrouting --version 2>&1 | grep -o 'Version [0-9.]*' | cut -d' ' -f2)"
revision="$(git -C "$repo_root" rev-parse --short HEAD 2> /dev/null || echo '?')"
echo "machine:  $(nproc) cores, ${cpu:-unknown CPU}, $mem, $(uname -sr)"
echo "pgRouting: $versions; osm2pgrouting $o2p_version, $(basename "$mapconfig")"
echo "carereach: commit $revision, build $build_dir"
echo "question: $n_tracts tracts (population $total_pop), $n_hospitals open hospitals," \
  "resident -> hospital"
echo
printf '%-8s | %12s %8s | %12s %8s | %11s\n' minutes pgRouting share carereach share \
  "difference"
printf '%s\n' "---------+-----------------------+-----------------------+------------"
for m in "${minutes_list[@]}"; do
  p="${pg_covered[$m]:-?}"
  ps="${pg_share[$m]:-?}"
  c="${cr_covered[$m]:-n/a}"
  cs="${cr_share[$m]:-n/a}"
  d="n/a"
  [[ "$c" == n/a || "$p" == "?" ]] || d=$((c - p))
  printf '%-8s | %12s %8s | %12s %8s | %11s\n' "$m" "$p" "$ps" "$c" "$cs" "$d"
done
echo
echo "import (excluded from the timings): osmium cat ${import_osmium_ms} ms + osm2pgrouting" \
  "${import_o2p_ms} ms; strongComponents + snap index ${prepare_ms} ms"
echo "pgRouting median of $runs: query ${pg_query_median} ms (\\timing); whole psql -f command" \
  "${pg_cmd_median} ms"
if [[ -n "$cr_query_median" ]]; then
  echo "carereach median of $runs: whole CLI command ${cr_query_median} ms"
  awk -v p="$pg_cmd_median" -v q="$pg_query_median" -v c="$cr_query_median" 'BEGIN {
    printf "ratio pgRouting / carereach: %.2f (whole commands),", p / c
    printf " %.2f (pgRouting query only vs whole carereach CLI)\n", q / c }'
else
  echo "carereach: $cr_status"
  echo "ratio: n/a (no carereach timing)"
fi
echo "$equicost_check"
cat << 'EOF'
caveats: not the same model. pgRouting uses osm2pgrouting's car mapconfig speeds (e.g.
  residential 50, primary 90, motorway 130 km/h, or the posted maxspeed) and snaps each point to
  its nearest intersection/way-end vertex with no off-road time; carereach uses its own profile
  (deploy/profiles/car.csv: slower, posted maxspeed x 0.8) and snaps to the nearest road segment
  within 1000 m, counting the off-road leg at 10 mph. Expect pgRouting's shares to be higher.
  pgRouting time is server-side query time; carereach time is a whole CLI process.
EOF
