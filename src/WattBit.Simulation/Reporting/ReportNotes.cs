using System.Globalization;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;
using WattBit.Simulation.Scenarios;
using WattBit.Sites;

namespace WattBit.Simulation.Reporting;

/// <summary>
/// The words a policy planner reads beside the numbers: what each column of the comparison means, and short "why" notes
/// for results that look surprising, computed from the run's own per-site loads and area totals (which sites are over
/// their limit and on which kind of connection; which areas emit more because they receive moved work while the national
/// total falls).
/// </summary>
public static class ReportNotes
{
    /// <summary>What each column of the comparison means.</summary>
    public static IReadOnlyList<(string Column, string Meaning)> Meanings { get; } =
    [
        ("energy MWh", "electricity drawn from the grid by all sites over the period: IT load × PUE (plus battery charging, less discharging)"),
        ("cost M JPY", "that energy priced at its area's day-ahead price hour by hour"),
        ("lifecycle tCO2", "that energy times its area's lifecycle carbon intensity hour by hour (fuel, construction and supply chain of the generation mix)"),
        ("vs first", "change of lifecycle tCO2 against the first policy of the table (normally the baseline: no shifting)"),
        ("curtailment absorbed MWh", "per area and hour, the smaller of the DCs' draw and the solar and wind power the grid curtailed: surplus renewable energy that load could have used"),
        ("hours over limit", "hours in which at least one site drew more than its grid connection allowed in that hour (firm MW, provisional 24-hour profile or flexible limit, cut further by maintenance, faults and blackouts); 0 means every site stayed within its limit in every hour"),
        ("site-steps over limit", "the same counted per site: (site, step) pairs over the limit"),
        ("late jobs", "jobs that finished after their deadline (placed within 48 h after it when nothing fitted in time, or resumed after a curtailment order)"),
        ("unserved MWh", "IT energy asked for but never run: jobs that found no room, inference shed because no site within reach had room, job work lost to orders"),
        ("direct tCO2", "the same energy at the area's direct (combustion only) intensity"),
        ("jobs moved", "jobs run at a site other than the one they were submitted to"),
        ("firm / provisional / flexible MWh", "grid energy drawn by the sites of each connection kind"),
        ("curtailment orders met / missed", "site-steps under a cut nobody foresaw (a fault, maintenance, a blackout) in which the site stayed within / went over its cut limit"),
        ("jobs stopped by orders", "jobs stopped to obey such a cut that resumed later (at the same site after the order or elsewhere) / that found no room again and were lost"),
        ("battery", "energy the batteries charged from the grid / delivered to their sites, equivalent full cycles, batteries that delivered nothing, and what their own grid energy emitted and cost at the actual hour's intensity and price (negative = saved); the section Batteries compares the same year without them"),
    ];

    /// <summary>What each cell of the by-area table means.</summary>
    public const string AreaMeaning = "Each cell is one area under one policy: lifecycle tCO2 of the grid energy its sites drew (hour by hour at the area's intensity) / curtailed solar and wind it absorbed (MWh). Shifting policies move work between areas, so an area that receives work emits more while the national total falls (see Why).";

    /// <summary>Short explanations of results that need one, computed from the run.</summary>
    /// <param name="result">The simulation result.</param>
    public static IReadOnlyList<string> Why(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var notes = new List<string>();
        var world = result.World;
        var hours = world.Steps * world.StepHours;
        foreach (var p in result.Policies.Where(p => p.Policy is not (PolicyKind.WattBit or PolicyKind.WattBitPlanner) && p.StepsAnySiteOverLimit > 0
            && p.SiteGridMw.Length == world.Scenario.Sites.Count))
        {
            var byKind = new long[3];
            var sitesOver = 0;
            for (var s = 0; s < p.SiteGridMw.Length; s++)
            {
                var over = 0;
                var limit = world.LimitMw[s];
                var draw = p.SiteGridMw[s];
                for (var t = 0; t < draw.Length; t++)
                {
                    if (draw[t] > limit[t] + 1e-6)
                    {
                        over++;
                    }
                }

                if (over > 0)
                {
                    sitesOver++;
                    byKind[Kind(world.Connections[s].Kind)] += over;
                }
            }

            var total = Math.Max(1, byKind.Sum());
            notes.Add(string.Concat(Invariant($"{PolicyFactory.Name(p.Policy)} is over a limit in {p.StepsAnySiteOverLimit * world.StepHours:N0} of {hours:N0} hours because it does not look at grid limits: "),
                Invariant($"{sitesOver} of {p.SiteGridMw.Length} sites draw more than their connection allows at some step. "),
                Invariant($"Of its {p.SiteStepsOverLimit:N0} site-steps over, {(double)byKind[2] / total:P0} are at flexible connections (limit down to 30 % of their peak when the area's net load is high), "),
                Invariant($"{(double)byKind[1] / total:P0} at provisional ones (a fixed 24-hour profile) and {(double)byKind[0] / total:P0} at firm ones (cut by maintenance, faults or a blackout).")));
        }

        notes.AddRange(Unserved(result));
        foreach (var f in BatteryReport.Fleet(result).Where(f => f.SavingTonnes < -0.5 && f.ArbitrageTonnes > 0))
        {
            notes.Add(Invariant($"Under {f.Policy} the batteries' own arbitrage saves {f.ArbitrageTonnes:N0} tCO2, yet the year emits {-f.SavingTonnes:N0} t more than the same year without batteries: they carry sites through faults, so orders stop {f.JobsStoppedWith:N0} jobs instead of {f.JobsStoppedWithout:N0}, and the stopped jobs resume at other hours and sites than in the run without batteries; that reshuffle outweighs the arbitrage. The cost falls by {f.SavingYen / 1e6:N1} M JPY."));
        }

        var first = result.Policies[0];
        foreach (var p in result.Policies.Skip(1))
        {
            var change = p.Overall.LifecycleTonnes - first.Overall.LifecycleTonnes;
            if (change >= 0)
            {
                continue;
            }

            var rising = Enumerable.Range(0, world.AreaCodes.Count)
                .Where(a => p.ByArea[a].LifecycleTonnes > first.ByArea[a].LifecycleTonnes + 0.5)
                .OrderByDescending(a => p.ByArea[a].LifecycleTonnes - first.ByArea[a].LifecycleTonnes)
                .ToArray();
            if (rising.Length == 0)
            {
                continue;
            }

            var list = string.Join(", ", rising.Take(4).Select(a => Invariant(
                $"{world.AreaCodes[a]} +{p.ByArea[a].LifecycleTonnes - first.ByArea[a].LifecycleTonnes:N0} t ({p.ByArea[a].EnergyMwh - first.ByArea[a].EnergyMwh:+#,0;-#,0} MWh)")));
            notes.Add(string.Concat(Invariant($"Under {PolicyFactory.Name(p.Policy)} emissions rise in {rising.Length} area{(rising.Length == 1 ? "" : "s")} ({list}{(rising.Length > 4 ? ", ..." : "")}) while the national total falls by {-change:N0} t: "),
                Invariant($"{(rising.Length == 1 ? "that area receives" : "those areas receive")} work moved from dirtier hours and areas, so {(rising.Length == 1 ? "it draws" : "they draw")} more energy, but the work emits less there than where it came from. Only the national total is the policy's result.")));
        }

        return notes;
    }

