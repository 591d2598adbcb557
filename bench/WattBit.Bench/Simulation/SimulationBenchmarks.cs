using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using WattBit.Data.Reference;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Time;

namespace WattBit.Bench.Simulation;

/// <summary>
/// The simulator at national scale: one fiscal year at hourly steps, 10 areas, 200 distributed sites and 1,000,000
/// deferrable jobs (plus inference at every site and step). Measured in the same run: a straightforward time-shift
/// simulator (one object per job, every candidate start evaluated by summing its window step by step, per-step totals
/// accumulated job by job) as the baseline; the engine's time-shift policy alone; the four non-optimising policies
/// together (baseline, time-shift, greenest-site, capacity caps, run in parallel); the WattBit policy (grid limits at
/// every step); and the planner-driven WattBit policy (the optimiser on a rolling horizon). The world (reference year, limits) and the workload are built once in the setup.
/// Run: <c>dotnet run -c Release --project bench/WattBit.Bench -- --filter '*SimulationBenchmarks*'</c>.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 2)]
public class SimulationBenchmarks
{
    private SimulationWorld _timeShift = null!;
    private SimulationWorld _fourPolicies = null!;
    private SimulationWorld _wattbit = null!;
    private SimulationWorld _planner = null!;
    private SimulatedWorkload _workload = null!;

    /// <summary>Number of deferrable jobs.</summary>
    [Params(1_000_000)]
    public int Jobs { get; set; } = 1_000_000;

    [GlobalSetup]
    public void Setup()
    {
        var scenario = Scenario(Jobs);
        _workload = WorkloadGenerator.Generate(scenario);
        var signals = SignalYears.Compose(scenario.FiscalYear, scenario.Seed, new TimeWindow(scenario.Start, scenario.End), scenario.Step);
        _timeShift = SimulationWorld.Build(scenario with { Policies = [PolicyKind.TimeShift] }, signals);
        _fourPolicies = SimulationWorld.Build(scenario with { Policies = [PolicyKind.Baseline, PolicyKind.TimeShift, PolicyKind.GreenestSite, PolicyKind.CapacityCaps] }, signals);
        _wattbit = SimulationWorld.Build(scenario with { Policies = [PolicyKind.WattBit] }, signals);
        _planner = SimulationWorld.Build(scenario with { Policies = [PolicyKind.WattBitPlanner] }, signals);
    }

    [Benchmark(Baseline = true)]
    public double Straightforward() => StraightforwardTimeShift(_timeShift, _workload);

    [Benchmark]
    public double EngineTimeShift() => Simulator.Run(_timeShift, _workload, TimeProvider.System).Policies[0].Overall.LifecycleTonnes;

    [Benchmark]
    public double EngineFourPolicies() => Simulator.Run(_fourPolicies, _workload, TimeProvider.System).Policies.Sum(p => p.Overall.LifecycleTonnes);

    [Benchmark]
    public double EngineWattBit() => Simulator.Run(_wattbit, _workload, TimeProvider.System).Policies[0].Overall.LifecycleTonnes;

    /// <summary>The planner-driven policy: the day-ahead optimiser each day on a 48 h horizon, sites aggregated per area.</summary>
    [Benchmark]
    public double EngineWattBitPlanner() => Simulator.Run(_planner, _workload, TimeProvider.System).Policies[0].Overall.LifecycleTonnes;

    /// <summary>The national benchmark scenario: FY2025 hourly, 200 sites over the ten areas, the given number of jobs.</summary>
    /// <param name="jobs">Deferrable jobs.</param>
    public static SimulationScenario Scenario(int jobs) => ScenarioFile.Parse(string.Create(CultureInfo.InvariantCulture, $"""
        name: benchmark
        step: 1h
        seed: 1
        sites:
          - generate: distributed
            count: 200
            connections: {"{"}firm: 0.4, provisional: 0.3, flexible: 0.3{"}"}
        workload:
          target_mw: 100
          jobs: {jobs}
        policies: [baseline]
        """), "benchmark.yaml");

    /// <summary>
    /// Time-shift written the straightforward way: a record per job, every start in its window scored by summing the
    /// carbon of each step of the run, then each job's energy and emissions accumulated step by step, inference added
    /// step by step. Returns lifecycle tCO2 (same model as the engine).
    /// </summary>
    private static double StraightforwardTimeShift(SimulationWorld world, SimulatedWorkload workload)
    {
        var jobs = workload.Jobs;
        var list = new List<NaiveJob>(jobs.Count);
        for (var j = 0; j < jobs.Count; j++)
        {
            list.Add(new NaiveJob(jobs.Release[j], jobs.Deadline[j], jobs.Duration[j], jobs.PowerMw[j], jobs.Home[j]));
        }

        var sites = world.Scenario.Sites;
        double tonnes = 0;
        foreach (var job in list)
        {
            var carbon = world.CarbonLifecycle[world.SiteArea[job.Site]];
            var best = job.Release;
            var bestScore = double.PositiveInfinity;
            for (var s = job.Release; s + job.Duration <= job.Deadline; s++)
            {
                double score = 0;
                for (var t = s; t < s + job.Duration; t++)
                {
                    score += carbon[t];
                }

                if (score < bestScore)
                {
                    bestScore = score;
                    best = s;
                }
            }

            for (var t = best; t < best + job.Duration; t++)
            {
                tonnes += job.PowerMw * sites[job.Site].Pue * world.StepHours * carbon[t] / 1000;
            }
        }

        for (var s = 0; s < sites.Count; s++)
        {
            var carbon = world.CarbonLifecycle[world.SiteArea[s]];
            for (var t = 0; t < world.Steps; t++)
            {
                tonnes += workload.InferenceMw[s][t] * sites[s].Pue * world.StepHours * carbon[t] / 1000;
            }
        }

        return tonnes;
    }

    private sealed record NaiveJob(int Release, int Deadline, int Duration, double PowerMw, int Site);
}
