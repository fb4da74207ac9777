#!/usr/bin/env bash
# Soak: builds carereach-server and carereach-soak, starts the real server on a free loopback port
# with the real data (CAREREACH_DATA, default ../shared/data) and a temporary state directory,
# drives it with the mixed workload for SECONDS (the generator waits for health SERVING and the
# drive regions' roads READY first), stops the server with SIGTERM and prints the report.
#
#   bench/soak.sh SECONDS [carereach-soak flags, e.g. --concurrency 16 --mix coverage_drive=0]
#
# CONCURRENCY (default 8: both cores busy on a 2-core machine) is the number of calls in flight;
# keep it under the server's admission limits. Exit status: non-zero when the generator reports
# an error, RSS grew more than 10 % after the warm-up, or the server did not exit 0 after SIGTERM.
# Results go to docs/RELIABILITY.md by hand, with the command, machine and date.
set -euo pipefail
seconds="${1:?usage: bench/soak.sh SECONDS [carereach-soak flags]}"
shift
cd "$(dirname "$0")/.."
export CAREREACH_DATA="${CAREREACH_DATA:-$(cd .. && pwd)/shared/data}"
build_dir="${CAREREACH_BUILD_DIR:-build}"
if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
fi
cmake --build "$build_dir" -j "$(nproc)" --target carereach_server carereach_soak > /dev/null

tmp="$(mktemp -d -t carereach-soak.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2> /dev/null; then kill -KILL "$server_pid"; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$build_dir/server/carereach-server" --listen=127.0.0.1:0 --port_file="$tmp/port" \
  --data_dir="$CAREREACH_DATA" --state_dir="$tmp/state" 2> "$tmp/server.log" &
server_pid=$!
for _ in $(seq 1 600); do
  [[ -s "$tmp/port" ]] && break
  kill -0 "$server_pid" 2> /dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$tmp/port" ]] || { echo "soak.sh: no port file after 60 s" >&2; cat "$tmp/server.log" >&2; exit 1; }
port="$(tr -d ' \n' < "$tmp/port")"

echo "soak.sh: $(date -u +%FT%TZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM; server pid $server_pid on 127.0.0.1:$port"
status=0
"$build_dir/bench/carereach-soak" --target="127.0.0.1:$port" --data_dir="$CAREREACH_DATA" \
  --duration_seconds="$seconds" --concurrency="${CONCURRENCY:-8}" --server_pid="$server_pid" \
  "$@" || status=$?

stop_start_ms=$(($(date +%s%N) / 1000000))
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
stop_ms=$(($(date +%s%N) / 1000000 - stop_start_ms))
printf 'server: exit %d, %d.%03d s after SIGTERM\n' "$server_status" $((stop_ms / 1000)) $((stop_ms % 1000))
if [[ $server_status -ne 0 ]]; then
  echo "soak.sh: the server did not exit 0; its log:" >&2
  tail -n 20 "$tmp/server.log" >&2
  status=1
fi
exit "$status"
