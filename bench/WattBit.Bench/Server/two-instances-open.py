#!/usr/bin/env python3
"""Report of two-instances.sh's open-loop mode: the table per instance and route, the answer to issue 21's sentences
("reads p99 < 10 ms with two instances", "ingest p99 < 50 ms"), and the tail seconds joined with the servers' per-second
runtime trace. Usage: two-instances-open.py RESULTS_DIR (written by two-instances-open.sh)."""
import csv
import os
import sys

TARGET_MS = {"reads": 10.0, "ingest": 50.0}
METRICS = ["gcPauseMs", "gen0", "gen1", "gen2", "lockContentions", "threadPoolQueue", "threadPoolThreads",
           "notifications", "catchUps", "jobTicks", "leaseRenewals"]


def tsv(path):
    with open(path) as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f if "\t" in line)


def summary(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def runtime(path):
    """second -> {metric: float} from the server's runtime-trace lines."""
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
            try:
                rows[int(kv["second"])] = {m: float(kv.get(m, "nan")) for m in METRICS}
            except (KeyError, ValueError):
                continue
    return rows


def route_instance(label):
    route, instance = label.rsplit("-", 1)
    return route, instance.upper()


def main(results):
    run = tsv(os.path.join(results, "run.tsv"))
    rt = {"A": runtime(os.path.join(results, "runtime-a.txt")), "B": runtime(os.path.join(results, "runtime-b.txt"))}
    phases = [("two", "two instances, half the rate on each"), ("one", "one instance (A) alone, the same total rates")]
    p99 = {}
    for phase, title in phases:
        env = tsv(os.path.join(results, f"{phase}.env"))
        print(f"== {title} ({run['seconds']} s; load average {env['load_before']} -> {env['load_after']})")
        print(f"{'instance':<9}{'route':<8}{'asked/s':>9}{'got/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99.9 ms':>10}{'max ms':>9}{'errors':>8}{'lag p99':>9}  target")
        for row in summary(os.path.join(results, f"{phase}.summary.tsv")):
            route, instance = route_instance(row["label"])
            ok = float(row["p99_ms"]) < TARGET_MS[route] and int(row["errors"]) == 0
            p99[(phase, route, instance)] = (float(row["p99_ms"]), float(row["asked"]), int(row["errors"]))
            print(f"{instance:<9}{route:<8}{float(row['asked']):>9.0f}{float(row['achieved']):>9.1f}{float(row['p50_ms']):>9.2f}"
                  f"{float(row['p99_ms']):>9.2f}{float(row['p999_ms']):>10.2f}{float(row['max_ms']):>9.2f}{int(row['errors']):>8}{float(row['send_lag_p99_ms']):>9.2f}"
                  f"  p99 < {TARGET_MS[route]:g} ms: {'yes' if ok else 'NO'}")
        print("lag p99: how late the generator itself sent (its timers, its CPU share); part of the latency, so a large lag means"
              " the machine, not the server, delayed those requests")
        servers = " / ".join(env[k] for k in sorted(env) if k.startswith("server_cpu_"))
        print(f"CPU: generator {env['generator_cpu']}; server{'s A / B' if phase == 'two' else ' A'} {servers}")
    for route, verb in (("reads", "reads"), ("ingest", "ingest")):
        a, b = p99[("two", route, "A")], p99[("two", route, "B")]
        one = p99[("one", route, "A")]
        ok = a[0] < TARGET_MS[route] and b[0] < TARGET_MS[route] and a[2] == 0 and b[2] == 0
        print(f"{verb} p99 < {TARGET_MS[route]:g} ms with two instances: {'yes' if ok else 'no'}, at {a[1]:.0f} / {b[1]:.0f} req/s each "
              f"(A {a[0]:.2f} ms, B {b[0]:.2f} ms; one instance at {one[1]:.0f} req/s: {one[0]:.2f} ms)")

    print(f"== tail seconds: a route's p99 within one second over its target (reads {TARGET_MS['reads']:g} ms, ingest "
          f"{TARGET_MS['ingest']:g} ms), beside that instance's runtime trace in the same second")
    tails, others = [], []
    for phase, _ in phases:
        with open(os.path.join(results, f"{phase}.trace.csv")) as f:
            for row in csv.DictReader(f):
                route, instance = route_instance(row["label"])
                if int(row["count"]) == 0:
                    continue
                second = int(row["epoch_second"])
                sample = rt[instance].get(second)
                lag = float(row.get("send_lag_max_ms") or "nan")
                sample = dict(sample, generatorLagMs=lag) if sample else {"generatorLagMs": lag}
                entry = (phase, row["utc"], instance, route, float(row["p99_ms"]), float(row["max_ms"]), sample)
                (tails if float(row["p99_ms"]) >= TARGET_MS[route] else others).append(entry)
    if tails:
        print(f"{'phase':<6}{'utc':<10}{'inst':<5}{'route':<8}{'p99 ms':>8}{'max ms':>8} | generatorLagMs " + " ".join(METRICS))
        for phase, utc, instance, route, p, m, sample in tails[:40]:
            values = f"{sample['generatorLagMs']:g} " + (" ".join(f"{sample[k]:g}" for k in METRICS) if "gen0" in sample else "(no runtime sample)")
            print(f"{phase:<6}{utc:<10}{instance:<5}{route:<8}{p:>8.2f}{m:>8.2f} | {values}")
        if len(tails) > 40:
            print(f"... {len(tails) - 40} more in the trace CSVs")
    print(f"{len(tails)} tail seconds of {len(tails) + len(others)} route-seconds. Mean per second in tail seconds against the others "
          "(generatorLagMs: the generator's own largest send lag in that second; large means the machine stalled the generator too):")
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
    for phase, title in phases:
        # Within one phase: the two-instance phase has NOTIFYs and the one-instance phase none, so phases are not mixed.
        pt = [e for e in tails if e[0] == phase]
        po = [e for e in others if e[0] == phase]
        print(f" {title}: {len(pt)} tail and {len(po)} other route-seconds")
        for k in ["generatorLagMs"] + METRICS:
            t = [e[6][k] for e in pt if k in e[6]]
            o = [e[6][k] for e in po if k in e[6]]
            share_t = sum(1 for x in t if x > 0) / len(t) if t else float("nan")
            share_o = sum(1 for x in o if x > 0) / len(o) if o else float("nan")
            tail = f"tail {mean(t):9.2f} (>0 in {100 * share_t:5.1f} %)" if t else "tail: none"
            other = f"others {mean(o):9.2f} (>0 in {100 * share_o:5.1f} %)" if o else "others: none (every second was a tail)"
            print(f"  {k:<18} {tail}   {other}")


if __name__ == "__main__":
    main(sys.argv[1])
