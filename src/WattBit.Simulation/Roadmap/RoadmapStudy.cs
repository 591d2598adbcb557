using WattBit.Areas;
using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Simulation.Roadmap;

/// <summary>One cluster in one year of a roadmap.</summary>
/// <param name="Cluster">The cluster's id.</param>
/// <param name="Year">The year.</param>
/// <param name="LoadMw">Its grid load, MW (flat).</param>
/// <param name="RoomMinMw">The least room at its substation over the representative weeks (its share, with the year's reinforcements and the year's grid), MW: what a flat load may take.</param>
/// <param name="ShortMwh">Energy over the room in the representative weeks without shifting, MWh.</param>
/// <param name="ShortShiftedMwh">The same with the flexible share moved within each day to hours with room (and, with moves, to clusters of other areas over the ties), MWh.</param>
/// <param name="PeakShortMw">The most MW over the room in one hour without shifting: the reinforcement it would need.</param>
/// <param name="PeakShortShiftedMw">The reinforcement it would need with shifting, MW.</param>
/// <param name="Line">The line limiting the room in the hour of the largest shortfall without shifting (null when none or the layer does not say).</param>
/// <param name="ShortInDayMwh">Energy short with shifting within the day at home only (equal to <paramref name="ShortShiftedMwh"/> without moves), MWh.</param>
/// <param name="MovedMwh">Energy of its flexible work run at clusters of other areas in the representative weeks, MWh (0 without moves).</param>
/// <param name="InGridMw">Its load as put into that year's grid model for the other substations' clusters (decision 0210): its load less the
/// reinforcements taken as built; 0 when the roadmap puts no loads in the grid.</param>
/// <param name="LineShortMw">The uprate of <paramref name="Line"/> that would let the substation's load fit every hour that line limits, MW of the
/// line's rating (decision 0226): the most, over those hours, of the substation's MW over its room × the line's flow per MW added there (the
/// engine's sensitivity under the limiting outage). 0 when it fits; NaN when the layer does not give the sensitivity.</param>
/// <param name="LineShortAtLeast">Whether the room was 0 in one of those hours: the line is then at or over its limit without the substation's
/// load (the layer's headroom stops at 0, and any line over its limit may be the one named), so <paramref name="LineShortMw"/> is a lower bound.</param>
/// <param name="UprateLine">What to name in an <c>uprate:</c> reinforcement to lift that limit: <paramref name="Line"/>, or the line without its
/// circuit (each circuit) when the limiting outage is another circuit of the same line, whose twin would otherwise take the limit over.</param>
/// <param name="OtherLines">The lines other than <paramref name="UprateLine"/> that set the room in hours where the cluster is over it, most hours
/// first (decision 0234): uprating that line alone does not make those hours fit, because an uprate changes no other line's limit. Null or empty: none.</param>
/// <param name="RoomSignedMinMw">The least room without its floor at 0 (its share of the substation's headroom below 0, decision 0234), MW: below 0 by
/// the MW of load its share of the substation would have to shed, before any of its own, for every line to be within its limit. NaN when the layer
/// stops at 0.</param>
/// <param name="LineOverMw">In the hour of <paramref name="Line"/>, how far that line is over its limit before any load at the substation (the
/// substation's MW below 0 × the line's factor), MW; 0 when it is within; NaN when the layer stops at 0 or no hour is over.</param>
public sealed record RoadmapYear(string Cluster, int Year, double LoadMw, double RoomMinMw, double ShortMwh, double ShortShiftedMwh, double PeakShortMw, double PeakShortShiftedMw,
    string? Line, double ShortInDayMwh = 0, double MovedMwh = 0, double InGridMw = 0, double LineShortMw = 0, bool LineShortAtLeast = false, string? UprateLine = null,
    IReadOnlyList<RoadmapLineHours>? OtherLines = null, double RoomSignedMinMw = double.NaN, double LineOverMw = double.NaN)
{
    /// <summary>The other lines that limit hours over the room (<see cref="OtherLines"/>; empty when none).</summary>
    public IReadOnlyList<RoadmapLineHours> OtherLinesOrEmpty => OtherLines ?? [];
}

/// <summary>A line that limits a cluster's room in some hours of a year where the cluster is over it (decision 0234).</summary>
/// <param name="Line">The line (circuit), as the layer names it.</param>
/// <param name="Hours">Hours of the weeks studied in which it sets the room and the cluster is over it.</param>
public sealed record RoadmapLineHours(string Line, int Hours);

