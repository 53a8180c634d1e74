#!/usr/bin/env python3
"""Prints a Markdown table from a JMH JSON result of CreateTokenBenchmark.

Columns: contender, N, median creations/s over all measured iterations of all forks, mean with
JMH's 99.9% error, the median's ratio to rawFloor's at the same N, bytes/creation
(gc.alloc.rate.norm) and client CPU us/creation (non-server Java threads), each also as a ratio to
rawFloor's, server CPU utilisation (cores of its 1 thread) and process CPU (cores).
"""
import json
import statistics
import sys

ORDER = ["rawFloor", "client", "clientShared", "webClient", "jdk"]


def main(path):
    with open(path) as f:
        runs = json.load(f)
    rows = {}
    for run in runs:
        parts = run["benchmark"].split(".")
        contender, n = parts[-1], int(parts[-2].lstrip("N"))
        primary = run["primaryMetric"]
        sec = run.get("secondaryMetrics", {})

        def metric(name):
            m = sec.get(name)
            return None if m is None else m["score"]

        rows[(contender, n)] = {
            "score": primary["score"],
            "median": statistics.median(v for fork in primary["rawData"] for v in fork),
            "error": primary["scoreError"],
            "bytes": metric("gc.alloc.rate.norm"),
            "client_cpu": metric("cpu.client.ns/op"),
            "server_util": metric("cpu.server.util"),
            "process_util": metric("cpu.process.util"),
        }

    def fmt(v, spec):
        if isinstance(v, str):  # JMH writes "NaN" when there are too few samples for an error
            return "n/a"
        if v is None or v != v:
            return "n/a"
        return format(v, spec)

    def ratio(r, floor, key):
        if floor is None or r[key] is None or not floor[key]:
            return None
        return r[key] / floor[key]

    print("| contender | N | median creations/s | mean ± error (99.9%) | ratio to rawFloor"
          " | bytes/creation (× floor) | client CPU µs/creation (× floor)"
          " | server CPU (cores) | process CPU (cores) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    ns = sorted({n for _, n in rows})
    contenders = [c for c in ORDER if any((c, n) in rows for n in ns)]
    contenders += sorted({c for c, _ in rows} - set(contenders))
    for n in ns:
        floor = rows.get(("rawFloor", n))
        for c in contenders:
            r = rows.get((c, n))
            if r is None:
                continue
            cpu_us = r["client_cpu"] / 1000 if r["client_cpu"] is not None else None
            print(f"| {c} | {n} | {fmt(r['median'], ',.0f')}"
                  f" | {fmt(r['score'], ',.0f')} ± {fmt(r['error'], ',.0f')}"
                  f" | **{fmt(ratio(r, floor, 'median'), '.2f')}**"
                  f" | {fmt(r['bytes'], ',.0f')} ({fmt(ratio(r, floor, 'bytes'), '.2f')})"
                  f" | {fmt(cpu_us, ',.1f')} ({fmt(ratio(r, floor, 'client_cpu'), '.2f')})"
                  f" | {fmt(r['server_util'], '.2f')} | {fmt(r['process_util'], '.2f')} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: print-table.py results.json")
    main(sys.argv[1])
