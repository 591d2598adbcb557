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
        var groupSize = Option(args, "--group", 64);
        var baselineCount = Option(args, "--baseline", 8);
        var grouped = new HeadroomEngine(s, series) { GroupSize = groupSize, WarmStart = !args.Contains("--no-warm") };
        var single = new HeadroomEngine(s, series) { UsePairIndex = indexed };
        if (indexed)
        {
            single.Compute(net.ReferenceBus, new BusHeadroom(8760));
            Lap($"pair index ({single.Contingencies.Length} contingencies) + one bus", sw);
        }

        var n = net.Buses.Length;
        // The sample: whole groups of electrically close buses, starting at evenly spread buses of the case.
        var groups = BusGroups.Partition(model, [.. Enumerable.Range(0, n)], groupSize);
        var take = Math.Max(1, (sample + groupSize - 1) / groupSize);
        var buses = Enumerable.Range(0, take).SelectMany(i => groups[(int)((long)i * groups.Length / take)]).ToArray();
        var groupedResults = buses.Select(_ => new BusHeadroom(8760)).ToArray();
        sw.Restart();
        var cpu0 = CpuSeconds();
        var at = 0;
        HeadroomRunner.Run(grouped, buses, r => r.CopyTo(groupedResults[at++]));
        var tGrouped = sw.Elapsed.TotalSeconds;
        var cGrouped = CpuSeconds() - cpu0;
        var (visited, passed) = grouped.GroupScreening;
        Console.WriteLine($"// N-1 year, {buses.Length} buses in groups of up to {groupSize}: {tGrouped:F2} s ({cGrouped:F1} CPU s); " +
            $"pairs passing the group bound {passed:N0} of {visited:N0} ({100.0 * passed / Math.Max(1, visited):F3} %)");
        var ph = grouped.GroupPhases;
        Console.WriteLine($"// phases (thread time summed): N-0 + sensitivities {ph.N0.TotalSeconds:F2} s, pair screening {ph.Screening.TotalSeconds:F2} s " +
            $"(of which pairs checked bus by bus ≈ {ph.PairChecks.TotalSeconds:F2} s), evaluation of kept N-1 limits {ph.Evaluation.TotalSeconds:F2} s");

        // Baseline: today's one-bus engine (decision 0011 + week blocks) on the first buses of the sample, same run.
        var check = buses.Take(Math.Min(baselineCount, buses.Length)).ToArray();
        var singleResults = check.Select(_ => new BusHeadroom(8760)).ToArray();
        sw.Restart();
        cpu0 = CpuSeconds();
        Parallel.For(0, check.Length, i => single.Compute(check[i], singleResults[i]));
        var tSingle = sw.Elapsed.TotalSeconds;
        var cSingle = CpuSeconds() - cpu0;
        var same = 0;
        for (var i = 0; i < check.Length; i++)
        {
            var (a, b) = (groupedResults[i], singleResults[i]);
            if (a.N0Mw.AsSpan().SequenceEqual(b.N0Mw) && a.N1Mw.AsSpan().SequenceEqual(b.N1Mw) && a.N0Branch.AsSpan().SequenceEqual(b.N0Branch)
                && a.N1Branch.AsSpan().SequenceEqual(b.N1Branch) && a.N1Contingency.AsSpan().SequenceEqual(b.N1Contingency))
            {
                same++;
            }
        }

        var perGrouped = cGrouped / buses.Length;
        var perSingle = cSingle / Math.Max(1, check.Length);
        Console.WriteLine($"// one bus at a time ({(indexed ? "pair index + " : "")}week blocks), first {check.Length} of those buses: {tSingle:F2} s ({cSingle:F1} CPU s); " +
            $"identical {same}/{check.Length}; CPU per bus: grouped {perGrouped:F3} s, one at a time {perSingle:F3} s, ratio {perSingle / perGrouped:F1}x; " +
            $"mean N-1 candidates {groupedResults.Average(r => r.N1Candidates):F0}; extrapolated all {n} buses on {Environment.ProcessorCount} cores: " +
            $"grouped {perGrouped * n / Environment.ProcessorCount:F0} s, one at a time {perSingle * n / Environment.ProcessorCount:F0} s");
        N0Year(s, series, check);
        Query(net, series, buses, groupedResults);
        WhatIf(net, s, series, grouped.Options, buses[0], buses[^1], args.Contains("--no-rebuild"));
        if (full)
        {
            sw.Restart();
            cpu0 = CpuSeconds();
            var total = 0.0;
            HeadroomRunner.Run(grouped, [.. Enumerable.Range(0, n)], r => total += r.N1Mw[0]);
            Lap($"N-1 year, all {n} buses x 8760 h (grouped, {CpuSeconds() - cpu0:F0} CPU s)", sw);
        }

        using var p = Process.GetCurrentProcess();
        Console.WriteLine($"// peak working set {p.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB; load average {LoadAverage()}");
        return same == check.Length ? 0 : 1;
    }

    /// <summary>
    /// The N-0 year of every bus with the pruned engine (decision 0011), against the naive method (every branch at every
    /// step) on the given buses in the same run, per bus of CPU time, and checked identical.
    /// </summary>
    private static void N0Year(Sensitivities s, NetworkTimeSeries series, int[] check)
    {
        var n = s.Model.BusCount;
        var engine = new HeadroomEngine(s, series, new HeadroomOptions(Criterion: ContingencyCriterion.N0));
        var sw = Stopwatch.StartNew();
        var cpu0 = CpuSeconds();
        var keep = check.ToDictionary(b => b, _ => new BusHeadroom(series.Count));
        HeadroomRunner.Run(engine, [.. Enumerable.Range(0, n)], r =>
        {
            if (keep.TryGetValue(r.Bus, out var copy))
            {
                r.CopyTo(copy);
            }
        });
        var (tAll, cAll) = (sw.Elapsed.TotalSeconds, CpuSeconds() - cpu0);
        sw.Restart();
        cpu0 = CpuSeconds();
        var naive = new BusHeadroom(series.Count);
        var same = 0;
        foreach (var bus in check)
        {
            engine.ComputeNaive(bus, naive);
            same += naive.N0Mw.AsSpan().SequenceEqual(keep[bus].N0Mw) && naive.N0Branch.AsSpan().SequenceEqual(keep[bus].N0Branch) ? 1 : 0;
        }

        var cNaive = CpuSeconds() - cpu0;
        var perNaive = cNaive / Math.Max(1, check.Length);
        Console.WriteLine($"// N-0 year, all {n} buses, pruned: {tAll:F2} s ({cAll:F1} CPU s, {1000 * cAll / n:F2} CPU ms per bus); naive on {check.Length} of them: " +
            $"{sw.Elapsed.TotalSeconds:F2} s ({1000 * perNaive:F1} CPU ms per bus), ratio per bus {perNaive * n / Math.Max(1e-9, cAll):F0}x; identical {same}/{check.Length}");
    }

    /// <summary>
    /// One bus and one month from the binary store (decision 0112: positioned reads) and its limiting branches ranked,
    /// against the straightforward way, scanning the headroom CSV of the same buses for that bus and month (same run).
    /// </summary>
    private static void Query(PowerNetwork net, NetworkTimeSeries series, int[] buses, BusHeadroom[] results)
    {
        var times = series.Profile.Timestamps;
        var dir = Directory.CreateTempSubdirectory("wattbit-query-");
        try
        {
            var storePath = Path.Combine(dir.FullName, "sample.whr");
            var csvPath = Path.Combine(dir.FullName, "sample.csv");
            using (var store = HeadroomStore.Create(storePath, [.. buses.Select(b => net.Buses[b].Number)], times.Length, times[0], times[1] - times[0]))
            using (var csv = new StreamWriter(csvPath))
            {
                csv.Write(HeadroomCsv.Header + "\n");
                foreach (var r in results)
                {
                    store.Write(r);
                    HeadroomCsv.WriteRows(csv, net, times, r);
                }
            }

            var bus = net.Buses[buses[^1]].Number;
            var (first, count) = (2184, 744); // July of the synthetic year (from 1 April)
            var sw = Stopwatch.StartNew();
            double minStore;
            int topStore;
            using (var store = HeadroomStore.Open(storePath))
            {
                var h = store.Read(bus, first, count);
                minStore = h.N1Mw.Min();
                topStore = HeadroomQueries.RankLimitingBranches(h, 10).Select(b => b.Branch + 1).DefaultIfEmpty(0).First();
            }

            var tStore = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            var minCsv = double.PositiveInfinity;
            var counts = new Dictionary<int, int>();
            var busText = bus.ToString(CultureInfo.InvariantCulture);
            var row = 0;
            foreach (var line in File.ReadLines(csvPath).Skip(1))
            {
                var f = line.Split(',');
                if (f[1] != busText)
                {
                    continue;
                }

                if (row >= first && row < first + count)
                {
                    minCsv = Math.Min(minCsv, double.Parse(f[3], CultureInfo.InvariantCulture));
                    if (f[5].Length > 0)
                    {
                        var b = int.Parse(f[5], CultureInfo.InvariantCulture);
                        counts[b] = counts.GetValueOrDefault(b) + 1;
                    }
                }

                row++;
            }

            var topCsv = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key).Select(p => p.Key).DefaultIfEmpty(0).First();
            var tCsv = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"// query bus {bus}, July (744 h), min N-1 and the most limiting branch: store {tStore:F2} ms, scanning the CSV of the {buses.Length} buses " +
                $"({new FileInfo(csvPath).Length / 1e6:F0} MB) {tCsv:F0} ms, ratio {tCsv / tStore:F0}x; " +
                $"{(Math.Abs(minStore - minCsv) <= 1e-6 && topStore == topCsv ? "same answer" : $"DIFFERENT: {minStore} vs {minCsv}, branch {topStore} vs {topCsv}")}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// What-if at one bus (decision 0114): a new line to a nearby bus and an uprate of the bus's most limiting branch,
    /// answered from the base sensitivities, against rebuilding the changed network and computing the bus (same run).
    /// </summary>
    private static void WhatIf(PowerNetwork net, Sensitivities s, NetworkTimeSeries series, HeadroomOptions options, int bus, int other, bool noRebuild)
    {
        var engine = new HeadroomEngine(s, series, options);
        var before = new BusHeadroom(series.Count);
        var sw = Stopwatch.StartNew();
        engine.Compute(bus, before);
        var tBus = sw.Elapsed.TotalMilliseconds;
        var limiting = before.N1Branch.Where(b => b >= 0).GroupBy(b => b).OrderByDescending(g => g.Count()).Select(g => g.Key).DefaultIfEmpty(-1).First();
        foreach (var change in new NetworkChange[] { new NewLine(bus, other == bus ? net.Branches[0].To : other, 0.05, 500), new BranchUprate(Math.Max(0, limiting), 100) })
        {
            sw.Restart();
            var whatIf = new HeadroomWhatIf(engine, change);
            var tPrepare = sw.Elapsed.TotalMilliseconds;
            var after = new BusHeadroom(series.Count);
            sw.Restart();
            whatIf.Compute(bus, after);
            var tAnswer = sw.Elapsed.TotalMilliseconds;
            var line = $"// what-if, {change.Describe(net)}, bus {net.Buses[bus].Number}: prepare {tPrepare:F0} ms, answer {tAnswer:F0} ms (one-bus year today {tBus:F0} ms)";
            if (change is BranchUprate)
            {
                // The prepared bus (its base screening kept): each uprate then answered without a sweep.
                sw.Restart();
                var prepared = HeadroomWhatIf.Prepare(engine, bus);
                var tBase = sw.Elapsed.TotalMilliseconds;
                var fastAfter = new BusHeadroom(series.Count);
                sw.Restart();
                var noSweep = whatIf.Compute(prepared, fastAfter);
                var tFast = sw.Elapsed.TotalMilliseconds;
                var same = fastAfter.N0Mw.AsSpan().SequenceEqual(after.N0Mw) && fastAfter.N1Mw.AsSpan().SequenceEqual(after.N1Mw)
                    && fastAfter.N1Branch.AsSpan().SequenceEqual(after.N1Branch) && fastAfter.N1Contingency.AsSpan().SequenceEqual(after.N1Contingency);
                line += $"; prepared bus (base year + kept limits) {tBase:F0} ms ({prepared.KeptLimits:N0} limits kept, covering uprates of branches {string.Join(' ', prepared.CoveredBranches.Select(b => b + 1))}), " +
                    $"then this uprate in {tFast:F2} ms ({(noSweep ? "no sweep" : "fell back to the sweep")}), {(same ? "identical" : "DIFFERENT")} to the swept answer";
                tAnswer = tFast;
                tPrepare = 0;
            }

            if (!noRebuild)
            {
                sw.Restart();
                var model = new DcModel(change.Apply(net));
                var rebuilt = new HeadroomEngine(Sensitivities.Build(model), new NetworkTimeSeries(model, series.Profile, series.SolarCapacityMw), options);
                var full = new BusHeadroom(series.Count);
                rebuilt.Compute(bus, full);
                var tFull = sw.Elapsed.TotalMilliseconds;
                var worst = Enumerable.Range(0, series.Count).Max(t => Math.Max(Math.Abs(full.N0Mw[t] - after.N0Mw[t]), Math.Abs(full.N1Mw[t] - after.N1Mw[t])));
                line += $"; rebuild + compute {tFull / 1000:F1} s, ratio {tFull / (tPrepare + tAnswer):F0}x; largest difference {worst:G3} MW";
            }

            Console.WriteLine(line);
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static double CpuSeconds()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalSeconds;
    }

    private static void Lap(string what, Stopwatch sw)
    {
        Console.WriteLine($"{what}: {sw.Elapsed.TotalSeconds:F2} s");
        sw.Restart();
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>
    /// The whole N-1 year of every bus, as one program, timed phase by phase:
    /// <c>dotnet run -c Release --project bench/WattBit.Bench -- year CASE.m [--store year.whr] [--check 4]</c>. Prints each
    /// phase's wall clock and CPU seconds (user + system, all threads), the grouped engine's own split (N-0, pair screening,
    /// pairs checked bus by bus, evaluation), then the total wall clock, CPU seconds and peak working set of the year; with
    /// <c>--store</c> the binary store is written as the buses finish (inside the timed year). After the total it checks
    /// <c>--check</c> buses spread over the case against the one-bus engine (decision 0011), not timed.
    /// </summary>
    public static int Year(string[] args)
    {
        var file = args[1];
        var storePath = TextOption(args, "--store");
        var check = int.Parse(TextOption(args, "--check") ?? "4", CultureInfo.InvariantCulture);
        var path = File.Exists(file) ? file : BenchData.Path("grid", file.StartsWith("pglib", StringComparison.Ordinal) ? "pglib" : "matpower", file);
        Console.WriteLine($"// {Path.GetFileName(path)}: N-1 headroom of every bus x 8,760 h; {Environment.ProcessorCount} cores; load average {LoadAverage()}");
        var total = Stopwatch.StartNew();
        var cpuStart = CpuSeconds();
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
        var cpu = CpuSeconds() - cpuStart;
        var ph = engine.GroupPhases;
        var (visited, passed) = engine.GroupScreening;
        Console.WriteLine($"//   inside the year (thread time summed): N-0 {ph.N0.TotalSeconds:F1} s, pair screening {ph.Screening.TotalSeconds:F1} s " +
            $"(pairs checked bus by bus ≈ {ph.PairChecks.TotalSeconds:F1} s), evaluation {ph.Evaluation.TotalSeconds:F1} s; " +
            $"{100.0 * passed / Math.Max(1, visited):F2} % of {visited:N0} pairs passed the group bound");
        using (var p = Process.GetCurrentProcess())
        {
            Console.WriteLine($"TOTAL: {wall:F1} s wall clock, {cpu:F1} CPU s (user + system), peak working set {p.PeakWorkingSet64 / (1024.0 * 1024):F0} MiB; load average {LoadAverage()}");
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

    private static string? TextOption(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Wall clock and CPU seconds of consecutive phases.</summary>
    private sealed class Phase
    {
        private readonly Stopwatch _sw = Stopwatch.StartNew();
        private double _cpu = CpuSeconds();

        public void Lap(string what)
        {
            var cpu = CpuSeconds();
            Console.WriteLine($"{what}: {_sw.Elapsed.TotalSeconds:F2} s wall, {cpu - _cpu:F2} CPU s");
            _cpu = cpu;
            _sw.Restart();
        }
    }
}
