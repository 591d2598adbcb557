using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Time;
using WattBit.Sites;
using YamlDotNet.RepresentationModel;

namespace WattBit.Simulation.Roadmap;

/// <summary>A data-centre cluster of a roadmap: where it connects and its grid load by year (MW at the grid, flat over the day).</summary>
/// <param name="Id">Unique id.</param>
/// <param name="Area">Its grid area.</param>
/// <param name="Location">Where it is (its substation is the nearest of the layer's, or <paramref name="Substation"/>).</param>
/// <param name="LoadByYear">Grid load at given years, MW; years between are interpolated linearly, before the first it is zero, after the last it stays.</param>
/// <param name="Substation">The substation it connects at, or null for the nearest.</param>
/// <param name="Note">Where its figures come from.</param>
/// <param name="Line">Line of the file that defined it.</param>
public sealed record RoadmapCluster(string Id, GridArea Area, GeoPoint Location, IReadOnlyList<(int Year, double Mw)> LoadByYear, string? Substation, string Note, int Line)
{
    /// <summary>The cluster's grid load in <paramref name="year"/>, MW.</summary>
    public double LoadMw(int year)
    {
        var points = LoadByYear;
        if (year < points[0].Year)
        {
            return 0;
        }

        for (var i = 1; i < points.Count; i++)
        {
            if (year <= points[i].Year)
            {
                var (y0, m0) = points[i - 1];
                var (y1, m1) = points[i];
                return m0 + ((m1 - m0) * (year - y0) / (y1 - y0));
            }
        }

        return points[^1].Mw;
    }
}

/// <summary>What of the roadmap itself is in each year's grid model when a cluster's room is computed (decision 0210).</summary>
public enum RoadmapGridLoads
{
    /// <summary>Nothing: each substation's room is the base grid's alone (decisions 0178, 0184); clusters at other substations never meet.</summary>
    None,

    /// <summary>
    /// The clusters' flat loads (less the stated reinforcements in service at their substations) at their substations, so a
    /// cluster's room is what the lines leave with the clusters of every other substation in: two clusters behind one line share it.
    /// </summary>
    Clusters,

    /// <summary>
    /// As <see cref="Clusters"/>, and each cluster's reinforcement needed so far (the most MW over its room without shifting in any
    /// earlier year) taken as built: its load in the grid is less that too, so the others are judged on the reinforced lines.
    /// </summary>
    Needed,
}

/// <summary>What a roadmap reinforcement builds (decision 0226).</summary>
public enum RoadmapReinforcementKind
{
    /// <summary>MW of room at a cluster's substation: a local supply or a firm connection agreement, not a line of the grid model.</summary>
    Supply,

    /// <summary>A named line of the grid model uprated (its normal and emergency ratings raised), from a stated year.</summary>
    Uprate,

    /// <summary>A new line between two substations of the grid model, from a stated year.</summary>
    NewLine,
}

/// <summary>
/// A grid reinforcement of a roadmap, from a stated year. <see cref="RoadmapReinforcementKind.Supply"/>: MW of secure headroom added at a
/// cluster's substation (a local supply or a firm connection). <see cref="RoadmapReinforcementKind.Uprate"/> and
/// <see cref="RoadmapReinforcementKind.NewLine"/>: a change of that year's grid model, which the host applies before it computes the
/// year's headroom, so that N-0 and every N-1 flow see it (decision 0226).
/// </summary>
/// <param name="Cluster">The cluster whose substation it reinforces (<see cref="RoadmapReinforcementKind.Supply"/>; empty for a line).</param>
/// <param name="FromYear">First year it is in service.</param>
/// <param name="Mw">Supply: secure headroom added, MW. Uprate: MW added to the line's ratings (or, with <see cref="ToRating"/>, its new
/// rating). New line: its rating, MW.</param>
/// <param name="Note">What it is.</param>
public sealed record RoadmapReinforcement(string Cluster, int FromYear, double Mw, string Note)
{
    /// <summary>What it builds (default a supply at the cluster's substation).</summary>
    public RoadmapReinforcementKind Kind { get; init; } = RoadmapReinforcementKind.Supply;

