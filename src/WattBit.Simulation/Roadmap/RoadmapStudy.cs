using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Simulation.Roadmap;

/// <summary>One cluster in one year of a roadmap.</summary>
/// <param name="Cluster">The cluster's id.</param>
/// <param name="Year">The year.</param>
/// <param name="LoadMw">Its grid load, MW (flat).</param>
/// <param name="RoomMinMw">The least secure room at its substation over the representative weeks (its share, with the year's reinforcements), MW: what a flat load may take.</param>
/// <param name="ShortMwh">Energy over the room in the representative weeks without shifting, MWh.</param>
/// <param name="ShortShiftedMwh">The same with the flexible share moved within each day to hours with room, MWh.</param>
/// <param name="PeakShortMw">The most MW over the room in one hour without shifting: the reinforcement it would need.</param>
/// <param name="PeakShortShiftedMw">The reinforcement it would need with shifting, MW.</param>
/// <param name="Line">The line limiting the room in the hour of the largest shortfall without shifting (null when none or the layer does not say).</param>
public sealed record RoadmapYear(string Cluster, int Year, double LoadMw, double RoomMinMw, double ShortMwh, double ShortShiftedMwh, double PeakShortMw, double PeakShortShiftedMw, string? Line);

/// <summary>When a cluster's grid runs out and how much shifting defers it.</summary>
/// <param name="Cluster">The cluster's id.</param>
/// <param name="Area">Its area code.</param>
/// <param name="Substation">Its substation.</param>
/// <param name="FirstShortYear">The first year its load does not fit without shifting, or null (not by the last year).</param>
/// <param name="FirstShortShiftedYear">The same with shifting, or null.</param>
/// <param name="Line">The line limiting it in that first year without shifting.</param>
/// <param name="ReinforcementMw">The reinforcement needed in the last year without shifting, MW.</param>
/// <param name="ReinforcementShiftedMw">The same with shifting, MW.</param>
public sealed record RoadmapRunOut(string Cluster, string Area, string Substation, int? FirstShortYear, int? FirstShortShiftedYear, string? Line, double ReinforcementMw,
    double ReinforcementShiftedMw)
{
    /// <summary>Years shifting defers the first shortfall (at least this many when shifting never runs out by the last year), or null when it never runs out.</summary>
    public int? YearsDeferred(int lastYear) => FirstShortYear is not { } y ? null : (FirstShortShiftedYear ?? (lastYear + 1)) - y;
}

/// <summary>A roadmap's result: every cluster-year and the run-out summary.</summary>
/// <param name="Scenario">The roadmap.</param>
/// <param name="LayerSource">What the layer is built from, in words.</param>
/// <param name="Years">Every cluster-year, clusters in file order, years ascending.</param>
/// <param name="RunOut">Per cluster, in file order.</param>
public sealed record RoadmapResult(RoadmapScenario Scenario, string LayerSource, IReadOnlyList<RoadmapYear> Years, IReadOnlyList<RoadmapRunOut> RunOut);

/// <summary>
/// The roadmap study (decision 0178): every year, each cluster's flat load is laid on its share of its substation's
/// secure (N-1) headroom (N-0 with <see cref="RoadmapScenario.N0"/>) over the representative weeks of the base year, plus the reinforcements in service. Without
/// shifting the load must fit every hour; with shifting, the flexible share of each day's energy may move to the day's
/// hours with room (up to the peak factor × load), the rest must fit every hour. The cluster runs out in the first year
/// with a shortfall. The grid is the base year's (its demand does not grow; only the clusters do). Stateless.
/// </summary>
public static class RoadmapStudy
{
    /// <summary>Runs the study on a headroom layer holding the representative weeks.</summary>
    /// <param name="scenario">The roadmap.</param>
    /// <param name="layer">The layer (the host composes it over the base year).</param>
    /// <param name="substations">Each cluster's substation id, in file order (the host resolves names and nearest ones).</param>
    /// <exception cref="ArgumentException">The layer has no data for a week of a cluster's substation.</exception>
    public static RoadmapResult Run(RoadmapScenario scenario, IHeadroomLayer layer, IReadOnlyList<string> substations)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(substations);
        var hours = new Dictionary<string, (double[] Mw, string?[] Line)>(StringComparer.Ordinal);
        foreach (var id in substations.Distinct(StringComparer.Ordinal))
        {
            var mw = new List<double>();
            var line = new List<string?>();
            foreach (var w in scenario.Weeks)
            {
                var got = layer.Hourly(id, TimeWindow.FromDuration(w, TimeSpan.FromDays(7)));
                if (got.Count != 168)
                {
                    throw new ArgumentException($"the headroom layer ({layer.Info.Model}) has {got.Count} of 168 hours for substation '{id}' in the week from {w:yyyy-MM-dd}.");
                }

                mw.AddRange(got.Select(h => Math.Max(0, scenario.N0 && !double.IsNaN(h.N0Mw) ? h.N0Mw : double.IsNaN(h.SecureMw) ? 0 : h.SecureMw)));
                // The layer names the line of the secure headroom only.
                line.AddRange(got.Select(h => scenario.N0 ? "N-0 (line not named by the layer)" : h.LimitingLine));
            }

            hours[id] = ([.. mw], [.. line]);
        }

