using System.Diagnostics;
using System.Globalization;
using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;

namespace WattBit.Bench.Grid;

/// <summary>
/// Whole-program timing of the headroom engine at TSO scale (issue 18):
/// <c>dotnet run -c Release --project bench/WattBit.Bench -- scale CASE.m [--sample N] [--index] [--full]</c>.
/// Prints where the time goes (case import, factorisation, PTDF, LODF, series, pair index, per-bus N-1) for the
/// screened engine and for the straightforward full sweep (decision 0011) on the same sample of buses in the same
/// run, checks that both give identical results, and with <c>--full</c> runs every bus for the whole year.
/// </summary>
internal static class HeadroomScaleRun
{
    public static int Run(string[] args)
    {
        var file = args[1];
        var sample = 40;
        var full = false;
        for (var i = 2; i < args.Length; i++)
        {
            if (args[i] == "--sample")
            {
                sample = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else if (args[i] == "--full")
            {
                full = true;
            }
        }

        var path = File.Exists(file) ? file : BenchData.Path("grid", file.EndsWith(".raw", StringComparison.Ordinal) ? "psse" : file.StartsWith("pglib", StringComparison.Ordinal) ? "pglib" : "matpower", file);
        Console.WriteLine($"// {Path.GetFileName(path)}; {Environment.ProcessorCount} cores; load average {LoadAverage()}");
        var sw = Stopwatch.StartNew();
        var net = CaseFile.Load(path);
        Lap("case import", sw);
        var model = new DcModel(net);
        Lap($"DC model + factorisation ({model.ReducedSize} rows, {model.Factor.FactorNonzeros} L nonzeros)", sw);
        var s = Sensitivities.Build(model);
        Lap($"PTDF + LODF ({net.Buses.Length} x {net.Branches.Length} + {net.Branches.Length}^2 doubles)", sw);
        var profile = SyntheticProfile.Create(GridBenchSetup.Start, 8760);
        var series = new NetworkTimeSeries(model, profile, SyntheticProfile.SolarAtLoadBuses(net));
        Lap("series (3 solves)", sw);
        var indexed = args.Contains("--index");
        var fast = new HeadroomEngine(s, series) { UsePairIndex = indexed };
        var plain = new HeadroomEngine(s, series) { UseWeekBlocks = false };
        if (indexed)
        {
            fast.Compute(net.ReferenceBus, new BusHeadroom(8760));
            Lap($"pair index ({fast.Contingencies.Length} contingencies) + one bus", sw);
        }
        var n = net.Buses.Length;
        var buses = Enumerable.Range(0, sample).Select(i => (int)((long)i * n / sample)).ToArray();
        var fastResults = buses.Select(_ => new BusHeadroom(8760)).ToArray();
        var plainResults = buses.Select(_ => new BusHeadroom(8760)).ToArray();
        sw.Restart();
        Parallel.For(0, buses.Length, i => fast.Compute(buses[i], fastResults[i]));
        var tFast = sw.Elapsed.TotalSeconds;
        sw.Restart();
        Parallel.For(0, buses.Length, i => plain.Compute(buses[i], plainResults[i]));
        var tPlain = sw.Elapsed.TotalSeconds;
        var same = 0;
        for (var i = 0; i < buses.Length; i++)
        {
            var (a, b) = (fastResults[i], plainResults[i]);
            if (a.N0Mw.AsSpan().SequenceEqual(b.N0Mw) && a.N1Mw.AsSpan().SequenceEqual(b.N1Mw) && a.N0Branch.AsSpan().SequenceEqual(b.N0Branch)
                && a.N1Branch.AsSpan().SequenceEqual(b.N1Branch) && a.N1Contingency.AsSpan().SequenceEqual(b.N1Contingency))
            {
                same++;
            }
        }

        Console.WriteLine($"// N-1 year, {buses.Length} sampled buses: {(indexed ? "index + week blocks" : "week blocks")} {tFast:F2} s, full sweep {tPlain:F2} s, ratio {tPlain / tFast:F1}x; identical {same}/{buses.Length}; " +
            $"mean N-1 candidates {fastResults.Average(r => r.N1Candidates):F0}; extrapolated all {n} buses: screened {tFast * n / buses.Length:F0} s, full sweep {tPlain * n / buses.Length:F0} s");
        if (full)
        {
            sw.Restart();
            var total = 0.0;
            HeadroomRunner.Run(fast, [.. Enumerable.Range(0, n)], r => total += r.N1Mw[0]);
            Lap($"N-1 year, all {n} buses x 8760 h (screened)", sw);
        }

        using var p = Process.GetCurrentProcess();
        Console.WriteLine($"// peak working set {p.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB; load average {LoadAverage()}");
        return same == buses.Length ? 0 : 1;
    }

    private static void Lap(string what, Stopwatch sw)
    {
        Console.WriteLine($"{what}: {sw.Elapsed.TotalSeconds:F2} s");
        sw.Restart();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