/// <summary>One direction of an inter-area tie in one year of a roadmap with moves (decision 0184).</summary>
/// <param name="Tie">OCCTO's tie name.</param>
/// <param name="From">Area code the moved work leaves.</param>
/// <param name="To">Area code it goes to.</param>
/// <param name="Year">The year.</param>
/// <param name="CapacityMw">The tie's capacity that year, MW.</param>
/// <param name="UsableMw">What moved work may use of it, MW, the mean over the hours studied: the capacity less the tie's own flow that way where the grid model gives it, else capacity × tie share.</param>
/// <param name="PeakMovedMw">The most moved work it carried in one hour, MW.</param>
/// <param name="HoursBinding">Hours in which it was full and on the minimum cut of a day whose flexible work did not all fit: the tie limited the moves.</param>
/// <param name="OwnFlows">Whether the usable MW came from the tie's own flows, modelled or observed (else from the tie share).</param>
/// <param name="Observed">Whether those flows are OCCTO's observed ones (the converters and HVDC links, decision 0211), not the grid model's.</param>
public sealed record RoadmapTieYear(string Tie, string From, string To, int Year, double CapacityMw, double UsableMw, double PeakMovedMw, int HoursBinding, bool OwnFlows = false,
    bool Observed = false)
{
    /// <summary>Where the usable MW came from, in words: "model flows", "observed flows" or "tie share".</summary>
    public string UsableFrom => Observed ? "observed flows" : OwnFlows ? "model flows" : "tie share";
}

/// <summary>When a cluster's grid runs out and how much shifting defers it.</summary>
/// <param name="Cluster">The cluster's id.</param>
/// <param name="Area">Its area code.</param>
/// <param name="Substation">Its substation.</param>
/// <param name="FirstShortYear">The first year its load does not fit without shifting, or null (not by the last year).</param>
/// <param name="FirstShortShiftedYear">The same with shifting (with moves where the roadmap allows them), or null.</param>
/// <param name="Line">The line limiting it in that first year without shifting.</param>
/// <param name="ReinforcementMw">The reinforcement needed in the last year without shifting, MW.</param>
/// <param name="ReinforcementShiftedMw">The same with shifting, MW.</param>
/// <param name="FirstShortInDayYear">The first short year with shifting within the day at home only, or null.</param>
/// <param name="LineUprateMw">In the first short year without shifting, by how much <paramref name="Line"/> would need uprating for the load to
/// fit the hours it limits, MW (<see cref="RoadmapYear.LineShortMw"/>; NaN when not known or never short): what defers the run-out by one
/// year when no other line limits that year (decision 0226).</param>
/// <param name="UprateLine">What to uprate (<see cref="RoadmapYear.UprateLine"/>), in the first short year.</param>
/// <param name="LineUprateAtLeast">Whether <paramref name="LineUprateMw"/> is only a lower bound (<see cref="RoadmapYear.LineShortAtLeast"/>).</param>
/// <param name="OtherLines">In the first short year, the other lines that limit hours over the room (<see cref="RoadmapYear.OtherLines"/>): when any,
/// the uprate alone does not defer the run-out.</param>
public sealed record RoadmapRunOut(string Cluster, string Area, string Substation, int? FirstShortYear, int? FirstShortShiftedYear, string? Line, double ReinforcementMw,
    double ReinforcementShiftedMw, int? FirstShortInDayYear = null, double LineUprateMw = double.NaN, bool LineUprateAtLeast = false, string? UprateLine = null,
    IReadOnlyList<RoadmapLineHours>? OtherLines = null)
{
    /// <summary>The other lines that limit hours of the first short year (<see cref="OtherLines"/>; empty when none).</summary>
    public IReadOnlyList<RoadmapLineHours> OtherLinesOrEmpty => OtherLines ?? [];

    /// <summary>Years shifting defers the first shortfall (at least this many when shifting never runs out by the last year), or null when it never runs out.</summary>
    public int? YearsDeferred(int lastYear) => FirstShortYear is not { } y ? null : (FirstShortShiftedYear ?? (lastYear + 1)) - y;

    /// <summary>The reinforcement shifting saves by the last year, MW (room gained).</summary>
    public double RoomGainedMw => ReinforcementMw - ReinforcementShiftedMw;

    /// <summary>
    /// <see cref="LineUprateMw"/> rounded up to <paramref name="decimals"/> decimals (a value within 1e-6 MW above a step is that step), so
    /// that the rounded uprate still suffices and the report, run_out.csv and the server's JSON agree: the report rounds up to 1 MW,
    /// the files to 0.1 MW, and 0.1 MW rounded up again to 1 MW gives the report's figure. NaN stays NaN.
    /// </summary>
    public double LineUprateRoundedUp(int decimals)
    {
        var scale = Math.Pow(10, decimals);
        return double.IsNaN(LineUprateMw) ? double.NaN : Math.Ceiling((LineUprateMw - 1e-6) * scale) / scale;
    }
}

