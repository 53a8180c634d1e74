#!/usr/bin/env python3
"""Prints a Markdown table from a JMH JSON result of CreateTokenBenchmark.

Columns: contender, N, creations/s (+- JMH 99.9% error), bytes/creation (gc.alloc.rate.norm),
client CPU us/creation (non-server Java threads), server CPU utilisation (cores of its 1 thread),
ratio of throughput to rawFloor at the same N.
"""
import json
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

    print("| contender | N | creations/s | error (99.9%) | bytes/creation | client CPU us/creation"
          " | server CPU (cores) | process CPU (cores) | ratio to rawFloor |")
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
            ratio = r["score"] / floor["score"] if floor else None
            cpu_us = r["client_cpu"] / 1000 if r["client_cpu"] is not None else None
            print(f"| {c} | {n} | {fmt(r['score'], ',.0f')} | {fmt(r['error'], ',.0f')}"
                  f" | {fmt(r['bytes'], ',.0f')} | {fmt(cpu_us, ',.1f')}"
                  f" | {fmt(r['server_util'], '.2f')} | {fmt(r['process_util'], '.2f')}"
                  f" | {fmt(ratio, '.2f')} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: print-table.py results.json")
    main(sys.argv[1])
