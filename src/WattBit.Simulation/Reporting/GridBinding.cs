using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;

namespace WattBit.Simulation.Reporting;

/// <summary>
/// A line of the headroom layer that limits sites: how often the work wanted more than it allows (reinforcement
/// candidates, decision 0173).
/// </summary>
/// <param name="Line">The line's name (OCCTO line and circuit for the Japan backbone).</param>
/// <param name="Substations">The substations whose headroom it limits, where a site is.</param>
/// <param name="Sites">Sites it limits in some hour.</param>
/// <param name="HoursLimiting">Hours in which it sets some site's planned limit.</param>
/// <param name="HoursBinding">Hours in which the reference policy (where the work arises, blind to limits) drew more than it allows at some site: the hours it forces work elsewhere.</param>
/// <param name="PeakMwDeferred">The most MW over what it allows in one step, summed over its sites (under the reference policy).</param>
/// <param name="MwhDeferred">Energy over what it allows, MWh (under the reference policy).</param>
/// <param name="HoursAtLimit">Hours in which a site it limits drew its whole limit under the limit-honouring policy.</param>
public sealed record BindingLine(string Line, string Substations, int Sites, double HoursLimiting, double HoursBinding, double PeakMwDeferred, double MwhDeferred,
    double HoursAtLimit)
{
    /// <summary>Binding hours × peak MW deferred: the ranking of reinforcement candidates, MW·h.</summary>
    public double Score => HoursBinding * PeakMwDeferred;
}

/// <summary>One direction of an inter-area tie corridor and the job load policies moved over it.</summary>
/// <param name="Tie">OCCTO's tie name(s).</param>
/// <param name="From">Sending area code.</param>
/// <param name="To">Receiving area code.</param>
/// <param name="UsableMw">What moved load may use, MW (capacity × <c>tie_share</c>).</param>
/// <param name="PeakMw">Highest moved load per policy, MW, in scenario order.</param>
/// <param name="HoursAtCapacity">Hours at (within 0.1 %) or over the usable capacity per policy.</param>
/// <param name="HoursOver">Hours over the usable capacity per policy.</param>
public sealed record TieUse(string Tie, string From, string To, double UsableMw, IReadOnlyList<double> PeakMw, IReadOnlyList<double> HoursAtCapacity, IReadOnlyList<double> HoursOver);

/// <summary>Which grid lines and inter-area ties bind in a simulation, from its per-site and per-tie loads. Stateless and thread-safe.</summary>
public static class GridBinding
{
    /// <summary>The reference policy whose draw says where the work arises: the first that ignores limits (baseline in the samples), or null.</summary>
    /// <param name="result">The simulation.</param>
    public static PolicyResult? Reference(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Policies.FirstOrDefault(p => !PolicyFactory.Create(p.Policy).HonoursLimits);
    }

    /// <summary>The limit-honouring policy the "at limit" column is for: the last such policy of the scenario, or null.</summary>
    /// <param name="result">The simulation.</param>
    public static PolicyResult? Honouring(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Policies.LastOrDefault(p => PolicyFactory.Create(p.Policy).HonoursLimits);
    }

    /// <summary>The lines that set some site's limit, most binding first (by <see cref="BindingLine.Score"/>, then hours limiting); empty when limits do not come from the layer.</summary>
    /// <param name="result">The simulation.</param>
    public static IReadOnlyList<BindingLine> Lines(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var world = result.World;
        if (world.LimitLine.Count == 0)
        {
            return [];
        }

        var reference = Reference(result);
        var honouring = Honouring(result);
        var n = world.LineNames.Count;
        var perHour = Math.Max(1, (int)Math.Round(1 / world.StepHours));
        var limiting = new HashSet<int>[n];
        var binding = new HashSet<int>[n];
        var atLimit = new HashSet<int>[n];
        var sites = new HashSet<int>[n];
        var subs = new SortedSet<string>[n];
        var over = new Dictionary<(int Line, int Step), double>();
        var mwh = new double[n];
        for (var l = 0; l < n; l++)
        {
            (limiting[l], binding[l], atLimit[l], sites[l], subs[l]) = ([], [], [], [], new SortedSet<string>(StringComparer.Ordinal));
        }

        for (var s = 0; s < world.LimitLine.Count; s++)
        {
            var lines = world.LimitLine[s];
            var limit = world.PlannedLimitMw[s];
            for (var t = 0; t < lines.Length; t++)
            {
                var l = lines[t];
                if (l < 0)
                {
                    continue;
                }

                var hour = t / perHour;
                limiting[l].Add(hour);
                sites[l].Add(s);
                subs[l].Add(world.SiteSubstation[s]);
                if (reference is not null)
                {
                    var excess = reference.SiteGridMw[s][t] - limit[t];
                    if (excess > 1e-3)
                    {
                        binding[l].Add(hour);
                        over[(l, t)] = over.GetValueOrDefault((l, t)) + excess;
                        mwh[l] += excess * world.StepHours;
                    }
                }

                if (honouring is not null && limit[t] > 1e-6 && honouring.SiteGridMw[s][t] >= limit[t] - 1e-3)
                {
                    atLimit[l].Add(hour);
                }
            }
        }

        var peak = new double[n];
        foreach (var ((l, _), mw) in over)
        {
            peak[l] = Math.Max(peak[l], mw);
        }

        return [.. Enumerable.Range(0, n).Where(l => limiting[l].Count > 0)
            .Select(l => new BindingLine(world.LineNames[l], string.Join(" ", subs[l]), sites[l].Count, limiting[l].Count, binding[l].Count, peak[l], mwh[l], atLimit[l].Count))
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.HoursLimiting).ThenBy(x => x.Line, StringComparer.Ordinal)];
    }

    /// <summary>Every direction of every tie corridor with the load each policy moved over it; empty without ties.</summary>
    /// <param name="result">The simulation.</param>
    public static IReadOnlyList<TieUse> Ties(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var world = result.World;
        if (world.Ties is not { } ties)
        {
            return [];
        }

        var perHour = Math.Max(1, (int)Math.Round(1 / world.StepHours));
        var rows = new List<TieUse>();
        for (var lane = 0; lane < ties.Lanes; lane++)
        {
            var (a, b) = ties.Ends[lane / 2];
            var (from, to) = lane % 2 == 0 ? (a, b) : (b, a);
            var cap = ties.LaneCapacity(lane);
            var peak = new List<double>();
            var at = new List<double>();
            var overHours = new List<double>();
            foreach (var p in result.Policies)
            {
                var flow = p.TieFlowMw.Length > lane ? p.TieFlowMw[lane] : [];
                var atSet = new HashSet<int>();
                var overSet = new HashSet<int>();
                double max = 0;
                for (var t = 0; t < flow.Length; t++)
                {
                    max = Math.Max(max, flow[t]);
                    if (flow[t] >= cap * 0.999)
                    {
                        atSet.Add(t / perHour);
                    }

                    if (flow[t] > (cap * 1.0001) + 1e-3)
                    {
                        overSet.Add(t / perHour);
                    }
                }

                peak.Add(max);
                at.Add(atSet.Count);
                overHours.Add(overSet.Count);
            }

            rows.Add(new TieUse(ties.Names[lane / 2], world.AreaCodes[from], world.AreaCodes[to], cap, peak, at, overHours));
        }

        return rows;
    }
}