/// <summary>A roadmap's result: every cluster-year and the run-out summary.</summary>
/// <param name="Scenario">The roadmap.</param>
/// <param name="LayerSource">What the layer is built from, in words.</param>
/// <param name="Years">Every cluster-year, clusters in file order, years ascending.</param>
/// <param name="RunOut">Per cluster, in file order.</param>
/// <param name="Ties">With moves, every tie direction and year (ties in the order given, years ascending); empty without.</param>
public sealed record RoadmapResult(RoadmapScenario Scenario, string LayerSource, IReadOnlyList<RoadmapYear> Years, IReadOnlyList<RoadmapRunOut> RunOut,
    IReadOnlyList<RoadmapTieYear>? Ties = null)
{
    /// <summary>The tie directions and years (empty without moves).</summary>
    public IReadOnlyList<RoadmapTieYear> TieYears => Ties ?? [];
}

/// <summary>
/// The roadmap study (decisions 0178, 0184): every year, each cluster's flat load is laid on its share of its substation's
/// secure (N-1) headroom (N-0 with <see cref="RoadmapScenario.N0"/>) over the representative weeks, on that year's grid
/// (the host composes one layer per year: the base grid's demand grown, AC ties changed), plus the reinforcements in
/// service. Without shifting the load must fit every hour. With shifting the firm part (1 − flexible share) must fit every
/// hour at home, and the flexible energy of each day is placed by a maximum flow on the day's hours with room, up to the
/// peak factor × load at each cluster: at home, or with <see cref="RoadmapScenario.Moves"/> at any cluster that the ties
/// reach, each tie direction carrying at most its capacity that year × the tie share in each hour. A day's energy that
/// does not fit belongs to the clusters on the source side of the minimum cut (split by flexible energy inside each
/// group that competes for the same room); the ties on that cut are the ones that bind. A cluster runs out in the first
/// year with a shortfall. Stateless.
/// </summary>
public static class RoadmapStudy
{
    /// <summary>Runs the study on one headroom layer for every year (the base grid does not change).</summary>
    /// <param name="scenario">The roadmap.</param>
    /// <param name="layer">The layer (the host composes it over the base year).</param>
    /// <param name="substations">Each cluster's substation id, in file order (the host resolves names and nearest ones).</param>
    /// <exception cref="ArgumentException">The layer has no data for a week of a cluster's substation.</exception>
    public static RoadmapResult Run(RoadmapScenario scenario, IHeadroomLayer layer, IReadOnlyList<string> substations) =>
        Run(scenario, (int _) => layer ?? throw new ArgumentNullException(nameof(layer)), substations, []);

    /// <summary>Runs the study on a layer per year that does not depend on the clusters' loads (decision 0184).</summary>
    /// <param name="scenario">The roadmap.</param>
    /// <param name="layerOfYear">The layer of a year's grid over the base year's weeks (called once per year, in order).</param>
    /// <param name="substations">Each cluster's substation id, in file order.</param>
    /// <param name="ties">The inter-area ties at their base-year capacities.</param>
    /// <param name="tieFlowsOfYear">Per year, the ties' own flows (see the main overload).</param>
    /// <exception cref="ArgumentException">As the main overload.</exception>
    public static RoadmapResult Run(RoadmapScenario scenario, Func<int, IHeadroomLayer> layerOfYear, IReadOnlyList<string> substations, IReadOnlyList<AreaTie> ties,
        Func<int, IReadOnlyDictionary<string, double[]>>? tieFlowsOfYear = null)
    {
        ArgumentNullException.ThrowIfNull(layerOfYear);
        return Run(scenario, (y, _) => layerOfYear(y), substations, ties, tieFlowsOfYear);
    }

