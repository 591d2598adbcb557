using System.Globalization;
using WattBit.Formats;
using WattBit.Siting.Candidates;
using WattBit.Siting.Facts;
using WattBit.Siting.Layers;
using WattBit.Sites;
using YamlDotNet.RepresentationModel;

namespace WattBit.Siting.Ranking;

/// <summary>
/// Reads a siting study from YAML or JSON (JSON is read as YAML). Every error names the file, line and column and
/// the field path (for example <c>weights.carbon</c>). Unknown fields are errors, so a typo never passes silently.
/// The schema is documented in docs/siting.md. Stateless and thread-safe.
/// </summary>
public static class SitingConfigReader
{
    private static readonly string[] s_layerKeys =
        [.. CriterionInfo.All.Where(i => i.Criterion != Criterion.Headroom).Select(i => i.Key), "headroom_now", "headroom_potential"];

    /// <summary>Reads a config file; relative paths inside it are resolved against its folder.</summary>
    /// <exception cref="InputFormatException">The YAML is malformed or a field is missing, unknown or invalid (file:line:column).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SitingConfig ReadFile(string path)
    {
        var full = Path.GetFullPath(path);
        return Parse(File.ReadAllText(full), full, Path.GetDirectoryName(full)!);
    }

    /// <summary>Parses config text; <paramref name="source"/> names it in messages and <paramref name="baseDirectory"/> anchors relative paths.</summary>
    /// <exception cref="InputFormatException">The YAML is malformed or a field is missing, unknown or invalid (file:line:column).</exception>
    public static SitingConfig Parse(string text, string source, string baseDirectory)
    {
        var r = new Reader(source, baseDirectory);
        return r.Config(YamlReader.Load(text, source, "the config"));
    }

    private sealed class Reader(string source, string baseDirectory)
    {
        public SitingConfig Config(YamlNode root)
        {
            var map = Mapping(root, "(root)");
            Known(map, "(root)", "name", "candidates", "demand_mw", "maps", "screen", "weights", "constraints", "layers",
                "grid_layer", "power_default", "telecom", "latency", "cooling", "clusters", "sensitivity", "area_signals");
            var demand = OptionalNumber(map, "demand_mw", "demand_mw", positive: true) ?? 300;
            var config = new SitingConfig
            {
                Source = source,
                Name = OptionalText(map, "name") ?? Path.GetFileNameWithoutExtension(source),
                DemandMw = demand,
                Candidates = CandidatesSpec(Child(map, "candidates")),
                Weights = Weights(Child(map, "weights")),
                Constraints = Constraints(Child(map, "constraints")),
                LayerFiles = Layers(Child(map, "layers")),
                Sensitivity = SensitivitySpec(Child(map, "sensitivity")),
                Latency = Latency(Child(map, "latency")),
                Cooling = Cooling(Child(map, "cooling")),
                Clusters = Clusters(Child(map, "clusters")),
                GridLayer = GridLayer(Child(map, "grid_layer")),
            };

            if (Child(map, "power_default") is { } proxy)
            {
                throw Error(proxy, "power_default: the nominal substation proxy was removed; the headroom comes from the grid headroom layer (grid_layer: {fiscal_year, seed, from, days, max_km}) or from layers.headroom_now / layers.headroom_potential.");
            }

            if (Child(map, "maps") is { } maps)
            {
                var m = Mapping(maps, "maps");
                Known(m, "maps", "prefectures", "areas");
                config = config with { PrefectureMap = OptionalPath(m, "prefectures", "maps"), AreaMap = OptionalPath(m, "areas", "maps") };
            }

            if (Child(map, "screen") is { } screen)
            {
                var s = Mapping(screen, "screen");
                Known(s, "screen", "basis", "min_mw");
                var basis = HeadroomBasis.Potential;
                if (Child(s, "basis") is { } b)
                {
                    basis = Scalar(b, "screen.basis").ToLowerInvariant() switch
                    {
                        "now" => HeadroomBasis.Now,
                        "potential" => HeadroomBasis.Potential,
                        var other => throw Error(b, $"screen.basis: '{other}' must be 'now' or 'potential'."),
                    };
                }

                config = config with { ScreenBasis = basis, ScreenMinMw = OptionalNumber(s, "min_mw", "screen.min_mw", nonNegative: true) };
            }

            if (Child(map, "area_signals") is { } signals)
            {
                var a = Mapping(signals, "area_signals");
                Known(a, "area_signals", "reference_year", "seed");
                var year = OptionalInt(a, "reference_year", "area_signals.reference_year", 2000)
                    ?? throw Error(signals, "area_signals.reference_year is required (a fiscal year, e.g. 2025).");
                config = config with { AreaSignals = new ReferenceYearSpec(year, OptionalInt(a, "seed", "area_signals.seed", int.MinValue) ?? 1) };
            }

            if (Child(map, "telecom") is { } telecom)
            {
                var t = Mapping(telecom, "telecom");
                Known(t, "telecom", "landings", "ix");
                if (OptionalPath(t, "landings", "telecom") is { } landings)
                {
                    config = config with { Landings = TelecomFacts.ReadFile(landings) };
                }

                if (OptionalPath(t, "ix", "telecom") is { } ix)
                {
                    config = config with { InternetExchanges = TelecomFacts.ReadFile(ix) };
                }
            }

            if (config.Weights.All(w => w == 0))
            {
                throw Error(Child(map, "weights") ?? root, "weights: at least one weight must be positive.");
            }

            return config;
        }

