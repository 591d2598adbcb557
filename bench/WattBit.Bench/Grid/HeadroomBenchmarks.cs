using BenchmarkDotNet.Attributes;
using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;

namespace WattBit.Bench.Grid;

/// <summary>
/// Full-year headroom on case2383wp (2,383 buses × 8,760 h), one measured run each (Monitoring): N-0 naive (baseline)
/// vs pruned, and N-1 pruned. The N-1 naive method is far too slow for a full year; it is measured on a sample in
/// <see cref="HeadroomSampleBenchmarks"/> and its full-year time is extrapolated linearly (its cost is exactly
/// buses × steps × contingencies × branches).
/// </summary>
[Config(typeof(OneRun))]
public class HeadroomYearBenchmarks
{
    private PowerNetwork _net = null!;
    private Sensitivities _s = null!;
    private HeadroomEngine _n0 = null!;
    private HeadroomEngine _n1 = null!;
    private int[] _buses = [];

    [GlobalSetup]
    public void Setup()
    {
        _net = GridBenchSetup.LoadCase();
        _s = Sensitivities.Build(new DcModel(_net));
        _n0 = GridBenchSetup.Engine(_net, _s, 8760, ContingencyCriterion.N0);
        _n1 = GridBenchSetup.Engine(_net, _s, 8760, ContingencyCriterion.N1);
        _buses = [.. Enumerable.Range(0, _net.Buses.Length)];
    }

    [GlobalCleanup]
    public void Cleanup() => GridBenchSetup.ReportPeakMemory(nameof(HeadroomYearBenchmarks));

    [Benchmark(Baseline = true, Description = "N-0 naive, all buses x 8760 h")]
    public double N0Naive()
    {
        var total = 0.0;
        var gate = new Lock();
        Parallel.For(0, _buses.Length, () => new BusHeadroom(8760), (k, _, r) =>
        {
            _n0.ComputeNaive(k, r);
            return r;
        }, r =>
        {
            lock (gate)
            {
                total += r.N0Mw[0];
            }
        });
        return total;
    }

    [Benchmark(Description = "N-0 pruned, all buses x 8760 h")]
    public double N0Pruned() => Run(_n0);

    [Benchmark(Description = "N-1 pruned (exact), all buses x 8760 h")]
    public double N1Pruned() => Run(_n1);

    private double Run(HeadroomEngine engine)
    {
        var total = 0.0;
        long candidates = 0;
        HeadroomRunner.Run(engine, _buses, r =>
        {
            total += r.N0Mw[0] + (double.IsNaN(r.N1Mw[0]) ? 0 : r.N1Mw[0]);
            candidates += r.N0Candidates + r.N1Candidates;
        });
        Console.WriteLine($"// {engine.Options.Criterion}: {candidates / (double)_buses.Length:F1} limits evaluated per bus after pruning " +
            $"(of {(engine.Options.Criterion == ContingencyCriterion.N1 ? (long)(engine.Contingencies.Length + 1) : 1) * _net.Branches.Length:N0})");
        return total;
    }
}

/// <summary>N-1 naive (baseline) vs pruned on the same sample: 8 buses spread over the case, the first 24 hours.</summary>
[Config(typeof(TwoRuns))]
public class HeadroomSampleBenchmarks
{
    private HeadroomEngine _engine = null!;
    private int[] _buses = [];

    [GlobalSetup]
    public void Setup()
    {
        var net = GridBenchSetup.LoadCase();
        var s = Sensitivities.Build(new DcModel(net));
        _engine = GridBenchSetup.Engine(net, s, 24, ContingencyCriterion.N1);
        _buses = [.. Enumerable.Range(0, 8).Select(i => i * (net.Buses.Length / 8))];
    }

    [Benchmark(Baseline = true, Description = "N-1 naive, 8 buses x 24 h")]
    public double Naive()
    {
        var r = new BusHeadroom(_engine.Steps);
        var total = 0.0;
        foreach (var k in _buses)
        {
            _engine.ComputeNaive(k, r);
            total += r.N1Mw[0];
        }

        return total;
    }

    [Benchmark(Description = "N-1 pruned, 8 buses x 24 h")]
    public double Pruned()
    {
        var r = new BusHeadroom(_engine.Steps);
        var total = 0.0;
        foreach (var k in _buses)
        {
            _engine.Compute(k, r);
            total += r.N1Mw[0];
        }

        return total;
    }
}
