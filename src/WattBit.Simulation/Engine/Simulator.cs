using WattBit.Signals;
using WattBit.Simulation.Policies;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>The outcome of a simulation: the world and workload it ran on and one result per policy, in scenario order.</summary>
/// <param name="World">The world.</param>
/// <param name="Workload">The generated workload.</param>
/// <param name="Policies">One result per policy.</param>
/// <param name="Elapsed">Wall time of the run, as measured by the injected time provider.</param>
public sealed record SimulationResult(SimulationWorld World, SimulatedWorkload Workload, IReadOnlyList<PolicyResult> Policies, TimeSpan Elapsed)
{
    /// <summary>The scenario.</summary>
    public SimulationScenario Scenario => World.Scenario;

    /// <summary>Which forecast the policies planned on and its skill against the actuals (decision 0177); null for a result built by hand.</summary>
    public ForecastSkill? Forecast { get; init; }

    /// <summary>
    /// The forecast score the policies planned on, per area and step (null for a result built by hand): a rerun of the
    /// same world's signals passes this result as <c>sameForecastsAs</c> to plan on it without building it again.
    /// </summary>
    public IReadOnlyList<double[]>? ForecastScore { get; init; }

    /// <summary>
    /// The perfect-foresight bound of the jobs' placement when the scenario asks for it, else null: the pooled one
    /// (<c>bound: true</c>; decision 0182), or the per-site one, the tighter (<c>bound: per-site</c>; decision 0207).
    /// </summary>
    public ForesightBound? Bound { get; init; }

    /// <summary>Where the run's wall time went, phase by phase (null for a result built by hand).</summary>
    public SimulationTiming? Timing { get; init; }

    /// <summary>The pooled bound (decision 0182) beside the per-site <see cref="Bound"/> under <c>bound: per-site</c>; else null.</summary>
    public ForesightBound? PooledBound { get; init; }
}

/// <summary>
/// The wall-clock phases of a simulation run (this host's clock; they depend on the machine and its load, the results do not).
/// </summary>
/// <param name="Setup">The world (signals on the step grid, sites, limits) and the workload.</param>
/// <param name="Forecasts">The forecasts the policies plan on (the forecasting engine's, or AR(1) noise), or zero when a rerun takes an earlier run's.</param>
/// <param name="Runs">The policies' runs, in parallel (each policy's own time is its <see cref="PolicyResult.Elapsed"/>).</param>
/// <param name="Bound">The perfect-foresight bound, or zero when not asked for.</param>
public sealed record SimulationTiming(TimeSpan Setup, TimeSpan Forecasts, TimeSpan Runs, TimeSpan Bound);

/// <summary>
/// The discrete-time engine. For every policy it walks the period one step at a time on a <see cref="SimulationClock"/>:
/// at the first step of each day the policy places the jobs released that day (rolling horizon, on forecasts); at every
/// step the dispatcher serves inference and the actual draw of every site is measured against actual carbon, price,
/// curtailment and the site's grid limit. Policies run in parallel, each on its own state, so the result is the same for
/// the same scenario and seed on any machine. Stateless and thread-safe.
/// </summary>
public static class Simulator
{
    /// <summary>Runs every policy of <paramref name="scenario"/> on the signals and grid the host composed.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="signals">Every area's signals over the scenario's period (WattBit.Data's <c>SignalYears.Compose</c>).</param>
    /// <param name="grid">The headroom layer and ties its <c>grid</c> section asks for (null: none).</param>
    /// <param name="time">Wall clock used only to time the run.</param>
    /// <param name="progress">Receives the fraction done, 0-1 (optional; called from worker threads).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <param name="forecasting">The forecasting engine the host composed (null: AR(1) noise, or an error for <c>forecast: engine</c>).</param>
    /// <exception cref="ArgumentException">The signals do not fit the scenario; the scenario asks for a layer, ties or forecasts the host did not compose, or a site has no substation within reach.</exception>
    public static SimulationResult Run(SimulationScenario scenario, SignalYear signals, SimulationGrid? grid, TimeProvider time, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default, SimulationForecasting? forecasting = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var world = SimulationWorld.Build(scenario, signals, grid);
        var workload = WorkloadGenerator.Generate(scenario);
        var setup = time.GetElapsedTime(started);
        var result = Run(world, workload, time, started, progress, cancellationToken, forecasting);
        return result with { Timing = result.Timing! with { Setup = setup } };
    }

    /// <summary>Runs every policy of the world's scenario on a given workload.</summary>
    /// <param name="world">The world.</param>
    /// <param name="workload">The workload.</param>
    /// <param name="time">Wall clock used only to time the run.</param>
    /// <param name="progress">Receives the fraction done, 0-1 (optional).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <param name="forecasting">The forecasting engine the host composed (null: AR(1) noise, or an error for <c>forecast: engine</c>); a rerun of a
    /// world passes the one its first run had, so both plan on the same forecasts.</param>
    /// <param name="batteriesOffRuns">Whether to run each limit-honouring policy once more without batteries (decision 0179,
    /// <see cref="PolicyResult.WithoutBatteries"/>); a rerun whose caller does not read it (the demand-response rerun) passes false.</param>
    /// <param name="sameForecastsAs">A run of a world with the same signals (the same world with other limits, as
    /// the demand-response rerun makes): its forecast score is planned on
    /// instead of building the forecasts again; null builds them.</param>
    /// <exception cref="ArgumentException"><paramref name="sameForecastsAs"/> has no forecast score or one of another shape than the world.</exception>
    public static SimulationResult Run(SimulationWorld world, SimulatedWorkload workload, TimeProvider time, IProgress<double>? progress = null, CancellationToken cancellationToken = default,
        SimulationForecasting? forecasting = null, bool batteriesOffRuns = true, SimulationResult? sameForecastsAs = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Run(world, workload, time, time.GetTimestamp(), progress, cancellationToken, forecasting, batteriesOffRuns, sameForecastsAs);
    }