    /// <summary>Uprate: the line's name as the layer names it (for example <c>山家線 2L</c>: one circuit; <c>山家線</c>: each of its circuits).
    /// New line: its name in the report (default "new line FROM–TO").</summary>
    public string? LineName { get; init; }

    /// <summary>Uprate: <see cref="Mw"/> is the line's rating from then on, not MW added.</summary>
    public bool ToRating { get; init; }

    /// <summary>New line: the substation id it leaves.</summary>
    public string? FromSubstation { get; init; }

    /// <summary>New line: the substation id it reaches.</summary>
    public string? ToSubstation { get; init; }

    /// <summary>New line: its series reactance, p.u. on the model's base; NaN when given by <see cref="LengthKm"/> and <see cref="VoltageKv"/>.</summary>
    public double X { get; init; } = double.NaN;

    /// <summary>New line: its length, km (with <see cref="VoltageKv"/>, the model's reactance per km of that class); NaN when x is given.</summary>
    public double LengthKm { get; init; } = double.NaN;

    /// <summary>New line: its voltage class, kV; NaN when x is given.</summary>
    public double VoltageKv { get; init; } = double.NaN;

    /// <summary>Line of the file that defined it (0 when built in code).</summary>
    public int Line { get; init; }

    /// <summary>Whether it is a change of the grid model (an uprate or a new line), not MW at a substation.</summary>
    public bool IsLine => Kind != RoadmapReinforcementKind.Supply;