        var years = new List<RoadmapYear>();
        var runOut = new List<RoadmapRunOut>();
        var f = scenario.FlexibleShare;
        for (var c = 0; c < scenario.Clusters.Count; c++)
        {
            var cluster = scenario.Clusters[c];
            var (room0, lines) = hours[substations[c]];
            int? first = null, firstShifted = null;
            string? firstLine = null;
            RoadmapYear? last = null;
            for (var y = scenario.FirstYear; y <= scenario.LastYear; y++)
            {
                var load = cluster.LoadMw(y);
                // Clusters at one substation share its room by load (equally while none has load).
                var total = 0.0;
                var count = 0;
                for (var q = 0; q < scenario.Clusters.Count; q++)
                {
                    if (substations[q] == substations[c])
                    {
                        total += scenario.Clusters[q].LoadMw(y);
                        count++;
                    }
                }

                var share = total > 0 ? load / total : 1.0 / count;
                var extra = scenario.Reinforcements.Where(r => r.FromYear <= y && substations[scenario.Clusters.ToList().FindIndex(x => x.Id == r.Cluster)] == substations[c]).Sum(r => r.Mw);
                var room = room0.Select(v => (v + extra) * share).ToArray();
                double shortMwh = 0, peak = 0, shortShifted = 0, peakShifted = 0;
                var worst = -1;
                for (var h = 0; h < room.Length; h++)
                {
                    var over = load - room[h];
                    if (over > 1e-6)
                    {
                        shortMwh += over;
                        if (over > peak)
                        {
                            (peak, worst) = (over, h);
                        }
                    }
                }

                var firm = (1 - f) * load;
                var cap = scenario.PeakFactor * load;
                for (var d = 0; d + 24 <= room.Length; d += 24)
                {
                    double firmShort = 0, spare = 0, dayPeak = 0;
                    for (var h = d; h < d + 24; h++)
                    {
                        var over = firm - room[h];
                        if (over > 1e-6)
                        {
                            firmShort += over;
                            dayPeak = Math.Max(dayPeak, over);
                        }

                        spare += Math.Max(0, Math.Min(room[h], cap) - firm);
                    }

                    var energyShort = Math.Max(0, (f * load * 24) - spare);
                    shortShifted += firmShort + energyShort;
                    peakShifted = Math.Max(peakShifted, dayPeak + (energyShort / 24));
                }

                last = new RoadmapYear(cluster.Id, y, load, room.Min(), shortMwh, shortShifted, peak, peakShifted, worst >= 0 ? lines[worst] : null);
                years.Add(last);
                if (shortMwh > 1e-3 && first is null)
                {
                    (first, firstLine) = (y, last.Line);
                }

                if (shortShifted > 1e-3 && firstShifted is null)
                {
                    firstShifted = y;
                }
            }

            runOut.Add(new RoadmapRunOut(cluster.Id, cluster.Area.Code, substations[c], first, firstShifted, firstLine, last!.PeakShortMw, last.PeakShortShiftedMw));
        }

        return new RoadmapResult(scenario, $"headroom layer {layer.Info.Model} ({(layer.Info.Synthetic ? "synthetic model" : "grid operator's model")}, {layer.Info.Profile})", years, runOut);
    }
}
