#!/usr/bin/python3
"""Capacity plan for state-sized road regions (docs/OPERATIONS.md, "Capacity plan").

Estimates each state's directed road edges from the three real extracts (a least-squares fit
edges = a * residents + b * land square miles over Honolulu, Imperial and Yuba counties, 2020
Census figures from census/county_pop2020_landarea_derived.csv), multiplies by the measured bytes
per directed edge, and packs the states into shards of at most --shard_gib of road graphs.

Usage: bench/capacity_plan.py [--data DIR] [--bytes_per_edge B] [--shard_gib G]
"""

import argparse
import collections
import csv
import os

# Directed edges of the real extracts (docs/BENCHMARKS.md, "Import, cache, memory per extract").
EXTRACTS = {"15003": 62760, "06025": 57949, "06115": 29165}
# Per directed edge: the road cache file (graph + hierarchy + snap index, read whole into memory)
# of the real extracts is 179.5 (Honolulu), 179.1 (Imperial) and 221.2 (Yuba) bytes per directed
# edge (bench/region_rss.sh's runs, 2026-12-06); the largest is the default. The synthetic
# Michigan-sized network, no hierarchy: (588 MB graph + 382.5 MB snap index) / 8,754,308 = 110.9
# (docs/BENCHMARKS.md); its 100-200 m grids have fewer shape points per edge than real roads.
BYTES_PER_EDGE = 221.2
BASE_MIB = 300  # one replica with no state graph: 280 MiB peak under the soak's load, rounded


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.environ.get("CAREREACH_DATA", "../shared/data"))
    parser.add_argument("--bytes_per_edge", type=float, default=BYTES_PER_EDGE)
    parser.add_argument("--shard_gib", type=float, default=4.0)
    parser.add_argument("--density_scale", type=float, default=1.0,
                        help="multiply every estimate (e.g. 7.06: the synthetic Michigan's "
                        "8.75 M edges over the fit's 1.24 M, a dense-grid upper bound)")
    args = parser.parse_args()

    counties = {}
    states = collections.defaultdict(lambda: [0, 0.0])
    with open(os.path.join(args.data, "census", "county_pop2020_landarea_derived.csv")) as f:
        for row in csv.DictReader(f):
            pop, area = int(row["pop2020"]), float(row["aland_sqmi"])
            counties[row["fips"]] = (pop, area)
            states[row["state"]][0] += pop
            states[row["state"]][1] += area

    # Least squares without intercept, two unknowns: solve the 2x2 normal equations.
    spp = sum(counties[f][0] ** 2 for f in EXTRACTS)
    saa = sum(counties[f][1] ** 2 for f in EXTRACTS)
    spa = sum(counties[f][0] * counties[f][1] for f in EXTRACTS)
    spy = sum(counties[f][0] * e for f, e in EXTRACTS.items())
    say = sum(counties[f][1] * e for f, e in EXTRACTS.items())
    det = spp * saa - spa * spa
    a = (spy * saa - say * spa) / det
    b = (say * spp - spy * spa) / det
    print(f"fit: directed edges = {a:.4f} x residents + {b:.2f} x land sq mi")
    for f, e in EXTRACTS.items():
        p, ar = counties[f]
        print(f"  {f}: measured {e:,}, fit {a * p + b * ar:,.0f}")
    print(f"density scale: {args.density_scale:g}")
    print(f"bytes per directed edge in memory: {args.bytes_per_edge:.1f}")

    rows = []
    for st, (pop, area) in states.items():
        if st in ("DC", "PR"):
            continue
        edges = (a * pop + b * area) * args.density_scale
        rows.append((st, pop, area, edges, edges * args.bytes_per_edge / 2**20))
    rows.sort(key=lambda r: -r[4])
    total_edges = sum(r[3] for r in rows)
    total_mib = sum(r[4] for r in rows)
    print(f"50 states: {total_edges / 1e6:.1f} M directed edges, {total_mib / 1024:.1f} GiB of graphs")
    print("| state | residents | land sq mi | directed edges (est.) | graph MiB |")
    print("|---|---:|---:|---:|---:|")
    for st, pop, area, edges, mib in rows:
        print(f"| {st} | {pop:,} | {area:,.0f} | {edges / 1e6:.2f} M | {mib:,.0f} |")

    # First-fit decreasing into shards of at most shard_gib of graphs.
    limit = args.shard_gib * 1024
    shards = []
    for st, _, _, _, mib in rows:
        for shard in shards:
            if shard[0] + mib <= limit:
                shard[0] += mib
                shard[1].append(st)
                break
        else:
            shards.append([mib, [st]])
    print(f"shards of at most {args.shard_gib:g} GiB of graphs: {len(shards)}")
    print("| shard | states | graphs GiB | memory request GiB (graphs + base, x1.2) |")
    print("|---|---|---:|---:|")
    for i, (mib, sts) in enumerate(shards):
        request = (mib + BASE_MIB) * 1.2 / 1024
        print(f"| {i + 1} | {' '.join(sts)} | {mib / 1024:.2f} | {request:.1f} |")


if __name__ == "__main__":
    main()
