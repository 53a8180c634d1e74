#!/usr/bin/env python3
"""Prints Markdown tables from a JMH JSON result of CreateTokenBenchmark, CreateTokenTlsBenchmark,
TlsHandshakeBenchmark (one table per benchmark class) and WarmStartBenchmark.

Columns: contender, N, median creations/s over all measured iterations of all forks, mean with
JMH's 99.9% error, the median's ratio to rawFloor's at the same N, bytes/creation
(gc.alloc.rate.norm) and client CPU us/creation (non-server Java threads), each also as a ratio to
rawFloor's, server CPU utilisation (cores of its 1 thread), process CPU (cores) and, when the run
had -prof comp, the JIT compiler's time per measured second (ms/s; near 0 when the warm-ups covered
the compilation, up to 1,000 per busy compiler thread when they did not). Over TLS the
floor is rawFloorJdk, and a column gives the server's TLS handshakes per creation. WarmStartBenchmark
(SingleShotTime, one sample per fork) gets a table of its own: median and mean ± error in ms.
"""
import json
import statistics
import sys

ORDER = ["rawFloor", "rawFloorJdk", "rawFloorOpenSsl", "rawFloorHttp2", "client", "clientHttp2",
         "clientShared", "webClient", "jdk"]
FLOORS = ["rawFloor", "rawFloorJdk", "rawFloorOpenSsl"]


def main(path):
    with open(path) as f:
        runs = json.load(f)
    by_class = {}
    single = []
    for run in runs:
        if run.get("mode") == "ss":
            single.append(run)
            continue
        parts = run["benchmark"].split(".")
        by_class.setdefault(parts[-3], []).append(run)
    for name, class_runs in by_class.items():
        if len(by_class) > 1 or single:
            print(f"\n{name}\n")
        table(class_runs)
    if single:
        if by_class:
            print("\nWarmStartBenchmark\n")
        single_shot(single)


def single_shot(runs):
    print("| benchmark | forks | median ms | mean ± error (99.9%) ms | min ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for run in runs:
        p = run["primaryMetric"]
        values = [v for fork in p["rawData"] for v in fork]
        err = p["scoreError"]
        err = "n/a" if isinstance(err, str) or err != err else format(err, ",.1f")
        print(f"| {run['benchmark'].split('.')[-1]} | {len(values)}"
              f" | {statistics.median(values):,.1f} | {p['score']:,.1f} ± {err}"
              f" | {min(values):,.1f} | {max(values):,.1f} |")


def table(runs):
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
            "handshakes": metric("server.tls.handshakes"),
            "open": metric("server.connections.open"),
            "jit": jit_ms_per_s(run, sec),
        }
    tls = any(r["handshakes"] is not None for r in rows.values())
    jit = any(r["jit"] is not None for r in rows.values())

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

    floor_name = next((f for f in FLOORS if any(c == f for c, _ in rows)), "rawFloor")
    print(f"| contender | N | median creations/s | mean ± error (99.9%) | ratio to {floor_name}"
          " | bytes/creation (× floor) | client CPU µs/creation (× floor)"
          " | server CPU (cores) | process CPU (cores) |"
          + (" TLS handshakes | connections open |" if tls else "")
          + (" JIT ms/s measured |" if jit else ""))
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if tls else "")
          + ("---:|" if jit else ""))
    ns = sorted({n for _, n in rows})
    contenders = [c for c in ORDER if any((c, n) in rows for n in ns)]
    contenders += sorted({c for c, _ in rows} - set(contenders))
    for n in ns:
        floor = rows.get((floor_name, n))
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
                  f" | {fmt(r['server_util'], '.2f')} | {fmt(r['process_util'], '.2f')} |"
                  + (f" {fmt(r['handshakes'], ',.0f')} | {fmt(r['open'], ',.0f')} |" if tls else "")
                  + (f" {fmt(r['jit'], ',.0f')} |" if jit else ""))


def jit_ms_per_s(run, sec):
    """Compiler time (JMH's comp profiler sums it over every measured iteration of every fork) per
    second measured."""
    m = sec.get("compiler.time.profiled")
    if m is None:
        return None
    iterations = sum(len(fork) for fork in m["rawData"])
    value, unit = run["measurementTime"].split()
    seconds = float(value) * {"s": 1, "ms": 0.001, "min": 60}[unit]
    return m["score"] / (iterations * seconds)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: print-table.py results.json")
    main(sys.argv[1])
