using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Grid.Network;
using WattBit.Sites;

namespace WattBit.Grid.Japan;

/// <summary>A bus of the Japan backbone: one named substation, switching station, plant or tower junction.</summary>
/// <param name="Number">Bus number in <c>japan.m</c> (area number × 1000 + a running number).</param>
/// <param name="SubstationId">Stable id: area code and canonical name, e.g. <c>TK:新古河</c>.</param>
/// <param name="Name">Japanese name as OCCTO writes it (without the type mark).</param>
/// <param name="Area">The TSO area.</param>
/// <param name="VoltageKv">The highest voltage class of the lines that end here, kV.</param>
/// <param name="Location">Coordinates (WGS84).</param>
/// <param name="Placement">Where the coordinates come from.</param>
/// <param name="LoadShare">Share of its area's demand allocated here (the shares of an area sum to 1).</param>
/// <param name="OtherShare">Share of its area's generation outside the listed units (solar, wind, small plants) placed
/// here (the shares of an area sum to 1).</param>
public sealed record JapanBus(int Number, string SubstationId, string Name, GridArea Area, double VoltageKv, GeoPoint Location,
    PlacementSource Placement, double LoadShare, double OtherShare);

/// <summary>What a branch of the backbone stands for.</summary>
public enum JapanBranchKind
{
    /// <summary>One circuit of an OCCTO trunk line.</summary>
    Line,

    /// <summary>One circuit of an AC inter-area tie.</summary>
    Tie,

    /// <summary>An equivalent of the lower-voltage paths joining a part of an area the OCCTO list leaves unconnected.</summary>
    Equivalent,
}

/// <summary>Metadata of a branch of the backbone (same order as <see cref="PowerNetwork.Branches"/>).</summary>
/// <param name="Kind">Line circuit, tie circuit or equivalent.</param>
/// <param name="Area">The area whose OCCTO list carries the line; null for ties.</param>
/// <param name="OcctoName">OCCTO's line or tie name (for an equivalent: a made-up description).</param>
/// <param name="Circuit">1-based circuit of the line.</param>
/// <param name="VoltageKv">Voltage class, kV.</param>
/// <param name="PositiveDirection">OCCTO's positive direction "A → B"; the branch runs from A to B.</param>
/// <param name="LengthKm">Modelled route length, km.</param>
/// <param name="OcctoSign">+1, or −1 where OCCTO's values run against its own positive direction (found on a line radial
/// to a plant: its flow can only leave the plant, decision 0105); a replay multiplies the observed values by it.</param>
public sealed record JapanBranch(JapanBranchKind Kind, GridArea? Area, string OcctoName, int Circuit, double VoltageKv, string PositiveDirection, double LengthKm,
    int OcctoSign = 1)
{
    /// <summary>The name to show for the branch: OCCTO name and circuit, e.g. <c>新古河線 2L</c>.</summary>
    public string DisplayName => Kind == JapanBranchKind.Equivalent ? OcctoName : $"{OcctoName} {Circuit.ToString(CultureInfo.InvariantCulture)}L";
}

/// <summary>A controllable link (HVDC line, frequency converter, back-to-back station): a set-point, not an impedance.</summary>
/// <param name="OcctoName">OCCTO's tie name whose flow it carries.</param>
/// <param name="Kind">The tie kind.</param>
/// <param name="FromBus">0-based index of the sending bus (positive direction).</param>
/// <param name="ToBus">0-based index of the receiving bus.</param>
/// <param name="Share">Its share of the tie's flow.</param>
/// <param name="CapacityMw">Capacity, MW.</param>
public sealed record JapanLink(string OcctoName, TieKind Kind, int FromBus, int ToBus, double Share, double CapacityMw);

/// <summary>A generator's plant (same order as <see cref="PowerNetwork.Generators"/>).</summary>
/// <param name="Area">The plant's area.</param>
/// <param name="Plant">OCCTO's plant name; its units' outputs drive this generator in a replay.</param>
public sealed record JapanPlant(GridArea Area, string Plant);

