using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Planning.Model;
using WattBit.Simulation.Policies;
using WattBit.Sites;
using WattBit.Units;
using YamlDotNet.RepresentationModel;
using WattBit.Time;
using WattBit.Workloads;

namespace WattBit.Simulation.Scenarios;

/// <summary>
/// Reads simulation scenario files (YAML; see samples/simulation/national.yaml and docs/simulation.md). Every error —
/// unknown key, unknown area, overlapping sites, unknown policy, bad period — names the file, line and column and is
/// raised before anything runs. Generators expand "distributed" fleets (N small DCs spread over areas around the
/// prefectural capitals) and "cluster" sites (one GW-class campus split into buildings). Stateless and thread-safe.
/// </summary>
public static class ScenarioFile
{
    /// <summary>Sites closer than this are the same plot of land and rejected as overlapping, km.</summary>
    public const double OverlapKm = 0.05;

    private static readonly ConnectionKind[] s_kinds = [ConnectionKind.Firm, ConnectionKind.ProvisionalProfile, ConnectionKind.Flexible];

    /// <summary>Reads a scenario file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InputFormatException">The file is not a valid scenario (with file, line and column).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SimulationScenario Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses scenario text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="source">Name used in error messages.</param>
    /// <exception cref="InputFormatException">The text is not a valid scenario.</exception>
    public static SimulationScenario Parse(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var r = new YamlReader(source);
        var root = r.Mapping(YamlReader.Load(yaml, source, "the scenario file"), "the scenario",
            "name", "data", "period", "step", "seed", "objective", "forecast", "forecast_error", "sites", "workload", "events", "policies", "grid", "demand_response", "bound",
            "published_prices", "price_publication", "replan", "day_plan");
        var name = YamlReader.Get(root, "name") is { } nameNode ? r.Text(nameNode, "name") : Path.GetFileNameWithoutExtension(source);
        var seed = r.Integer(root, "seed", 42);
        var fiscalYear = 2025;
        string? realDir = null;
        if (YamlReader.Get(root, "data") is { } dataNode)
        {
            var data = r.Mapping(dataNode, "data", "synthetic", "real");
            fiscalYear = r.Integer(data, "synthetic", 2025, 2000, 2100);
            if (YamlReader.Get(data, "real") is { } realNode)
            {
                realDir = RealDataDir(r, realNode, source);
            }
        }

        var yearStart = new DateTimeOffset(fiscalYear, 4, 1, 0, 0, 0, Jst.Offset);
        var yearEnd = yearStart.AddYears(1);
        var (start, end) = (yearStart, yearEnd);
        if (YamlReader.Get(root, "period") is { } periodNode)
        {
            var period = r.Mapping(periodNode, "period", "start", "end");
            start = Date(r, r.Need(period, "start", "period"), "start");
            end = Date(r, r.Need(period, "end", "period"), "end");
            if (start < yearStart || end > yearEnd || end <= start)
            {
                throw r.Fail(periodNode, $"the period must be a non-empty part of fiscal year {fiscalYear} ({yearStart:yyyy-MM-dd} to {yearEnd:yyyy-MM-dd}, end exclusive).");
            }
        }

        var step = TimeSpan.FromHours(1);
        if (YamlReader.Get(root, "step") is { } stepNode)
        {
            step = r.Text(stepNode, "step").Trim().ToLowerInvariant() switch
            {
                "1h" or "60min" or "1 h" or "hourly" => TimeSpan.FromHours(1),
                "30min" or "30 min" or "0.5h" => TimeSpan.FromMinutes(30),
                var other => throw r.Fail(stepNode, $"step must be 30min or 1h (got '{other}')."),
            };
        }

        if ((end - start).Ticks % TimeSpan.TicksPerDay != 0)
        {
            throw r.Fail(root, "the period must be whole days.");
        }

        var objective = SimulationObjective.Carbon;
        if (YamlReader.Get(root, "objective") is { } objNode)
        {
            objective = r.Text(objNode, "objective").ToLowerInvariant() switch
            {
                "carbon" => SimulationObjective.Carbon,
                "cost" => SimulationObjective.Cost,
                var other => throw r.Fail(objNode, $"objective must be carbon or cost (got '{other}')."),
            };
        }

        var forecastError = r.Number(root, "forecast_error", 0, 0, 1);
        var forecastSource = YamlReader.Get(root, "forecast") is { } fsn
            ? r.Choice(fsn, "forecast", ("engine", ForecastSource.Engine), ("ar1", ForecastSource.Ar1)) : ForecastSource.Auto;
        var publishedPrices = YamlReader.Get(root, "published_prices") is not { } ppn || r.Choice(ppn, "published_prices", ("true", true), ("false", false));
        var publication = TimeSpan.FromHours(10);
        if (YamlReader.Get(root, "price_publication") is { } pubNode)
        {
            var text = r.Text(pubNode, "price_publication").Trim();
            if (!TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                throw r.Fail(pubNode, $"price_publication must be a time of day (JST) on the day before delivery, as HH:mm (got '{text}').");
            }

            publication = at.ToTimeSpan();
        }

        var replan = YamlReader.Get(root, "replan") is { } replanNode
            ? r.Choice(replanNode, "replan", ("off", ReplanMode.Off), ("midnight", ReplanMode.Midnight), ("publication", ReplanMode.Publication),
                ("midnight-and-publication", ReplanMode.MidnightAndPublication))
            : ReplanMode.Off;
        var sites = Sites(r, r.Sequence(r.Need(root, "sites", "the scenario"), "sites"), seed);
        var workload = Workload(r, r.Need(root, "workload", "the scenario"));
        var policies = new List<PolicyKind>();
        foreach (var p in r.Sequence(r.Need(root, "policies", "the scenario"), "policies").Children)
        {
            var text = r.Text(p, "policies");
            if (!PolicyFactory.TryParse(text, out var kind))
            {
                throw r.Fail(p, $"unknown policy '{text}' (known: {string.Join(", ", Enum.GetValues<PolicyKind>().Select(PolicyFactory.Name))}).");
            }

            if (policies.Contains(kind))
            {
                throw r.Fail(p, $"policy '{text}' is listed twice.");
            }

            policies.Add(kind);
        }

        if (policies.Count == 0)
        {
            throw r.Fail(root, "list at least one policy.");
        }

        var events = YamlReader.Get(root, "events") is { } eventsNode ? Events(r, r.Sequence(eventsNode, "events"), sites, start, end) : [];
        var grid = YamlReader.Get(root, "grid") is { } gridNode ? Grid(r, gridNode) : null;
        if (grid is not { Layer: true } && sites.Find(s => s.Substation is not null) is { } named)
        {
            throw new InputFormatException(source, named.Line, 1, $"site '{named.Id}' names substation '{named.Substation}', which only a scenario with grid.limits: layer reads.");
        }

        var dr = YamlReader.Get(root, "demand_response") is { } drNode ? DemandResponse.DrSection.Read(r, drNode, start, end, step) : null;
        var dayPlan = YamlReader.Get(root, "day_plan") is { } planNode
            ? r.Choice(planNode, "day_plan", ("search", PlannerDayPlan.Search), ("prices", PlannerDayPlan.Prices), ("flow", PlannerDayPlan.Flow))
            : PlannerDayPlan.Search;
        var bound = YamlReader.Get(root, "bound") is { } boundNode ? r.Choice(boundNode, "bound", ("true", 1), ("false", 0), ("per-site", 2), ("whole-run", 3), ("day-flow", 4)) : 0;
        return new SimulationScenario(name, fiscalYear, start, end, step, seed, sites, workload, policies, objective, forecastError, events, realDir, grid, dr, forecastSource)
        {
            Bound = bound is > 0 and < 4,
            BoundPerSite = bound == 2,
            PublishedPrices = publishedPrices,
            PricePublication = publication,
            BoundWholeRun = bound == 3,
            Replan = replan,
            BoundDayFlow = bound == 4,
            DayPlan = dayPlan,
        };
    }

