using WattBit.Planning.Model;

namespace WattBit.Planning.Planner;

/// <summary>
/// The optimiser: solves the aggregated planning LP (OR-Tools, HiGHS by default) for per-site budgets, a battery plan
/// and a lower bound, then packs whole jobs and replicas into those budgets, and separately cost-greedily (beside the
/// LP), improves each packing by local search (interruptible jobs may move between sites), re-optimises each battery for
/// the packed load and keeps the best plan. The gap to the LP bound is reported. When the LP fails or runs out of time
/// it keeps the cost-greedy plan and reports the gap to a simple energy bound instead (docs/decisions/0041, 0045).
/// </summary>
/// <param name="time">Clock used to measure planning time.</param>
/// <param name="lpTimeLimit">
/// Time limit of the LP; default 20 s. <see cref="Timeout.InfiniteTimeSpan"/> sets none, so the plan depends on the problem
/// alone and never on how busy the machine is (tests use it).
/// </param>
/// <param name="backend">OR-Tools linear solver id to try first (HIGHS, GLOP, PDLP...); default HiGHS.</param>
public sealed class OptimisingPlanner(TimeProvider time, TimeSpan? lpTimeLimit = null, string? backend = null) : IPlanner
{
    /// <inheritdoc/>
    public string Name => "optimiser";

    /// <inheritdoc/>
    public Plan Plan(PlanningProblem problem, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var started = time.GetTimestamp();
        var d = new ProblemData(problem);

        // The cost-greedy packing needs no LP, so it runs beside it. It is kept when it beats the LP-guided packings
        // and is the fallback when the LP fails.
        var greedyTask = Task.Run(() => Pack(d, null, countLpCharging: true, cancellationToken), cancellationToken);
        LpResult? lp;
        string? failure = null;
        try
        {
            lp = LpRelaxation.Solve(d, lpTimeLimit ?? TimeSpan.FromSeconds(20), backend, cancellationToken);
            if (!lp.Optimal)
            {
                failure = $"LP {lp.Status} ({lp.Backend})";
                lp = null;
            }
        }
        catch (InvalidOperationException ex)
        {
            failure = ex.Message;
            lp = null;
        }

        double? bound = lp?.Objective ?? EnergyBound(d);
        if (failure is not null)
        {
            var fallback = greedyTask.GetAwaiter().GetResult();
            fallback.Notes.Add("optimiser fell back to the cost-greedy heuristic: " + failure);
            return PlanBuilder.Build(d, fallback, Name, bound, time.GetElapsedTime(started),
                $"fallback: cost-greedy packing ({failure}); bound from energy alone");
        }

        // Two packings into the LP's budgets, in parallel: with room as the LP's batteries leave it, and with room as if
        // they did not charge (more room for jobs; each battery is re-planned for the packed load, and a plan that would
        // overload a site carries the overload penalty, so it is never the one kept).
        var lpText = $"LP optimal ({lp!.Backend}, {lp.Status}, {lp.Elapsed.TotalSeconds:0.00} s)";
        var guided = Task.Run(() => Pack(d, lp, countLpCharging: true, cancellationToken), cancellationToken);
        var roomier = Pack(d, lp, countLpCharging: false, cancellationToken);
        var candidates = new List<(Schedule X, string How)>
        {
            (greedyTask.GetAwaiter().GetResult(), "cost-greedy packing (better than the LP-guided ones)"),
            (guided.GetAwaiter().GetResult(), "jobs packed into LP budgets"),
            (roomier, "jobs packed into LP budgets, batteries re-planned"),
        };
        Plan? best = null;
        foreach (var (x, how) in candidates)
        {
            var plan = PlanBuilder.Build(d, x, Name, bound, time.GetElapsedTime(started), lpText + ", " + how);
            if (best is null || plan.Summary.Objective < best.Summary.Objective)
            {
                best = plan;
            }
        }

        return best! with { Summary = best.Summary with { Elapsed = time.GetElapsedTime(started) } };
    }

    /// <summary>A packing (cost-greedy without an LP, else into its budgets) with each battery re-planned for the packed load.</summary>
    private static Schedule Pack(ProblemData d, LpResult? lp, bool countLpCharging, CancellationToken ct)
    {
        var x = new Packer(d, PackMode.Optimiser, lp, countLpCharging).Run(ct);
        BatteryScheduler.Run(d, x, useBatteries: true);
        return x;
    }

    /// <summary>
    /// A bound that needs no LP: all energy that must be drawn (base and job load at the lowest PUE, less all on-site
    /// generation and the batteries' initial usable energy) priced at the cheapest site-hour. Null when a price is
    /// negative (the bound would not hold).
    /// </summary>
    internal static double? EnergyBound(ProblemData d)
    {
        double minCost = double.MaxValue, need = 0;
        for (var s = 0; s < d.S; s++)
        {
            var bat = d.Problem.Sites[s].Battery;
            need -= bat is null ? 0 : Math.Max(0, bat.InitialEnergy.MegawattHours - (bat.MinSoc * bat.EnergyCapacity.MegawattHours));
            for (var t = 0; t < d.T; t++)
            {
                minCost = Math.Min(minCost, d.CostPerMwh[s][t]);
                need += (d.Pue[s][t] * d.BaseMw[s]) - d.GenMw[s][t];
            }
        }

        foreach (var j in d.Jobs)
        {
            need += j.WorkMwh; // PUE >= 1
        }

        return minCost < 0 ? null : minCost * Math.Max(0, need);
    }
}

/// <summary>
/// Baseline without workload shifting: every job at its home site as soon as it is released (queued when the site is
/// full), inference at its home site (or the nearest site in reach), batteries idle.
/// </summary>
/// <param name="time">Clock used to measure planning time.</param>
public sealed class NoShiftPlanner(TimeProvider time) : IPlanner
{
    /// <inheritdoc/>
    public string Name => "no-shift";

    /// <inheritdoc/>
    public Plan Plan(PlanningProblem problem, CancellationToken cancellationToken = default) =>
        HeuristicPlanner.Run(problem, PackMode.NoShift, Name, time, cancellationToken);
}

/// <summary>
/// Baseline greedy carbon-aware shifting: jobs in earliest-deadline order, each at the allowed site and hours with the
/// lowest carbon intensity (times PUE) that still have room; inference at the lowest-carbon site in reach; batteries idle.
/// </summary>
/// <param name="time">Clock used to measure planning time.</param>
public sealed class GreedyCarbonPlanner(TimeProvider time) : IPlanner
{
    /// <inheritdoc/>
    public string Name => "greedy-carbon";

    /// <inheritdoc/>
    public Plan Plan(PlanningProblem problem, CancellationToken cancellationToken = default) =>
        HeuristicPlanner.Run(problem, PackMode.GreedyCarbon, Name, time, cancellationToken);
}

/// <summary>Shared body of the heuristic planners.</summary>
internal static class HeuristicPlanner
{
    public static Plan Run(PlanningProblem problem, PackMode mode, string name, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var started = time.GetTimestamp();
        var d = new ProblemData(problem);
        var x = new Packer(d, mode, null).Run(ct);
        BatteryScheduler.Run(d, x, useBatteries: false);
        return PlanBuilder.Build(d, x, name, null, time.GetElapsedTime(started), "heuristic");
    }
}
