#!/usr/bin/env bash
# State-sized drive benchmark: generate a synthetic OSM network of >= 5 million nodes with
# 10,000 population points and 300 facilities (bench/make_synthetic_osm), then import it, build
# its hierarchy, write and load its cache, and time drive coverage and catchments
# (bench/synthetic_bench). About 4 minutes, most of it the hierarchy build.
#   bench/synthetic.sh [OUT_DIR] [--time-only-hierarchy | --no-hierarchy]
# The hierarchy is contracted for drive time only by default: contracting for distance too does
# not finish on the synthetic street grids (docs/BENCHMARKS.md, "Hierarchy build").
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${CAREREACH_BUILD_DIR:-build}"
out="${1:-/tmp/carereach-synthetic}"
mkdir -p "$out"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$build_dir" -j "$(nproc)" --target make_synthetic_osm synthetic_bench > /dev/null
"$build_dir/bench/make_synthetic_osm" --nodes 5000000 --out "$out/state.osm.pbf"
"$build_dir/bench/synthetic_bench" "$out/state" "${2:---time-only-hierarchy}"
