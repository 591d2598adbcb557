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
        var gridProfile = new Option<string?>("--grid-profile-out") { Description = "The hourly profile the layer was computed on (timestamp,demand_scale,solar_pu): 'grid headroom' on the same model and this file gives the same numbers (with --real-areas none; with real areas, solar_pu is the first real area's channel, decision 0123)." };
        var realAreas = new Option<string>("--real-areas")
        {
            Description = "Areas whose loads follow their own TSO actuals (japan/area-supply-demand) instead of the reference year, at most one per AC island: auto (every area whose actuals cover the window, when the data are there; default), none, or a list such as TK,CB (an error when they do not cover the window). Decisions 0123, 0126.",
            DefaultValueFactory = _ => "auto",
        };
        var data = new Option<string?>("--data") { Description = "The Japan data folder of the real areas (default ../shared/data/japan beside the repository or $WATTBIT_SHARED_DATA/japan)." };
        var command = new Command("layer", "The headroom layer: every substation's hourly N-0/N-1 headroom with its limiting line, precomputed (default: the Japan backbone over the reference year).")
        {
            caseFile, profile, fy, seed, from, days, substations, mw, output, zones, gridProfile, realAreas, data,
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
                parse.GetValue(realAreas)!, parse.GetValue(data));
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
        string realAreas, string? dataDir)
    {
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

        return JapanLayerOf(fy, seed, from, days, "--from/--days", null, realAreas, dataDir);
    }

    /// <summary>
    /// The default headroom layer every CLI face composes (decision 0126): the Japan backbone over [<paramref name="from"/>
    /// (default 1 April 00:00 JST), +<paramref name="days"/>), each area whose TSO actuals cover the window on its own
    /// demand (Tokyo, Chubu where ../shared holds them; <paramref name="realAreas"/> "auto"), every other area on the
    /// reference year FY<paramref name="fy"/>'s demand; the reference year alone when the data are absent or "none".
    /// </summary>
    /// <param name="fy">Fiscal year (2000-2100).</param>
    /// <param name="seed">Seed of the reference year.</param>
    /// <param name="from">First hour, or null for the fiscal year's start.</param>
    /// <param name="days">Days (1-366).</param>
    /// <param name="what">The option or field named in errors.</param>
    /// <param name="substationIds">Only these substations (default all).</param>
    /// <param name="realAreas">auto, none, or a comma-separated list of area codes that must be real.</param>
    /// <param name="dataDir">The Japan data folder (default: found beside the repository or from $WATTBIT_SHARED_DATA).</param>
    internal static (ModelHeadroomLayer Layer, GridProfile Profile) JapanLayerOf(int fy, int seed, DateTimeOffset? from, int days, string what,
        IReadOnlyCollection<string>? substationIds = null, string realAreas = "auto", string? dataDir = null)
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

        var (dir, codes) = RealAreasOf(JapanBackbone.LoadDefault(), window, realAreas.Trim(), dataDir);
        var composed = WattBit.Composition.BackboneLayers.Compose(fy, seed, window, substationIds, dir, codes);
        return (composed.Layer, composed.Drive.Profile);
    }

    /// <summary>The data folder and the areas that may be real for <c>--real-areas</c>: auto (every area whose actuals cover
    /// the window, where the data are), none, or a list that must all be covered.</summary>
    private static (string? Dir, IReadOnlyCollection<string>? Codes) RealAreasOf(JapanBackbone model, TimeWindow window, string realAreas, string? dataDir)
    {
        var codes = model.Buses.Select(b => b.Area.Code).Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        switch (realAreas.ToLowerInvariant())
        {
            case "none":
                return (null, null);
            case "auto":
                return (dataDir is not null ? JapanCommands.DataDir(dataDir) : AreaActuals.FindJapanDir(), null);
        }

        var asked = realAreas.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.ToUpperInvariant()).ToArray();
        if (asked.FirstOrDefault(c => !codes.Contains(c)) is { } unknown)
        {
            throw new CliException($"--real-areas: '{unknown}' is not an area of the backbone ({string.Join(", ", codes.Order(StringComparer.Ordinal))}).");
        }

        var japanDir = JapanCommands.DataDir(dataDir);
        var found = WattBit.Composition.BackboneLayers.RealAreas(model, window, japanDir, asked);
        if (asked.FirstOrDefault(c => !found.Any(f => f.AreaCode == c)) is { } missing)
        {
            var all = AreaActuals.Read(japanDir);
            throw new CliException(all.TryGetValue(missing, out var a)
                ? $"--real-areas {missing}: the actuals cover {Iso8601.Format(a.Window.Start)} .. {Iso8601.Format(a.Window.End)}, not {window}."
                : $"--real-areas {missing}: no TSO area actuals for {missing} under {Path.Combine(japanDir, "area-supply-demand")}.");
        }

        return (japanDir, asked);
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
