using WattBit.Planning.Dispatch;
using WattBit.Simulation.Policies;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>The outcome of a simulation: the world and workload it ran on and one result per policy, in scenario order.</summary>
/// <param name="World">The world.</param>
/// <param name="Workload">The generated workload.</param>
/// <param name="Policies">One result per policy.</param>
/// <param name="Elapsed">Wall time of the run, as measured by the injected time provider.</param>
public sealed record SimulationResult(SimulationWorld World, Workload Workload, IReadOnlyList<PolicyResult> Policies, TimeSpan Elapsed)
{
    /// <summary>The scenario.</summary>
    public SimulationScenario Scenario => World.Scenario;
}

/// <summary>
/// The discrete-time engine. For every policy it walks the period one step at a time on a <see cref="SimulationClock"/>:
/// at the first step of each day the policy places the jobs released that day (rolling horizon, on forecasts); at every
/// step the dispatcher serves inference and the actual draw of every site is measured against actual carbon, price,
/// curtailment and the site's grid limit. Policies run in parallel, each on its own state, so the result is the same for
/// the same scenario and seed on any machine. Stateless and thread-safe.
/// </summary>
public static class Simulator
{
    /// <summary>Runs every policy of <paramref name="scenario"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="time">Wall clock used only to time the run.</param>
    /// <param name="progress">Receives the fraction done, 0-1 (optional; called from worker threads).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static SimulationResult Run(SimulationScenario scenario, TimeProvider time, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var world = SimulationWorld.Build(scenario);
        var workload = WorkloadGenerator.Generate(scenario);
        return Run(world, workload, time, started, progress, cancellationToken);
    }

    /// <summary>Runs every policy of the world's scenario on a given workload.</summary>
    /// <param name="world">The world.</param>
    /// <param name="workload">The workload.</param>
    /// <param name="time">Wall clock used only to time the run.</param>
    /// <param name="progress">Receives the fraction done, 0-1 (optional).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static SimulationResult Run(SimulationWorld world, Workload workload, TimeProvider time, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Run(world, workload, time, time.GetTimestamp(), progress, cancellationToken);
    }

    private static SimulationResult Run(SimulationWorld world, Workload workload, TimeProvider time, long started, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(workload);
        var scenario = world.Scenario;
        var forecast = Forecasts(world);
        var byRelease = SortByRelease(workload.Jobs, world.Steps, out var releaseOffsets);
        var reach = Neighbours(scenario);
        var policies = scenario.Policies;
        var results = new PolicyResult[policies.Count];
        long done = 0;
        var total = (double)policies.Count * world.Steps;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, policies.Count, options, i =>
        {
            var policyStarted = time.GetTimestamp();
            var policy = PolicyFactory.Create(policies[i], time);
            var run = new PolicyRun(world, workload, forecast, policy, policies[i], reach);
            var result = run.Execute(byRelease, releaseOffsets, steps =>
            {
                var d = Interlocked.Add(ref done, steps);
                progress?.Report(d / total);
            }, cancellationToken);
            results[i] = policy is PlannerPolicy planner
                ? result with { Elapsed = time.GetElapsedTime(policyStarted), JobsAsPlanned = planner.PlannedJobs, PlanningTime = planner.PlanningTime }
                : result with { Elapsed = time.GetElapsedTime(policyStarted) };
        });

        return new SimulationResult(world, workload, results, time.GetElapsedTime(started));
    }

    /// <summary>
    /// The forecast score the policies plan on, per area and step: lifecycle carbon or price (by objective) times
    /// (1 + e), e an AR(1) error with standard deviation <see cref="SimulationScenario.ForecastError"/> and lag-1
    /// correlation 0.9, seeded by the scenario; the actual values when the error is 0.
    /// </summary>
    /// <param name="world">The world.</param>
    public static double[][] Forecasts(SimulationWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var scenario = world.Scenario;
        var actual = scenario.Objective == SimulationObjective.Cost ? world.Price : world.CarbonLifecycle;
        var sigma = scenario.ForecastError;
        var result = new double[actual.Count][];
        for (var a = 0; a < actual.Count; a++)
        {
            var rng = new Random(unchecked((scenario.Seed * 31) + a + 101));
            var f = new double[world.Steps];
            double e = 0;
            for (var t = 0; t < f.Length; t++)
            {
                if (sigma > 0)
                {
                    var u1 = 1.0 - rng.NextDouble();
                    var g = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
                    e = (0.9 * e) + (Math.Sqrt(1 - 0.81) * sigma * g);
                }

                f[t] = actual[a][t] * (1 + e);
            }

            result[a] = f;
        }

        return result;
    }

    private static int[] SortByRelease(JobSet jobs, int steps, out int[] offsets)
    {
        // Counting sort: stable, O(jobs + steps).
        offsets = new int[steps + 1];
        for (var j = 0; j < jobs.Count; j++)
        {
            offsets[jobs.Release[j] + 1]++;
        }

        for (var t = 0; t < steps; t++)
        {
            offsets[t + 1] += offsets[t];
        }

        var next = (int[])offsets.Clone();
        var order = new int[jobs.Count];
        for (var j = 0; j < jobs.Count; j++)
        {
            order[next[jobs.Release[j]]++] = j;
        }

        return order;
    }

    private static int[][] Neighbours(SimulationScenario scenario)
    {
        var sites = scenario.Sites;
        var reach = new int[sites.Count][];
        for (var s = 0; s < sites.Count; s++)
        {
            reach[s] = Enumerable.Range(0, sites.Count)
                .Where(q => q != s && sites[s].Location.DistanceKm(sites[q].Location) <= scenario.Workload.InferenceReachKm)
                .OrderBy(q => sites[s].Location.DistanceKm(sites[q].Location)).ThenBy(q => q).ToArray();
        }

        return reach;
    }

    private sealed class PolicyRun(SimulationWorld world, Workload workload, double[][] forecast, SimulationPolicy policy, PolicyKind kind, int[][] reach)
    {
        private readonly PolicyContext _context = new(world, workload, forecast);
        private readonly List<int>[] _siteJobs = [.. Enumerable.Range(0, world.Scenario.Sites.Count).Select(_ => new List<int>())];
        private readonly int[] _start = new int[workload.Jobs.Count];
        private readonly int[] _siteOf = new int[workload.Jobs.Count];
        private readonly int[] _end = new int[workload.Jobs.Count];
        private readonly bool[] _late = new bool[workload.Jobs.Count];
        private readonly List<int> _active = [];
        private double[][] _stack = [];
        private int _watch;
        private int _lateJobs, _resumed, _lost, _ordersDispatched, _ordersToFallback, _movedOnOrders;
        private readonly double[] _soc = [.. world.Scenario.Sites.Select(x => x.Battery?.InitialEnergy.MegawattHours ?? 0)];
        private readonly bool[] _cheap = new bool[world.AreaCodes.Count];
        private readonly bool[] _dear = new bool[world.AreaCodes.Count];
        private readonly double[] _low = new double[world.AreaCodes.Count];

        // Arbitrage pays only on days whose dear quarter beats the cheap one by more than a typical round trip (0.95²).
        private const double RoundTrip = 0.9;
        private readonly double[] _score = new double[world.AreaCodes.Count];
        private double _charged, _discharged;
        private double _lateMwh, _lostMwh;

        public PolicyResult Execute(int[] byRelease, int[] releaseOffsets, Action<int> stepsDone, CancellationToken cancellationToken)
        {
            var n = world.Steps;
            var h = world.StepHours;
            var jobs = workload.Jobs;
            var sites = world.Scenario.Sites;
            var siteCount = sites.Count;
            var areaCount = world.AreaCodes.Count;
            var perDay = Math.Max(1, (int)Math.Round(24 / h));
            var clock = new SimulationClock(world.Scenario.Start);
            policy.Initialise(_context);

            var watch = _watch = WatchSite(sites);
            var stack = _stack = new double[4][];
            for (var c = 0; c < 4; c++)
            {
                stack[c] = new double[n];
            }

            int unservedJobs = 0, moved = 0;
            double unservedMwh = 0;
            var buffer = new int[Math.Max(1, jobs.Count)];

            var areaTotals = new AreaTotals[areaCount];
            var monthly = new double[12];
            var byKind = new double[3];
            var siteEnergy = new double[siteCount];
            var servedInference = new double[siteCount];
            var excess = new double[siteCount];
            var running = new double[siteCount];
            long ordersMet = 0, ordersMissed = 0;
            double curtailedJobs = 0;
            var areaDraw = new double[areaCount];
            long siteStepsOver = 0, inferenceMissSteps = 0;
            int stepsOver = 0;
            double inferenceUnserved = 0, servedIt = 0;

            for (var day = 0; day < n; day += perDay)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var dayEnd = Math.Min(n, day + perDay);
                clock.AdvanceTo(world.TimeAt(day));

                // Plan the jobs released today.
                var from = releaseOffsets[day];
                var count = releaseOffsets[dayEnd] - from;
                var today = buffer.AsSpan(0, count);
                byRelease.AsSpan(from, count).CopyTo(today);
                policy.Order(_context, today);
                foreach (var j in today)
                {
                    var placement = policy.Place(_context, j);
                    var energy = jobs.PowerMw[j] * jobs.Duration[j] * h;
                    if (placement.Site < 0)
                    {
                        unservedJobs++;
                        unservedMwh += energy;
                        continue;
                    }

                    Run(j, placement.Site, placement.Start, jobs.Duration[j]);
                    if (placement.Site != jobs.Home[j])
                    {
                        moved++;
                    }
                }

                var quartiles = DayQuartiles(day, dayEnd);

                // Dispatch and measure every step of the day.
                for (var t = day; t < dayEnd; t++)
                {
                    clock.AdvanceTo(world.TimeAt(t));
                    for (var a = 0; a < areaCount; a++)
                    {
                        _cheap[a] = (forecast[a][t] <= quartiles[a].Low && quartiles[a].High * RoundTrip > quartiles[a].Low) || world.CurtailedMw[a][t] > 0;
                        _dear[a] = forecast[a][t] >= quartiles[a].High;
                        _low[a] = quartiles[a].Low;
                        _score[a] = forecast[a][t];
                    }

                    curtailedJobs += RunJobs(t, running) * h;
                    ServeInference(t, running, servedInference, excess, ref inferenceUnserved, ref inferenceMissSteps);
                    stack[3][t] = servedInference[watch];
                    Array.Clear(areaDraw);
                    var anyOver = false;
                    for (var s = 0; s < siteCount; s++)
                    {
                        var it = running[s] + servedInference[s];
                        var a = world.SiteArea[s];
                        var draw = Battery(s, t, a, it * _context.Pue[s]);
                        areaDraw[a] += draw;
                        servedIt += it * h;
                        siteEnergy[s] += draw * h;
                        byKind[(int)world.Connections[s].Kind] += draw * h;
                        var over = draw > world.LimitMw[s][t] + 1e-6;
                        if (over)
                        {
                            siteStepsOver++;
                            anyOver = true;
                        }

                        // An unplanned cut (fault, blackout) is a curtailment order to the site.
                        if (world.LimitMw[s][t] < world.PlannedLimitMw[s][t] - 1e-9)
                        {
                            if (over)
                            {
                                ordersMissed++;
                            }
                            else
                            {
                                ordersMet++;
                            }
                        }
                    }

                    if (anyOver)
                    {
                        stepsOver++;
                    }

                    var month = world.TimeAt(t).ToOffset(TimeSpan.FromHours(9)).Month - 1;
                    for (var a = 0; a < areaCount; a++)
                    {
                        var e = areaDraw[a] * h;
                        var absorbed = Math.Min(areaDraw[a], world.CurtailedMw[a][t]) * h;
                        monthly[month] += absorbed;
                        areaTotals[a] += new AreaTotals(e, e * 1000 * world.Price[a][t], e * world.CarbonLifecycle[a][t] / 1000,
                            e * world.CarbonDirect[a][t] / 1000, absorbed);
                    }
                }

                stepsDone(dayEnd - day);
            }

            var overall = default(AreaTotals);
            foreach (var a in areaTotals)
            {
                overall += a;
            }

            return new PolicyResult(kind, overall, areaTotals, monthly, siteStepsOver, stepsOver, byKind, _lateJobs, _lateMwh, unservedJobs, unservedMwh,
                inferenceUnserved, inferenceMissSteps, servedIt, moved, siteEnergy, watch, stack)
            {
                CurtailedJobItMwh = curtailedJobs + _lostMwh,
                JobsResumed = _resumed,
                JobsLostToOrders = _lost,
                BatteryChargedMwh = _charged,
                BatteryDischargedMwh = _discharged,
                BatteryEnergyChangeMwh = sites.Select((x, i) => _soc[i] - (x.Battery?.InitialEnergy.MegawattHours ?? 0)).Sum(),
                BatteryCycles = Cycles(sites),
                OrderStepsMet = ordersMet,
                OrderStepsMissed = ordersMissed,
                OrdersDispatched = _ordersDispatched,
                OrdersToFallback = _ordersToFallback,
                JobsMovedOnOrders = _movedOnOrders,
            };
        }

        // Commits steps of job j at a site from start, with its bookkeeping (late, the watch site's stack).
        private void Run(int j, int site, int start, int steps)
        {
            var jobs = workload.Jobs;
            _context.Commit(j, site, start, steps);
            _siteJobs[site].Add(j);
            _siteOf[j] = site;
            _start[j] = start;
            _end[j] = start + steps;
            if (_end[j] > jobs.Deadline[j] && !_late[j])
            {
                _late[j] = true;
                _lateJobs++;
                _lateMwh += jobs.PowerMw[j] * jobs.Duration[j] * world.StepHours;
            }

            Watch(j, site, start, _end[j], 1);
        }

        private void Watch(int j, int site, int from, int to, double sign)
        {
            if (site == _watch)
            {
                var series = _stack[(int)workload.Jobs.Class[j]];
                for (var t = from; t < to; t++)
                {
                    series[t] += sign * workload.Jobs.PowerMw[j];
                }
            }
        }

        // The job load each site runs at step t. A policy that honours limits obeys a cut it did not foresee (a
        // curtailment order) by stopping jobs, most slack first, until the rest fits the site's actual room; each
        // stopped job resumes from where it stopped (the jobs checkpoint) where and when the policy finds room after the
        // order, or is lost. Returns the IT power still clipped, MW (none when whole jobs could be stopped).
        private double RunJobs(int t, double[] running)
        {
            double curtailed = 0;
            for (var s = 0; s < running.Length; s++)
            {
                var load = _context.Load[s][t];
                if (policy.HonoursLimits)
                {
                    var room = Math.Max(0, Math.Min((world.LimitMw[s][t] + Available(s)) / _context.Pue[s], _context.ItMw[s]));
                    if (load > room + 1e-9)
                    {
                        load = Stop(s, t, room);
                    }

                    running[s] = Math.Min(load, room);
                }
                else
                {
                    running[s] = load;
                }

                curtailed += load - running[s];
            }

            return curtailed;
        }

        private double Stop(int s, int t, double room)
        {
            var jobs = workload.Jobs;
            var list = _siteJobs[s];
            list.RemoveAll(j => _end[j] <= t);
            _active.Clear();
            foreach (var j in list)
            {
                if (_start[j] <= t)
                {
                    _active.Add(j);
                }
            }

            _active.Sort((a, b) =>
            {
                var c = (jobs.Deadline[b] - _end[b]).CompareTo(jobs.Deadline[a] - _end[a]);
                return c != 0 ? c : a.CompareTo(b);
            });
            var until = t + 1;
            while (until < world.Steps && world.LimitMw[s][until] < world.PlannedLimitMw[s][until] - 1e-9)
            {
                until++;
            }

            var load = _context.Load[s][t];
            if (policy is PlannerPolicy planner)
            {
                load = Dispatch(planner, s, t, until, room, load);
            }

            // The engine's own rule, most slack first, is the final safety net: whatever the dispatcher's actions left
            // over the site's actual room is stopped here, so no site exceeds its limit.
            foreach (var j in _active)
            {
                if (load <= room + 1e-9)
                {
                    break;
                }

                if (RunsAt(j, s, t))
                {
                    load -= Requeue(j, s, t, until);
                }
            }

            return Math.Max(0, load);
        }

        // Delivers the order to the planner's dispatcher (docs/decisions/0064) and applies its actions: a move continues
        // the job at the target from the next step when it has room at every remaining step (else the job is re-queued);
        // defer, pause, stop and powering down re-queue the job; the battery is the engine's own state. An order counts
        // as dispatched when the strategy met it and the safety net had nothing left to stop. Returns the load left.
        private double Dispatch(PlannerPolicy planner, int s, int t, int until, double room, double load)
        {
            var jobs = workload.Jobs;
            var list = _siteJobs[s];
            var decision = planner.Dispatch(_context, s, t, until, load - room, _siteJobs, _start, _end, out var sites);
            foreach (var a in decision.Actions)
            {
                if (a.Kind == DispatchActionKind.PowerDownSite)
                {
                    foreach (var k in _active)
                    {
                        if (RunsAt(k, s, t))
                        {
                            load -= Requeue(k, s, t, until);
                        }
                    }

                    continue;
                }

                if (a.WorkloadId.Length < 2 || a.From.Value != world.Scenario.Sites[s].Id ||
                    !int.TryParse(a.WorkloadId.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var j) ||
                    (uint)j >= (uint)jobs.Count || !RunsAt(j, s, t))
                {
                    continue;
                }

                var to = a.To is { } id ? decision.After.IndexOf(id) : -1;
                var left = _end[j] - t;
                if (a.Kind is DispatchActionKind.CheckpointAndMove or DispatchActionKind.RestartElsewhere && to > 0 &&
                    planner.CanContinue(_context, sites[to], t + 1, left, jobs.PowerMw[j]))
                {
                    _context.Uncommit(j, s, t, _end[j]);
                    Watch(j, s, t, _end[j], -1);
                    list.Remove(j);
                    load -= jobs.PowerMw[j];
                    _movedOnOrders++;
                    Run(j, sites[to], t + 1, left);
                }
                else
                {
                    load -= Requeue(j, s, t, until);
                }
            }

            if (decision.Met && !decision.UsedFallback && load <= room + 1e-9)
            {
                _ordersDispatched++;
            }
            else
            {
                _ordersToFallback++;
            }

            return load;
        }

        // Whether job j runs at site s at step t (not yet stopped, moved or re-queued by this order).
        private bool RunsAt(int j, int s, int t) => _siteOf[j] == s && _start[j] <= t && _end[j] > t;

        // Stops job j at site s from step t and resumes it where and when the policy finds room after the order (from
        // where it stopped: the jobs checkpoint), or loses it. Returns the IT power freed at s, MW.
        private double Requeue(int j, int s, int t, int until)
        {
            var jobs = workload.Jobs;
            var left = _end[j] - t;
            _context.Uncommit(j, s, t, _end[j]);
            Watch(j, s, t, _end[j], -1);
            _siteJobs[s].Remove(j);
            var resumed = t + 1 < world.Steps ? policy.Resume(_context, j, t + 1, left, s, until) : JobPlacement.Unserved;
            if (resumed.Site < 0)
            {
                _lost++;
                _lostMwh += jobs.PowerMw[j] * left * world.StepHours;
                _end[j] = t;
            }
            else
            {
                _resumed++;
                Run(j, resumed.Site, resumed.Start, left);
            }

            return jobs.PowerMw[j];
        }

        private void ServeInference(int t, double[] running, double[] served, double[] excess, ref double unserved, ref long missSteps)
        {
            var demand = workload.InferenceMw;
            var count = served.Length;
            if (!policy.HonoursLimits)
            {
                for (var s = 0; s < count; s++)
                {
                    served[s] = demand[s][t];
                }

                return;
            }

            for (var s = 0; s < count; s++)
            {
                var room = Math.Max(0, Room(s, t) - running[s]);
                served[s] = Math.Min(demand[s][t], room);
                excess[s] = demand[s][t] - served[s];
            }

            for (var s = 0; s < count; s++)
            {
                if (excess[s] <= 1e-12)
                {
                    continue;
                }

                foreach (var q in reach[s])
                {
                    var room = Room(q, t) - running[q] - served[q];
                    if (room <= 1e-12)
                    {
                        continue;
                    }

                    var move = Math.Min(room, excess[s]);
                    served[q] += move;
                    excess[s] -= move;
                    if (excess[s] <= 1e-12)
                    {
                        break;
                    }
                }

                if (excess[s] > 1e-12)
                {
                    unserved += excess[s] * world.StepHours;
                    missSteps++;
                }
            }
        }

        // The battery of a WattBit policy's site at one step (decision 0065): it covers draw above the limit (the job load
        // it let run under a curtailment order), else charges in the day's cheapest forecast quarter (on days when the
        // dearest quarter beats it by more than a round trip's loss) or while the area curtails renewables, else discharges in the dearest quarter, when that beats the cheap quarter by more than the
        // round-trip loss, down to half its usable energy (the rest is kept for orders). Returns the grid draw after it, MW.
        private double Battery(int s, int t, int a, double draw)
        {
            if (!policy.HonoursLimits || world.Scenario.Sites[s].Battery is not { } b)
            {
                return draw;
            }

            var h = world.StepHours;
            var e = b.EnergyCapacity.MegawattHours;
            var limit = world.LimitMw[s][t];
            double charge = 0, discharge = 0;
            if (draw > limit)
            {
                discharge = Math.Min(draw - limit, Available(s));
            }
            else if (_cheap[a])
            {
                charge = Math.Max(0, Math.Min(Math.Min(b.MaxPower.Megawatts, limit - draw), ((b.MaxSoc * e) - _soc[s]) / (b.ChargeEfficiency * h)));
            }
            else if (_dear[a] && _score[a] * b.ChargeEfficiency * b.DischargeEfficiency > _low[a])
            {
                var reserve = (b.MinSoc + b.MaxSoc) / 2 * e;
                discharge = Math.Max(0, Math.Min(Math.Min(b.MaxPower.Megawatts, draw), (_soc[s] - reserve) * b.DischargeEfficiency / h));
            }

            _soc[s] += (charge * b.ChargeEfficiency * h) - (discharge / b.DischargeEfficiency * h);
            _charged += charge * h;
            _discharged += discharge * h;
            return draw + charge - discharge;
        }

        // Power the site's battery can deliver at this step, MW (0 without one or for a policy that ignores limits).
        private double Available(int s) => policy.HonoursLimits && world.Scenario.Sites[s].Battery is { } b
            ? Math.Min(b.MaxPower.Megawatts, Math.Max(0, _soc[s] - (b.MinSoc * b.EnergyCapacity.MegawattHours)) * b.DischargeEfficiency / world.StepHours)
            : 0;

        // Equivalent full cycles: energy delivered over the fleet's usable battery energy.
        private double Cycles(IReadOnlyList<SiteSpec> sites)
        {
            var usable = sites.Sum(x => x.Battery is { } b ? (b.MaxSoc - b.MinSoc) * b.EnergyCapacity.MegawattHours : 0);
            return usable > 0 ? _discharged / usable : 0;
        }

        // The 25th and 75th percentile of each area's forecast over one day: what the batteries call cheap and dear.
        private (double Low, double High)[] DayQuartiles(int day, int dayEnd)
        {
            var result = new (double, double)[forecast.Length];
            var buffer = new double[dayEnd - day];
            for (var a = 0; a < forecast.Length; a++)
            {
                forecast[a].AsSpan(day, dayEnd - day).CopyTo(buffer);
                Array.Sort(buffer);
                result[a] = (buffer[(buffer.Length - 1) / 4], buffer[3 * (buffer.Length - 1) / 4]);
            }

            return result;
        }

        // IT power a site may run at step t without exceeding its grid limit or IT capacity, MW.
        private double Room(int s, int t) => Math.Min(world.LimitMw[s][t] / _context.Pue[s], _context.ItMw[s]);

        // The site whose load the report shows: the largest flexible (else provisional, else any) site in the area with
        // the most curtailment, so the sample week shows both the moving limit and absorbed surplus.
        private int WatchSite(IReadOnlyList<SiteSpec> sites)
        {
            var curtailment = world.CurtailedMw.Select(c => c.Sum()).ToArray();
            var best = 0;
            for (var s = 1; s < sites.Count; s++)
            {
                if (Rank(s).CompareTo(Rank(best)) > 0)
                {
                    best = s;
                }
            }

            return best;

            (int, double, double) Rank(int s) => ((int)sites[s].Connection.Kind, curtailment[world.SiteArea[s]], sites[s].ItMw);
        }
    }
}