    /// <summary>Runs the study on a layer per year and the ties between areas.</summary>
    /// <param name="scenario">The roadmap.</param>
    /// <param name="layerOfYear">The layer of a year's grid over the base year's weeks (called once per year, in order), given each cluster's
    /// flat load in that grid, MW, in file order (decision 0210; all 0 with <see cref="RoadmapGridLoads.None"/>): the host puts those loads at
    /// the clusters' substations and computes each substation's headroom with the loads of every other substation in (the loads at a
    /// substation itself are left out: its clusters share its room by load).</param>
    /// <param name="substations">Each cluster's substation id, in file order.</param>
    /// <param name="ties">The inter-area ties at their base-year capacities (moves use them when the roadmap allows moves).</param>
    /// <param name="tieFlowsOfYear">Per year, the ties' own flows hour by hour over the weeks studied (per tie name, MW, positive from its
    /// <see cref="AreaTie.From"/> area; weeks in order, 168 hours each), where the grid model knows them: moved work may use a
    /// direction's capacity that year less its own flow that hour. Ties without flows (and every tie when null) leave moved work
    /// the capacity × <see cref="RoadmapScenario.TieShare"/>. Called once per year, after <paramref name="layerOfYear"/>.</param>
    /// <param name="observedTies">The ties whose flows in <paramref name="tieFlowsOfYear"/> are observed, not modelled (for the report; default none).</param>
    /// <exception cref="ArgumentException">A layer has no data for a week of a cluster's substation, or a tie change names no tie of <paramref name="ties"/> while moves are on.</exception>
    public static RoadmapResult Run(RoadmapScenario scenario, Func<int, IReadOnlyList<double>, IHeadroomLayer> layerOfYear, IReadOnlyList<string> substations,
        IReadOnlyList<AreaTie> ties, Func<int, IReadOnlyDictionary<string, double[]>>? tieFlowsOfYear = null, IReadOnlyCollection<string>? observedTies = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(layerOfYear);
        ArgumentNullException.ThrowIfNull(substations);
        ArgumentNullException.ThrowIfNull(ties);
        if (scenario.Moves && scenario.Ties.FirstOrDefault(t => !ties.Any(x => x.Name == t.Tie)) is { } unknown)
        {
            throw new ArgumentException($"tie_changes (line {unknown.Line}): no tie '{unknown.Tie}' (known: {string.Join(", ", ties.Select(t => t.Name))}).", nameof(ties));
        }

        var clusters = scenario.Clusters;
        var n = clusters.Count;
        var plain = new List<RoadmapYear>[n];
        for (var c = 0; c < n; c++)
        {
            plain[c] = [];
        }

        var tieYears = new List<RoadmapTieYear>();
        string layerSource = "";
        var built = new double[n];
        for (var y = scenario.FirstYear; y <= scenario.LastYear; y++)
        {
            var inGrid = InGrid(scenario, y, substations, built);
            var layer = layerOfYear(y, inGrid);
            layerSource = $"headroom layer {layer.Info.Model} ({(layer.Info.Synthetic ? "synthetic model" : "grid operator's model")}, {layer.Info.Profile})";
            var hours = Hours(scenario, layer, substations);
            var flows = scenario.Moves && tieFlowsOfYear is not null ? tieFlowsOfYear(y) : null;
            var year = Year(scenario, y, hours, substations, ties, flows);
            for (var c = 0; c < n; c++)
            {
                plain[c].Add(year.Clusters[c] with { InGridMw = inGrid[c] });
                built[c] = Math.Max(built[c], year.Clusters[c].PeakShortMw);
            }

            tieYears.AddRange(year.Ties.Select(t => t with { Observed = t.OwnFlows && observedTies is not null && observedTies.Contains(t.Tie) }));
        }

        var runOut = new List<RoadmapRunOut>();
        for (var c = 0; c < n; c++)
        {
            var ys = plain[c];
            var first = ys.FirstOrDefault(x => x.ShortMwh > 1e-3);
            var last = ys[^1];
            runOut.Add(new RoadmapRunOut(clusters[c].Id, clusters[c].Area.Code, substations[c], first?.Year, ys.FirstOrDefault(x => x.ShortShiftedMwh > 1e-3)?.Year, first?.Line,
                last.PeakShortMw, last.PeakShortShiftedMw, ys.FirstOrDefault(x => x.ShortInDayMwh > 1e-3)?.Year, first?.LineShortMw ?? double.NaN,
                first?.LineShortAtLeast ?? false, first?.UprateLine, first?.OtherLines));
        }

        return new RoadmapResult(scenario, layerSource, [.. plain.SelectMany(p => p)], runOut, tieYears);
    }

