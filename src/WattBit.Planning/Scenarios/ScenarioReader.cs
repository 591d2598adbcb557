using WattBit.Areas;
using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Signals;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace WattBit.Planning.Scenarios;

/// <summary>
/// Reads a planning scenario (YAML; see samples/planning/ and docs/planning.md). Every problem is reported as an
/// <see cref="InputFormatException"/> naming the file, line and column of the offending value and the field.
/// </summary>
public static class ScenarioReader
{
    private static readonly string[] TopKeys = ["start", "horizon_hours", "confidence", "use_n1", "costs", "network", "signals", "sites", "workloads", "events"];
    private static readonly string[] SiteKeys = ["id", "name", "area", "lat", "lon", "it_capacity_mw", "gpus", "pue", "pue_per_degree", "pue_threshold_c", "outside_c", "base_load_mw", "ups_minutes", "region", "battery", "generator", "generation_mw", "connection"];
    private static readonly string[] BatteryKeys = ["energy_mwh", "power_mw", "charge_efficiency", "discharge_efficiency", "min_soc", "max_soc", "initial_soc"];
    private static readonly string[] GeneratorKeys = ["power_mw", "fuel_hours", "startup_minutes", "emissions_g_per_kwh", "cost_yen_per_kwh", "use_for_dr", "reserve_hours"];
    private static readonly string[] ConnectionKeys = ["kind", "substation", "quantile", "mw", "profile_mw", "headroom_mw", "headroom_quantiles", "n1_extra_mw", "n1_notice_minutes"];
    private static readonly string[] WorkloadKeys = ["id", "kind", "owner", "gpus", "kw_per_gpu", "power_kw", "release_h", "deadline_h", "duration_h", "state_gb", "checkpoint_minutes", "checkpointable", "interruptible", "locations", "home", "source", "destination", "size_gb", "rate_gbps", "replica_kw", "replica_gpus", "requests_per_replica", "latency_ms", "startup_minutes", "demand"];

