"""A straightforward Python simulator of the time-shift policy, for the speed comparison in docs/simulation.md.

Same shape of problem as SimulationBenchmarks: one year hourly, 10 areas, 200 sites, jobs with the Azure-trace run-time
quantiles, 24 h slack, inference at every site and step. Each job takes the start in its window with the lowest
carbon over its run (window sums by slicing), then its load is added step by step; emissions are summed step by step.
Run: python3 bench/WattBit.Bench/Simulation/straightforward_timeshift.py [JOBS]   (prints seconds, and placement seconds per 1M jobs)
"""
import bisect, random, sys, time

STEPS, AREAS, SITES, SLACK = 8760, 10, 200, 24
Q_LEVELS = [0, .1, .2, .3, .4, .5, .6, .7, .8, .9, .95, .99, 1]
Q_HOURS = [0.167, 0.167, 0.25, 0.333, 0.417, 0.583, 0.833, 1.5, 3.583, 11.333, 20.0, 50.333, 71.917]

def hours(u):
    i = bisect.bisect_left(Q_LEVELS, u)
    if i == 0: return Q_HOURS[0]
    f = (u - Q_LEVELS[i - 1]) / (Q_LEVELS[i] - Q_LEVELS[i - 1])
    return Q_HOURS[i - 1] + f * (Q_HOURS[i] - Q_HOURS[i - 1])

def main(n):
    rng = random.Random(1)
    carbon = [[300 + 200 * rng.random() for _ in range(STEPS)] for _ in range(AREAS)]
    site_area = [s % AREAS for s in range(SITES)]
    jobs = []
    for _ in range(n):
        d = max(1, int(-(-hours(rng.random()) // 1)))
        r = rng.randrange(STEPS - d - SLACK)
        jobs.append({"release": r, "deadline": r + d + SLACK, "duration": d, "power": 0.1 * rng.random(), "site": rng.randrange(SITES)})
    inference = [[0.3 for _ in range(STEPS)] for _ in range(SITES)]
    start = time.perf_counter()
    load = [[0.0] * STEPS for _ in range(SITES)]
    for job in jobs:
        c = carbon[site_area[job["site"]]]
        best, best_score = job["release"], float("inf")
        for s in range(job["release"], job["deadline"] - job["duration"] + 1):
            score = sum(c[s:s + job["duration"]])
            if score < best_score:
                best, best_score = s, score
        for t in range(best, best + job["duration"]):
            load[job["site"]][t] += job["power"]
    placed = time.perf_counter()
    tonnes = 0.0
    for s in range(SITES):
        c = carbon[site_area[s]]
        for t in range(STEPS):
            tonnes += (load[s][t] + inference[s][t]) * 1.3 * c[t] / 1000
    elapsed = time.perf_counter() - start
    print(f"{n} jobs: {elapsed:.2f} s in all; placing {placed - start:.2f} s ({(placed - start) / n * 1e6:.1f} s per 1M jobs), per-step totals {time.perf_counter() - placed:.2f} s; {tonnes:.0f} t")

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