    // grid: {limits: layer | connection, max_km, ties: japan | none, tie_share, fleet: existing | new, n1_curtailment: true | false}.
    private static GridSpec Grid(YamlReader r, YamlNode node)
    {
        var m = r.Mapping(node, "grid", "limits", "max_km", "ties", "tie_share", "fleet", "n1_curtailment");
        var layer = YamlReader.Get(m, "limits") is { } ln && r.Choice(ln, "grid.limits", ("layer", true), ("connection", false));
        var ties = YamlReader.Get(m, "ties") is { } tn && r.Choice(tn, "grid.ties", ("japan", true), ("none", false));
        var fleet = YamlReader.Get(m, "fleet") is { } fn ? r.Choice(fn, "grid.fleet", ("existing", FleetLoad.Existing), ("new", FleetLoad.New)) : FleetLoad.Existing;
        var n1 = YamlReader.Get(m, "n1_curtailment") is { } cn && r.Choice(cn, "grid.n1_curtailment", ("true", true), ("false", false));
        if (!layer && (YamlReader.Get(m, "fleet") ?? YamlReader.Get(m, "n1_curtailment")) is { } only)
        {
            throw r.Fail(only, "grid.fleet and grid.n1_curtailment belong to grid.limits: layer.");
        }

        return new GridSpec(layer, r.Number(m, "max_km", 30, 0.1, 1000), ties, r.Number(m, "tie_share", 1, 0.01, 1), (int)node.Start.Line, fleet, n1);
    }