    private static SimulationResult Run(SimulationWorld world, SimulatedWorkload workload, TimeProvider time, long started, IProgress<double>? progress, CancellationToken cancellationToken,
        SimulationForecasting? forecasting, bool batteriesOffRuns = true, SimulationResult? sameForecastsAs = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(workload);
        var scenario = world.Scenario;
        var forecastsStarted = time.GetTimestamp();
        var (forecast, skill) = sameForecastsAs is null ? SimulationForecasts.Build(world, forecasting, cancellationToken) : ForecastsOf(sameForecastsAs, world);
        var forecastsTime = sameForecastsAs is null ? time.GetElapsedTime(forecastsStarted) : TimeSpan.Zero;
        cancellationToken.ThrowIfCancellationRequested();
        var runsStarted = time.GetTimestamp();
        var byRelease = SortByRelease(workload.Jobs, world.Steps, out var releaseOffsets);
        var reach = Neighbours(scenario);
        var policies = scenario.Policies;
        // Every policy, and once more without batteries each policy that uses them (decision 0179: the batteries' effect
        // is measured by running the same year without them, not read from counters).
        var hasBatteries = batteriesOffRuns && scenario.Sites.Any(x => x.Battery is not null);
        var runs = Enumerable.Range(0, policies.Count).Select(i => (Policy: i, Batteries: true))
            .Concat(hasBatteries ? Enumerable.Range(0, policies.Count).Where(i => PolicyFactory.Create(policies[i], time).HonoursLimits).Select(i => (Policy: i, Batteries: false)) : [])
            .ToArray();
        var all = new PolicyResult[runs.Length];
        long done = 0;
        var total = (double)runs.Length * world.Steps;
        var options = new ParallelOptions { CancellationToken = cancellationToken };
        Parallel.For(0, runs.Length, options, r =>
        {
            var (i, batteries) = runs[r];
            var policyStarted = time.GetTimestamp();
            var policy = PolicyFactory.Create(policies[i], time, scenario.Replan);
            var run = new PolicyRun(world, workload, forecast, policy, policies[i], reach, batteries);
            var result = run.Execute(byRelease, releaseOffsets, steps =>
            {
                var d = Interlocked.Add(ref done, steps);
                progress?.Report(d / total);
            }, cancellationToken);
            all[r] = policy is PlannerPolicy planner
                ? result with { Elapsed = time.GetElapsedTime(policyStarted), PlanningTime = planner.PlanningTime, DayFlow = planner.DayFlow }
                : result with { Elapsed = time.GetElapsedTime(policyStarted) };
        });

        var results = new PolicyResult[policies.Count];
        for (var r = 0; r < runs.Length; r++)
        {
            var (i, batteries) = runs[r];
            results[i] = batteries ? all[r] : results[i];
        }

        for (var r = 0; r < runs.Length; r++)
        {
            var (i, batteries) = runs[r];
            if (!batteries)
            {
                results[i] = results[i] with { WithoutBatteries = all[r] };
            }
        }

        var runsTime = time.GetElapsedTime(runsStarted);
        var boundStarted = time.GetTimestamp();
        ForesightBound? pooled = null;
        ForesightBound? bound = null;
        if (scenario.BoundWholeRun)
        {
            double[][]? prices = null;
            pooled = Timed(time, () =>
            {
                (var flow, prices) = ForesightBound.ComputeWithPrices(world, workload);
                return flow;
            });
            bound = WholeRunBound.Compute(world, workload, pooled.UnplacedMwh > 0 ? null : prices, time: time);
        }
        else
        {
            pooled = scenario.Bound ? Timed(time, () => ForesightBound.Compute(world, workload)) : null;
            bound = scenario.BoundPerSite ? Timed(time, () => ForesightBound.Compute(world, workload, perSite: true)) : pooled;
        }

        var timing = new SimulationTiming(TimeSpan.Zero, forecastsTime, runsTime, scenario.Bound ? time.GetElapsedTime(boundStarted) : TimeSpan.Zero);
        return new SimulationResult(world, workload, results, time.GetElapsedTime(started))
        {
            Forecast = skill, ForecastScore = forecast, Bound = bound, PooledBound = scenario.BoundPerSite || scenario.BoundWholeRun ? pooled : null, Timing = timing,
        };
    }

    private static ForesightBound Timed(TimeProvider time, Func<ForesightBound> compute)
    {
        var started = time.GetTimestamp();
        var bound = compute();
        return bound with { Elapsed = time.GetElapsedTime(started) };
    }

    private static (double[][] Score, ForecastSkill Skill) ForecastsOf(SimulationResult earlier, SimulationWorld world)
    {
        if (earlier.ForecastScore is not { } score || earlier.Forecast is not { } skill)
        {
            throw new ArgumentException("the earlier run has no forecast score to plan on.", nameof(earlier));
        }

        if (score.Count != world.Price.Count || score.Any(a => a.Length != world.Steps))
        {
            throw new ArgumentException($"the earlier run's forecast score ({score.Count} areas) is not of this world's shape ({world.Price.Count} areas, {world.Steps} steps).", nameof(earlier));
        }

        return ([.. score], skill);
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
}