    // Each cluster's flat load in the year's grid (decision 0210): its load less its share (by load) of the stated reinforcements
    // in service at its substation and, with Needed, less the most it was short in an earlier year; never below 0.
    private static double[] InGrid(RoadmapScenario scenario, int y, IReadOnlyList<string> substations, double[] built)
    {
        var clusters = scenario.Clusters;
        var inGrid = new double[clusters.Count];
        if (scenario.GridLoads == RoadmapGridLoads.None)
        {
            return inGrid;
        }

        for (var c = 0; c < clusters.Count; c++)
        {
            var load = clusters[c].LoadMw(y);
            double total = 0;
            for (var q = 0; q < clusters.Count; q++)
            {
                total += substations[q] == substations[c] ? clusters[q].LoadMw(y) : 0;
            }

            var extra = Supply(scenario, y, substations, c);
            var share = total > 0 ? load / total : 0;
            inGrid[c] = Math.Max(0, load - (extra * share) - (scenario.GridLoads == RoadmapGridLoads.Needed ? built[c] : 0));
        }

        return inGrid;
    }

    // MW of the stated supplies (not lines) in service in year y at cluster c's substation.
    private static double Supply(RoadmapScenario scenario, int y, IReadOnlyList<string> substations, int c) =>
        scenario.Reinforcements.Where(r => !r.IsLine && r.FromYear <= y && substations[IndexOf(scenario.Clusters, r.Cluster)] == substations[c]).Sum(r => r.Mw);

    private static Dictionary<string, (double[] Mw, string?[] Line, double[] Factor, string?[] Outage, double[] Signed)> Hours(RoadmapScenario scenario, IHeadroomLayer layer,
        IReadOnlyList<string> substations)
    {
        var hours = new Dictionary<string, (double[] Mw, string?[] Line, double[] Factor, string?[] Outage, double[] Signed)>(StringComparer.Ordinal);
        foreach (var id in substations.Distinct(StringComparer.Ordinal))
        {
            var mw = new List<double>();
            var line = new List<string?>();
            var factor = new List<double>();
            var outage = new List<string?>();
            var signed = new List<double>();
            foreach (var w in scenario.Weeks)
            {
                var got = layer.Hourly(id, TimeWindow.FromDuration(w, TimeSpan.FromDays(7)));
                if (got.Count != 168)
                {
                    throw new ArgumentException($"the headroom layer ({layer.Info.Model}) has {got.Count} of 168 hours for substation '{id}' in the week from {w:yyyy-MM-dd}.");
                }

                mw.AddRange(got.Select(h => Math.Max(0, scenario.N0 && !double.IsNaN(h.N0Mw) ? h.N0Mw : double.IsNaN(h.SecureMw) ? 0 : h.SecureMw)));
                line.AddRange(got.Select(h => scenario.N0 ? h.N0Line ?? "N-0 (line not named by the layer)" : h.LimitingLine));
                factor.AddRange(got.Select(h => scenario.N0 && !double.IsNaN(h.N0Mw) ? h.N0LineFactor : double.IsNaN(h.N1Mw) ? h.N0LineFactor : h.LineFactor));
                outage.AddRange(got.Select(h => scenario.N0 ? null : h.Contingency));
                signed.AddRange(got.Select(h => scenario.N0 && !double.IsNaN(h.N0Mw) ? h.N0SignedMw : h.SecureSignedMw));
            }

            hours[id] = ([.. mw], [.. line], [.. factor], [.. outage], [.. signed]);
        }

        return hours;
    }

