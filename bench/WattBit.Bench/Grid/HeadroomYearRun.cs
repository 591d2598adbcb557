using System.Diagnostics;
using System.Globalization;
using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;

namespace WattBit.Bench.Grid;

/// <summary>
/// The whole N-1 year of every bus, as one program, timed phase by phase (issue 18):
/// <c>dotnet run -c Release --project bench/WattBit.Bench -- year CASE.m [--store year.whr] [--check 4]</c>. Prints each
/// phase's wall clock and CPU seconds (user + system, all threads), the grouped engine's own split (N-0, pair screening,
/// pairs checked bus by bus, evaluation), then the total wall clock, CPU seconds and peak working set of the year; with
/// <c>--store</c> the binary store is written as the buses finish (inside the timed year). After the total it checks
/// <c>--check</c> buses spread over the case against the one-bus engine (decision 0011), which is not timed in the year.
/// </summary>
internal static class HeadroomYearRun
{
    public static int Run(string[] args)
    {
        var file = args[1];
        var storePath = Option(args, "--store");
        var check = int.Parse(Option(args, "--check") ?? "4", CultureInfo.InvariantCulture);
        var path = File.Exists(file) ? file : BenchData.Path("grid", file.StartsWith("pglib", StringComparison.Ordinal) ? "pglib" : "matpower", file);
        Console.WriteLine($"// {Path.GetFileName(path)}: N-1 headroom of every bus x 8,760 h; {Environment.ProcessorCount} cores; load average {HeadroomScaleRun.LoadAverage()}");
        var total = Stopwatch.StartNew();
        var cpuStart = HeadroomScaleRun.CpuSeconds();
        var phase = new Phase();
        var net = CaseFile.Load(path);
        phase.Lap("case import");
        var model = new DcModel(net);
        phase.Lap($"DC model + factorisation ({model.ReducedSize} rows)");
        var s = Sensitivities.Build(model);
        phase.Lap($"PTDF + LODF ({net.Buses.Length} x {net.Branches.Length} and {net.Branches.Length}^2)");
        var profile = SyntheticProfile.Create(GridBenchSetup.Start, 8760);
        var series = new NetworkTimeSeries(model, profile, SyntheticProfile.SolarAtLoadBuses(net));
        var engine = new HeadroomEngine(s, series);
        phase.Lap("series + engine");
        var n = net.Buses.Length;
        var buses = Enumerable.Range(0, n).ToArray();
        var sampled = Enumerable.Range(0, check).Select(i => (int)((long)(2 * i + 1) * n / (2 * Math.Max(1, check)))).Distinct().ToArray();
        var kept = sampled.ToDictionary(b => b, _ => new BusHeadroom(engine.Steps));
        var times = profile.Timestamps;
        using (var store = storePath is null ? null
            : HeadroomStore.Create(storePath, [.. buses.Select(b => net.Buses[b].Number)], times.Length, times[0], times[1] - times[0]))
        {
            long candidates = 0;
            HeadroomRunner.Run(engine, buses, r =>
            {
                store?.Write(r);
                candidates += r.N1Candidates;
                if (kept.TryGetValue(r.Bus, out var copy))
                {
                    r.CopyTo(copy);
                }
            });
            phase.Lap($"N-1 year, {n} buses x {engine.Steps} h, grouped{(store is null ? "" : ", store written")} (mean {candidates / (double)n:F0} kept N-1 limits per bus)");
        }

        var wall = total.Elapsed.TotalSeconds;
        var cpu = HeadroomScaleRun.CpuSeconds() - cpuStart;
        var ph = engine.GroupPhases;
        var (visited, passed) = engine.GroupScreening;
        Console.WriteLine($"//   inside the year (thread time summed): N-0 {ph.N0.TotalSeconds:F1} s, pair screening {ph.Screening.TotalSeconds:F1} s " +
            $"(pairs checked bus by bus ≈ {ph.PairChecks.TotalSeconds:F1} s), evaluation {ph.Evaluation.TotalSeconds:F1} s; " +
            $"{100.0 * passed / Math.Max(1, visited):F2} % of {visited:N0} pairs passed the group bound");
        using (var p = Process.GetCurrentProcess())
        {
            Console.WriteLine($"TOTAL: {wall:F1} s wall clock, {cpu:F1} CPU s (user + system), peak working set {p.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB; load average {HeadroomScaleRun.LoadAverage()}");
        }

        // Not timed: sampled buses against the one-bus engine.
        var same = 0;
        var worst = 0.0;
        foreach (var bus in sampled)
        {
            var single = new BusHeadroom(engine.Steps);
            engine.Compute(bus, single);
            var a = kept[bus];
            var identical = a.N0Mw.AsSpan().SequenceEqual(single.N0Mw) && a.N1Mw.AsSpan().SequenceEqual(single.N1Mw)
                && a.N1Branch.AsSpan().SequenceEqual(single.N1Branch) && a.N1Contingency.AsSpan().SequenceEqual(single.N1Contingency);
            same += identical ? 1 : 0;
            for (var t = 0; t < engine.Steps; t++)
            {
                worst = Math.Max(worst, Math.Abs(a.N1Mw[t] - single.N1Mw[t]));
            }
        }

        Console.WriteLine($"// check (not timed): {sampled.Length} buses against the one-bus engine: identical {same}/{sampled.Length}, largest N-1 difference {worst:G3} MW");
        return same == sampled.Length ? 0 : 1;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Wall clock and CPU seconds of consecutive phases.</summary>
    private sealed class Phase
    {
        private readonly Stopwatch _sw = Stopwatch.StartNew();
        private double _cpu = HeadroomScaleRun.CpuSeconds();

        public void Lap(string what)
        {
            var cpu = HeadroomScaleRun.CpuSeconds();
            Console.WriteLine($"{what}: {_sw.Elapsed.TotalSeconds:F2} s wall, {cpu - _cpu:F2} CPU s");
            _cpu = cpu;
            _sw.Restart();
        }
    }
}