/// <summary>Something of the OCCTO data the model leaves out, with the reason.</summary>
/// <param name="What">line, tie or plant.</param>
/// <param name="Area">Area code, or empty.</param>
/// <param name="Name">The OCCTO name.</param>
/// <param name="Reason">Why it has no place in the model.</param>
public sealed record JapanLeftOut(string What, string Area, string Name, string Reason);

/// <summary>
/// What an area's loads in the base case of <c>japan.m</c> stand for: the calibration days' mean demand and mean
/// generation outside the listed units (solar, wind, small plants, imports), MW. The base case's net load of the area
/// is <see cref="DemandMw"/> − <see cref="OtherMw"/> plus its links' set-points.
/// </summary>
/// <param name="Area">The area.</param>
/// <param name="DemandMw">Mean area demand over the calibration days, MW.</param>
/// <param name="OtherMw">Mean generation outside the listed units over the calibration days, MW.</param>
public sealed record JapanAreaBase(GridArea Area, double DemandMw, double OtherMw);

/// <summary>
/// The Japan backbone model: a <see cref="PowerNetwork"/> of the ten areas' 500/275 kV (and each area's top voltage)
/// trunk lines with bus, branch, plant and link metadata. <see cref="LoadDefault"/> returns the calibrated default
/// embedded in this assembly (built from OCCTO and OpenStreetMap data, decision 0103); <see cref="JapanModelBuilder"/>
/// rebuilds it from the source files. Immutable and thread-safe.
/// </summary>
public sealed class JapanBackbone
{
    /// <summary>The file names the model is written as, in write order.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["japan.m", "japan-buses.csv", "japan-branches.csv", "japan-plants.csv", "japan-links.csv", "japan-left-out.csv", "japan-areas.csv"];

    private const string ResourcePrefix = "WattBit.Grid.Japan.";
    private static readonly Lazy<JapanBackbone> s_default = new(() => FromFiles(name => ReadResource(name), "embedded japan.m"));
    private readonly Dictionary<string, int[]> _branchesByName;

