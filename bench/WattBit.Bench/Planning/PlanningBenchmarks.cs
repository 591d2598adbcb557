using BenchmarkDotNet.Attributes;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;

namespace WattBit.Bench.Planning;

/// <summary>
/// Day-ahead planning of 50 sites x 48 h x 10,000 jobs (issue 5 target: under 30 s, gap under 1%). Baseline: the
/// greedy carbon-aware heuristic on the same instance. The optimiser's gap to the LP bound is printed at cleanup.
/// Run: <c>dotnet run -c Release --project bench/WattBit.Bench -- --filter '*PlanningBenchmarks*'</c>.
/// </summary>
[Config(typeof(Grid.TwoRuns))] // in-process, two measured runs: no per-job rebuild on a busy machine
public class PlanningBenchmarks
{
    private PlanningProblem _problem = null!;
    private Plan? _last;

    [Params(10_000)]
    public int Jobs { get; set; }

    [GlobalSetup]
    public void Setup() => _problem = SyntheticFleet.Problem(50, 48, Jobs);

    [Benchmark(Baseline = true)]
    public Plan GreedyCarbon() => new GreedyCarbonPlanner(TimeProvider.System).Plan(_problem);

    [Benchmark]
    public Plan Optimiser() => _last = new OptimisingPlanner(TimeProvider.System, TimeSpan.FromSeconds(60)).Plan(_problem);

    [GlobalCleanup]
    public void Report()
    {
        if (_last is { } p)
        {
            Console.WriteLine($"// optimiser: objective {p.Summary.Objective.Yen:N0} JPY, bound {p.Summary.BestBound?.Yen:N0} JPY, gap {p.Summary.Gap:P2}, " +
                              $"late {p.Summary.LateWork.MegawattHours:0.0} MWh, unplanned {p.Summary.UnservedWork.MegawattHours:0.0} MWh; {p.Summary.Status}");
        }
    }
}