    /// <summary>What it is, in words, for the report.</summary>
    public string Describe() => Kind switch
    {
        RoadmapReinforcementKind.Uprate => ToRating
            ? FormattableString.Invariant($"{LineName} uprated to {Mw:N0} MW from {FromYear} (a line of the grid model)")
            : FormattableString.Invariant($"{LineName} uprated by {Mw:N0} MW from {FromYear} (a line of the grid model)"),
        RoadmapReinforcementKind.NewLine => FormattableString.Invariant(
            $"{LineName ?? $"new line {FromSubstation}–{ToSubstation}"} ({FromSubstation} – {ToSubstation}, {Mw:N0} MW, {(double.IsNaN(X) ? FormattableString.Invariant($"{LengthKm:0.#} km at {VoltageKv:0} kV") : FormattableString.Invariant($"x = {X:0.#####} p.u."))}) from {FromYear} (a new line of the grid model)"),
        _ => FormattableString.Invariant($"+{Mw:N0} MW at {Cluster}'s substation from {FromYear} (a local supply or firm connection, not a line of the grid model)"),
    };
}

/// <summary>A change of an inter-area tie's capacity from a stated year (decision 0184): a new converter, a new HVDC line.</summary>
/// <param name="Tie">OCCTO's tie name (for example 周波数変換設備); the host checks it against its ties.</param>
/// <param name="FromYear">First year the new capacity is in service.</param>
/// <param name="CapacityMw">The tie's capacity from then on, MW (both directions).</param>
/// <param name="Note">What it is and where the figure comes from.</param>
/// <param name="Line">Line of the file that defined it.</param>
public sealed record RoadmapTieChange(string Tie, int FromYear, double CapacityMw, string Note, int Line);

/// <summary>
/// How the base grid's own demand (everything but the roadmap's clusters) grows (decision 0184): per area, percent a year,
/// compounded from the base fiscal year. Immutable.
/// </summary>
/// <param name="PercentByArea">Per area code, percent a year (negative: it falls); areas not listed take <paramref name="DefaultPercent"/>.</param>
/// <param name="DefaultPercent">Percent a year for the areas not listed.</param>
/// <param name="Note">Where the rates come from.</param>
public sealed record RoadmapDemandGrowth(IReadOnlyDictionary<string, double> PercentByArea, double DefaultPercent, string Note)
{
    /// <summary>No growth anywhere.</summary>
    public static RoadmapDemandGrowth None { get; } = new(new Dictionary<string, double>(StringComparer.Ordinal), 0, "");

    /// <summary>The area's demand in <paramref name="year"/> as a multiple of the base year's: (1 + p/100)^(year − base).</summary>
    /// <param name="areaCode">The area code.</param>
    /// <param name="baseYear">The base fiscal year (factor 1).</param>
    /// <param name="year">The year.</param>
    public double Factor(string areaCode, int baseYear, int year) =>
        Math.Pow(1 + ((PercentByArea.TryGetValue(areaCode, out var p) ? p : DefaultPercent) / 100), year - baseYear);

    /// <summary>Whether some area's demand changes.</summary>
    public bool Grows => DefaultPercent != 0 || PercentByArea.Values.Any(p => p != 0);
}

/// <summary>
/// A roadmap study (decision 0178): clusters growing year by year on the base year's grid (the headroom layer over
/// representative weeks), reinforcements coming in at stated years, and the share of each cluster's daily energy that
/// workload shifting can move within the day. Immutable; read with <see cref="RoadmapFile"/>.
/// </summary>
/// <param name="Name">Title of the report.</param>
/// <param name="FiscalYear">The base year whose grid (reference-year demand) every year is judged on.</param>
/// <param name="Seed">Seed of the reference year.</param>
/// <param name="FirstYear">First year of the roadmap.</param>
/// <param name="LastYear">Last year of the roadmap.</param>
/// <param name="Weeks">First day (JST) of each representative week, inside the base fiscal year (<c>weeks: all</c>: the 52 whole weeks from its first day).</param>
/// <param name="FlexibleShare">Share of a cluster's daily energy that shifting may move within the day, 0-0.9.</param>
/// <param name="PeakFactor">A cluster's highest draw as a multiple of its average load (the spare capacity shifted work runs on), ≥ 1.</param>
/// <param name="MaxKm">The farthest a cluster may be from the substation taken for it, km.</param>
/// <param name="Clusters">The clusters.</param>
/// <param name="Reinforcements">The reinforcements.</param>
/// <param name="N0">Whether the clusters accept the N-1 curtailment device (空き容量③) and are judged on the N-0 headroom, else on the secure (N-1) headroom.</param>
/// <param name="DemandGrowth">How the base grid's own demand grows (decision 0184); null: it does not.</param>
/// <param name="TieChanges">Inter-area ties whose capacity changes at stated years (decision 0184); null: none.</param>
/// <param name="Moves">Whether shifted work may also move to clusters in other areas, over the ties, hour by hour (decision 0184).</param>
/// <param name="TieShare">Share of each tie's capacity that moved work may use (the rest carries the tie's own flows), 0-1.</param>
/// <param name="GridLoads">What of the roadmap is in each year's grid model (decision 0210; default none).</param>
/// <param name="ObservedConverterFlows">Whether the converters and HVDC links leave moved work their capacity less their own flow as
/// OCCTO observed it (mean by hour of day, decision 0211) instead of <paramref name="TieShare"/> of their capacity.</param>
public sealed record RoadmapScenario(string Name, int FiscalYear, int Seed, int FirstYear, int LastYear, IReadOnlyList<DateTimeOffset> Weeks, double FlexibleShare,
    double PeakFactor, double MaxKm, IReadOnlyList<RoadmapCluster> Clusters, IReadOnlyList<RoadmapReinforcement> Reinforcements, bool N0 = false,
    RoadmapDemandGrowth? DemandGrowth = null, IReadOnlyList<RoadmapTieChange>? TieChanges = null, bool Moves = false, double TieShare = 1,
    RoadmapGridLoads GridLoads = RoadmapGridLoads.None, bool ObservedConverterFlows = false)
{
    /// <summary>The base grid's demand growth (none when the file states none).</summary>
    public RoadmapDemandGrowth Growth => DemandGrowth ?? RoadmapDemandGrowth.None;

    /// <summary>The tie changes (empty when the file states none).</summary>
    public IReadOnlyList<RoadmapTieChange> Ties => TieChanges ?? [];

    /// <summary>A tie's capacity in <paramref name="year"/>: the latest change in service by then, else <paramref name="baseMw"/>.</summary>
    /// <param name="tie">OCCTO's tie name.</param>
    /// <param name="baseMw">Its capacity in the base year, MW.</param>
    /// <param name="year">The year.</param>
    public double TieCapacityMw(string tie, double baseMw, int year) =>
        Ties.Where(t => t.Tie == tie && t.FromYear <= year).OrderBy(t => t.FromYear).Select(t => t.CapacityMw).DefaultIfEmpty(baseMw).Last();
}

/// <summary>Reads roadmap files (samples/simulation/roadmap-2035.yaml). Errors name the file, line and column. Stateless.</summary>
public static class RoadmapFile
{
    // One reinforcement: `cluster: + mw:` (MW at its substation), `uprate: LINE` with `mw:` (added) or `to_mw:` (new rating), or
    // `new_line: {from, to, x | km + kv, mw, name}` (decision 0226); each with `from:` (year) and `note:`.
    private static RoadmapReinforcement Reinforcement(YamlReader r, YamlNode x, List<RoadmapCluster> clusters)
    {
        var m = r.Mapping(x, "a reinforcement", "cluster", "uprate", "new_line", "from", "mw", "to_mw", "note");
        var year = r.Integer(r.Need(m, "from", "a reinforcement"), "from", 2000, 2100);
        var note = YamlReader.Get(m, "note") is { } nt ? r.Text(nt, "note") : "";
        var line = (int)x.Start.Line;
        var kinds = new[] { "cluster", "uprate", "new_line" }.Where(k => YamlReader.Get(m, k) is not null).ToArray();
        if (kinds.Length != 1)
        {
            throw r.Fail(x, "a reinforcement names exactly one of cluster (MW at its substation), uprate (a line of the grid) or new_line.");
        }

        switch (kinds[0])
        {
            case "uprate":
                var up = r.Text(YamlReader.Get(m, "uprate")!, "uprate");
                var added = YamlReader.Get(m, "mw");
                var to = YamlReader.Get(m, "to_mw");
                if ((added is null) == (to is null))
                {
                    throw r.Fail(x, $"uprate '{up}': give mw (MW added to its rating) or to_mw (its rating from then on), not both or neither.");
                }

                return new RoadmapReinforcement("", year, added is not null ? r.Number(added, "mw", 0) : r.Number(to!, "to_mw", 1), note)
                {
                    Kind = RoadmapReinforcementKind.Uprate, LineName = up, ToRating = to is not null, Line = line,
                };
            case "new_line":
                if (YamlReader.Get(m, "to_mw") is not null)
                {
                    throw r.Fail(x, "new_line: its rating is new_line.mw; to_mw is for an uprate.");
                }

                var nl = r.Mapping(YamlReader.Get(m, "new_line")!, "new_line", "name", "from", "to", "x", "km", "kv", "mw");
                var hasX = YamlReader.Get(nl, "x") is not null;
                if (hasX == (YamlReader.Get(nl, "km") is not null || YamlReader.Get(nl, "kv") is not null))
                {
                    throw r.Fail(nl, "new_line: give its reactance x (p.u.) or its length km and voltage kv, not both or neither.");
                }

                var from = r.Text(r.Need(nl, "from", "new_line"), "new_line.from");
                var toSub = r.Text(r.Need(nl, "to", "new_line"), "new_line.to");
                if (from == toSub)
                {
                    throw r.Fail(nl, $"new_line: from and to are both '{from}'.");
                }

                return new RoadmapReinforcement("", year, r.Number(r.Need(nl, "mw", "new_line"), "new_line.mw", 1), note)
                {
                    Kind = RoadmapReinforcementKind.NewLine,
                    LineName = YamlReader.Get(nl, "name") is { } nn ? r.Text(nn, "new_line.name") : null,
                    FromSubstation = from,
                    ToSubstation = toSub,
                    X = hasX ? r.Number(YamlReader.Get(nl, "x")!, "new_line.x", 1e-6, 10) : double.NaN,
                    LengthKm = hasX ? double.NaN : r.Number(r.Need(nl, "km", "new_line"), "new_line.km", 0.1, 2000),
                    VoltageKv = hasX ? double.NaN : r.Number(r.Need(nl, "kv", "new_line"), "new_line.kv", 50, 1000),
                    Line = line,
                };
            default:
                var cn = YamlReader.Get(m, "cluster")!;
                var cluster = r.Text(cn, "cluster");
                if (!clusters.Exists(c => c.Id == cluster))
                {
                    throw r.Fail(cn, $"reinforcement: no cluster '{cluster}'.");
                }

                if (YamlReader.Get(m, "to_mw") is not null)
                {
                    throw r.Fail(x, $"reinforcement at '{cluster}': to_mw is for an uprate; MW at a substation is mw.");
                }

                return new RoadmapReinforcement(cluster, year, r.Number(r.Need(m, "mw", "a reinforcement"), "mw", 0), note) { Line = line };
        }
    }

    /// <summary>Reads a roadmap file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InputFormatException">The file is not a valid roadmap.</exception>
    public static RoadmapScenario Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Whether YAML text is a roadmap (it has a top-level <c>roadmap</c> key).</summary>
    /// <param name="yaml">The text.</param>
    public static bool IsRoadmap(string yaml) => yaml.Split('\n').Any(l => l.StartsWith("roadmap:", StringComparison.Ordinal));

    /// <summary>Parses roadmap text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="source">Name used in errors.</param>
    /// <exception cref="InputFormatException">The text is not a valid roadmap.</exception>
    public static RoadmapScenario Parse(string yaml, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var r = new YamlReader(source);
        var root = r.Mapping(YamlReader.Load(yaml, source, "the roadmap file"), "the roadmap", "name", "roadmap", "data", "seed", "clusters", "reinforcements",
            "demand_growth", "tie_changes");
        var name = YamlReader.Get(root, "name") is { } n ? r.Text(n, "name") : Path.GetFileNameWithoutExtension(source);
        var fy = 2025;
        if (YamlReader.Get(root, "data") is { } dataNode)
        {
            fy = r.Integer(r.Mapping(dataNode, "data", "synthetic"), "synthetic", 2025, 2000, 2100);
        }

        var seed = r.Integer(root, "seed", 42);
        var rm = r.Mapping(r.Need(root, "roadmap", "the roadmap"), "roadmap", "from", "to", "weeks", "flexible_share", "peak_factor", "max_km", "headroom", "moves", "tie_share",
            "grid_loads", "converter_flows");
        var first = r.Integer(r.Need(rm, "from", "roadmap"), "roadmap.from", 2000, 2100);
        var last = r.Integer(r.Need(rm, "to", "roadmap"), "roadmap.to", first, 2100);
        var yearStart = new DateTimeOffset(fy, 4, 1, 0, 0, 0, Jst.Offset);
        var weeks = new List<DateTimeOffset>();
        var weeksNode = r.Need(rm, "weeks", "roadmap");
        if (weeksNode is YamlScalarNode { Value: "all" })
        {
            // Every whole week of the base fiscal year from its first day: 52 weeks, 364 of its days.
            weeks.AddRange(Enumerable.Range(0, 52).Select(i => yearStart.AddDays(7 * i)));
        }

        foreach (var w in weeks.Count > 0 ? [] : r.Sequence(weeksNode, "roadmap.weeks"))
        {
            var text = r.Text(w, "roadmap.weeks");
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                throw r.Fail(w, $"roadmap.weeks: '{text}' is not a date (yyyy-MM-dd).");
            }

            var at = new DateTimeOffset(d.Year, d.Month, d.Day, 0, 0, 0, Jst.Offset);
            if (at < yearStart || at.AddDays(7) > yearStart.AddYears(1))
            {
                throw r.Fail(w, $"roadmap.weeks: the week from {text} must lie inside the base fiscal year {fy} ({yearStart:yyyy-MM-dd} to {yearStart.AddYears(1):yyyy-MM-dd}).");
            }

            weeks.Add(at);
        }

        if (weeks.Count == 0)
        {
            throw r.Fail(rm, "roadmap.weeks needs at least one week.");
        }

        var clusters = new List<RoadmapCluster>();
        foreach (var c in r.Sequence(r.Need(root, "clusters", "the roadmap"), "clusters"))
        {
            var m = r.Mapping(c, "a cluster", "id", "area", "lat", "lon", "mw", "substation", "note");
            var id = r.Text(r.Need(m, "id", "a cluster"), "id");
            if (clusters.Exists(x => x.Id == id))
            {
                throw r.Fail(c, $"cluster '{id}' is defined twice.");
            }

            var areaNode = r.Need(m, "area", "a cluster");
            var area = JapanAreas.TryFind(r.Text(areaNode, "area"), out var a) ? a
                : throw r.Fail(areaNode, $"unknown area '{r.Text(areaNode, "area")}' (known: {string.Join(", ", JapanAreas.All.Select(x => x.Code))}).");
            var location = new GeoPoint(r.Number(r.Need(m, "lat", "a cluster"), "lat", 20, 50), r.Number(r.Need(m, "lon", "a cluster"), "lon", 120, 155));
            var mwNode = r.Mapping(r.Need(m, "mw", "a cluster"), "mw");
            var points = new List<(int, double)>();
            foreach (var (k, v) in mwNode.Children)
            {
                var key = r.Text(k, "mw");
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2100)
                {
                    throw r.Fail(k, $"cluster '{id}': mw keys are years (got '{key}').");
                }

                points.Add((year, r.Number(v, $"mw.{year}", 0)));
            }

            points.Sort((x, y) => x.Item1.CompareTo(y.Item1));
            if (points.Count == 0)
            {
                throw r.Fail(mwNode, $"cluster '{id}': mw needs at least one year.");
            }

            var sub = YamlReader.Get(m, "substation") is { } s ? r.Text(s, "substation") : null;
            var note = YamlReader.Get(m, "note") is { } nt ? r.Text(nt, "note") : "";
            clusters.Add(new RoadmapCluster(id, area, location, points, sub, note, (int)c.Start.Line));
        }

        var reinforcements = new List<RoadmapReinforcement>();
        if (YamlReader.Get(root, "reinforcements") is { } rn)
        {
            foreach (var x in r.Sequence(rn, "reinforcements"))
            {
                reinforcements.Add(Reinforcement(r, x, clusters));
            }
        }

        var growth = RoadmapDemandGrowth.None;
        if (YamlReader.Get(root, "demand_growth") is { } gn)
        {
            var m = r.Mapping(gn, "demand_growth", [.. JapanAreas.All.Select(a => a.Code), "default", "note"]);
            var byArea = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var a in JapanAreas.All)
            {
                if (YamlReader.Get(m, a.Code) is { } v)
                {
                    byArea[a.Code] = r.Number(v, $"demand_growth.{a.Code}", -10, 10);
                }
            }

            growth = new RoadmapDemandGrowth(byArea, r.Number(m, "default", 0, -10, 10), YamlReader.Get(m, "note") is { } nt ? r.Text(nt, "note") : "");
        }

