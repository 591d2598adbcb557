using WattBit.Simulation.Policies;

namespace WattBit.Simulation.Engine;

/// <summary>
/// One planned day against its day flow (decision 0229), every value on the forecast the policies planned on at the day's
/// midnight, in the objective's unit (t or JPY), for the IT energy of the day's jobs (restores of pieces not counted).
/// </summary>
/// <param name="Step">The day's first step.</param>
/// <param name="Jobs">Jobs released that day.</param>
/// <param name="Flow">The day flow: the least value of the day's jobs spread (paused, split, pooled per (area, PUE)) over their windows in the planned room left by earlier days; no whole placement of the day's jobs values less.</param>
/// <param name="FlowUnplacedMwh">IT energy the day flow found no room for in the jobs' windows.</param>
/// <param name="Greedy">The greedy <c>wattbit</c> policy's placements of the same jobs from the same state (its order and search, taken back afterwards).</param>
/// <param name="Planner">The planner policy's own placements of the day.</param>
/// <param name="GreedyUnserved">Jobs the greedy left unserved that day.</param>
/// <param name="PlannerUnserved">Jobs the planner left unserved that day.</param>
/// <param name="WholeNoRoom">The day's jobs each at its cheapest whole run in its window at any area's lowest PUE, room aside: no whole placement values less; with <see cref="PiecesNoRoom"/> and <see cref="Flow"/> it tells what binds.</param>
/// <param name="PiecesNoRoom">The day's jobs each in the cheapest steps of its window at any area's lowest PUE, room aside: the flow with unlimited room.</param>
public sealed record DayFlowDay(int Step, int Jobs, double Flow, double FlowUnplacedMwh, double Greedy, double Planner, int GreedyUnserved, int PlannerUnserved,
    double WholeNoRoom, double PiecesNoRoom);

/// <summary>
/// The day flow (decision 0229): <see cref="ForesightBound"/>'s min-cost flow solved for one day's released jobs on the
/// score known at the day's midnight (<see cref="PolicyContext.Forecast"/>), into every site's planned room left after the
/// earlier days' commitments, over the steps from the day's start to the last deadline of its jobs. The flow relaxes
/// whole runs (jobs pause, split and pool their room per (area, PUE); the ties' capacity is not checked), so its value is
/// a lower bound on any placement of the same jobs in the same room on the same forecast, and its room duals price the
/// day's contested (area, step) room.
/// </summary>
internal static class DayFlow
{
    /// <summary>Solves the day flow of <paramref name="jobs"/> from the current step (the day's first) in the room <paramref name="roomMw"/> (planned IT room [site][step], MW) less the committed load.</summary>
    /// <param name="context">The policy's context (forecast as known now, committed load).</param>
    /// <param name="jobs">The day's jobs.</param>
    /// <param name="roomMw">Planned IT room of every site [site][step], MW (before committed load).</param>
    /// <param name="prices">Whether to recover the room duals.</param>
    /// <param name="to">The step after the last of the day's windows.</param>
    /// <param name="jobFlows">Whether to read each job's flow per step.</param>
    public static FlowSolution Solve(PolicyContext context, IReadOnlyList<int> jobs, double[][] roomMw, bool prices, bool jobFlows, out int to)
    {
        var world = context.World;
        var set = context.Workload.Jobs;
        var from = context.Step;
        to = from + 1;
        foreach (var j in jobs)
        {
            to = Math.Max(to, set.Deadline[j]);
        }

        to = Math.Min(world.Steps, to);
        var load = context.Load;
        return ForesightBound.Flow(world, set, jobs, from, to, context.Forecast, (s, t) => Math.Max(0, roomMw[s][t] - load[s][t]), perSite: false, prices, midway: true, jobFlows);
    }

    /// <summary>The value on the forecast of job <paramref name="job"/> run at <paramref name="site"/> over [<paramref name="from"/>, <paramref name="until"/>), in the objective's unit.</summary>
    /// <param name="context">The policy's context.</param>
    /// <param name="job">Job index.</param>
    /// <param name="site">Site index.</param>
    /// <param name="from">First step.</param>
    /// <param name="until">Step after the last.</param>
    public static double Value(PolicyContext context, int job, int site, int from, int until)
    {
        var world = context.World;
        var area = world.SiteArea[site];
        var score = context.Prefix[area][until] - context.Prefix[area][from];
        return ForesightBound.Scale(world.Scenario.Objective, score * context.Workload.Jobs.PowerMw[job] * context.Pue[site] * world.StepHours);
    }
}