    /// <summary>Creates a backbone from its parts (sizes must match the network's tables).</summary>
    /// <exception cref="ArgumentException">A metadata table's length differs from the network's.</exception>
    public JapanBackbone(PowerNetwork network, IEnumerable<JapanBus> buses, IEnumerable<JapanBranch> branches, IEnumerable<JapanPlant> plants,
        IEnumerable<JapanLink> links, IEnumerable<JapanLeftOut> leftOut, IEnumerable<JapanAreaBase>? areaBases = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        AreaBases = areaBases is null ? [] : [.. areaBases];
        Network = network;
        Buses = [.. buses];
        Branches = [.. branches];
        Plants = [.. plants];
        Links = [.. links];
        LeftOut = [.. leftOut];
        if (Buses.Length != network.Buses.Length || Branches.Length != network.Branches.Length || Plants.Length != network.Generators.Length)
        {
            throw new ArgumentException($"{network.Name}: metadata of {Buses.Length} buses, {Branches.Length} branches, {Plants.Length} plants " +
                $"does not match the network's {network.Buses.Length}, {network.Branches.Length}, {network.Generators.Length}.", nameof(network));
        }

        _branchesByName = Enumerable.Range(0, Branches.Length).Where(l => Branches[l].Kind != JapanBranchKind.Equivalent)
            .GroupBy(l => Key(Branches[l].Area?.Code, Branches[l].OcctoName), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The electrical network (DC power flow, PTDF/LODF and headroom run on it).</summary>
    public PowerNetwork Network { get; }

    /// <summary>Bus metadata in network order.</summary>
    public ImmutableArray<JapanBus> Buses { get; }

    /// <summary>Branch metadata in network order.</summary>
    public ImmutableArray<JapanBranch> Branches { get; }

    /// <summary>Generator plants in network order.</summary>
    public ImmutableArray<JapanPlant> Plants { get; }

    /// <summary>Controllable links (their base set-points are in the buses' Pd of <c>japan.m</c>).</summary>
    public ImmutableArray<JapanLink> Links { get; }

    /// <summary>OCCTO lines, ties and plants the model leaves out, with reasons.</summary>
    public ImmutableArray<JapanLeftOut> LeftOut { get; }

    /// <summary>The embedded, calibrated default model (loaded once; no file access).</summary>
    public static JapanBackbone LoadDefault() => s_default.Value;

    /// <summary>
    /// Per area, the demand and other generation the base case's loads stand for (the calibration days' means; empty for
    /// a model built in code without them). The headroom layer scales the loads by demand over <see cref="BaseDemandMw"/>.
    /// </summary>
    public ImmutableArray<JapanAreaBase> AreaBases { get; }

    /// <summary>The demand of all areas the base case stands for, MW (Σ <see cref="JapanAreaBase.DemandMw"/>); NaN without <see cref="AreaBases"/>.</summary>
    public double BaseDemandMw => AreaBases.IsEmpty ? double.NaN : AreaBases.Sum(a => a.DemandMw);

    /// <summary>Loads a model written by <see cref="WriteTo"/> (or <c>wattbit grid japan build</c>) from a folder.</summary>
    /// <exception cref="InputFormatException">A file is malformed.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public static JapanBackbone Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return FromFiles(name => File.ReadAllText(Path.Combine(directory, name), Encoding.UTF8), Path.Combine(directory, "japan.m"));
    }

    /// <summary>The 0-based branch indexes (circuits) of an OCCTO line (<paramref name="areaCode"/> null for a tie).</summary>
    public bool TryGetBranches(string? areaCode, string occtoName, out IReadOnlyList<int> branches)
    {
        var found = _branchesByName.TryGetValue(Key(areaCode, occtoName), out var b);
        branches = b ?? [];
        return found;
    }

    /// <summary>The file contents of the model (<see cref="FileNames"/> order), byte-for-byte reproducible.</summary>
    public IReadOnlyList<(string Name, string Text)> ToFiles() =>
    [
        ("japan.m", MatpowerWriter.Write(Network, "japan", Header())),
        ("japan-buses.csv", BusesCsv()),
        ("japan-branches.csv", BranchesCsv()),
        ("japan-plants.csv", PlantsCsv()),
        ("japan-links.csv", LinksCsv()),
        ("japan-left-out.csv", LeftOutCsv()),
        ("japan-areas.csv", AreasCsv()),
    ];

    /// <summary>Writes the model files, <c>japan.geojson</c> and the map <c>japan.svg</c> to a folder (created if needed).</summary>
    public void WriteTo(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var utf8 = new UTF8Encoding(false);
        foreach (var (name, text) in ToFiles())
        {
            File.WriteAllText(Path.Combine(directory, name), text, utf8);
        }

        File.WriteAllText(Path.Combine(directory, "japan.geojson"), JapanGeoJson.Write(this), utf8);
        File.WriteAllText(Path.Combine(directory, "japan.svg"), JapanMapSvg.Write(this), utf8);
    }

    private static string Key(string? area, string name) => (area ?? string.Empty) + "|" + name;

    private string[] Header() =>
    [
        "Japan backbone model (WattBit): the ten TSO areas' trunk lines as OCCTO lists them, two circuits per line.",
        "Built by `wattbit grid japan build` from OCCTO grid-observatory data (hama-jp/occto-grid-observatory, MIT;",
        "OCCTO public data) and OpenStreetMap substations and plants (© OpenStreetMap contributors, ODbL 1.0).",
        "This derived database is made available under the ODbL 1.0 (docs/decisions/0103). Impedances and ratings are",
        "typical per-km values by voltage class, not the TSOs' data (docs/japan-model.md).",
        "Controllable links (HVDC, frequency converters, back-to-back) are not branches: their base set-points are in Pd",
        "(japan-links.csv). Bus names, areas, coordinates and OCCTO line names: japan-buses.csv, japan-branches.csv.",
    ];

    private string BusesCsv()
    {
        var sb = new StringBuilder("bus,substation_id,name,area,voltage_kv,lat,lon,placement,load_share,other_share\n");
        foreach (var b in Buses)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{b.Number},{Csv.Escape(b.SubstationId)},{Csv.Escape(b.Name)},{b.Area.Code},{N(b.VoltageKv)},")
              .Append(CultureInfo.InvariantCulture, $"{b.Location.Latitude:0.######},{b.Location.Longitude:0.######},{b.Placement},{b.LoadShare:0.########},{b.OtherShare:0.########}\n");
        }

        return sb.ToString();
    }