        private CandidateSpec CandidatesSpec(YamlNode? node)
        {
            if (node is null)
            {
                return new CandidateSpec(CandidateKind.Prefecture, null);
            }

            if (node is YamlScalarNode scalar)
            {
                return scalar.Value?.Trim().ToLowerInvariant() switch
                {
                    "prefectures" => new CandidateSpec(CandidateKind.Prefecture, null),
                    _ => throw Error(node, $"candidates: '{scalar.Value}' — write 'prefectures', or a mapping with kind (prefectures | substations | sites) and file."),
                };
            }

            var m = Mapping(node, "candidates");
            Known(m, "candidates", "kind", "file", "min_voltage_kv");
            var kindNode = Child(m, "kind") ?? throw Error(node, "candidates.kind is required (prefectures | substations | sites).");
            var kind = Scalar(kindNode, "candidates.kind").ToLowerInvariant() switch
            {
                "prefectures" => CandidateKind.Prefecture,
                "substations" => CandidateKind.Substation,
                "sites" => CandidateKind.UserSite,
                var other => throw Error(kindNode, $"candidates.kind: '{other}' must be prefectures, substations or sites."),
            };
            var file = OptionalPath(m, "file", "candidates");
            if (kind != CandidateKind.Prefecture && file is null)
            {
                throw Error(node, $"candidates.file is required for kind {Scalar(kindNode, "candidates.kind")}.");
            }

            return new CandidateSpec(kind, file, OptionalNumber(m, "min_voltage_kv", "candidates.min_voltage_kv", positive: true) ?? 275);
        }

        private double[] Weights(YamlNode? node)
        {
            if (node is null)
            {
                return SitingConfig.DefaultWeights();
            }

            // A weights section replaces the defaults entirely: a criterion not listed has weight 0.
            var weights = new double[CriterionInfo.Count];
            var m = Mapping(node, "weights");
            foreach (var (k, v) in m.Children)
            {
                var key = Scalar(k, "weights");
                if (!CriterionInfo.TryParse(key, out var criterion))
                {
                    throw Error(k, $"weights: unknown criterion '{key}' (known: {CriterionInfo.KeyList}).");
                }

                weights[(int)criterion] = Number(v, "weights." + key, nonNegative: true);
            }

            return weights;
        }

        private List<HardConstraint> Constraints(YamlNode? node)
        {
            var list = new List<HardConstraint>();
            if (node is null)
            {
                return list;
            }

            if (node is not YamlSequenceNode seq)
            {
                throw Error(node, "constraints: expected a list of {criterion, min, max}.");
            }

            var i = 0;
            foreach (var item in seq.Children)
            {
                var field = $"constraints[{i++}]";
                var m = Mapping(item, field);
                Known(m, field, "criterion", "min", "max");
                var cNode = Child(m, "criterion") ?? throw Error(item, $"{field}.criterion is required.");
                var key = Scalar(cNode, field + ".criterion");
                if (!CriterionInfo.TryParse(key, out var criterion))
                {
                    throw Error(cNode, $"{field}.criterion: unknown criterion '{key}' (known: {CriterionInfo.KeyList}).");
                }

                var min = OptionalNumber(m, "min", field + ".min");
                var max = OptionalNumber(m, "max", field + ".max");
                if (min is null && max is null)
                {
                    throw Error(item, $"{field}: give min, max or both.");
                }

                if (min > max)
                {
                    throw Error(item, $"{field}: min {min} is above max {max}.");
                }

                list.Add(new HardConstraint(criterion, min, max));
            }

            return list;
        }

