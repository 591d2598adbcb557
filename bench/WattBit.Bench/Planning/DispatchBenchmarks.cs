using BenchmarkDotNet.Attributes;
using WattBit.Planning.Dispatch;

namespace WattBit.Bench.Planning;

/// <summary>
/// Re-dispatch of a 20 MW curtailment with 30 min notice on a 1,000-site fleet (issue 5 target: under 1 s).
/// Baseline: the always-feasible fallback alone (battery, stops, power-down) on the same event.
/// Run: <c>dotnet run -c Release --project bench/WattBit.Bench -- --filter '*DispatchBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class DispatchBenchmarks
{
    private FleetState _fleet = null!;
    private CurtailmentOrder _order = null!;
    private readonly Dispatcher _dispatcher = new(TimeProvider.System, budget: TimeSpan.FromSeconds(5));

    [Params(1_000)]
    public int Sites { get; set; }

    [GlobalSetup]
    public void Setup() => (_fleet, _order) = SyntheticFleet.Fleet(Sites);

    [Benchmark(Baseline = true)]
    public FleetState Fallback()
    {
        var need = Requirement.Of(_order, _fleet);
        return Dispatcher.Apply(_fleet, Dispatcher.Fallback(_order, _fleet, need), need);
    }

    [Benchmark]
    public DispatchDecision Dispatch() => _dispatcher.Handle(_order, _fleet);
}