    private string BranchesCsv()
    {
        var sb = new StringBuilder("branch,kind,area,occto_name,circuit,voltage_kv,from_bus,to_bus,positive_direction,length_km,occto_sign\n");
        for (var l = 0; l < Branches.Length; l++)
        {
            var m = Branches[l];
            var br = Network.Branches[l];
            sb.Append(CultureInfo.InvariantCulture, $"{l + 1},{m.Kind},{m.Area?.Code},{Csv.Escape(m.OcctoName)},{m.Circuit},{N(m.VoltageKv)},")
              .Append(CultureInfo.InvariantCulture, $"{Network.Buses[br.From].Number},{Network.Buses[br.To].Number},{Csv.Escape(m.PositiveDirection)},{m.LengthKm:0.###},{m.OcctoSign}\n");
        }

        return sb.ToString();
    }

    private string PlantsCsv()
    {
        var sb = new StringBuilder("gen,bus,area,plant\n");
        for (var g = 0; g < Plants.Length; g++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{g + 1},{Network.Buses[Network.Generators[g].BusIndex].Number},{Plants[g].Area.Code},{Csv.Escape(Plants[g].Plant)}\n");
        }

        return sb.ToString();
    }

    private string LinksCsv()
    {
        var sb = new StringBuilder("name,kind,from_bus,to_bus,share,capacity_mw\n");
        foreach (var k in Links)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{Csv.Escape(k.OcctoName)},{k.Kind},{Network.Buses[k.FromBus].Number},{Network.Buses[k.ToBus].Number},{k.Share:0.########},{N(k.CapacityMw)}\n");
        }

        return sb.ToString();
    }

    private string LeftOutCsv()
    {
        var sb = new StringBuilder("what,area,name,reason\n");
        foreach (var x in LeftOut)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{x.What},{x.Area},{Csv.Escape(x.Name)},{Csv.Escape(x.Reason)}\n");
        }

