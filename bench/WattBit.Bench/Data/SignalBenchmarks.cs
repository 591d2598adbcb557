using BenchmarkDotNet.Attributes;
using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Data.Signals;
using WattBit.Time;

namespace WattBit.Bench.Data;

/// <summary>
/// Signal computation for 10 areas x 1 year (17,520 half-hours each) on the reference year: production carbon
/// intensity, consumption-based intensity (flow estimation + tracing per slot), curtailment; and generating the
/// year itself. Baseline: one pass summing every area's demand (the cost of touching the data once).
/// </summary>
[MemoryDiagnoser]
public class SignalBenchmarks
{
    private ReferenceYear _year = null!;
    private Dictionary<string, IReadOnlyDictionary<string, TimeSeries>> _mixes = [];

    [GlobalSetup]
    public void Setup()
    {
        _year = ReferenceYear.Generate(2025, 1);
        _mixes = _year.Areas.ToDictionary(a => a.Key, a => a.Value.Mix);
    }

    [Benchmark(Baseline = true)]
    public double TouchDemandOnce()
    {
        double sum = 0;
        foreach (var a in _year.Areas.Values)
        {
            foreach (var v in a.Demand.Values)
            {
                sum += v;
            }
        }

        return sum;
    }

    [Benchmark]
    public int ProductionCarbon10Areas()
    {
        var n = 0;
        foreach (var mix in _mixes.Values)
        {
            n += CarbonIntensityCalculator.Production(mix).Count;
        }

        return n;
    }

    [Benchmark]
    public int ConsumptionCarbon10Areas()
    {
        var net = _mixes.ToDictionary(m => m.Key, m => m.Value[SupplyDemandKeys.Interconnection]);
        var flows = InterAreaFlows.EstimateFromNetImports(net);
        return GridSignals.ConsumptionCarbon(_mixes, flows).Count;
    }

    [Benchmark]
    public int Curtailment10Areas()
    {
        var n = 0;
        foreach (var mix in _mixes.Values)
        {
            n += GridSignals.CurtailedHoursByMonth(GridSignals.Curtailment(mix)).Count;
        }

        return n;
    }

    [Benchmark]
    public int GenerateReferenceYear() => ReferenceYear.Generate(2025, 2).Areas.Count;
}