    /// <summary>
    /// The Japan data folder of <c>data.real</c>: <c>shared</c> means $WATTBIT_SHARED_DATA/japan, else
    /// <c>../shared/data/japan</c> beside the scenario file's folder, the working folder or any folder above them; any
    /// other text is a folder relative to the scenario file. It must hold area-supply-demand/ or jepx/.
    /// </summary>
    private static string RealDataDir(YamlReader r, YamlNode node, string source)
    {
        var text = r.Text(node, "data.real").Trim();
        var here = Path.GetDirectoryName(Path.GetFullPath(source)) ?? Environment.CurrentDirectory;
        var looked = new List<string>();
        if (text == "shared")
        {
            var env = Environment.GetEnvironmentVariable("WATTBIT_SHARED_DATA");
            if (!string.IsNullOrEmpty(env))
            {
                looked.Add(Path.Combine(env, "japan"));
            }

            foreach (var start in new[] { here, Environment.CurrentDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    looked.Add(Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "japan")));
                }
            }
        }
        else
        {
            looked.Add(Path.GetFullPath(Path.Combine(here, text)));
        }

        foreach (var dir in looked)
        {
            if (Directory.Exists(Path.Combine(dir, "area-supply-demand")) || Directory.Exists(Path.Combine(dir, "jepx")))
            {
                return dir;
            }
        }

        var where = text == "shared"
            ? $"in $WATTBIT_SHARED_DATA/japan ({(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WATTBIT_SHARED_DATA")) ? "not set" : "not there")}) and in ../shared/data/japan beside {here}, {Environment.CurrentDirectory} and every folder above them"
            : $"in {looked[0]}";
        throw r.Fail(node, $"data.real: no real data (area-supply-demand/ or jepx/) found for '{text}' {where}. "
            + "Put the shared data set beside the repository (../shared/data/japan), set WATTBIT_SHARED_DATA to the folder holding japan/, "
            + "or remove data.real to run on the synthetic reference year.");
    }

    private static DateTimeOffset Date(YamlReader r, YamlNode node, string key)
    {
        var text = r.Text(node, key);
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), Jst.Offset);
        }

        throw r.Fail(node, $"'{key}' must be a date yyyy-MM-dd (JST; got '{text}').");
    }

    private static List<GridEvent> Events(YamlReader r, YamlSequenceNode list, List<SiteSpec> sites, DateTimeOffset start, DateTimeOffset end)
    {
        var events = new List<GridEvent>();
        foreach (var item in list.Children)
        {
            var m = r.Mapping(item, "an event", "kind", "area", "site", "start", "end", "limit_share", "rate_per_year", "hours");
            var kind = r.Choice(r.Need(m, "kind", "an event"), "event kind",
                ("maintenance", GridEventKind.Maintenance), ("faults", GridEventKind.Faults), ("blackout", GridEventKind.Blackout));
            string? area = null, site = null;
            if (YamlReader.Get(m, "area") is { } areaNode)
            {
                area = Area(r, areaNode).Code;
            }

            if (YamlReader.Get(m, "site") is { } siteNode)
            {
                site = r.Text(siteNode, "site");
                if (!sites.Exists(s => s.Id == site))
                {
                    throw r.Fail(siteNode, $"unknown site '{site}' in an event.");
                }
            }

            if (kind == GridEventKind.Faults)
            {
                events.Add(new GridEvent(kind, area, site, start, end, r.Number(m, "limit_share", 0.5, 0, 1),
                    r.Number(r.Need(m, "rate_per_year", "a faults event"), "rate_per_year", 0, 1000), r.Number(m, "hours", 8, 0.5, 24 * 90)));
                continue;
            }

            if (kind == GridEventKind.Blackout && area is null)
            {
                throw r.Fail(item, "a blackout needs an area.");
            }

            var from = Date(r, r.Need(m, "start", "an event"), "start");
            var to = Date(r, r.Need(m, "end", "an event"), "end");
            if (to <= from || to <= start || from >= end)
            {
                throw r.Fail(item, "the event must end after it starts and overlap the period.");
            }

            events.Add(new GridEvent(kind, area, site, from, to, kind == GridEventKind.Blackout ? 0 : r.Number(m, "limit_share", 0.5, 0, 1)));
        }

        return events;
    }

    private static WorkloadSpec Workload(YamlReader r, YamlNode node)
    {
        var map = r.Mapping(node, "workload", "target_mw", "mix", "jobs", "batch_slack_h", "training_slack_h", "inference_reach_km", "checkpoint");
        var target = r.Number(r.Need(map, "target_mw", "workload"), "target_mw", 0);
        var w = new WorkloadSpec(target,
            Jobs: r.Integer(map, "jobs", 0, 0, 20_000_000),
            BatchSlackHours: r.Number(map, "batch_slack_h", 24, 0, 720),
            TrainingSlackHours: r.Number(map, "training_slack_h", 48, 0, 720),
            InferenceReachKm: r.Number(map, "inference_reach_km", 500, 0));
        if (YamlReader.Get(map, "checkpoint") is { } checkpointNode)
        {
            var kinds = new List<WorkloadKind>();
            foreach (var name in r.Strings(checkpointNode, "workload.checkpoint"))
            {
                kinds.Add(name switch
                {
                    "batch" => WorkloadKind.Batch,
                    "training" => WorkloadKind.Training,
                    "backup" => WorkloadKind.Backup,
                    _ => throw r.Fail(checkpointNode, $"workload.checkpoint: '{name}' is not a job kind (batch, training, backup)."),
                });
            }

            w = w with { Checkpoint = kinds };
        }

        if (YamlReader.Get(map, "mix") is { } mixNode)
        {
            var mix = r.Mapping(mixNode, "workload.mix", "inference", "batch", "training", "backup");
            w = w with
            {
                Inference = r.Number(mix, "inference", 0, 0),
                Batch = r.Number(mix, "batch", 0, 0),
                Training = r.Number(mix, "training", 0, 0),
                Backup = r.Number(mix, "backup", 0, 0),
            };
            if (w.Inference + w.Batch + w.Training + w.Backup <= 0)
            {
                throw r.Fail(mixNode, "the workload mix needs at least one positive share.");
            }
        }

        return w;
    }

    private static List<SiteSpec> Sites(YamlReader r, YamlSequenceNode list, int seed)
    {
        var sites = new List<SiteSpec>();
        var rng = new Random(unchecked((seed * 7) + 3));
        foreach (var item in list.Children)
        {
            var map = item as YamlMappingNode ?? throw r.Fail(item, "each site must be a mapping.");
            var generator = YamlReader.Get(map, "generate");
            var added = generator is null ? [ExplicitSite(r, map)]
                : r.Text(generator, "generate") switch
                {
                    "distributed" => Distributed(r, map, rng, sites),
                    "cluster" => Cluster(r, map),
                    var other => throw r.Fail(generator, $"unknown site generator '{other}' (known: distributed, cluster)."),
                };
            foreach (var site in added)
            {
                foreach (var other in sites)
                {
                    if (other.Id == site.Id)
                    {
                        throw r.Fail(item, $"site id '{site.Id}' is used twice (first on line {other.Line}).");
                    }

                    if (other.Location.DistanceKm(site.Location) < OverlapKm)
                    {
                        throw r.Fail(item, $"site '{site.Id}' overlaps site '{other.Id}' (line {other.Line}): they are {other.Location.DistanceKm(site.Location) * 1000:0} m apart.");
                    }
                }

                sites.Add(site);
            }
        }

        if (sites.Count == 0)
        {
            throw r.Fail(list, "list at least one site.");
        }

        return sites;
    }

    private static GridArea Area(YamlReader r, YamlNode node) =>
        JapanAreas.TryFind(r.Text(node, "area"), out var area) ? area
            : throw r.Fail(node, $"unknown area '{r.Text(node, "area")}' (known: {string.Join(", ", JapanAreas.All.Select(a => a.Code))}).");

    private static SiteSpec ExplicitSite(YamlReader r, YamlMappingNode map)
    {
        var m = r.Mapping(map, "a site", "id", "area", "lat", "lon", "it_mw", "pue", "connection", "battery", "substation", "operator");
        var id = r.Text(r.Need(m, "id", "a site"), "id");
        var area = Area(r, r.Need(m, "area", "a site"));
        var location = new GeoPoint(r.Number(r.Need(m, "lat", "a site"), "lat", 20, 46), r.Number(r.Need(m, "lon", "a site"), "lon", 122, 154));
        var it = r.Number(r.Need(m, "it_mw", "a site"), "it_mw", 0.001);
        var pue = r.Number(m, "pue", 1.3, 1, 3);
        var connection = Connection(r, r.Need(m, "connection", "a site"), it * pue);
        var battery = YamlReader.Get(m, "battery") is { } bn ? ReadBattery(r, bn) : null;
        var substation = YamlReader.Get(m, "substation") is { } sn ? r.Text(sn, "substation") : null;
        return new SiteSpec(id, area, location, it, pue, Stated(connection.Kind, connection.Mw, connection.Profile) with { Substation = substation }, (int)map.Start.Line,
            battery, Operator(r, m));
    }

    // A site's battery in the planner's model (docs/planning.md): energy_mwh and power_mw required, efficiencies and
    // state-of-charge limits optional with the planner's defaults.
    private static Battery ReadBattery(YamlReader r, YamlNode node)
    {
        var m = r.Mapping(node, "battery", "energy_mwh", "power_mw", "charge_efficiency", "discharge_efficiency", "min_soc", "max_soc", "initial_soc");
        return NewBattery(r, node, r.Number(r.Need(m, "energy_mwh", "battery"), "energy_mwh", 0), r.Number(r.Need(m, "power_mw", "battery"), "power_mw", 0),
            r.Number(m, "charge_efficiency", 0.95), r.Number(m, "discharge_efficiency", 0.95), r.Number(m, "min_soc", 0.1), r.Number(m, "max_soc", 0.9),
            r.Number(m, "initial_soc", 0.5));
    }

    private static Battery NewBattery(YamlReader r, YamlNode node, double energyMwh, double powerMw, double charge = 0.95, double discharge = 0.95,
        double minSoc = 0.1, double maxSoc = 0.9, double initialSoc = 0.5)
    {
        try
        {
            return new Battery(Energy.FromMegawattHours(energyMwh), Power.FromMegawatts(powerMw), charge, discharge, minSoc, maxSoc, initialSoc);
        }
        catch (ModelValidationException e)
        {
            throw r.Fail(node, e.Message);
        }
    }

    // A connection as a scenario states it: firm at mw; provisional with its typed profile (at most mw) or up to mw with
    // the profile derived from the headroom; flexible up to mw.
    private static GridConnection Stated(ConnectionKind kind, double mw, IReadOnlyList<double>? profile) => kind switch
    {
        ConnectionKind.Firm => GridConnection.FirmOf(Power.FromMegawatts(mw)),
        ConnectionKind.ProvisionalProfile when profile is not null => GridConnection.ProvisionalOf(profile) with { Peak = Power.FromMegawatts(mw) },
        ConnectionKind.ProvisionalProfile => GridConnection.ProvisionalUpTo(Power.FromMegawatts(mw)),
        _ => GridConnection.FlexibleFollowing(Power.FromMegawatts(mw)),
    };

    private static (ConnectionKind Kind, double Mw, double[]? Profile) Connection(YamlReader r, YamlNode node, double defaultMw)
    {
        var m = r.Mapping(node, "connection", "kind", "mw", "profile_mw");
        var kind = r.Choice(r.Need(m, "kind", "connection"), "connection kind",
            ("firm", ConnectionKind.Firm), ("provisional", ConnectionKind.ProvisionalProfile), ("flexible", ConnectionKind.Flexible));
        var mw = r.Number(m, "mw", defaultMw, 0);
        double[]? profile = null;
        if (YamlReader.Get(m, "profile_mw") is { } p)
        {
            if (kind != ConnectionKind.ProvisionalProfile)
            {
                throw r.Fail(p, "profile_mw belongs to a provisional connection.");
            }

            profile = r.Numbers(p, "profile_mw", 24, 0);
        }

        return (kind, mw, profile);
    }

    private static List<SiteSpec> Distributed(YamlReader r, YamlMappingNode map, Random rng, List<SiteSpec> existing)
    {
        var m = r.Mapping(map, "a distributed fleet", "generate", "prefix", "count", "areas", "it_mw", "pue", "connections", "grid_factor", "batteries", "operator");
        var prefix = YamlReader.Get(m, "prefix") is { } pn ? r.Text(pn, "prefix") : "dc";
        var count = r.Integer(m, "count", 50, 1, 100_000);
        var areas = YamlReader.Get(m, "areas") is { } an ? r.Sequence(an, "areas").Children.Select(c => Area(r, c)).ToArray() : [.. JapanAreas.All];
        double lo = 0.5, hi = 1.9;
        if (YamlReader.Get(m, "it_mw") is { } itNode)
        {
            var range = r.Numbers(itNode, "it_mw", 2, 0.001);
            (lo, hi) = (Math.Min(range[0], range[1]), Math.Max(range[0], range[1]));
        }

        var pue = r.Number(m, "pue", 1.3, 1, 3);
        var factor = r.Number(m, "grid_factor", 1.0, 0.01, 10);
        double firm = 1, provisional = 0, flexible = 0;
        if (YamlReader.Get(m, "connections") is { } cn)
        {
            var c = r.Mapping(cn, "connections", "firm", "provisional", "flexible");
            firm = r.Number(c, "firm", 0, 0);
            provisional = r.Number(c, "provisional", 0, 0);
            flexible = r.Number(c, "flexible", 0, 0);
            if (firm + provisional + flexible <= 0)
            {
                throw r.Fail(cn, "connections needs at least one positive share.");
            }
        }

        // batteries: {share, power_share, hours}: that share of the sites (spread evenly) gets a battery of
        // power_share × IT MW for the given hours, with the planner's default efficiencies and SoC limits.
        double batteryShare = 0, powerShare = 0.25, hours = 2;
        YamlNode? batteriesNode = YamlReader.Get(m, "batteries");
        if (batteriesNode is not null)
        {
            var b = r.Mapping(batteriesNode, "batteries", "share", "power_share", "hours");
            batteryShare = r.Number(b, "share", 1, 0, 1);
            powerShare = r.Number(b, "power_share", 0.25, 0.001, 10);
            hours = r.Number(b, "hours", 2, 0.1, 100);
        }

        var owner = Operator(r, m);
        var capitals = areas.Select(a => Prefectures.All.Where(p => p.Area == a).Select(p => p.Capital).ToArray()).ToArray();
        var result = new List<SiteSpec>(count);
        var line = (int)map.Start.Line;
        var shares = firm + provisional + flexible;
        double[] quota = [firm / shares, provisional / shares, flexible / shares];
        var given = areas.Select(_ => new int[3]).ToArray();
        var fleet = new int[3];
        for (var i = 0; i < count; i++)
        {
            var ai = i % areas.Length;
            var nth = i / areas.Length;
            var anchors = capitals[ai];
            GeoPoint location;
            do
            {
                var anchor = anchors[rng.Next(anchors.Length)];
                location = new GeoPoint(anchor.Latitude + ((rng.NextDouble() - 0.5) * 0.5), anchor.Longitude + ((rng.NextDouble() - 0.5) * 0.5));
            }
            while (existing.Concat(result).Any(s => s.Location.DistanceKm(location) < OverlapKm));

            var it = Math.Round(lo + (rng.NextDouble() * (hi - lo)), 3);
            var mw = it * pue * factor;

            // Kinds in proportion within every area (sites go to the areas in turn), interleaved: each site takes the kind
            // furthest behind its area's quota, so every area gets the stated mix, not one kind each; ties go to the kind
            // furthest behind the fleet's quota, so the fleet keeps the mix too.
            var kind = 0;
            var mine = given[ai];
            for (var k = 1; k < 3; k++)
            {
                var behind = ((nth + 1) * quota[k]) - mine[k] - (((nth + 1) * quota[kind]) - mine[kind]);
                if (behind > 1e-9 || (behind > -1e-9 && ((i + 1) * quota[k]) - fleet[k] > ((i + 1) * quota[kind]) - fleet[kind] + 1e-9))
                {
                    kind = k;
                }
            }

            mine[kind]++;
            fleet[kind]++;
            var battery = batteriesNode is not null && Math.Floor((i + 1) * batteryShare) > Math.Floor(i * batteryShare)
                ? NewBattery(r, batteriesNode, it * powerShare * hours, it * powerShare) : null;
            result.Add(new SiteSpec($"{prefix}-{areas[ai].Code.ToLowerInvariant()}-{i + 1:000}", areas[ai], location, it, pue, Stated(s_kinds[kind], mw, null), line, battery, Operator: owner));
        }

        return result;
    }

    // The operator owning a site (or a generated fleet) and the work submitted at it: a name of letters, digits, '-', '_'
    // or '.', or the default operator when the scenario names none.
    private static string Operator(YamlReader r, YamlMappingNode m)
    {
        if (YamlReader.Get(m, "operator") is not { } node)
        {
            return SiteSpec.DefaultOperator;
        }

        var name = r.Text(node, "operator");
        if (name.Length == 0 || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw r.Fail(node, $"operator '{name}' must be 1-64 letters, digits, '-', '_' or '.'.");
        }

        return name;
    }

    private static List<SiteSpec> Cluster(YamlReader r, YamlMappingNode map)
    {
        var m = r.Mapping(map, "a cluster", "generate", "id", "area", "lat", "lon", "it_mw", "pue", "buildings", "connection", "substation", "operator");
        var id = r.Text(r.Need(m, "id", "a cluster"), "id");
        var area = Area(r, r.Need(m, "area", "a cluster"));
        var lat = r.Number(r.Need(m, "lat", "a cluster"), "lat", 20, 46);
        var lon = r.Number(r.Need(m, "lon", "a cluster"), "lon", 122, 154);
        var it = r.Number(r.Need(m, "it_mw", "a cluster"), "it_mw", 0.001);
        var pue = r.Number(m, "pue", 1.2, 1, 3);
        var buildings = r.Integer(m, "buildings", 1, 1, 1000);
        var connection = Connection(r, r.Need(m, "connection", "a cluster"), it * pue);
        var substation = YamlReader.Get(m, "substation") is { } sn ? r.Text(sn, "substation") : null;
        var per = Stated(connection.Kind, connection.Mw / buildings, connection.Profile?.Select(v => v / buildings).ToArray()) with { Substation = substation };
        var owner = Operator(r, m);
        var side = (int)Math.Ceiling(Math.Sqrt(buildings));
        var result = new List<SiteSpec>(buildings);
        for (var b = 0; b < buildings; b++)
        {
            // Buildings on a grid about 300 m apart.
            var location = new GeoPoint(lat + ((b / side) * 0.003), lon + ((b % side) * 0.0035));
            result.Add(new SiteSpec(buildings == 1 ? id : $"{id}-{b + 1:00}", area, location, it / buildings, pue, per, (int)map.Start.Line, Operator: owner));
        }

        return result;
    }
}