    /// <summary>Reads a scenario file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="layer">The headroom layer a connection naming its <c>substation</c> reads its limits from (see <see cref="NamedSubstations"/>); null when none does.</param>
    /// <param name="forecast">The forecast quantiles of the layer's headroom (the forecasting engine, decision 0124) a flexible connection naming its substation plans on; null to follow the layer's hours as they are.</param>
    /// <exception cref="InputFormatException">The file is malformed or describes an invalid problem.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Scenario Read(string path, IHeadroomLayer? layer = null, IHeadroomForecast? forecast = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path, layer, forecast);
    }

    /// <summary>
    /// The substations the sites' connections name (<c>connection.substation</c>) and the scenario's hours, read before
    /// the scenario itself so that a host can compute the headroom layer for just those substations and hours. Empty
    /// when none is named or the text is too malformed to tell (then <see cref="Parse"/> reports the error).
    /// </summary>
    public static (IReadOnlyList<string> Substations, TimeWindow? Window) NamedSubstations(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                return ([], null);
            }

            var ids = new List<string>();
            if (root.Children.TryGetValue(new YamlScalarNode("sites"), out var sites) && sites is YamlSequenceNode list)
            {
                foreach (var site in list.Children.OfType<YamlMappingNode>())
                {
                    if (site.Children.TryGetValue(new YamlScalarNode("connection"), out var c) && c is YamlMappingNode connection
                        && connection.Children.TryGetValue(new YamlScalarNode("substation"), out var sub) && sub is YamlScalarNode { Value: { Length: > 0 } id }
                        && !ids.Contains(id))
                    {
                        ids.Add(id);
                    }
                }
            }

            TimeWindow? window = null;
            if (root.Children.TryGetValue(new YamlScalarNode("start"), out var st) && st is YamlScalarNode { Value: { } startText }
                && Iso8601.TryParse(startText, out var start, out _))
            {
                var hours = root.Children.TryGetValue(new YamlScalarNode("horizon_hours"), out var h) && h is YamlScalarNode { Value: { } ht }
                    && int.TryParse(ht, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 168 ? n : 24;
                window = TimeWindow.FromDuration(start, TimeSpan.FromHours(hours));
            }

            return (ids, window);
        }
        catch (YamlException)
        {
            return ([], null);
        }
        catch (InvalidOperationException)
        {
            return ([], null);
        }
    }

    /// <summary>Parses scenario text; <paramref name="source"/> names it in errors.</summary>
    /// <param name="text">The scenario.</param>
    /// <param name="source">Names it in errors.</param>
    /// <param name="layer">The headroom layer a connection naming its <c>substation</c> reads its limits from; null when none does.</param>
    /// <param name="forecast">
    /// The forecast quantiles of the layer's headroom a flexible connection naming its substation plans on (P10/P50/P90 per
    /// hour: the planner takes the level 1 − confidence, P10 at the default 0.9, or the connection's stated
    /// <c>quantile</c>); null to follow the layer's hours as they are.
    /// </param>
    /// <exception cref="InputFormatException">The text is malformed or describes an invalid problem.</exception>
    public static Scenario Parse(string text, string source, IHeadroomLayer? layer = null, IHeadroomForecast? forecast = null)
    {
        return new Builder(source, new YamlMap(source, YamlReader.Load(text, source, "the scenario"), "the scenario", TopKeys), layer, forecast).Build();
    }

    private sealed class Builder(string source, YamlMap root, IHeadroomLayer? layer, IHeadroomForecast? forecast)
    {
        private readonly Dictionary<string, YamlMap> _subjects = new(StringComparer.Ordinal);
        private int _steps;
        private DateTimeOffset _start;

        public Scenario Build()
        {
            _start = root.Instant("start");
            _steps = root.Integer("horizon_hours", 24);
            if (_steps is < 1 or > 168)
            {
                throw root.ErrorAt("horizon_hours", $"horizon_hours must be between 1 and 168 (got {_steps}).");
            }

            var costs = Guarded(root.Has("costs") ? new YamlMap(source, root.Require("costs"), "costs",
                "carbon_price_yen_per_t", "unserved_yen_per_mwh", "late_yen_per_mwh", "unserved_inference_yen_per_mwh", "battery_cycle_yen_per_mwh") : null, c =>
            {
                var d = new PlanningCosts();
                var result = c is null ? d : new PlanningCosts(
                    c.Number("carbon_price_yen_per_t", d.CarbonPriceYenPerTonne), c.Number("unserved_yen_per_mwh", d.UnservedYenPerMwh),
                    c.Number("late_yen_per_mwh", d.LateYenPerMwh), c.Number("unserved_inference_yen_per_mwh", d.UnservedInferenceYenPerMwh),
                    c.Number("battery_cycle_yen_per_mwh", d.BatteryCycleYenPerMwh));
                result.Validate();
                return result;
            });
            var (carbon, price, surplus) = Signals();
            var sites = root.Items("sites").Select(Site).ToList();
            var net = root.Has("network") ? new YamlMap(source, root.Require("network"), "network", "default_bandwidth_gbps", "region_radius_km", "links") : null;
            var network = Guarded(net, n => new Network(sites,
                n?.Items("links").Select(Link).ToList(), n?.Number("default_bandwidth_gbps", 100) ?? 100, null, n?.Number("region_radius_km", 50) ?? 50));
            var workloads = root.Items("workloads").Select(Workload).ToList();
            PlanningProblem problem;
            try
            {
                problem = new PlanningProblem(_start, _steps, sites, network, workloads, carbon, price, surplus, costs,
                    root.Number("confidence", 0.9), root.Boolean("use_n1", true));
            }
            catch (ModelValidationException ex)
            {
                throw Locate(ex, ex.Subject is { } s && _subjects.TryGetValue(s, out var m) ? m : root);
            }

            var events = root.Items("events").Select(n => Event(n, problem)).ToList();
            return new Scenario(source, problem, events);
        }

        private T Guarded<T>(YamlMap? map, Func<YamlMap?, T> build)
        {
            try
            {
                return build(map);
            }
            catch (ModelValidationException ex)
            {
                throw Locate(ex, map ?? root);
            }
        }

        private InputFormatException Locate(ModelValidationException ex, YamlMap map)
        {
            // Walk the dotted field (battery.charge_efficiency) down the mapping; point at the deepest node found.
            YamlNode node = map.Node;
            foreach (var part in ex.Field.Split('.'))
            {
                if (node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(part), out var child))
                {
                    node = child;
                }
                else if (node is YamlMappingNode m2 && m2.Children.TryGetValue(new YamlScalarNode(ex.Field.Replace('.', '_')), out var flat))
                {
                    node = flat;
                }
                else if (node is YamlMappingNode m3 && UnitKey(m3, part) is { } withUnit)
                {
                    // The model names a quantity (duration, power); the file writes it with its unit (duration_h, power_kw).
                    node = withUnit;
                }
            }

            return YamlMap.Error(source, node, $"{ex.Field}: {ex.Message}");
        }

        private static YamlNode? UnitKey(YamlMappingNode map, string field) =>
            map.Children.Where(c => c.Key is YamlScalarNode { Value: { } key } && key.StartsWith(field + "_", StringComparison.Ordinal))
                .Select(c => c.Value).FirstOrDefault();

        private TimeSeries Hourly(double[] values, SeriesUnit unit, string name) =>
            TimeSeries.Wrap(_start, TimeSpan.FromHours(1), values, unit, name);

        private (SignalSet Carbon, SignalSet Price, SignalSet? Surplus) Signals()
        {
            var map = new YamlMap(source, root.Require("signals"), "signals");
            var carbon = new List<KeyValuePair<string, TimeSeries>>();
            var price = new List<KeyValuePair<string, TimeSeries>>();
            var surplus = new List<KeyValuePair<string, TimeSeries>>();
            foreach (var (key, value) in ((YamlMappingNode)map.Node).Children)
            {
                var name = ((YamlScalarNode)key).Value ?? string.Empty;
                if (!JapanAreas.TryFind(name, out var area))
                {
                    throw YamlMap.Error(source, key, $"signals: unknown area '{name}' (use a TSO area code: {string.Join(" ", JapanAreas.All.Select(a => a.Code))}).");
                }

                var m = new YamlMap(source, value, $"signals of {area.Code}", "carbon_g_per_kwh", "price_yen_per_kwh", "surplus_mw");
                carbon.Add(new(area.Code, Hourly(m.Series("carbon_g_per_kwh", _steps), SeriesUnit.GramsPerKilowattHour, "carbon " + area.Code)));
                price.Add(new(area.Code, Hourly(m.Series("price_yen_per_kwh", _steps), SeriesUnit.YenPerKilowattHour, "price " + area.Code)));
                if (m.Has("surplus_mw"))
                {
                    surplus.Add(new(area.Code, Hourly(m.Series("surplus_mw", _steps), SeriesUnit.Megawatts, "surplus " + area.Code)));
                }
            }

            if (carbon.Count == 0)
            {
                throw YamlMap.Error(source, map.Node, "signals: give at least one area.");
            }

            return (new SignalSet(SignalKind.Carbon, carbon), new SignalSet(SignalKind.Price, price),
                surplus.Count > 0 ? new SignalSet(SignalKind.Curtailment, surplus) : null);
        }

        private DcSite Site(YamlNode node)
        {
            var m = new YamlMap(source, node, "a site", SiteKeys);
            var id = m.String("id");
            _subjects[id] = m;
            var areaCode = m.String("area");
            if (!JapanAreas.TryFind(areaCode, out var area))
            {
                throw m.ErrorAt("area", $"site '{id}': unknown area '{areaCode}' (use a TSO area code: {string.Join(" ", JapanAreas.All.Select(a => a.Code))}).");
            }

            try
            {
                var it = m.Number("it_capacity_mw");
                if (it <= 0)
                {
                    throw new ModelValidationException("it_capacity_mw", $"site '{id}': it_capacity_mw must be positive (got {it}).");
                }

                var pue = new PueModel(m.Number("pue", 1.3), m.Number("pue_per_degree", 0), m.Number("pue_threshold_c", 20));
                GeoPoint? location = m.Has("lat") || m.Has("lon") ? new GeoPoint(m.Number("lat"), m.Number("lon")) : null;
                var site = new Site(new SiteId(id), m.OptionalString("name") ?? id, area, Power.FromMegawatts(it), pue.BasePue, location);
                Battery? battery = null;
                if (m.Has("battery"))
                {
                    var b = new YamlMap(source, m.Require("battery"), "battery", BatteryKeys);
                    battery = new Battery(Energy.FromMegawattHours(b.Number("energy_mwh")), Power.FromMegawatts(b.Number("power_mw")),
                        b.Number("charge_efficiency", 0.95), b.Number("discharge_efficiency", 0.95), b.Number("min_soc", 0.1),
                        b.Number("max_soc", 0.9), b.Number("initial_soc", 0.5));
                }

                OnSiteGenerator? generator = null;
                if (m.Has("generator"))
                {
                    var g = new YamlMap(source, m.Require("generator"), "generator", GeneratorKeys);
                    generator = new OnSiteGenerator(Power.FromMegawatts(g.Number("power_mw")), TimeSpan.FromHours(g.Number("fuel_hours")),
                        TimeSpan.FromMinutes(g.Number("startup_minutes", 10)), CarbonIntensity.FromGramsPerKilowattHour(g.Number("emissions_g_per_kwh")),
                        EnergyPrice.FromYenPerKilowattHour(g.Number("cost_yen_per_kwh", 0)), g.Boolean("use_for_dr", false))
                    {
                        ReserveHours = TimeSpan.FromHours(g.Number("reserve_hours", 0)),
                    };
                }

                return new DcSite(site, m.Integer("gpus", 0), Connection(m, id), pue, battery,
                    m.Has("generation_mw") ? Hourly(m.Series("generation_mw", _steps), SeriesUnit.Megawatts, "generation") : null,
                    TimeSpan.FromMinutes(m.Number("ups_minutes", 10)), Power.FromMegawatts(m.Number("base_load_mw", 0)), m.OptionalString("region"),
                    m.Has("outside_c") ? Hourly(m.Series("outside_c", _steps), SeriesUnit.PerUnit, "outside") : null, generator);
            }
            catch (ModelValidationException ex)
            {
                throw Locate(ex, m);
            }
            catch (ArgumentException ex)
            {
                throw m.ErrorAt(ex.ParamName switch { "latitude" => "lat", "longitude" => "lon", "pue" => "pue", _ => "id" }, $"site '{id}': {ex.Message}");
            }
        }

        private GridConnection Connection(YamlMap site, string id)
        {
            var m = new YamlMap(source, site.Require("connection"), "connection", ConnectionKeys);
            var grid = m.OptionalString("substation") is { } substation ? Grid(m, id, substation) : null;
            N1Curtailable? n1 = m.Has("n1_extra_mw")
                ? new N1Curtailable(Power.FromMegawatts(m.Number("n1_extra_mw")), TimeSpan.FromMinutes(m.Number("n1_notice_minutes", 0)))
                : grid is { } g0 && g0.Offer.CurtailableExtraMw > 0
                    ? new N1Curtailable(Power.FromMegawatts(g0.Offer.CurtailableExtraMw), TimeSpan.FromMinutes(m.Number("n1_notice_minutes", 0)))
                    : null;
            var kind = m.String("kind");
            if (m.Has("quantile") && (kind != "flexible" || grid is null || forecast is null || m.Has("headroom_mw")))
            {
                throw m.ErrorAt("quantile",
                    $"site '{id}': connection.quantile picks a forecast quantile of the headroom layer, for a flexible connection naming its substation when the host forecasts the layer (wattbit plan does).");
            }

            var connection = kind switch
            {
                "firm" => GridConnection.FirmOf(Power.FromMegawatts(grid is { } g && !m.Has("mw") ? g.Offer.FirmMw : m.Number("mw")), n1),
                "provisional" => GridConnection.ProvisionalOf(grid is { } g && !m.Has("profile_mw") ? LayerProfile(m, g) : ProfileOf(m), n1),
                "flexible" => GridConnection.FlexibleOf(grid is { } g && !m.Has("headroom_mw") ? (forecast is null ? LayerHeadroom(m, g) : ForecastHeadroom(m, g.Substation)) : Headroom(m), n1),
                _ => throw m.ErrorAt("kind", $"site '{id}': connection kind must be firm, provisional or flexible (got '{kind}')."),
            };
            return grid is { } named ? connection with { Substation = named.Substation.Id } : connection;
        }

        /// <summary>The named substation of the headroom layer and what it offers over the layer's hours.</summary>
        private (Substation Substation, NodeOffer Offer, IReadOnlyList<HeadroomHour> Hours)? Grid(YamlMap m, string id, string substation)
        {
            if (layer is null)
            {
                throw m.ErrorAt("substation",
                    $"site '{id}': connection.substation '{substation}' reads the headroom layer, which the host composes (wattbit plan does); give mw / profile_mw / headroom_mw instead.");
            }

            if (!layer.TryGetSubstation(substation, out var s))
            {
                throw m.ErrorAt("substation", $"site '{id}': '{substation}' is not a substation of the headroom layer ({layer.Info.Model}); `wattbit grid layer` lists ids such as TK:新古河.");
            }

            var offer = layer.Offer(s.Id, 0);
            if (offer.Zone == WelcomeZone.Missing)
            {
                throw m.ErrorAt("substation", $"site '{id}': the headroom layer has no data for '{s.Id}' (no hour of {new TimeWindow(layer.Info.First, layer.Info.End)}): give the limits in the file.");
            }

            return (s, offer, layer.Hourly(s.Id, TimeWindow.FromDuration(_start, TimeSpan.FromHours(_steps))));
        }

        private double[] LayerProfile(YamlMap m, (Substation Substation, NodeOffer Offer, IReadOnlyList<HeadroomHour> Hours)? grid)
        {
            var (s, _, _) = grid!.Value;
            var profile = layer!.Profile(s.Id).SecureMw;
            var missing = Enumerable.Range(0, 24).Where(h => double.IsNaN(profile[h])).ToList();
            return missing.Count > 0
                ? throw m.ErrorAt("substation", $"connection.substation '{s.Id}': the headroom layer has no data at JST hour(s) {string.Join(", ", missing)}: give profile_mw.")
                : [.. profile.Select(v => Math.Max(0, v))];
        }

        private QuantileSeries LayerHeadroom(YamlMap m, (Substation Substation, NodeOffer Offer, IReadOnlyList<HeadroomHour> Hours)? grid)
        {
            var (s, _, hours) = grid!.Value;
            var values = new double[_steps];
            Array.Fill(values, double.NaN);
            foreach (var h in hours)
            {
                values[(int)Math.Round((h.Start - _start).TotalHours)] = Math.Max(0, h.SecureMw);
            }

            var gap = Array.FindIndex(values, double.IsNaN);
            return gap >= 0
                ? throw m.ErrorAt("substation",
                    $"connection.substation '{s.Id}': no headroom data at {Iso8601.Format(_start.AddHours(gap))} (the layer holds {new TimeWindow(layer!.Info.First, layer.Info.End)}): give headroom_mw.")
                : new QuantileSeries(Hourly(values, SeriesUnit.Megawatts, $"headroom {s.Id}"), []);
        }

        /// <summary>
        /// The forecast quantiles of the substation's secure headroom over the horizon (negative clamps to 0): P50 as the
        /// central series with P10/P50/P90 as quantiles, so the planner plans on the level 1 − confidence; or only the stated
        /// <c>quantile</c> (0.1, 0.5 or 0.9), planned on at any confidence. An hour without a forecast is an error.
        /// </summary>
        private QuantileSeries ForecastHeadroom(YamlMap m, Substation s)
        {
            double? stated = null;
            if (m.Has("quantile"))
            {
                var q = m.Number("quantile");
                stated = q is 0.1 or 0.5 or 0.9 ? q : throw m.ErrorAt("quantile", $"connection.quantile must be 0.1, 0.5 or 0.9 (the forecast's P10, P50, P90; got {q}).");
            }

            var (p10, p50, p90) = HeadroomForecasts.Hourly(forecast!, s.Id, _start, _steps);

            var gap = Array.FindIndex(p50, double.IsNaN);
            if (gap >= 0)
            {
                throw m.ErrorAt("substation",
                    $"connection.substation '{s.Id}': no forecast of its headroom at {Iso8601.Format(_start.AddHours(gap))} (too little of the layer's history before the start): give headroom_mw.");
            }

            (double Level, double[] Values, string Name)[] series = [(0.1, p10, "P10"), (0.5, p50, "P50"), (0.9, p90, "P90")];
            return stated is { } level
                ? new QuantileSeries(Hourly(series.Single(x => x.Level == level).Values, SeriesUnit.Megawatts, $"headroom {s.Id} forecast q{level}"), [])
                : new QuantileSeries(Hourly(p50, SeriesUnit.Megawatts, $"headroom {s.Id} forecast P50"),
                    [.. series.Select(x => new KeyValuePair<double, TimeSeries>(x.Level, Hourly(x.Values, SeriesUnit.Megawatts, $"headroom {s.Id} forecast {x.Name}")))]);
        }

        private double[] ProfileOf(YamlMap m)
        {
            var n = m.Require("profile_mw");
            if (n is not YamlSequenceNode seq || seq.Children.Count != 24)
            {
                throw YamlMap.Error(source, n, "connection.profile_mw needs exactly 24 hourly values (local hours 0-23).");
            }

            return m.ParseSeries(n, "profile_mw", 24);
        }

        private QuantileSeries Headroom(YamlMap m)
        {
            var central = Hourly(m.Series("headroom_mw", _steps), SeriesUnit.Megawatts, "headroom");
            var quantiles = new List<KeyValuePair<double, TimeSeries>>();
            if (m.Find("headroom_quantiles") is { } qn)
            {
                var q = new YamlMap(source, qn, "headroom_quantiles");
                foreach (var (key, value) in ((YamlMappingNode)q.Node).Children)
                {
                    var text = ((YamlScalarNode)key).Value ?? string.Empty;
                    if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var level) || level is <= 0 or >= 1)
                    {
                        throw YamlMap.Error(source, key, $"headroom_quantiles: '{text}' is not a quantile level strictly between 0 and 1.");
                    }

                    quantiles.Add(new(level, Hourly(q.ParseSeries(value, "headroom_quantiles", _steps), SeriesUnit.Megawatts, $"headroom q{level}")));
                }
            }

            return new QuantileSeries(central, quantiles);
        }

        private NetworkLink Link(YamlNode node)
        {
            var m = new YamlMap(source, node, "a link", "a", "b", "km", "bandwidth_gbps", "equipment_us");
            try
            {
                return new NetworkLink(new SiteId(m.String("a")), new SiteId(m.String("b")), m.Number("km"), m.Number("bandwidth_gbps", 100),
                    TimeSpan.FromMicroseconds(m.Number("equipment_us", 50)));
            }
            catch (ModelValidationException ex)
            {
                throw Locate(ex, m);
            }
        }

        private DateTimeOffset Hours(YamlMap m, string key, double fallback) => _start.AddHours(m.Number(key, fallback));

        private Workload Workload(YamlNode node)
        {
            var m = new YamlMap(source, node, "a workload", WorkloadKeys);
            var id = m.String("id");
            _subjects[id] = m;
            var owner = m.OptionalString("owner") ?? "default";
            var kind = m.String("kind");
            try
            {
                return kind switch
                {
                    "training" => new TrainingJob(id, owner, m.Integer("gpus", 0), Power.FromKilowatts(m.Number("kw_per_gpu", 1.0)),
                        Hours(m, "release_h", 0), Hours(m, "deadline_h", _steps), TimeSpan.FromHours(m.Number("duration_h")), m.Number("state_gb", 0),
                        m.Boolean("checkpointable", true), TimeSpan.FromMinutes(m.Number("checkpoint_minutes", 10)), m.Strings("locations"), m.OptionalString("home")),
                    "batch" => new BatchWork(id, owner, Hours(m, "release_h", 0), Hours(m, "deadline_h", _steps), TimeSpan.FromHours(m.Number("duration_h")),
                        Power.FromKilowatts(m.Number("power_kw")), m.Boolean("interruptible", true), m.Integer("gpus", 0), m.Strings("locations"),
                        m.OptionalString("home"), m.Number("state_gb", 0)),
                    "backup" => new BackupTransfer(id, owner, m.String("source"), m.String("destination"), m.Number("size_gb"), m.Number("rate_gbps", 10),
                        Power.FromKilowatts(m.Number("power_kw", 50)), Hours(m, "release_h", 0), Hours(m, "deadline_h", _steps)),
                    "inference" => new InferenceService(id, owner, Power.FromKilowatts(m.Number("replica_kw")), m.Integer("replica_gpus", 0),
                        m.Number("requests_per_replica"), TimeSpan.FromMilliseconds(m.Number("latency_ms")), m.Items("demand").Select(Demand).ToList(),
                        m.Strings("locations"), m.OptionalString("home"), TimeSpan.FromMinutes(m.Number("startup_minutes", 5))),
                    _ => throw m.ErrorAt("kind", $"workload '{id}': kind must be training, inference, batch or backup (got '{kind}')."),
                };
            }
            catch (ModelValidationException ex)
            {
                throw Locate(ex, m);
            }
        }

        private RegionDemand Demand(YamlNode node)
        {
            var m = new YamlMap(source, node, "a demand region", "region", "lat", "lon", "rps");
            try
            {
                return new RegionDemand(new UserRegion(m.String("region"), new GeoPoint(m.Number("lat"), m.Number("lon"))),
                    Hourly(m.Series("rps", _steps), SeriesUnit.PerUnit, "demand"));
            }
            catch (ArgumentOutOfRangeException ex)
            {
                throw m.ErrorAt(ex.ParamName == "latitude" ? "lat" : "lon", ex.Message);
            }
        }

        private DispatchEvent Event(YamlNode node, PlanningProblem problem)
        {
            var m = new YamlMap(source, node, "an event", "kind", "at_h", "site", "shed_mw", "notice_minutes", "duration_h", "limit_mw", "service", "extra_rps");
            var at = _start.AddHours(m.Number("at_h"));
            if (!problem.Horizon.Contains(at))
            {
                throw m.ErrorAt("at_h", $"event time {at:O} is outside the horizon {problem.Horizon}.");
            }

            SiteId Site()
            {
                var s = m.String("site");
                return problem.SiteIndex(s) >= 0 ? new SiteId(s) : throw m.ErrorAt("site", $"event names unknown site '{s}'.");
            }

            var kind = m.String("kind");
            return kind switch
            {
                "curtailment" => new CurtailmentOrder(at, Site(), Power.FromMegawatts(NonNegative(m, "shed_mw")),
                    TimeSpan.FromMinutes(NonNegative(m, "notice_minutes")), TimeSpan.FromHours(m.Number("duration_h", 1))),
                "headroom" => new HeadroomChange(at, Site(), Power.FromMegawatts(NonNegative(m, "limit_mw")),
                    TimeSpan.FromMinutes(NonNegative(m, "notice_minutes")), TimeSpan.FromHours(m.Number("duration_h", 1))),
                "failure" => new SiteFailure(at, Site()),
                "surge" => problem.Workloads.Any(w => w.Id == m.String("service") && w is InferenceService)
                    ? new InferenceSurge(at, m.String("service"), NonNegative(m, "extra_rps"), TimeSpan.FromHours(m.Number("duration_h", 1)))
                    : throw m.ErrorAt("service", $"event names unknown inference service '{m.String("service")}'."),
                _ => throw m.ErrorAt("kind", $"event kind must be curtailment, headroom, failure or surge (got '{kind}')."),
            };
        }

        private static double NonNegative(YamlMap m, string key)
        {
            var v = m.Number(key);
            return v >= 0 ? v : throw m.ErrorAt(key, $"'{key}' must not be negative (got {v}).");
        }
    }
}
