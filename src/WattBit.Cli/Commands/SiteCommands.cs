using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using WattBit.Data.Reference;
using WattBit.Headroom;
using WattBit.Signals;
using WattBit.Siting.Connection;
using WattBit.Siting.Geo;
using WattBit.Siting.Layers;
using WattBit.Siting.Ranking;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit site</c>: rank candidate DC sites the council's way; check a proposed DC (subsidy, connection, area).</summary>
internal static class SiteCommands
{
    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var site = new Command("site", "Siting: rank candidate DC cluster sites, check subsidies and connection options for a proposed DC.");
        site.Subcommands.Add(RankCommand());
        site.Subcommands.Add(CheckCommand());
        return site;
    }

    private static Command RankCommand()
    {
        var config = new Option<FileInfo>("--config") { Description = "Study file (YAML or JSON): candidates, screen, weights, constraints, layers. See samples/siting/.", Required = true };
        var csv = new Option<string?>("--csv") { Description = "Write the full ranking (every candidate, raw and normalised layers, rank ranges) as CSV." };
        var geojson = new Option<string?>("--geojson") { Description = "Write the ranking as GeoJSON points." };
        var top = new Option<int>("--top") { Description = "Rows shown in the table.", DefaultValueFactory = _ => 15 };
        var command = new Command("rank", "Rank candidates: (1) screen on power, (2) overlay and score, (3) reward distance from the Tokyo/Osaka clusters; with rank ranges under weight perturbations.")
        {
            config, csv, geojson, top,
        };
        command.SetAction(parse => Rank(parse.GetValue(config)!, parse.GetValue(csv), parse.GetValue(geojson), parse.GetValue(top)));
        return command;
    }

    private static int Rank(FileInfo configFile, string? csvPath, string? geojsonPath, int top)
    {
        if (top < 1)
        {
            throw new CliException($"--top must be at least 1 (got {top}).");
        }

        var config = SitingConfigReader.ReadFile(configFile.FullName);
        SitingResult? result = null;
        AnsiConsole.Status().Start("Ranking", ctx =>
        {
            Dictionary<string, ValueTable>? supplied = null;
            if (config.AreaSignals is { } spec)
            {
                ctx.Status($"Generating the reference year FY{spec.FiscalYear} (seed {spec.Seed})");
                var year = ReferenceYear.Generate(spec.FiscalYear, spec.Seed);
                var source = $"reference year FY{spec.FiscalYear} seed {spec.Seed}";
                supplied = new Dictionary<string, ValueTable>(StringComparer.Ordinal)
                {
                    ["carbon"] = SignalLayers.Summarise(year.Signal(SignalKind.Carbon), source),
                    ["renewable_surplus"] = SignalLayers.Summarise(year.Signal(SignalKind.Curtailment), source),
                };
            }

            IHeadroomLayer? grid = null;
            if (config.NeedsGridLayer)
            {
                var g = config.GridLayer;
                ctx.Status($"Computing the headroom layer: Japan backbone, FY{g.FiscalYear} (seed {g.Seed}), {g.Days} days");
                grid = LayerCommands.JapanLayerOf(g.FiscalYear, g.Seed, g.From, g.Days, $"{config.Source}: grid_layer").Layer;
            }

            result = SitingStudy.Run(config, new Progress<string>(stage => ctx.Status($"Ranking: {stage}")), supplied, grid);
        });
        var r = result!;
        var ranked = r.Ranked.ToList();
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(config.Name)}[/]: {r.Candidates.Count} candidates, {ranked.Count} ranked, {r.Candidates.Count - ranked.Count} excluded " +
                               $"(power screen: {config.ScreenBasis.ToString().ToLowerInvariant()} headroom >= {config.EffectiveScreenMinMw:0.##} MW).");
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var h in new[] { "rank", "candidate", "area", "score", $"rank range ({config.Sensitivity.Samples} draws, ±{config.Sensitivity.Spread:0%})", $"in top {config.Sensitivity.TopN}", "headroom now/pot. MW", "substation (limiting line)", "DC subsidy" })
        {
            table.AddColumn(new TableColumn(h));
        }

        foreach (var c in ranked.Take(top))
        {
            var range = c.Range is { } g ? $"{g.MinRank}-{g.MaxRank} (median {g.MedianRank})" : "";
            var share = c.Range is { } s ? s.TopShare.ToString("0%", CultureInfo.InvariantCulture) : "";
            table.AddRow(c.Rank.ToString(CultureInfo.InvariantCulture), Markup.Escape(Name(c)), c.Candidate.Area.Code,
                c.Score.ToString("0.000", CultureInfo.InvariantCulture), range, share, $"{c.HeadroomNowMw:0} / {c.HeadroomPotentialMw:0}",
                c.Power is { } p ? Markup.Escape($"{p.Substation.Name} {p.DistanceKm:0} km ({p.Offer.LimitingLine ?? "none"})") : "",
                c.Raw[(int)Criterion.Subsidy] switch { 0.5 => "1/2", 0 => "0", var x => x.ToString("0.##", CultureInfo.InvariantCulture) });
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[bold]Why the top {Math.Min(5, ranked.Count)}[/] (largest weighted contributions):");
        foreach (var c in ranked.Take(5))
        {
            var why = string.Join("; ", c.Reasons(config.Weights, 4).Select(x => Reason(x.Criterion, c)));
            AnsiConsole.MarkupLine($"  {c.Rank}. {Markup.Escape(Name(c))}: {Markup.Escape(why)}");
        }

        var excluded = r.Candidates.Where(c => c.Excluded is not null).ToList();
        if (excluded.Count > 0)
        {
            AnsiConsole.MarkupLine("[grey]Excluded:[/] " + Markup.Escape(string.Join("; ", excluded.Take(12).Select(c => $"{c.Candidate.Name} ({c.Excluded})"))) +
                                   (excluded.Count > 12 ? $" ... and {excluded.Count - 12} more (see the CSV)" : ""));
        }

        AnsiConsole.MarkupLine("[grey]Layers:[/]");
        foreach (var (key, source) in r.LayerSources.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var use = CriterionInfo.TryParse(key, out var cr)
                ? "weight " + config.Weights[(int)cr].ToString("0.##", CultureInfo.InvariantCulture)
                : key.EndsWith(config.ScreenBasis.ToString(), StringComparison.OrdinalIgnoreCase)
                    ? "screen; headroom weight " + config.Weights[(int)Criterion.Headroom].ToString("0.##", CultureInfo.InvariantCulture)
                    : "reported";
            AnsiConsole.MarkupLine($"  [grey]{Markup.Escape(key)} ({use}):[/] {Markup.Escape(source)}");
        }

        if (csvPath is not null)
        {
            File.WriteAllText(csvPath, RankingWriter.Csv(r), new UTF8Encoding(false));
            AnsiConsole.MarkupLine($"Wrote {Markup.Escape(csvPath)}");
        }

        if (geojsonPath is not null)
        {
            File.WriteAllText(geojsonPath, RankingWriter.GeoJson(r), new UTF8Encoding(false));
            AnsiConsole.MarkupLine($"Wrote {Markup.Escape(geojsonPath)}");
        }

        return 0;
    }

    private static string Name(RankedCandidate c) => c.Candidate.Kind == Siting.Candidates.CandidateKind.Prefecture
        ? $"{c.Candidate.Name} {c.Candidate.Prefecture.NameEn}"
        : $"{c.Candidate.Name} ({c.Candidate.Prefecture.NameJa})";

    private static string Reason(Criterion criterion, RankedCandidate c)
    {
        var info = CriterionInfo.Of(criterion);
        var v = c.Raw[(int)criterion];
        var text = info.Unit switch
        {
            "km" or "MW" or "h/yr" or "GWh/yr" or "gCO2/kWh" => v.ToString("#,0", CultureInfo.InvariantCulture),
            _ => v.ToString("0.##", CultureInfo.InvariantCulture),
        };
        return $"{info.Key} {text} {info.Unit}";
    }

    private static Command CheckCommand()
    {
        var lat = new Option<double>("--lat") { Description = "Latitude of the proposed DC, degrees north.", Required = true };
        var lon = new Option<double>("--lon") { Description = "Longitude of the proposed DC, degrees east.", Required = true };
        var mw = new Option<double>("--mw") { Description = "Size of the proposed DC, MW.", Required = true };
        var kind = new Option<string>("--kind") { Description = "What is built: dc, ix, landing-station, domestic-cable, international-cable (cables: give the landing place).", DefaultValueFactory = _ => "dc" };
        var flexible = new Option<double?>("--flexible-mw") { Description = "Flexible headroom near the site (② dynamic or provisional), MW, if known." };
        var n1 = new Option<double?>("--n1-mw") { Description = "N-1 headroom usable with a curtailment device (③) near the site, MW, if known." };
        var map = new Option<FileInfo?>("--prefectures") { Description = "Prefecture boundaries (TopoJSON with JIS 'id'); default: ../shared/data/japan/geo/japan.topojson when found, else the nearest capital." };
        var areas = new Option<FileInfo?>("--areas") { Description = "TSO area boundaries (GeoJSON with zoneName JP-XX); default: ../shared/data/japan/geo/areas.geojson when found." };
        var threshold = new Option<double>("--threshold-mw") { Description = "Size from which the extra-high-voltage process applies, MW.", DefaultValueFactory = _ => ConnectionAssumptions.Default.ThresholdMw };
        var gridFy = new Option<int>("--fy") { Description = "Fiscal year of the reference year that drives the headroom layer at the nearest substation.", DefaultValueFactory = _ => 2025 };
        var gridDays = new Option<int>("--grid-days") { Description = "Days of the headroom layer (from 1 April 00:00 JST) the nearest substation's offer is computed over (1-366).", DefaultValueFactory = _ => 7 };
        var maxKm = new Option<double>("--max-km") { Description = "The farthest the site may be from a substation of the headroom layer, km.", DefaultValueFactory = _ => 30 };
        var unit = new Option<double>("--unit-mw") { Description = "Size of each small DC when splitting, MW (below the threshold).", DefaultValueFactory = _ => ConnectionAssumptions.Default.UnitMw };
        var smallLead = new Option<string?>("--small-lead-months") { Description = "Lead time below the threshold as low,central,high months (default 11,15,19: 'ten-odd months')." };
        var smallCost = new Option<string?>("--small-cost-myen") { Description = "Connection cost below the threshold as low,central,high million JPY (default 20,40,90: 'tens of millions')." };
        var largeLead = new Option<string?>("--large-lead-months") { Description = "Lead time at or above the threshold, months (default 36,60,120: 'years')." };
        var largeCost = new Option<string?>("--large-cost-myen") { Description = "Connection cost at or above the threshold, million JPY (default 200,400,900: 'hundreds of millions')." };
        var command = new Command("check", "Check a proposed DC at a point: area, subsidy eligibility and rate, connection options (and whether splitting connects sooner), nearest landing/IX, area signals.")
        {
            lat, lon, mw, kind, flexible, n1, map, areas, threshold, unit, smallLead, smallCost, largeLead, largeCost, gridFy, gridDays, maxKm,
        };
        command.SetAction(parse =>
        {
            var d = ConnectionAssumptions.Default;
            var assumptions = new ConnectionAssumptions(
                parse.GetValue(threshold),
                Range("--small-lead-months", parse.GetValue(smallLead), d.SmallLeadMonths),
                Range("--small-cost-myen", parse.GetValue(smallCost), d.SmallCostMillionYen),
                Range("--large-lead-months", parse.GetValue(largeLead), d.LargeLeadMonths),
                Range("--large-cost-myen", parse.GetValue(largeCost), d.LargeCostMillionYen),
                parse.GetValue(unit));
            return Check(parse.GetValue(lat), parse.GetValue(lon), parse.GetValue(mw), parse.GetValue(kind)!, parse.GetValue(flexible), parse.GetValue(n1),
                parse.GetValue(map), parse.GetValue(areas), assumptions, (parse.GetValue(gridFy), parse.GetValue(gridDays), parse.GetValue(maxKm)));
        });
        return command;
    }

    internal static Range3 Range(string option, string? text, Range3 fallback)
    {
        if (text is null)
        {
            return fallback;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || values[i] < 0)
            {
                throw new CliException($"{option}: '{parts[i]}' is not a non-negative number.");
            }
        }

        return values.Length == 3 && values[0] <= values[1] && values[1] <= values[2]
            ? new Range3(values[0], values[1], values[2])
            : throw new CliException($"{option}: expected low,central,high with low <= central <= high (got '{text}').");
    }

    private static int Check(double lat, double lon, double mw, string kindText, double? flexible, double? n1, FileInfo? map, FileInfo? areas, ConnectionAssumptions assumptions,
        (int Fy, int Days, double MaxKm) grid)
    {
        if (grid.Days is < 1 or > 366)
        {
            throw new CliException($"--grid-days must be 1-366 (got {grid.Days}).");
        }

        if (!(grid.MaxKm > 0))
        {
            throw new CliException($"--max-km must be positive (got {grid.MaxKm}).");
        }

        if (!(mw > 0))
        {
            throw new CliException($"--mw must be positive (got {mw}).");
        }

        if (flexible < 0 || n1 < 0)
        {
            throw new CliException("--flexible-mw and --n1-mw must be >= 0.");
        }

        var kind = kindText.Trim().ToLowerInvariant() switch
        {
            "dc" or "datacentre" or "datacenter" => FacilityKind.DataCentre,
            "ix" => FacilityKind.InternetExchange,
            "landing-station" => FacilityKind.LandingStation,
            "domestic-cable" => FacilityKind.DomesticCable,
            "international-cable" => FacilityKind.InternationalCableBranch,
            _ => throw new CliException($"--kind: '{kindText}' must be dc, ix, landing-station, domestic-cable or international-cable."),
        };
        GeoPoint point;
        try
        {
            point = new GeoPoint(lat, lon);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new CliException($"--lat/--lon: {ex.Message.Split(" (Parameter", 2)[0]}");
        }

        // The nearest substation of the headroom layer (the Japan backbone) and what it offers, computed for that substation only.
        var cable = kind is FacilityKind.DomesticCable or FacilityKind.InternationalCableBranch;
        NodeOffer? offer = null;
        double offerKm = double.NaN;
        HeadroomLayerInfo? offerInfo = null;
        if (!cable)
        {
            var model = WattBit.Grid.Japan.JapanBackbone.LoadDefault();
            (Substation Substation, double Km) near;
            try
            {
                near = HeadroomLayers.Nearest(WattBit.Grid.Layer.JapanLayer.Nodes(model).Select(n => n.Substation), point, grid.MaxKm, WattBit.Grid.Layer.JapanLayer.ModelName);
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"--lat/--lon: {ex.Message.Split(" (Parameter", 2)[0]} Raise --max-km to accept it.");
            }

            var layer = LayerCommands.JapanLayerOf(grid.Fy, 1, null, grid.Days, "--fy/--grid-days", [near.Substation.Id]).Layer;
            (offer, offerKm, offerInfo) = (layer.Offer(near.Substation.Id, mw), near.Km, layer.Info);
            flexible ??= double.IsNaN(offer.FirmMw) ? null : offer.FirmMw;
            n1 ??= double.IsNaN(offer.CurtailableExtraMw) ? null : offer.CurtailableExtraMw;
        }

        var geo = SharedGeo();
        var prefectureMap = map?.FullName ?? geo?.Prefectures;
        var areaMap = areas?.FullName ?? geo?.Areas;
        var locator = prefectureMap is null && areaMap is null ? JapanLocator.Coarse : JapanLocator.Load(prefectureMap, areaMap);
        var report = SiteCheck.Run(point, Power.FromMegawatts(mw), kind, locator, assumptions,
            flexible is { } f ? Power.FromMegawatts(f) : null, n1 is { } m ? Power.FromMegawatts(m) : null);
        var where = report.Location;
        AnsiConsole.MarkupLine(cable
            ? $"[bold]{Markup.Escape(KindName(kind))} at {Markup.Escape(point.ToString())}[/]"
            : $"[bold]{mw:0.###} MW {Markup.Escape(KindName(kind))} at {Markup.Escape(point.ToString())}[/]");
        AnsiConsole.MarkupLine($"  Prefecture: [bold]{Markup.Escape(where.Prefecture.NameJa)}[/] ({Markup.Escape(where.Prefecture.NameEn)}, JIS {where.Prefecture.CodeText}) — {Markup.Escape(where.Basis)}");
        AnsiConsole.MarkupLine($"  TSO area:   {Markup.Escape(where.Area.ToString())}, {where.Area.FrequencyHz} Hz{(areaMap is null ? " (main area of the prefecture: no area map)" : "")}");
        var s = report.Subsidy;
        var colour = s.Eligible ? "green" : "yellow";
        AnsiConsole.MarkupLine($"  Subsidy:    [{colour}]{(s.Eligible ? "eligible" : "not eligible")}, rate {s.RateText}[/] — {Markup.Escape(s.Reason)}");
        AnsiConsole.MarkupLine("              [grey]rule: digital infrastructure resilience fund (council materials 2025), see docs/siting.md[/]");

        if (!cable)
        {
            AnsiConsole.MarkupLine("  [bold]Connection options[/]");
            foreach (var o in report.Connection.Options)
            {
                var fits = o.Feasible switch { true => "fits the headroom given", false => "does NOT fit the headroom given", null => "headroom unknown" };
                AnsiConsole.MarkupLine($"  - {Markup.Escape(o.Name)}, {Markup.Escape(o.Voltage)}: {o.LeadMonths.Format("0")} months, {o.CostMillionYen.Format("#,0")} million JPY; {fits}");
                AnsiConsole.MarkupLine($"    [grey]{Markup.Escape(o.Note)}[/]");
            }

            AnsiConsole.MarkupLine($"  Verdict: {Markup.Escape(report.Connection.Verdict)}");
            AnsiConsole.MarkupLine($"  [grey]Assumptions: threshold {assumptions.ThresholdMw:0.##} MW, split unit {assumptions.UnitMw:0.##} MW; override with --threshold-mw, --unit-mw, --small-lead-months, --small-cost-myen, --large-lead-months, --large-cost-myen.[/]");
        }

        var (landing, landingKm) = report.NearestLanding;
        var (ix, ixKm) = report.NearestIx;
        AnsiConsole.MarkupLine($"  Nearest cable landing: {Markup.Escape(landing.Name)} {landingKm:0} km ({Markup.Escape(landing.Detail)})");
        AnsiConsole.MarkupLine($"  Nearest IX:            {Markup.Escape(ix.Name)} {ixKm:0} km ({Markup.Escape(ix.Detail)})");
        if (offer is { } nodeOffer && offerInfo is { } info)
        {
            var o = nodeOffer;
            var s0 = o.Substation;
            AnsiConsole.MarkupLine($"  Nearest substation (headroom layer {Markup.Escape(info.Model)}{(info.Synthetic ? ", synthetic" : "")}): [bold]{Markup.Escape(s0.Id)}[/] {Markup.Escape(s0.Name)} ({s0.VoltageKv:0} kV) {offerKm:0.#} km");
            AnsiConsole.MarkupLine(o.Zone == WelcomeZone.Missing
                ? "    no headroom data in the layer's hours"
                : $"    over {o.Hours} h from {Markup.Escape(TimeWindow.Format(info.First))}: firm {o.FirmMw:0.#} MW (least N-1), ③ extra {o.CurtailableExtraMw:0.#} MW, {o.HoursWithRoom}/{o.Hours} h with room for {mw:0.#} MW, " +
                  $"welcome zone [bold]{WelcomeZoneRule.Name(o.Zone)}[/], limiting line {Markup.Escape(o.LimitingLine ?? "none")}");
            AnsiConsole.MarkupLine("    [grey]the connection options above use firm as flexible (②) and the ③ extra as N-1 headroom unless --flexible-mw / --n1-mw are given[/]");
        }

        var signals = new Table().Border(TableBorder.Simple).Title("Area and location signals");
        signals.AddColumn("signal");
        signals.AddColumn(new TableColumn("value").RightAligned());
        signals.AddColumn("unit");
        var sources = new List<string>();
        foreach (var sig in report.Signals)
        {
            var n = sources.IndexOf(sig.Source);
            if (n < 0)
            {
                sources.Add(sig.Source);
                n = sources.Count - 1;
            }

            signals.AddRow(Markup.Escape(sig.Name), sig.Value is { } v ? v.ToString(v >= 100 ? "#,0" : "0.##", CultureInfo.InvariantCulture) : "missing",
                Markup.Escape($"{sig.Unit} [{n + 1}]"));
        }

        AnsiConsole.Write(signals);
        for (var i = 0; i < sources.Count; i++)
        {
            AnsiConsole.MarkupLine($"  [grey][[{i + 1}]] {Markup.Escape(sources[i])}[/]");
        }

        return 0;
    }

    private static string KindName(FacilityKind kind) => kind switch
    {
        FacilityKind.DataCentre => "data centre",
        FacilityKind.InternetExchange => "IX",
        FacilityKind.LandingStation => "landing station",
        FacilityKind.DomesticCable => "domestic cable landing",
        _ => "international cable branch landing",
    };

    /// <summary>The shared geo files (../shared/data/japan/geo beside the repository, or under WATTBIT_SHARED_DATA), when present.</summary>
    private static (string? Prefectures, string? Areas)? SharedGeo()
    {
        var roots = new List<string>();
        var env = Environment.GetEnvironmentVariable("WATTBIT_SHARED_DATA");
        if (!string.IsNullOrEmpty(env))
        {
            roots.Add(env);
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                roots.Add(Path.Combine(dir.FullName, "shared", "data"));
                roots.Add(Path.Combine(dir.FullName, "..", "shared", "data"));
            }
        }

        foreach (var root in roots)
        {
            var geo = Path.Combine(root, "japan", "geo");
            var p = Path.Combine(geo, "japan.topojson");
            if (File.Exists(p))
            {
                string? Opt(string name) => File.Exists(Path.Combine(geo, name)) ? Path.GetFullPath(Path.Combine(geo, name)) : null;
                return (Path.GetFullPath(p), Opt("areas.geojson"));
            }
        }

        return null;
    }
}