    // Why a limit-honouring policy leaves work unserved: where and for how long the grid left no room (every non-firm site
    // of an area at a planned limit of zero, every site of an area cut to zero), from the world's own limits.
    private static IEnumerable<string> Unserved(SimulationResult result)
    {
        var world = result.World;
        var honouring = result.Policies.Where(p => p.Policy is PolicyKind.WattBit or PolicyKind.WattBitPlanner
            && p.UnservedJobItMwh + p.InferenceUnservedItMwh + p.CurtailedJobItMwh > 0.5).ToList();
        if (honouring.Count == 0)
        {
            return [];
        }

        var perHour = Math.Max(1, (int)Math.Round(1 / world.StepHours));
        var noRoom = new List<string>();
        var cut = new List<string>();
        for (var a = 0; a < world.AreaCodes.Count; a++)
        {
            var sites = Enumerable.Range(0, world.SiteArea.Count).Where(s => world.SiteArea[s] == a).ToArray();
            var nonFirm = sites.Where(s => world.Connections[s].Kind != ConnectionKind.Firm).ToArray();
            if (sites.Length == 0)
            {
                continue;
            }

            var emptyHours = new HashSet<int>();
            var blackHours = new HashSet<int>();
            for (var t = 0; t < world.Steps; t++)
            {
                if (nonFirm.Length > 0 && nonFirm.All(s => world.PlannedLimitMw[s][t] <= 1e-6))
                {
                    emptyHours.Add(t / perHour);
                }

                if (sites.All(s => world.LimitMw[s][t] <= 1e-6) && sites.Any(s => world.PlannedLimitMw[s][t] > 1e-6))
                {
                    blackHours.Add(t / perHour);
                }
            }

            if (emptyHours.Count > 0)
            {
                noRoom.Add(Invariant($"{world.AreaCodes[a]} {emptyHours.Count:N0} h ({nonFirm.Length} sites)"));
            }

            if (blackHours.Count > 0)
            {
                cut.Add(Invariant($"{world.AreaCodes[a]} {blackHours.Count:N0} h"));
            }
        }

        var served = honouring[0].ServedItMwh + honouring[0].UnservedJobItMwh + honouring[0].InferenceUnservedItMwh + honouring[0].CurtailedJobItMwh;
        var amounts = string.Join("; ", honouring.Select(p => Invariant(
            $"{PolicyFactory.Name(p.Policy)} {p.UnservedJobItMwh + p.InferenceUnservedItMwh + p.CurtailedJobItMwh:N0} MWh ({(p.UnservedJobItMwh + p.InferenceUnservedItMwh + p.CurtailedJobItMwh) / Math.Max(1e-9, served):P1} of the work: inference shed {p.InferenceUnservedItMwh:N0}, jobs without room {p.UnservedJobItMwh:N0}, job work lost to orders {p.CurtailedJobItMwh:N0})")));
        var where = noRoom.Count == 0 ? "no area's non-firm sites are ever all without room"
            : $"the grid gives the non-firm sites of an area no room at all in {string.Join(", ", noRoom)} ({world.LimitsSource})";
        var dark = cut.Count == 0 ? "" : $"; every site of an area is cut to zero (blackout) in {string.Join(", ", cut)}";
        return [Invariant($"Unserved work under the policies that honour limits: {amounts}. It is work that could not wait or move to a site with room: {where}{dark}. Inference moves only within its reach (and its area when ties are on), so it is shed first.")];
    }

    private static int Kind(ConnectionKind kind) => kind switch
    {
        ConnectionKind.Firm => 0,
        ConnectionKind.ProvisionalProfile => 1,
        _ => 2,
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