        var tieChanges = new List<RoadmapTieChange>();
        if (YamlReader.Get(root, "tie_changes") is { } tn)
        {
            foreach (var x in r.Sequence(tn, "tie_changes"))
            {
                var m = r.Mapping(x, "a tie change", "tie", "from", "mw", "note");
                var from = r.Integer(r.Need(m, "from", "a tie change"), "from", 2000, 2100);
                var tie = r.Text(r.Need(m, "tie", "a tie change"), "tie");
                if (tieChanges.Exists(t => t.Tie == tie && t.FromYear == from))
                {
                    throw r.Fail(x, $"tie_changes: '{tie}' changes twice in {from}.");
                }

                tieChanges.Add(new RoadmapTieChange(tie, from, r.Number(r.Need(m, "mw", "a tie change"), "mw", 1, 100_000),
                    YamlReader.Get(m, "note") is { } nt ? r.Text(nt, "note") : "", (int)x.Start.Line));
            }
        }

        return new RoadmapScenario(name, fy, seed, first, last, weeks, r.Number(rm, "flexible_share", 0.3, 0, 0.9), r.Number(rm, "peak_factor", 1.3, 1, 3),
            r.Number(rm, "max_km", 30, 0.1, 1000), clusters, reinforcements,
            YamlReader.Get(rm, "headroom") is { } hn && r.Choice(hn, "roadmap.headroom", ("n1", false), ("n0", true)),
            growth, tieChanges, YamlReader.Get(rm, "moves") is { } mv && r.Boolean(mv, "roadmap.moves"), r.Number(rm, "tie_share", 1, 0.01, 1),
            YamlReader.Get(rm, "grid_loads") is { } gl
                ? r.Choice(gl, "roadmap.grid_loads", ("none", RoadmapGridLoads.None), ("clusters", RoadmapGridLoads.Clusters), ("needed", RoadmapGridLoads.Needed))
                : RoadmapGridLoads.None,
            YamlReader.Get(rm, "converter_flows") is { } cf && r.Choice(cf, "roadmap.converter_flows", ("share", false), ("observed", true)));
    }
}
