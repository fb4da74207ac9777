#!/usr/bin/env bash
# A B A B: the Google Benchmark binaries of an earlier revision (A) against this working tree (B),
# run alternately on the same machine in one session, so both sides see the same load.
#
# Usage: bench/ab_compare.sh BASE_REV [ROUNDS] [BENCH...]
#   BASE_REV   the revision to compare against (e.g. 087a992, the last commit before issue #12)
#   ROUNDS     alternations (default 3); each runs every binary once per side with
#              --benchmark_repetitions=REPS (default 3), so each figure is a median of
#              ROUNDS x REPS runs
#   BENCH...   binaries to run (default: every one both revisions build among coverage_bench,
#              drive_bench, isochrone_bench, adequacy_bench, recommend_bench)
#   CAREREACH_DATA        data dir (default: ../shared/data beside the repo)
#   CAREREACH_BUILD_DIR   build dir of this tree (default: build)
#   CAREREACH_AB_DIR      where BASE_REV is checked out and built (default: ~/.cache/carereach-ab)
#   BENCH_FILTER          --benchmark_filter regex passed to every binary (default: all)
#   REPS                  repetitions per binary and round (default 3)
#
# Prints, per benchmark present in both revisions: the median real time of A and of B, B / A, and
# "slower" when B's median is more than 5 % above A's. Benchmarks only one side has are listed
# apart. Exit status 0 whatever the figures: this is a measurement, not a test.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  sed -n '2,20p' "$0" >&2
  exit 2
fi
base_rev="$1"
rounds="${2:-3}"
shift $(($# >= 2 ? 2 : 1))
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
export CAREREACH_DATA="${CAREREACH_DATA:-$(cd "$repo_root/.." && pwd)/shared/data}"
build_b="$repo_root/${CAREREACH_BUILD_DIR:-build}"
ab_dir="${CAREREACH_AB_DIR:-$HOME/.cache/carereach-ab}"
reps="${REPS:-3}"
filter="${BENCH_FILTER:-.}"
candidates=(coverage_bench drive_bench isochrone_bench adequacy_bench recommend_bench)
if [[ $# -gt 0 ]]; then candidates=("$@"); fi

command -v python3 > /dev/null || { echo "ab_compare: needs python3 to aggregate" >&2; exit 1; }
launcher=()
if command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

# A: BASE_REV exported from git into its own source dir (not a worktree: nothing of this checkout
# changes), built once per revision.
rev_sha="$(git -C "$repo_root" rev-parse --verify "$base_rev^{commit}")"
src_a="$ab_dir/${rev_sha:0:12}/src"
build_a="$ab_dir/${rev_sha:0:12}/build"
if [[ ! -f "$src_a/CMakeLists.txt" ]]; then
  mkdir -p "$src_a"
  git -C "$repo_root" archive "$rev_sha" | tar -x -C "$src_a"
fi
configure_and_build() {  # SRC BUILD
  cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" > /dev/null
  local targets=()
  for t in "${candidates[@]}"; do
    if grep -q "add_executable($t " "$1/bench/CMakeLists.txt"; then targets+=("$t"); fi
  done
  cmake --build "$2" -j "$(nproc)" --target "${targets[@]}" > /dev/null
}
echo "building A ($base_rev = ${rev_sha:0:12}) in $build_a" >&2
configure_and_build "$src_a" "$build_a"
echo "building B (working tree of $repo_root) in $build_b" >&2
configure_and_build "$repo_root" "$build_b"

benches=()
for t in "${candidates[@]}"; do
  if [[ -x "$build_a/bench/$t" && -x "$build_b/bench/$t" ]]; then
    benches+=("$t")
  else
    echo "skipping $t: not built by both revisions" >&2
  fi
done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for ((r = 1; r <= rounds; ++r)); do
  for t in "${benches[@]}"; do
    for side in A B; do
      dir="$build_a"
      [[ "$side" == B ]] && dir="$build_b"
      echo "round $r/$rounds: $side $t" >&2
      "$dir/bench/$t" --benchmark_repetitions="$reps" --benchmark_filter="$filter" \
        --benchmark_out="$out/$side.$t.$r.json" --benchmark_out_format=json > /dev/null 2>&1 ||
        echo "  $side $t exited with $? (its figures are left out)" >&2
    done
  done
done

python3 - "$out" "$base_rev" << 'EOF'
import glob, json, os, statistics, sys
out, base = sys.argv[1], sys.argv[2]
times = {"A": {}, "B": {}}
for path in glob.glob(os.path.join(out, "*.json")):
    side = os.path.basename(path).split(".")[0]
    try:
        data = json.load(open(path))
    except (OSError, ValueError) as e:
        print(f"unreadable {path}: {e}", file=sys.stderr)
        continue
    for b in data.get("benchmarks", []):
        if b.get("run_type") != "iteration" or "error_occurred" in b:
            continue
        scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b.get("time_unit", "ns")]
        times[side].setdefault(b["run_name"], []).append(b["real_time"] * scale)
both = sorted(set(times["A"]) & set(times["B"]))
print(f"A = {base}, B = working tree; median real time in ms (runs per side)")
print(f"{'benchmark':60} {'A ms':>10} {'B ms':>10} {'B/A':>6}")
slower = 0
for name in both:
    a, b = statistics.median(times["A"][name]), statistics.median(times["B"][name])
    ratio = b / a if a > 0 else float("inf")
    mark = "  slower" if ratio > 1.05 else ""
    slower += ratio > 1.05
    print(f"{name:60} {a:10.3f} {b:10.3f} {ratio:6.2f}{mark}  ({len(times['A'][name])}/{len(times['B'][name])})")
for side in "AB":
    only = sorted(set(times[side]) - set(times["B" if side == "A" else "A"]))
    if only:
        print(f"only in {side}: " + ", ".join(only))
print(f"{len(both)} benchmarks compared, {slower} more than 5 % slower in B")
EOF
