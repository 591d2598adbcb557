using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Policies;

/// <summary>Creates the policy objects of <see cref="PolicyKind"/>.</summary>
public static class PolicyFactory
{
    /// <summary>A new policy of <paramref name="kind"/>.</summary>
    /// <param name="kind">The policy.</param>
    /// <param name="time">Clock the planner-driven policy times its plans with (default: the system clock).</param>
    /// <param name="replan">When the planner-driven policy places committed, not-started work again (the scenario's <c>replan</c>; default never).</param>
    public static SimulationPolicy Create(PolicyKind kind, TimeProvider? time = null, ReplanMode replan = ReplanMode.Off) => kind switch
    {
        PolicyKind.WattBitPlanner => new PlannerPolicy(time ?? TimeProvider.System) { Replan = replan },
        PolicyKind.Baseline => new BaselinePolicy(),
        PolicyKind.TimeShift => new TimeShiftPolicy(),
        PolicyKind.GreenestSite => new GreenestSitePolicy(),
        PolicyKind.CapacityCaps => new CapacityCapsPolicy(),
        PolicyKind.OperatorsAlone or PolicyKind.Market => new MarketPolicy(trade: kind == PolicyKind.Market),
        _ => new WattBitPolicy(),
    };

    /// <summary>The scenario-file name of a policy (baseline, time-shift, greenest-site, capacity-caps, wattbit, wattbit-planner, operators-alone, market).</summary>
    /// <param name="kind">The policy.</param>
    public static string Name(PolicyKind kind) => kind switch
    {
        PolicyKind.Baseline => "baseline",
        PolicyKind.TimeShift => "time-shift",
        PolicyKind.GreenestSite => "greenest-site",
        PolicyKind.CapacityCaps => "capacity-caps",
        PolicyKind.WattBitPlanner => "wattbit-planner",
        PolicyKind.OperatorsAlone => "operators-alone",
        PolicyKind.Market => "market",
        _ => "wattbit",
    };

    /// <summary>Finds a policy by its scenario-file name.</summary>
    /// <param name="name">The name (case-insensitive).</param>
    /// <param name="kind">The policy found.</param>
    public static bool TryParse(string name, out PolicyKind kind)
    {
        foreach (var k in Enum.GetValues<PolicyKind>())
        {
            if (string.Equals(Name(k), name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}

/// <summary>No shifting: the job runs at its home site from its release.</summary>
public sealed class BaselinePolicy : SimulationPolicy
{
    /// <inheritdoc/>
    public override JobSlot Place(PolicyContext context, int job)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jobs = context.Workload.Jobs;
        return new(jobs.Home[job], jobs.Release[job]);
    }
}

/// <summary>
/// Time-only shifting (Let's-Wait-Awhile, Wiesner et al. 2021): at its home site, the start within its window with the
/// lowest forecast score over the run; ties go to the earliest start. Ignores grid limits.
/// </summary>
public sealed class TimeShiftPolicy : SimulationPolicy
{
    /// <inheritdoc/>
    public override JobSlot Place(PolicyContext context, int job)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jobs = context.Workload.Jobs;
        var home = jobs.Home[job];
        var area = context.World.SiteArea[home];
        var d = jobs.Duration[job];
        var prefix = context.Prefix[area];
        var best = jobs.Release[job];
        var bestScore = double.PositiveInfinity;
        for (int s = jobs.Release[job], last = jobs.LatestStart(job); s <= last; s++)
        {
            var score = prefix[s + d] - prefix[s];
            if (score < bestScore - 1e-9)
            {
                bestScore = score;
                best = s;
            }
        }

        return new(home, best);
    }
}

/// <summary>
/// Lowest-carbon-site greedy: the job starts at its release at the site (IT capacity at least the job's power) with the
/// lowest forecast score × PUE over its run; among equal sites the one with the least committed load at release.
/// Ignores grid limits.
/// </summary>
public sealed class GreenestSitePolicy : SimulationPolicy
{
    private double[] _areaScore = [];

    /// <inheritdoc/>
    public override void Initialise(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _areaScore = new double[context.Prefix.Length];
    }

    /// <inheritdoc/>
    public override JobSlot Place(PolicyContext context, int job)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jobs = context.Workload.Jobs;
        var r = jobs.Release[job];
        var d = jobs.Duration[job];
        var p = jobs.PowerMw[job];
        for (var a = 0; a < _areaScore.Length; a++)
        {
            _areaScore[a] = context.WindowScore(a, r, d);
        }

        var area = context.World.SiteArea;
        var best = jobs.Home[job];
        var bestScore = _areaScore[area[best]] * context.Pue[best];
        var bestLoad = context.Load[best][r];
        for (var s = 0; s < context.Pue.Length; s++)
        {
            if (context.ItMw[s] < p)
            {
                continue;
            }

            var score = _areaScore[area[s]] * context.Pue[s];
            var load = context.Load[s][r];
            if (score < bestScore - 1e-9 || (Math.Abs(score - bestScore) <= 1e-9 && load < bestLoad))
            {
                best = s;
                bestScore = score;
                bestLoad = load;
            }
        }

        return new(best, r);
    }
}
