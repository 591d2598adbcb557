using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Simulation.Scenarios;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Simulation.Engine;

/// <summary>
/// Site limits from the headroom layer (decisions 0173, 0176): each site's substation (named, else the nearest) gives its
/// room hour by hour — the secure headroom (N-1, else N-0; negative is none), or the N-0 headroom for a non-firm
/// connection that accepts the N-1 curtailment device (<see cref="GridSpec.N1Curtailment"/>, 空き容量③) — and sites at
/// one substation share it in proportion to their connections' MW. A site's limit is its contract plus its share of the
/// room, never more than its connection's MW. The contract: firm, the connection's MW (the operator's guarantee); provisional,
/// its 24 JST-hour profile (typed, else per JST hour the least secure share over the period: the one
/// <see cref="ProvisionalProfile"/>, 暫定運用); flexible, none. The layer's room is what can be added on top of its base case,
/// which already carries the contracts of a fleet that is connected (<see cref="FleetLoad.Existing"/>, the default); a
/// new fleet (<see cref="FleetLoad.New"/>) gets the room alone where it is not firm (provisional: the larger of profile and
/// room). Faults and maintenance still cut these limits. Where the layer, not the connection's MW, sets the limit, the
/// layer's limiting line of that hour is kept, so the report can say which lines bind.
/// </summary>
internal static class LayerLimits
{
    /// <summary>The planned limits [site][step] (MW at the grid), the limiting line index per site-step (−1 where the connection's own MW limits), the line names, each site's substation and connection.</summary>
    public static (double[][] Limits, int[][] Lines, string[] LineNames, string[] Substations, GridConnection[] Connections) Build(SimulationScenario scenario, IHeadroomLayer layer)
    {
        var sites = scenario.Sites;
        var subs = SimulationGrid.SiteSubstations(scenario, layer.Substations, layer.Info.Model).Select(s => s.Id).ToArray();
        var hours = (int)Math.Ceiling((scenario.End - scenario.Start).TotalHours);
        var period = new TimeWindow(scenario.Start, scenario.Start.AddHours(hours));
        var lineIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNames = new List<string>();
        var headroom = new Dictionary<string, (double[] Secure, double[] N0, int[] Line)>(StringComparer.Ordinal);
        foreach (var id in subs.Distinct(StringComparer.Ordinal))
        {
            var mw = new double[hours];
            var n0 = new double[hours];
            var line = new int[hours];
            Array.Fill(mw, double.NaN);
            foreach (var h in layer.Hourly(id, period))
            {
                var i = (int)Math.Floor((h.Start - scenario.Start).TotalHours);
                if (i < 0 || i >= hours)
                {
                    continue;
                }

                mw[i] = Math.Max(0, h.SecureMw);
                n0[i] = Math.Max(0, double.IsNaN(h.N0Mw) ? h.SecureMw : h.N0Mw);
                line[i] = h.LimitingLine is { } name ? Index(name) : -1;
            }

            var gap = Array.FindIndex(mw, double.IsNaN);
            if (gap >= 0)
            {
                throw new ArgumentException($"the headroom layer ({layer.Info.Model}) has no data for substation '{id}' at {Iso8601.Format(scenario.Start.AddHours(gap))}: " +
                    $"it holds {new TimeWindow(layer.Info.First, layer.Info.End)}, the scenario needs {period}.");
            }

            headroom[id] = (mw, n0, line);
        }

        var total = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var s = 0; s < sites.Count; s++)
        {
            total[subs[s]] = total.GetValueOrDefault(subs[s]) + sites[s].ConnectionMw;
        }

        var steps = scenario.Steps;
        var limits = new double[sites.Count][];
        var lines = new int[sites.Count][];
        var connections = new GridConnection[sites.Count];
        var times = Enumerable.Range(0, hours).Select(h => scenario.Start.AddHours(h)).ToArray();
        var existing = scenario.Grid?.Fleet != FleetLoad.New;
        var curtailable = scenario.Grid?.N1Curtailment == true;
        for (var s = 0; s < sites.Count; s++)
        {
            var spec = sites[s].Connection;
            var mwOf = sites[s].ConnectionMw;
            var (secure, n0, line) = headroom[subs[s]];
            var share = total[subs[s]] > 0 ? mwOf / total[subs[s]] : 0;
            var useN0 = curtailable && spec.Kind != ConnectionKind.Firm;
            var room = (useN0 ? n0 : secure).Select(v => v * share).ToArray();
            // The layer names the line of the secure (N-1) headroom only; where the N-0 room limits, no line is named.
            var roomLine = useN0 ? Index($"N-0 at {subs[s]} (line not named by the layer)") : -1;
            double[] hourly;
            switch (spec.Kind)
            {
                case ConnectionKind.Firm:
                    // A firm connection is the grid operator's guarantee (granted where N-1 holds, or reinforced for):
                    // its MW stands whatever the layer's least headroom is.
                    hourly = [.. Enumerable.Repeat(mwOf, hours)];
                    connections[s] = spec;
                    break;
                case ConnectionKind.ProvisionalProfile:
                    // The contract is the 暫定運用 profile (secure in every hour of the year); the room of each hour comes
                    // on top of it when the base case already carries it, else the site may use whichever is larger.
                    var profile = spec.Profile is { } typed ? [.. typed]
                        : ProvisionalProfile.Of(times, [.. secure.Select(v => v * share)]).N0Mw.Select(v => Math.Min(mwOf, double.IsNaN(v) ? 0 : v)).ToArray();
                    hourly = [.. times.Select((t, h) => Math.Min(mwOf, existing ? profile[t.ToOffset(Jst.Offset).Hour] + room[h] : Math.Max(profile[t.ToOffset(Jst.Offset).Hour], room[h])))];
                    connections[s] = spec.IsResolved ? spec : spec.WithProfile(profile);
                    break;
                default:
                    hourly = [.. room.Select(v => Math.Min(mwOf, v))];
                    var series = new TimeSeries(scenario.Start, TimeSpan.FromHours(1), hourly, SeriesUnit.Megawatts, $"limit {sites[s].Id}");
                    connections[s] = spec.WithHeadroom(new QuantileSeries(series));
                    break;
            }

            var limit = new double[steps];
            var lineAt = new int[steps];
            for (var t = 0; t < steps; t++)
            {
                var h = (int)((scenario.Step * t).Ticks / TimeSpan.TicksPerHour);
                limit[t] = hourly[h];
                lineAt[t] = hourly[h] < mwOf - 1e-9 ? (roomLine >= 0 ? roomLine : line[h]) : -1;
            }

            limits[s] = limit;
            lines[s] = lineAt;
        }

        return (limits, lines, [.. lineNames], subs, connections);

        int Index(string name)
        {
            if (!lineIndex.TryGetValue(name, out var i))
            {
                i = lineNames.Count;
                lineIndex[name] = i;
                lineNames.Add(name);
            }

            return i;
        }
    }
}