    private static (RoadmapYear[] Clusters, List<RoadmapTieYear> Ties) Year(RoadmapScenario scenario, int y, Dictionary<string, (double[] Mw, string?[] Line, double[] Factor, string?[] Outage, double[] Signed)> hours,
        IReadOnlyList<string> substations, IReadOnlyList<AreaTie> ties, IReadOnlyDictionary<string, double[]>? flows)
    {
        var clusters = scenario.Clusters;
        var n = clusters.Count;
        var load = clusters.Select(c => c.LoadMw(y)).ToArray();
        var room = new double[n][];
        var result = new RoadmapYear[n];
        var shortMwh = new double[n];
        var peak = new double[n];
        var worst = new int[n];
        var lineShort = new double[n];
        var atLeast = new bool[n];
        var uprate = new string?[n];
        var others = new IReadOnlyList<RoadmapLineHours>?[n];
        var roomSigned = new double[n];
        var lineOver = new double[n];
        for (var c = 0; c < n; c++)
        {
            // Clusters at one substation share its room by load (equally while none has load).
            double total = 0;
            var count = 0;
            for (var q = 0; q < n; q++)
            {
                if (substations[q] == substations[c])
                {
                    total += load[q];
                    count++;
                }
            }

            var share = total > 0 ? load[c] / total : 1.0 / count;
            var extra = Supply(scenario, y, substations, c);
            var (mw, lines, factors, outages, signed) = hours[substations[c]];
            room[c] = [.. mw.Select(v => (v + extra) * share)];
            roomSigned[c] = signed.Any(double.IsNaN) ? double.NaN : signed.Min(v => (v + extra) * share);
            worst[c] = -1;
            lineOver[c] = double.NaN;
            var worstOver = 0.0;
            for (var h = 0; h < room[c].Length; h++)
            {
                var over = load[c] - room[c][h];
                if (over > 1e-6)
                {
                    shortMwh[c] += over;
                    peak[c] = Math.Max(peak[c], over);

                    // The worst hour is the one furthest over with the room below 0 counted (decision 0234), where the layer gives it: among
                    // hours at 0, the one whose line is most overloaded per MW of the substation's load.
                    var below = double.IsNaN(signed[h]) ? over : load[c] - ((Math.Min(mw[h], signed[h]) + extra) * share);
                    if (below > worstOver)
                    {
                        (worstOver, worst[c]) = (below, h);
                    }
                }
            }

            // The binding line's own shortfall (decision 0226): over every hour it limits and the cluster is over, the substation's MW
            // over its room × that line's flow per MW added there is what its rating lacks. Where the room is 0 the layer's headroom below
            // 0 (decision 0234) makes it exact: the line named is then the one that sets it, and the MW below 0 are what the line is over
            // before the substation's load. A layer that stops at 0 makes it a lower bound.
            if (worst[c] >= 0)
            {
                var binding = lines[worst[c]];
                uprate[c] = binding is null ? null : Circuits(binding, outages[worst[c]]);
                lineOver[c] = Math.Max(0, -signed[worst[c]]) * factors[worst[c]];

                // An uprate of each circuit covers the hours its twin limits too, sized over them as well.
                bool Covered(string? line) => line == binding || (line is not null && uprate[c] is { } u && u != binding && line.StartsWith(u + " ", StringComparison.Ordinal));
                var other = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var h = 0; h < mw.Length; h++)
                {
                    if (load[c] - room[c][h] <= 1e-6)
                    {
                        continue;
                    }

                    if (Covered(lines[h]))
                    {
                        var exact = !double.IsNaN(signed[h]);
                        lineShort[c] = Math.Max(lineShort[c], (total - ((exact ? Math.Min(mw[h], signed[h]) : mw[h]) + extra)) * factors[h]);
                        atLeast[c] |= mw[h] <= 0 && !exact;
                    }
                    else if (lines[h] is { } line)
                    {
                        other[line] = other.GetValueOrDefault(line) + 1;
                    }
                }

                others[c] = [.. other.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => new RoadmapLineHours(p.Key, p.Value))];
            }
        }

        var inDay = Shifted(scenario, y, load, room, null, null);
        var moved = scenario.Moves ? Shifted(scenario, y, load, room, ties, flows) : inDay;
        for (var c = 0; c < n; c++)
        {
            result[c] = new RoadmapYear(clusters[c].Id, y, load[c], room[c].Min(), shortMwh[c], moved.ShortMwh[c], peak[c], moved.PeakMw[c],
                worst[c] >= 0 ? hours[substations[c]].Line[worst[c]] : null, inDay.ShortMwh[c], moved.MovedMwh[c], LineShortMw: lineShort[c], LineShortAtLeast: atLeast[c], UprateLine: uprate[c],
                OtherLines: others[c], RoomSignedMinMw: roomSigned[c], LineOverMw: lineOver[c]);
        }

        return (result, moved.Ties);
    }

    // The name to uprate: the line without its circuit ("NAME 2L" → "NAME") when the outage is another circuit of it (its identical twin
    // would take the limit over), else the circuit itself.
    private static string Circuits(string line, string? outage)
    {
        var cut = line.LastIndexOf(' ');
        return cut > 0 && outage is not null && outage != line && outage.StartsWith(line[..(cut + 1)], StringComparison.Ordinal)
            && line[(cut + 1)..].EndsWith('L') && outage[(cut + 1)..].EndsWith('L') ? line[..cut] : line;
    }

    private static int IndexOf(IReadOnlyList<RoadmapCluster> clusters, string id)
    {
        for (var i = 0; i < clusters.Count; i++)
        {
            if (clusters[i].Id == id)
            {
                return i;
            }
        }

        throw new ArgumentException($"no cluster '{id}'.", nameof(id));
    }

    // Shortfalls with shifting: per day, the firm part's excess at home hour by hour, and the flexible energy placed by a
    // maximum flow (at home only when ties is null; else over the ties to the clusters of other areas).
    private static (double[] ShortMwh, double[] PeakMw, double[] MovedMwh, List<RoadmapTieYear> Ties) Shifted(RoadmapScenario scenario, int y, double[] load,
        double[][] room, IReadOnlyList<AreaTie>? ties, IReadOnlyDictionary<string, double[]>? flows)
    {
        var clusters = scenario.Clusters;
        var n = clusters.Count;
        var f = scenario.FlexibleShare;
        var hoursAll = room.Length == 0 ? 0 : room[0].Length;
        var shortMwh = new double[n];
        var peakMw = new double[n];
        var movedMwh = new double[n];
        var areas = ties is null ? [] : ties.SelectMany(t => new[] { t.From.Code, t.To.Code }).Concat(clusters.Select(c => c.Area.Code)).Distinct(StringComparer.Ordinal).ToList();
        var lanes = ties is null ? [] : ties.SelectMany(t =>
        {
            var cap = scenario.TieCapacityMw(t.Name, t.CapacityMw, y);
            var own = flows is not null && flows.TryGetValue(t.Name, out var f) ? f : null;
            return new[] { (Tie: t.Name, From: t.From.Code, To: t.To.Code, Cap: cap, Own: own, Sign: 1.0), (Tie: t.Name, From: t.To.Code, To: t.From.Code, Cap: cap, Own: own, Sign: -1.0) };
        }).ToList();

        // What moved work may use of a lane in an hour: the capacity less the tie's own flow that way (more against a
        // counterflow), where the model gives the flow; else the scenario's share of the capacity.
        double Usable(int lane, int hour) => lanes[lane].Own is { } own
            ? Math.Max(0, lanes[lane].Cap - (lanes[lane].Sign * own[hour]))
            : lanes[lane].Cap * scenario.TieShare;
        var laneUsable = new double[lanes.Count];
        var lanePeak = new double[lanes.Count];
        var laneBinding = new int[lanes.Count];
        for (var d = 0; d + 24 <= hoursAll; d += 24)
        {
            // Nodes: 0 source, 1 sink, 2.. clusters, then cluster-hours, then area-hours.
            const int S = 0;
            const int T = 1;
            int ClusterHour(int c, int h) => 2 + n + (c * 24) + h;
            int AreaHour(int a, int h) => 2 + n + (n * 24) + (a * 24) + h;
            var flow = new ShiftingMaxFlow(2 + n + (n * 24) + (areas.Count * 24));
            var sourceEdge = new int[n];
            var firmPeak = new double[n];
            var remoteEdges = new List<(int Cluster, int Edge)>();
            for (var c = 0; c < n; c++)
            {
                var firm = (1 - f) * load[c];
                var cap = scenario.PeakFactor * load[c];
                for (var h = 0; h < 24; h++)
                {
                    var r = room[c][d + h];
                    var over = firm - r;
                    if (over > 1e-6)
                    {
                        shortMwh[c] += over;
                        firmPeak[c] = Math.Max(firmPeak[c], over);
                    }

                    flow.Add(ClusterHour(c, h), T, Math.Max(0, Math.Min(r, cap) - firm));
                }

                sourceEdge[c] = flow.Add(S, 2 + c, f * load[c] * 24);
                for (var h = 0; h < 24; h++)
                {
                    flow.Add(2 + c, ClusterHour(c, h), double.PositiveInfinity);
                }
            }

            // First each cluster's work at home alone (exact: the clusters do not meet), then the moves on top: an augmenting
            // path never takes back what the source sent, so a cluster is never worse off for the moves.
            flow.Solve(S, T);
            var homeUnplaced = Enumerable.Range(0, n).Select(c => (f * load[c] * 24) - flow.Flow(sourceEdge[c])).ToArray();
            var laneEdges = new int[lanes.Count, 24];
            if (ties is not null)
            {
                for (var c = 0; c < n; c++)
                {
                    var a = areas.IndexOf(clusters[c].Area.Code);
                    for (var h = 0; h < 24; h++)
                    {
                        remoteEdges.Add((c, flow.Add(2 + c, AreaHour(a, h), double.PositiveInfinity)));
                        flow.Add(AreaHour(a, h), ClusterHour(c, h), double.PositiveInfinity);
                    }
                }

                for (var l = 0; l < lanes.Count; l++)
                {
                    var (_, from, to, _, _, _) = lanes[l];
                    for (var h = 0; h < 24; h++)
                    {
                        var usable = Usable(l, d + h);
                        laneUsable[l] += usable;
                        laneEdges[l, h] = flow.Add(AreaHour(areas.IndexOf(from), h), AreaHour(areas.IndexOf(to), h), usable);
                    }
                }
            }

            var placed = flow.Solve(S, T);
            var wanted = load.Sum(l => f * l * 24);
            var reach = flow.Reachable;
            if (wanted - placed > 1e-6)
            {
                // The unplaced energy of each group of clusters that compete for the same full room (a connected part of
                // the source side of the minimum cut), split inside the group by what each could not place at home.
                var group = Groups(flow, reach, 2 + n + (n * 24) + (areas.Count * 24), S, T);
                foreach (var g in Enumerable.Range(0, n).Where(c => reach[2 + c]).GroupBy(c => group[2 + c]))
                {
                    var members = g.ToArray();
                    var unplaced = members.Sum(c => (f * load[c] * 24) - flow.Flow(sourceEdge[c]));
                    var home = members.Sum(c => homeUnplaced[c]);
                    foreach (var c in members)
                    {
                        var mine = home > 1e-9 ? unplaced * homeUnplaced[c] / home : 0;
                        shortMwh[c] += mine;
                        peakMw[c] = Math.Max(peakMw[c], firmPeak[c] + (mine / 24));
                    }
                }

                for (var l = 0; l < lanes.Count; l++)
                {
                    for (var h = 0; h < 24; h++)
                    {
                        var e = laneEdges[l, h];
                        if (reach[AreaHour(areas.IndexOf(lanes[l].From), h)] && !reach[AreaHour(areas.IndexOf(lanes[l].To), h)] && flow.Saturated(e))
                        {
                            laneBinding[l]++;
                        }
                    }
                }
            }

            for (var c = 0; c < n; c++)
            {
                if (!reach[2 + c] || wanted - placed <= 1e-6)
                {
                    peakMw[c] = Math.Max(peakMw[c], firmPeak[c]);
                }
            }

            for (var l = 0; l < lanes.Count; l++)
            {
                for (var h = 0; h < 24; h++)
                {
                    lanePeak[l] = Math.Max(lanePeak[l], flow.Flow(laneEdges[l, h]));
                }
            }

            // Moved energy: what left a cluster's area-hour over a tie, charged to the clusters of that area by what they sent.
            if (ties is not null)
            {
                for (var a = 0; a < areas.Count; a++)
                {
                    double sentOut = 0, cameIn = 0;
                    for (var l = 0; l < lanes.Count; l++)
                    {
                        for (var h = 0; h < 24; h++)
                        {
                            if (lanes[l].From == areas[a])
                            {
                                sentOut += flow.Flow(laneEdges[l, h]);
                            }
                            else if (lanes[l].To == areas[a])
                            {
                                cameIn += flow.Flow(laneEdges[l, h]);
                            }
                        }
                    }

                    var net = sentOut - cameIn;
                    var senders = remoteEdges.Where(r => clusters[r.Cluster].Area.Code == areas[a]).GroupBy(r => r.Cluster)
                        .Select(g => (Cluster: g.Key, Sent: g.Sum(r => flow.Flow(r.Edge)))).ToArray();
                    var sent = senders.Sum(s => s.Sent);
                    if (net > 1e-9 && sent > 0)
                    {
                        foreach (var (c, mine) in senders)
                        {
                            movedMwh[c] += net * mine / sent;
                        }
                    }
                }
            }
        }

        var tieYears = lanes.Select((l, i) => new RoadmapTieYear(l.Tie, l.From, l.To, y, l.Cap, hoursAll > 0 ? laneUsable[i] / hoursAll : 0, lanePeak[i], laneBinding[i], l.Own is not null)).ToList();
        return (shortMwh, peakMw, movedMwh, tieYears);
    }

    // Connected parts of the reachable nodes (source and sink left out), by the edges between two reachable nodes.
    private static int[] Groups(ShiftingMaxFlow flow, bool[] reach, int nodes, int source, int sink)
    {
        var parent = Enumerable.Range(0, nodes).ToArray();
        int Find(int x)
        {
            while (parent[x] != x)
            {
                x = parent[x] = parent[parent[x]];
            }

            return x;
        }

        foreach (var (from, to) in flow.Edges())
        {
            if (from != source && to != source && from != sink && to != sink && reach[from] && reach[to])
            {
                parent[Find(from)] = Find(to);
            }
        }

        return [.. Enumerable.Range(0, nodes).Select(Find)];
    }
}
