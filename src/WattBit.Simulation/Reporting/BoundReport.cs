using System.Globalization;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Reporting;

/// <summary>One policy against the perfect-foresight bound (decision 0182).</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="JobValue">Its jobs' own objective (tCO2 or JPY) from its job pieces at actual values.</param>
/// <param name="Total">Its whole run's objective (jobs, inference, batteries).</param>
/// <param name="ShareOfSaving">Its jobs' saving against the same jobs run at release at home, as a share of the bound's saving.</param>
/// <param name="Left">What placing its jobs at the bound would still save, as a share of its whole run's objective.</param>
public sealed record BoundRow(string Policy, double JobValue, double Total, double ShareOfSaving, double Left);

/// <summary>Console, report and CSV lines comparing each limit-honouring policy's placement with the perfect-foresight bound (the others draw over the limits the bound keeps).</summary>
public static class BoundReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>Issue 17's target: the share of the greedy policy's total a better placement must save.</summary>
    public const double Target = 0.03;

    /// <summary>One row per policy that honours the grid limits (empty without a bound).</summary>
    /// <param name="result">The simulation result.</param>
    public static IReadOnlyList<BoundRow> Rows(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Bound is { } bound ? Rows(result, bound) : [];
    }

    /// <summary>One row per policy that honours the grid limits, against <paramref name="bound"/>.</summary>
    /// <param name="result">The simulation result.</param>
    /// <param name="bound">The bound to set the policies against.</param>
    public static IReadOnlyList<BoundRow> Rows(SimulationResult result, ForesightBound bound)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(bound);

        var cost = bound.Objective == SimulationObjective.Cost;
        var baselineValue = bound.AtReleaseValue;
        return [.. result.Policies.Where(p => PolicyFactory.Create(p.Policy).HonoursLimits).Select(p =>
        {
            var value = ForesightBound.JobValue(result.World, result.Workload, p);
            var total = cost ? p.Overall.CostYen : p.Overall.LifecycleTonnes;
            return new BoundRow(PolicyFactory.Name(p.Policy), value, total, (baselineValue - value) / (baselineValue - bound.Value), (value - bound.Value) / total);
        })];
    }

    /// <summary>Console and report lines: the bound, then each policy's jobs against it.</summary>
    /// <param name="result">The simulation result.</param>
    public static IReadOnlyList<string> Lines(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var dayFlow = DayFlowLines(result);
        if (result.Bound is not { } bound)
        {
            return dayFlow;
        }

        var unit = bound.Objective == SimulationObjective.Cost ? "M JPY" : "tCO2";
        var scale = bound.Objective == SimulationObjective.Cost ? 1e-6 : 1;
        var lines = new List<string>(dayFlow)
        {
            bound.WholeRun is { } search
                ? string.Create(s_inv, $"Perfect-foresight bound (decision 0223: whole runs): placed with the whole actual year known, at any site with room in an area tied to the job's home (the ties' capacity unchecked), every job that does not checkpoint run whole, from start to end at full power at one site whose own room holds it, and the {search.InPieces:N0} checkpointing jobs in pieces at full power, the jobs' {bound.JobEnergyMwh:N0} MWh (IT) could not have cost less than {bound.Value * scale:N0} {unit}. What it still relaxes: each area's room pooled per (area, PUE) and priced, not enforced (Lagrange multipliers, {search.Iterations} subgradient steps from {(search.FromFlowPrices ? "the pooled flow's room prices" : "zero prices")}, best at step {search.BestIteration}), the restores of pieces, and release one day at a time ({search.NoWholeRun:N0} jobs with no whole run in their window relaxed as in the flow; {bound.UnplacedMwh:N0} MWh found no room; {search.LeftOutMwh:N0} MWh left out; {bound.Elapsed.TotalSeconds:N1} s); run at release at home they cost {bound.AtReleaseValue * scale:N0} {unit}.")
                : string.Create(s_inv, $"Perfect-foresight bound ({(bound.PerSite ? "decision 0207: each site's own room, used only by jobs whose power it holds" : "decision 0182: each area's room pooled")}): placed with the whole actual year known, at any site with room in an area tied to the job's home (the ties' capacity unchecked), the jobs' {bound.JobEnergyMwh:N0} MWh (IT) could not have cost less than {bound.Value * scale:N0} {unit}, split and paused freely within their windows ({bound.UnplacedMwh:N0} MWh found no room; {bound.Arcs:N0} arcs, {bound.Elapsed.TotalSeconds:N1} s); run at release at home they cost {bound.AtReleaseValue * scale:N0} {unit}."),
        };
        if (result.PooledBound is { } pooled)
        {
            lines.Add(string.Create(s_inv, $"  With each area's room pooled over its sites and jobs split and paused freely (decision 0182) the bound is {pooled.Value * scale:N0} {unit} ({pooled.UnplacedMwh:N0} MWh found no room; {pooled.Elapsed.TotalSeconds:N1} s){(bound.WholeRun is null ? string.Empty : $"; the whole-run bound is {(bound.Value - pooled.Value) * scale:N0} {unit} ({(bound.Value - pooled.Value) / pooled.Value:P2}) above it")}; against it: ")
                + string.Join("; ", Rows(result, pooled).Select(r => string.Create(s_inv, $"{r.Policy} {r.ShareOfSaving:P1} of the saving, {r.Left:P2} left"))) + ".");
        }

        lines.Add("  The bound's job IT energy by area, MWh: " + string.Join(", ", result.World.AreaCodes.Select((a, i) => string.Create(s_inv, $"{a} {bound.AreaItMwh[i]:N0}"))) + ".");
        foreach (var p in result.Policies.Where(p => p.JobPieces.Count > 0 && PolicyFactory.Create(p.Policy).HonoursLimits))
        {
            var byArea = new double[result.World.AreaCodes.Count];
            foreach (var piece in p.JobPieces)
            {
                byArea[result.World.SiteArea[piece.Site]] += result.Workload.Jobs.PowerMw[piece.Job] * (piece.To - piece.From) * result.World.StepHours;
            }

            lines.Add($"  {PolicyFactory.Name(p.Policy)}'s job IT energy by area, MWh: " + string.Join(", ", result.World.AreaCodes.Select((a, i) => string.Create(s_inv, $"{a} {byArea[i]:N0}"))) + ".");
        }

        foreach (var r in Rows(result))
        {
            lines.Add(string.Create(s_inv, $"  {r.Policy}: its jobs {r.JobValue * scale:N0} {unit}" + $", {r.ShareOfSaving:P1} of the saving the bound allows against running them at release at home" + $"; placing its jobs at the bound would save at most {r.Left:P2} of its total {r.Total * scale:N0} {unit}."));
        }

        if (Rows(result).FirstOrDefault(r => r.Policy == PolicyFactory.Name(PolicyKind.WattBit)) is { } greedy)
        {
            // Issue 17's 3 %: the jobs at the greedy's jobs less 3 % of the greedy's total, its inference and batteries unchanged.
            var needed = greedy.JobValue - (Target * greedy.Total);
            var best = (greedy.JobValue - bound.Value) / greedy.Total;
            var verdict = bound.Value > needed
                ? string.Create(s_inv, $"above it: no placement of these jobs within their windows, even with the whole actual year known, beats {greedy.Policy} by {Target:P0} at equal service; the best possible is at most {best:P2} below its total.")
                : string.Create(s_inv, $"{(needed - bound.Value) * scale:N0} {unit} below it: the bound does not rule {Target:P0} out (it allows at most {best:P2} below the total of {greedy.Policy}).");
            lines.Add(string.Create(s_inv, $"  {Target:P0} below {greedy.Policy}'s total (its inference and batteries unchanged) needs the jobs at {needed * scale:N0} {unit} or less; the bound is {bound.Value * scale:N0} {unit}, ") + verdict);
        }

        return lines;
    }

    // Decision 0229: the day flows summed over the year against the greedy's and the planner's days from the same states.
    private static List<string> DayFlowLines(SimulationResult result)
    {
        var lines = new List<string>();
        foreach (var p in result.Policies)
        {
            if (p.DayFlow is not { Count: > 0 } days)
            {
                continue;
            }

            var cost = result.Scenario.Objective == SimulationObjective.Cost;
            var unit = cost ? "M JPY" : "tCO2";
            var scale = cost ? 1e-6 : 1;
            var flow = days.Sum(d => d.Flow);
            var greedy = days.Sum(d => d.Greedy);
            var planner = days.Sum(d => d.Planner);
            var gainDays = days.Count(d => d.Greedy - d.Flow > 0.01 * d.Greedy);
            lines.Add(string.Create(s_inv, $"Day flow (decision 0229), {PolicyFactory.Name(p.Policy)}: each of {days.Count:N0} days' {days.Sum(d => d.Jobs):N0} jobs on the forecast planned on at midnight, into the planned room earlier days left, jobs split and paused freely and room pooled per (area, PUE): {flow * scale:N0} {unit} in all ({days.Sum(d => d.FlowUnplacedMwh):N0} MWh found no room in their windows); from the same states the greedy's search and order place them for {greedy * scale:N0} {unit} ({(greedy - flow) / greedy:P2} above the flow; {days.Sum(d => d.GreedyUnserved):N0} unserved), the planner's for {planner * scale:N0} {unit} ({(planner - flow) / planner:P2} above; {days.Sum(d => d.PlannerUnserved):N0} unserved); {gainDays:N0} days leave more than 1 % to the flow. Room aside, each job at its cheapest whole run would cost {days.Sum(d => d.WholeNoRoom) * scale:N0} {unit}, in its cheapest steps {days.Sum(d => d.PiecesNoRoom) * scale:N0} {unit}."));
        }

        return lines;
    }

    /// <summary>bound.csv: the bound (per site or whole-run) and one line per policy, then the pooled bound and one line per policy against it.</summary>
    /// <param name="result">The simulation result.</param>
    public static IEnumerable<string> Csv(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Bound is not { } bound)
        {
            yield break;
        }

        var unit = bound.Objective == SimulationObjective.Cost ? "jpy" : "t";
        yield return $"row,jobs_{unit},total_{unit},share_of_bound_saving,left_share_of_total";
        yield return string.Join(',', "bound", SimulationReport.Rounded(bound.Value), string.Empty, "1", string.Empty);
        yield return string.Join(',', "at-release-at-home", SimulationReport.Rounded(bound.AtReleaseValue), string.Empty, "0", string.Empty);
        foreach (var r in Rows(result))
        {
            yield return string.Join(',', r.Policy, SimulationReport.Rounded(r.JobValue), SimulationReport.Rounded(r.Total),
                SimulationReport.Rounded(r.ShareOfSaving), SimulationReport.Rounded(r.Left));
        }

        // The pooled bound of decision 0182 and each policy's share against it.
        if (result.PooledBound is { } pooled)
        {
            yield return string.Join(',', "bound-pooled", SimulationReport.Rounded(pooled.Value), string.Empty, string.Empty, string.Empty);
            foreach (var r in Rows(result, pooled))
            {
                yield return string.Join(',', r.Policy + "-vs-pooled", SimulationReport.Rounded(r.JobValue), SimulationReport.Rounded(r.Total),
                    SimulationReport.Rounded(r.ShareOfSaving), SimulationReport.Rounded(r.Left));
            }
        }
    }
}
