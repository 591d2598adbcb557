using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;
using WattBit.Data.Reference;
using WattBit.Formats;
using WattBit.Grid.Japan;
using WattBit.Grid.Layer;
using WattBit.Grid.Network;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit grid layer</c>: the headroom layer every face reads (docs/headroom-layer.md).</summary>
internal static class LayerCommands
{
    public static Command Create()
    {
        var caseFile = new Option<FileInfo?>("--case") { Description = "A MATPOWER case replacing the Japan backbone (every bus a substation 'bus-N'); needs --profile." };
        var profile = new Option<FileInfo?>("--profile") { Description = "With --case: the hourly profile (timestamp,demand_scale,solar_pu)." };
        var fy = new Option<int>("--fy") { Description = "Fiscal year of the reference year that drives the Japan backbone (April-March, JST).", DefaultValueFactory = _ => 2025 };
        var seed = new Option<int>("--seed") { Description = "Seed of the reference year.", DefaultValueFactory = _ => 1 };
        var from = new Option<string?>("--from") { Description = "First hour (ISO 8601); default the fiscal year's start (April 1 00:00 JST)." };
        var days = new Option<int>("--days") { Description = "Days to compute (1-366).", DefaultValueFactory = _ => 7 };
        var substations = new Option<string[]>("--substation") { Description = "Substation id(s) whose hours to write (for example TK:新古河); default none.", AllowMultipleArgumentsPerToken = true };
        var mw = new Option<double>("--mw") { Description = "Connection size for the welcome zones, MW.", DefaultValueFactory = _ => 50 };
        var output = new Option<string?>("--out") { Description = "CSV of the chosen substations' hours: timestamp,substation,n0_mw,n1_mw,limiting_line,contingency ('-' for stdout)." };
        var zones = new Option<string?>("--zones-out") { Description = "GeoJSON of the welcome zones for --mw (substations with coordinates)." };
        var gridProfile = new Option<string?>("--grid-profile-out") { Description = "The hourly profile the layer was computed on (timestamp,demand_scale,solar_pu): 'grid headroom' on the same model and this file gives the same numbers (without --real-area; with it, solar_pu is the real area's channel, decision 0123)." };
        var realArea = new Option<string?>("--real-area")
        {
            Description = "An area (TK or CB) whose loads follow its own TSO actuals (japan/area-supply-demand) instead of the reference year; the other areas keep the reference year (decision 0123).",
        };
        var data = new Option<string?>("--data") { Description = "With --real-area: the Japan data folder (default ../shared/data/japan beside the repository or $WATTBIT_SHARED_DATA/japan)." };
        var command = new Command("layer", "The headroom layer: every substation's hourly N-0/N-1 headroom with its limiting line, precomputed (default: the Japan backbone over the reference year).")
        {
            caseFile, profile, fy, seed, from, days, substations, mw, output, zones, gridProfile, realArea, data,
        };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(days);
            if (n is < 1 or > 366)
            {
                throw new CliException($"--days must be 1-366 (got {n}).");
            }

            var sw = Stopwatch.StartNew();
            var (layer, driving) = Build(parse.GetValue(caseFile), parse.GetValue(profile), parse.GetValue(fy), parse.GetValue(seed), parse.GetValue(from), n,
                parse.GetValue(realArea), parse.GetValue(data));
            var computeS = sw.Elapsed.TotalSeconds;
            AnsiConsole.MarkupLine($"{Markup.Escape(layer.Info.Model)}{(layer.Info.Synthetic ? " (synthetic)" : string.Empty)}: {layer.Substations.Count} substations × {layer.Info.Hours} h " +
                $"from {TimeWindow.Format(layer.Info.First)} ({Markup.Escape(layer.Info.Profile)}) computed in {computeS:F1} s.");
            AnsiConsole.MarkupLine($"lookup of one substation's day: p50 {Lookup(layer).P50:F3} ms, p99 {Lookup(layer).P99:F3} ms over every substation and day.");
            Write(parse.GetValue(output), layer, parse.GetValue(substations) ?? []);
            if (parse.GetValue(zones) is { } z)
            {
                using var stream = File.Create(z);
                var count = WelcomeZoneMap.Write(stream, layer, parse.GetValue(mw));
                AnsiConsole.MarkupLine($"wrote {count} welcome-zone points to [green]{Markup.Escape(z)}[/].");
            }

            if (parse.GetValue(gridProfile) is { } g)
            {
                using var writer = new StreamWriter(g, false, new UTF8Encoding(false));
                writer.Write("timestamp,demand_scale,solar_pu\n");
                for (var t = 0; t < driving.Count; t++)
                {
                    writer.Write(string.Create(CultureInfo.InvariantCulture, $"{Iso8601.Format(driving.Timestamps[t])},{driving.DemandScale[t]:R},{driving.SolarPu[t]:R}\n"));
                }
            }

            return 0;
        });
        return command;
    }

    private static (ModelHeadroomLayer Layer, GridProfile Profile) Build(FileInfo? caseFile, FileInfo? profileFile, int fy, int seed, string? fromText, int days,
        string? realArea, string? dataDir)
    {
        if (caseFile is not null && realArea is not null)
        {
            throw new CliException("--real-area drives the Japan backbone; it cannot be combined with --case.");
        }

        if (caseFile is not null)
        {
            if (profileFile is null)
            {
                throw new CliException("--case needs --profile (timestamp,demand_scale,solar_pu).");
            }

            var net = MatpowerCase.Load(caseFile.FullName);
            var p = GridProfile.Load(profileFile.FullName);
            return (ModelHeadroomLayer.Compute(net, ModelHeadroomLayer.BusNodes(net), p, caseFile.Name, synthetic: false, profileFile.Name), p);
        }

        DateTimeOffset? from = null;
        if (fromText is not null)
        {
            from = Iso8601.TryParse(fromText, out var t, out var reason) ? t : throw new CliException($"--from: {reason}.");
        }

        return realArea is null
            ? JapanLayerOf(fy, seed, from, days, "--from/--days")
            : JapanLayerWithRealArea(fy, seed, from, days, realArea.Trim().ToUpperInvariant(), JapanCommands.DataDir(dataDir));
    }

    /// <summary>
    /// The backbone layer with one area on its TSO actuals (decision 0123): that area's loads follow its own demand, the other
    /// areas' loads the reference year's demand of those areas; the label names which is which. A missing half-hour of the
    /// actuals takes the same hour of the day before (counted in the label).
    /// </summary>
    internal static (ModelHeadroomLayer Layer, GridProfile Profile) JapanLayerWithRealArea(int fy, int seed, DateTimeOffset? from, int days, string areaCode,
        string japanDir, IReadOnlyCollection<string>? substationIds = null)
    {
        if (fy is < 2000 or > 2100)
        {
            throw new CliException($"--fy must be 2000-2100 (got {fy}).");
        }

        var year = ReferenceYear.Generate(fy, seed);
        var window = TimeWindow.FromDuration(from ?? year.Window.Start, TimeSpan.FromDays(days));
        if (!year.Window.Contains(window))
        {
            throw new CliException($"--from/--days: {window} is outside the reference year FY{fy} {year.Window}.");
        }

        var model = JapanBackbone.LoadDefault();
        if (!model.Buses.Any(b => b.Area.Code == areaCode))
        {
            throw new CliException($"--real-area: '{areaCode}' is not an area of the backbone ({string.Join(", ", model.Buses.Select(b => b.Area.Code).Distinct())}).");
        }

        var (real, filled, folder) = AreaActualsHourly(japanDir, areaCode, window);
        var others = year.TotalDemandHourly(model.Buses.Select(b => b.Area).Where(a => a.Code != areaCode).Distinct()).Slice(window);
        var drive = JapanLayer.Drive(model, others, areaCode, real);
        var label = string.Create(CultureInfo.InvariantCulture,
            $"{areaCode}: TSO area actuals ({folder}{(filled > 0 ? $", {filled} missing hours filled from the day before" : string.Empty)}); other areas: reference year FY{fy} (seed {seed})");
        return (JapanLayer.Compute(model, drive, label, substationIds), drive.Profile);
    }

    /// <summary>An area's hourly demand over a window from its TSO actuals under <c>area-supply-demand/</c> (the mocks left out).</summary>
    private static (WattBit.Time.TimeSeries Demand, int Filled, string Folder) AreaActualsHourly(string japanDir, string areaCode, TimeWindow window)
    {
        var root = Path.Combine(japanDir, "area-supply-demand");
        var files = Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}mocks{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && WattBit.Data.Import.AreaSupplyDemandImporter.TryIdentify(Path.GetFileName(f), out var a, out _) && a?.Code == areaCode)
                .ToList()
            : [];
        if (files.Count == 0)
        {
            throw new CliException($"--real-area {areaCode}: no TSO area actuals for {areaCode} under {root}.");
        }

        var all = WattBit.Data.Import.AreaSupplyDemand.Merge(files.Select(f => WattBit.Data.Import.AreaSupplyDemandImporter.ReadFile(f)));
        if (window.Start < all.Window.Start || window.End > all.Window.End)
        {
            throw new CliException($"--real-area {areaCode}: the actuals cover {Iso8601.Format(all.Window.Start)} .. {Iso8601.Format(all.Window.End)}, not {window}.");
        }

        var demand = all.Slice(window)[WattBit.Data.Import.SupplyDemandKeys.Demand].Resample(TimeSpan.FromHours(1));
        var v = demand.Values.ToArray();
        var filled = 0;
        for (var t = 0; t < v.Length; t++)
        {
            if (!double.IsFinite(v[t]))
            {
                v[t] = t >= 24 ? v[t - 24] : Array.Find(v, double.IsFinite);
                filled++;
            }
        }

        if (!Array.TrueForAll(v, double.IsFinite))
        {
            throw new CliException($"--real-area {areaCode}: the actuals have no demand in {window}.");
        }

        var folder = "area-supply-demand/" + Path.GetFileName(Path.GetDirectoryName(files[0]));
        return (WattBit.Time.TimeSeries.Wrap(demand.Start, demand.Step, v, demand.Unit, $"demand {areaCode} (actuals)"), filled, folder);
    }

    /// <summary>
    /// The default headroom layer every CLI face composes: the Japan backbone driven by the reference year FY<paramref name="fy"/>'s
    /// demand of the modelled areas over [<paramref name="from"/> (default 1 April 00:00 JST), +<paramref name="days"/>).
    /// </summary>
    /// <param name="fy">Fiscal year (2000-2100).</param>
    /// <param name="seed">Seed of the reference year.</param>
    /// <param name="from">First hour, or null for the fiscal year's start.</param>
    /// <param name="days">Days (1-366).</param>
    /// <param name="what">The option or field named in errors.</param>
    /// <param name="substationIds">Only these substations (default all).</param>
    internal static (ModelHeadroomLayer Layer, GridProfile Profile) JapanLayerOf(int fy, int seed, DateTimeOffset? from, int days, string what,
        IReadOnlyCollection<string>? substationIds = null)
    {
        if (fy is < 2000 or > 2100)
        {
            throw new CliException($"--fy must be 2000-2100 (got {fy}).");
        }

        var year = ReferenceYear.Generate(fy, seed);
        var start = from ?? year.Window.Start;
        var window = TimeWindow.FromDuration(start, TimeSpan.FromDays(days));
        if (!year.Window.Contains(window))
        {
            throw new CliException($"{what}: {window} is outside the reference year FY{fy} {year.Window}.");
        }

        var model = JapanBackbone.LoadDefault();
        var demand = year.TotalDemandHourly(model.Buses.Select(b => b.Area).Distinct()).Slice(window);
        var label = $"reference year FY{fy} (seed {seed}), demand of the modelled areas";
        return (JapanLayer.Compute(model, demand, label, substationIds), JapanLayer.Profile(model, demand));
    }

    private static (double P50, double P99) Lookup(IHeadroomLayer layer)
    {
        var samples = new List<double>();
        for (var d = 0; d < layer.Info.Hours / 24; d++)
        {
            var day = TimeWindow.FromDuration(layer.Info.First.AddDays(d), TimeSpan.FromDays(1));
            foreach (var s in layer.Substations)
            {
                var t = Stopwatch.GetTimestamp();
                _ = layer.Hourly(s.Id, day);
                samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }

        samples.Sort();
        return samples.Count == 0 ? (double.NaN, double.NaN) : (samples[samples.Count / 2], samples[Math.Min(samples.Count - 1, (int)(samples.Count * 0.99))]);
    }

    private static void Write(string? output, IHeadroomLayer layer, string[] ids)
    {
        foreach (var id in ids)
        {
            if (!layer.TryGetSubstation(id, out _))
            {
                throw new CliException($"--substation: '{id}' is not a substation of the layer ({layer.Info.Model}).");
            }
        }

        if (output is null)
        {
            return;
        }

        using var writer = output == "-" ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) : new StreamWriter(output, false, new UTF8Encoding(false));
        writer.Write("timestamp,substation,n0_mw,n1_mw,limiting_line,contingency\n");
        foreach (var id in ids)
        {
            foreach (var h in layer.AllHours(id))
            {
                writer.Write(string.Join(',', Iso8601.Format(h.Start), Csv.Escape(id), Mw(h.N0Mw), Mw(h.N1Mw), Csv.Escape(h.LimitingLine ?? string.Empty), Csv.Escape(h.Contingency ?? string.Empty)));
                writer.Write('\n');
            }
        }
    }

    private static string Mw(double v) => double.IsNaN(v) ? string.Empty : Math.Round(v, 6).ToString("0.######", CultureInfo.InvariantCulture);
}