        return sb.ToString();
    }

    private string AreasCsv()
    {
        var sb = new StringBuilder("area,demand_mw,other_mw\n");
        foreach (var a in AreaBases)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{a.Area.Code},{a.DemandMw:0.###},{a.OtherMw:0.###}\n");
        }

        return sb.ToString();
    }

    private static string N(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static string ReadResource(string name)
    {
        using var stream = typeof(JapanBackbone).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The embedded Japan model file {name} is missing from {typeof(JapanBackbone).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static JapanBackbone FromFiles(Func<string, string> read, string source)
    {
        var net = MatpowerCase.Parse(read("japan.m"), source);
        var numberToIndex = new Func<CsvTable, CsvRow, int, int>((t, r, c) =>
        {
            var text = t.Field(r, c);
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && net.TryGetBusIndex(n, out var i)
                ? i
                : throw t.Error(r, c, $"'{text}' is not a bus of japan.m.");
        });

        var busTable = CsvTable.Parse(read("japan-buses.csv"), "japan-buses.csv");
        var buses = new List<JapanBus>();
        foreach (var r in busTable.Rows)
        {
            var i = numberToIndex(busTable, r, busTable.Require("bus"));
            if (i != buses.Count)
            {
                throw busTable.Error(r, busTable.Require("bus"), "buses must be listed in japan.m order.");
            }

            buses.Add(new JapanBus(net.Buses[i].Number, busTable.Field(r, busTable.Require("substation_id")), busTable.Field(r, busTable.Require("name")),
                Area(busTable, r, busTable.Require("area")), Number(busTable, r, "voltage_kv"),
                new GeoPoint(Number(busTable, r, "lat"), Number(busTable, r, "lon")),
                Enum.Parse<PlacementSource>(busTable.Field(r, busTable.Require("placement"))), Number(busTable, r, "load_share"), Number(busTable, r, "other_share")));
        }

        var brTable = CsvTable.Parse(read("japan-branches.csv"), "japan-branches.csv");
        var branches = new List<JapanBranch>();
        foreach (var r in brTable.Rows)
        {
            var areaText = brTable.Field(r, brTable.Require("area"));
            branches.Add(new JapanBranch(Enum.Parse<JapanBranchKind>(brTable.Field(r, brTable.Require("kind"))),
                areaText.Length == 0 ? null : Area(brTable, r, brTable.Require("area")), brTable.Field(r, brTable.Require("occto_name")),
                (int)Number(brTable, r, "circuit"), Number(brTable, r, "voltage_kv"), brTable.Field(r, brTable.Require("positive_direction")),
                Number(brTable, r, "length_km"), brTable.Optional("occto_sign") >= 0 ? (int)Number(brTable, r, "occto_sign") : 1));
        }

        var plantTable = CsvTable.Parse(read("japan-plants.csv"), "japan-plants.csv");
        var plants = plantTable.Rows.Select(r => new JapanPlant(Area(plantTable, r, plantTable.Require("area")), plantTable.Field(r, plantTable.Require("plant")))).ToList();
        var linkTable = CsvTable.Parse(read("japan-links.csv"), "japan-links.csv");
        var links = linkTable.Rows.Select(r => new JapanLink(linkTable.Field(r, linkTable.Require("name")), Enum.Parse<TieKind>(linkTable.Field(r, linkTable.Require("kind"))),
            numberToIndex(linkTable, r, linkTable.Require("from_bus")), numberToIndex(linkTable, r, linkTable.Require("to_bus")),
            Number(linkTable, r, "share"), Number(linkTable, r, "capacity_mw"))).ToList();
        var leftTable = CsvTable.Parse(read("japan-left-out.csv"), "japan-left-out.csv");
        var left = leftTable.Rows.Select(r => new JapanLeftOut(leftTable.Field(r, leftTable.Require("what")), leftTable.Field(r, leftTable.Require("area")),
            leftTable.Field(r, leftTable.Require("name")), leftTable.Field(r, leftTable.Require("reason")))).ToList();
        var areaTable = CsvTable.Parse(read("japan-areas.csv"), "japan-areas.csv");
        var areas = areaTable.Rows.Select(r => new JapanAreaBase(Area(areaTable, r, areaTable.Require("area")), Number(areaTable, r, "demand_mw"),
            Number(areaTable, r, "other_mw"))).ToList();
        return new JapanBackbone(net, buses, branches, plants, links, left, areas);
    }

    private static GridArea Area(CsvTable t, CsvRow r, int c) => JapanAreas.TryFind(t.Field(r, c), out var a)
        ? a
        : throw t.Error(r, c, $"'{t.Field(r, c)}' is not an area code.");

    private static double Number(CsvTable t, CsvRow r, string column)
    {
        var c = t.Require(column);
        var text = t.Field(r, c);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw t.Error(r, c, $"{column} '{text}' is not a number.");
    }
}
