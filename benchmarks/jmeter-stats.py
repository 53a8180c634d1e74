#!/usr/bin/env python3
"""Throughput and latency percentiles of a JMeter CSV results file (TokenCreateSampler's or any).

    benchmarks/jmeter-stats.py benchmarks/target/jmeter/results/create-tokens.csv

Wall time runs from the first sample's start to the last sample's end; percentiles are of
`elapsed` (whole milliseconds, as JMeter records it), nearest-rank, over all samples and over
successes.
"""
import csv
import math
import sys
from collections import Counter


def pct(sorted_values, p):
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def main(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"{path}: no samples")
    start = min(int(r["timeStamp"]) for r in rows)
    end = max(int(r["timeStamp"]) + int(r["elapsed"]) for r in rows)
    wall = (end - start) / 1000
    ok = [r for r in rows if r["success"] == "true"]
    codes = Counter(r["responseCode"] for r in rows)
    print(f"samples      {len(rows):,} ({len(ok):,} ok, {len(rows) - len(ok):,} failed) in {wall:.2f} s")
    print(f"throughput   {len(rows) / wall:,.0f} samples/s ({len(ok) / wall:,.0f} creations/s)")
    for name, subset in (("all", rows), ("ok", ok)):
        e = sorted(int(r["elapsed"]) for r in subset)
        print(f"latency {name:<4} p50 {pct(e, 50)}  p90 {pct(e, 90)}  p99 {pct(e, 99)}  "
              f"p99.9 {pct(e, 99.9)}  max {e[-1] if e else 'nan'} ms  (n={len(e):,})")
    print("codes        " + ", ".join(f"{c} {n:,}" for c, n in codes.most_common()))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