        private Dictionary<string, LayerSource> Layers(YamlNode? node)
        {
            var files = new Dictionary<string, LayerSource>(StringComparer.OrdinalIgnoreCase);
            if (node is null)
            {
                return files;
            }

            var m = Mapping(node, "layers");
            Known(m, "layers", s_layerKeys);
            foreach (var (k, v) in m.Children)
            {
                var key = Scalar(k, "layers");
                var field = "layers." + key;
                if (v is YamlMappingNode spec)
                {
                    Known(spec, field, "file", "key", "value");
                    var file = OptionalPath(spec, "file", field) ?? throw Error(v, $"{field}.file is required.");
                    var value = OptionalText(spec, "value")?.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    if (value is { Length: 0 })
                    {
                        throw Error(v, $"{field}.value: name one column, or several joined by '+'.");
                    }

                    files[key] = new LayerSource(file, OptionalText(spec, "key"), value);
                }
                else
                {
                    files[key] = new LayerSource(ResolvePath(v, field));
                }
            }

            return files;
        }

        private SensitivitySpec SensitivitySpec(YamlNode? node)
        {
            if (node is null)
            {
                return new SensitivitySpec();
            }

            var m = Mapping(node, "sensitivity");
            Known(m, "sensitivity", "samples", "spread", "seed", "top_n");
            var d = new SensitivitySpec();
            var spread = OptionalNumber(m, "spread", "sensitivity.spread", nonNegative: true) ?? d.Spread;
            if (spread >= 1)
            {
                throw Error(Child(m, "spread")!, $"sensitivity.spread: {spread} must be below 1 (a weight may not vanish or flip).");
            }

            return new SensitivitySpec(
                OptionalInt(m, "samples", "sensitivity.samples", 1) ?? d.Samples,
                spread,
                OptionalInt(m, "seed", "sensitivity.seed", int.MinValue) ?? d.Seed,
                OptionalInt(m, "top_n", "sensitivity.top_n", 1) ?? d.TopN);
        }

        private LatencyModel Latency(YamlNode? node)
        {
            if (node is null)
            {
                return LatencyModel.Default;
            }

            var m = Mapping(node, "latency");
            Known(m, "latency", "route_factor", "us_per_km", "regions");
            var regions = LatencyModel.DefaultRegions;
            if (Child(m, "regions") is { } r)
            {
                regions = [.. Places(r, "latency.regions", withWeight: true).Select(p => new UserRegion(p.Name, p.Location, p.Weight))];
            }

            return new LatencyModel(regions,
                OptionalNumber(m, "route_factor", "latency.route_factor", positive: true) ?? 1.5,
                OptionalNumber(m, "us_per_km", "latency.us_per_km", positive: true) ?? 5);
        }

        private FreeCoolingModel Cooling(YamlNode? node)
        {
            if (node is null)
            {
                return new FreeCoolingModel();
            }

            var m = Mapping(node, "cooling");
            Known(m, "cooling", "threshold_c", "daily_amplitude_c");
            return new FreeCoolingModel(
                OptionalNumber(m, "threshold_c", "cooling.threshold_c") ?? 18,
                OptionalNumber(m, "daily_amplitude_c", "cooling.daily_amplitude_c", nonNegative: true) ?? 4);
        }

        private IReadOnlyList<NamedPoint> Clusters(YamlNode? node) => node is null
            ? LatencyModel.DefaultClusters
            : [.. Places(node, "clusters", withWeight: false).Select(p => new NamedPoint(p.Name, p.Name, p.Location, ""))];

        private GridLayerSpec GridLayer(YamlNode? node)
        {
            var d = new GridLayerSpec();
            if (node is null)
            {
                return d;
            }

            var m = Mapping(node, "grid_layer");
            Known(m, "grid_layer", "fiscal_year", "seed", "from", "days", "max_km");
            DateTimeOffset? from = null;
            if (Child(m, "from") is { } f)
            {
                from = Iso8601.TryParse(Scalar(f, "grid_layer.from"), out var t, out var reason)
                    ? t
                    : throw Error(f, $"grid_layer.from: {reason}.");
            }

            var days = OptionalInt(m, "days", "grid_layer.days", 1) ?? d.Days;
            if (days > 366)
            {
                throw Error(Child(m, "days")!, $"grid_layer.days: {days} is more than 366.");
            }

            var fy = OptionalInt(m, "fiscal_year", "grid_layer.fiscal_year", 2000) ?? d.FiscalYear;
            if (fy > 2100)
            {
                throw Error(Child(m, "fiscal_year")!, $"grid_layer.fiscal_year: {fy} is after 2100.");
            }

            return new GridLayerSpec(fy, OptionalInt(m, "seed", "grid_layer.seed", int.MinValue) ?? d.Seed, from, days,
                OptionalNumber(m, "max_km", "grid_layer.max_km", positive: true) ?? d.MaxKm);
        }

        private List<(string Name, GeoPoint Location, double Weight)> Places(YamlNode node, string field, bool withWeight)
        {
            if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
            {
                throw Error(node, $"{field}: expected a non-empty list of {{name, lat, lon{(withWeight ? ", weight" : "")}}}.");
            }

            var list = new List<(string, GeoPoint, double)>();
            var i = 0;
            foreach (var item in seq.Children)
            {
                var f = $"{field}[{i++}]";
                var m = Mapping(item, f);
                if (withWeight)
                {
                    Known(m, f, "name", "lat", "lon", "weight");
                }
                else
                {
                    Known(m, f, "name", "lat", "lon");
                }

                var name = OptionalText(m, "name") ?? throw Error(item, $"{f}.name is required.");
                var lat = OptionalNumber(m, "lat", f + ".lat") ?? throw Error(item, $"{f}.lat is required.");
                var lon = OptionalNumber(m, "lon", f + ".lon") ?? throw Error(item, $"{f}.lon is required.");
                if (lat is < -90 or > 90 || lon is < -180 or > 180)
                {
                    throw Error(item, $"{f}: ({lat}, {lon}) is not a valid latitude/longitude.");
                }

                var weight = withWeight ? OptionalNumber(m, "weight", f + ".weight", positive: true) ?? 1 : 1;
                list.Add((name, new GeoPoint(lat, lon), weight));
            }

            return list;
        }

        private static YamlNode? Child(YamlMappingNode map, string key) => YamlReader.Get(map, key);

        private YamlMappingNode Mapping(YamlNode node, string field) => node as YamlMappingNode
            ?? throw Error(node, $"{field}: expected a mapping of fields (key: value).");

        private string Scalar(YamlNode node, string field) => node is YamlScalarNode { Value: { } v }
            ? v.Trim()
            : throw Error(node, $"{field}: expected a single value.");

        private void Known(YamlMappingNode map, string field, params string[] keys)
        {
            foreach (var k in map.Children.Keys)
            {
                var key = Scalar(k, field);
                if (!keys.Contains(key, StringComparer.Ordinal))
                {
                    throw Error(k, $"{field}: unknown field '{key}' (known: {string.Join(", ", keys)}).");
                }
            }
        }

        private string? OptionalText(YamlMappingNode map, string key) =>
            Child(map, key) is { } n ? Scalar(n, key) : null;

        private string? OptionalPath(YamlMappingNode map, string key, string parent) =>
            Child(map, key) is { } n ? ResolvePath(n, parent + "." + key) : null;

        private string ResolvePath(YamlNode node, string field)
        {
            var text = Scalar(node, field);
            var full = Path.GetFullPath(Path.Combine(baseDirectory, text));
            return File.Exists(full) ? full : throw Error(node, $"{field}: file '{text}' not found (looked at {full}).");
        }

        private double? OptionalNumber(YamlMappingNode map, string key, string field, bool positive = false, bool nonNegative = false) =>
            Child(map, key) is { } n ? Number(n, field, positive, nonNegative) : null;

        private int? OptionalInt(YamlMappingNode map, string key, string field, int min)
        {
            if (Child(map, key) is not { } n)
            {
                return null;
            }

            var text = Scalar(n, field);
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
                ? v
                : throw Error(n, $"{field}: '{text}' is not an integer >= {min}.");
        }

        private double Number(YamlNode node, string field, bool positive = false, bool nonNegative = false)
        {
            var text = Scalar(node, field);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                throw Error(node, $"{field}: '{text}' is not a number.");
            }

            if (positive && v <= 0)
            {
                throw Error(node, $"{field}: {text} must be > 0.");
            }

            if (nonNegative && v < 0)
            {
                throw Error(node, $"{field}: {text} must be >= 0.");
            }

            return v;
        }

        private InputFormatException Error(YamlNode node, string problem) => YamlReader.Fail(source, node, problem);
    }
}
