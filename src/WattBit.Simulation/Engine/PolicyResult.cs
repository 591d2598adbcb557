using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>Totals of one policy over one area or the whole fleet. Energy at the grid (IT × PUE) unless named IT.</summary>
/// <param name="EnergyMwh">Energy drawn from the grid, MWh.</param>
/// <param name="CostYen">Energy cost at the area's day-ahead price, JPY.</param>
/// <param name="LifecycleTonnes">Lifecycle emissions, tCO2.</param>
/// <param name="DirectTonnes">Direct (combustion) emissions, tCO2.</param>
/// <param name="CurtailmentAbsorbedMwh">Curtailed solar and wind the DCs could absorb: per area and step, the smaller of the DCs' draw and the curtailed power, MWh.</param>
public readonly record struct AreaTotals(double EnergyMwh, double CostYen, double LifecycleTonnes, double DirectTonnes, double CurtailmentAbsorbedMwh)
{
    /// <summary>Adds two totals.</summary>
    /// <param name="a">First.</param>
    /// <param name="b">Second.</param>
    public static AreaTotals operator +(AreaTotals a, AreaTotals b) => new(a.EnergyMwh + b.EnergyMwh, a.CostYen + b.CostYen,
        a.LifecycleTonnes + b.LifecycleTonnes, a.DirectTonnes + b.DirectTonnes, a.CurtailmentAbsorbedMwh + b.CurtailmentAbsorbedMwh);
}

/// <summary>A piece of a job's work as run: the site and the steps [<see cref="From"/>, <see cref="To"/>).</summary>
/// <param name="Job">Job index.</param>
/// <param name="Site">Site index.</param>
/// <param name="From">First step.</param>
/// <param name="To">Step after the last.</param>
public readonly record struct JobPiece(int Job, int Site, int From, int To);

/// <summary>Everything measured for one policy over the period. Arrays are owned by the result; do not modify.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="Overall">Fleet totals.</param>
/// <param name="ByArea">Totals per area, in <see cref="SimulationWorld.AreaCodes"/> order.</param>
/// <param name="CurtailmentAbsorbedByMonthMwh">Curtailment absorbed per calendar month (index 0 = January), MWh.</param>
/// <param name="SiteStepsOverLimit">Site-steps whose draw exceeded the site's grid limit.</param>
/// <param name="StepsAnySiteOverLimit">Steps in which at least one site exceeded its grid limit.</param>
/// <param name="EnergyByConnectionMwh">Grid energy by connection kind (firm, provisional, flexible), MWh.</param>
/// <param name="LateJobs">Jobs that finished after their deadline.</param>
/// <param name="LateItMwh">IT energy of those jobs, MWh.</param>
/// <param name="UnservedJobs">Jobs never run.</param>
/// <param name="UnservedJobItMwh">IT energy of jobs never run, MWh.</param>
/// <param name="InferenceUnservedItMwh">Inference demand not served (SLO miss), IT MWh.</param>
/// <param name="InferenceMissSteps">Site-steps with unserved inference.</param>
/// <param name="ServedItMwh">IT energy served (jobs and inference), MWh.</param>
/// <param name="JobsMovedAway">Jobs run at a site other than their home.</param>
/// <param name="SiteEnergyMwh">Grid energy per site, MWh.</param>
/// <param name="WatchSite">Index of the site whose load is kept step by step.</param>
/// <param name="WatchStack">IT load of the watch site by class [batch, training, backup, inference][step], MW.</param>
public sealed record PolicyResult(PolicyKind Policy, AreaTotals Overall, AreaTotals[] ByArea, double[] CurtailmentAbsorbedByMonthMwh,
    long SiteStepsOverLimit, int StepsAnySiteOverLimit, double[] EnergyByConnectionMwh, int LateJobs, double LateItMwh, int UnservedJobs,
    double UnservedJobItMwh, double InferenceUnservedItMwh, long InferenceMissSteps, double ServedItMwh, int JobsMovedAway,
    double[] SiteEnergyMwh, int WatchSite, double[][] WatchStack)
{
    /// <summary>Job IT energy stopped to obey grid cuts the policy did not foresee (faults, blackouts) and not resumed, MWh; counted as not served.</summary>
    public double CurtailedJobItMwh { get; init; }

    /// <summary>Times a job stopped by a curtailment order resumed its remaining work later (at the same site after the order or elsewhere).</summary>
    public int JobsResumed { get; init; }

    /// <summary>Jobs stopped by a curtailment order whose remaining work found no room before the deadline and the 48 h after it (lost).</summary>
    public int JobsLostToOrders { get; init; }

    /// <summary>Site-steps under an unplanned cut (a curtailment order) in which the site stayed within its limit.</summary>
    public long OrderStepsMet { get; init; }

    /// <summary>Site-steps under an unplanned cut in which the site exceeded its limit (order missed).</summary>
    public long OrderStepsMissed { get; init; }

    /// <summary>Energy the WattBit policies' batteries took from the grid, MWh (0 for the other policies, whose batteries stay idle).</summary>
    public double BatteryChargedMwh { get; init; }

    /// <summary>What each battery did (sites with one, in scenario order); empty when the policy leaves them idle or the fleet has none.</summary>
    public IReadOnlyList<BatteryUse> BatteryUses { get; init; } = [];

    /// <summary>Battery LPs solved over the period (site-days on which some round trip could pay).</summary>
    public long BatterySolves { get; init; }

    /// <summary>
    /// The same policy on the same year and workload with every battery idle (decision 0179), for the batteries' measured
    /// effect; null when the fleet has no battery or the policy does not use them.
    /// </summary>
    public PolicyResult? WithoutBatteries { get; init; }

    /// <summary>Energy the batteries delivered to their sites, MWh.</summary>
    public double BatteryDischargedMwh { get; init; }

    /// <summary>Change of the energy stored in all batteries over the period, MWh (charged × charge efficiency − delivered ÷ discharge efficiency).</summary>
    public double BatteryEnergyChangeMwh { get; init; }

    /// <summary>Equivalent full cycles: energy delivered over the fleet's usable battery energy ((max − min SoC) × capacity).</summary>
    public double BatteryCycles { get; init; }

    /// <summary>
    /// What the batteries' grid energy emitted: energy charged less energy delivered at each step, times the actual
    /// lifecycle intensity of its area then, tCO2; negative when they saved (judged on what happened, not the forecast).
    /// </summary>
    public double BatteryLifecycleTonnes { get; init; }

    /// <summary>What the batteries' grid energy cost at the actual day-ahead prices, JPY; negative when they saved.</summary>
    public double BatteryCostYen { get; init; }

    /// <summary>Batteries in the fleet.</summary>
    public int Batteries { get; init; }

    /// <summary>
    /// Batteries that delivered no energy over the period: no day's round trip paid on the forecast and no curtailment
    /// order needed them (all of them for the policies that do not use batteries).
    /// </summary>
    public int BatteriesIdle { get; init; }

    /// <summary>Curtailment orders (a site's load over its actual room at the start of a cut) the planner's dispatcher met with its own actions (wattbit-planner only).</summary>
    public int OrdersDispatched { get; init; }

    /// <summary>Curtailment orders the dispatcher's fallback decided, or that the engine's most-slack-first stops had to finish (wattbit-planner only).</summary>
    public int OrdersToFallback { get; init; }

    /// <summary>Jobs the dispatcher moved to another site of the area on an order, continuing there at the next step.</summary>
    public int JobsMovedOnOrders { get; init; }

    /// <summary>
    /// IT load each site ran at each step [site][step], MW (jobs and the inference it served): the run's own output, from
    /// which the served energy and the totals can be recomputed.
    /// </summary>
    public float[][] SiteItMw { get; init; } = [];

    /// <summary>
    /// Grid draw of each site at each step after its battery [site][step], MW: IT load × PUE plus what the battery took,
    /// less what it delivered. Compare with <see cref="SimulationWorld.LimitMw"/> for the limits held.
    /// </summary>
    public float[][] SiteGridMw { get; init; } = [];

    /// <summary>
    /// Every piece of job work as it ran (site and steps; a job stopped by an order and resumed has several): the run's
    /// own output, from which the per-site job load and the load moved between areas can be recomputed.
    /// </summary>
    public IReadOnlyList<JobPiece> JobPieces { get; init; } = [];

    /// <summary>
    /// Job load moved between areas on each tie lane of <see cref="SimulationWorld.Ties"/> [lane][step], MW at the grid
    /// (lane 2c runs from corridor c's first area to its second, 2c + 1 back); empty without ties.
    /// </summary>
    public float[][] TieFlowMw { get; init; } = [];

    /// <summary>Wall time of this policy's run (planning and stepping), as measured by the injected time provider.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Planner-driven policy only: jobs that ran exactly where and when the last plan that placed them put them (not stopped or moved by a curtailment order).</summary>
    public int JobsAsPlanned { get; init; }

    /// <summary>
    /// Jobs handed back at least once to be placed again (a policy that re-plans committed, not-started work; decisions
    /// 0232, 0233); 0 for the others.
    /// </summary>
    public int JobsReplanned { get; init; }

    /// <summary>Of <see cref="JobsReplanned"/>, the jobs that some re-plan placed other than they were (site, steps or pieces, or not at all).</summary>
    public int JobsReplacedElsewhere { get; init; }

    /// <summary>Hand-backs over the period, all counted (a job not started for two days may be handed back at each plan).</summary>
    public int Replacements { get; init; }

    /// <summary>Plans made at a price publication (decision 0233), beside each midnight's; 0 when the policy makes none.</summary>
    public int PublicationPlans { get; init; }

    /// <summary>Jobs the policy placed in more than one piece (checkpointing jobs paused or moved within their window).</summary>
    public int JobsInPieces { get; init; }

    /// <summary>Pieces of those jobs, all counted.</summary>
    public int PiecesPlanned { get; init; }

    /// <summary>
    /// IT energy of the checkpoint overhead of the runs in pieces, MWh: the steps they take beyond the jobs' run times
    /// (<see cref="WattBit.Workloads.CheckpointCost"/>, rounded up to whole steps). Served energy exceeds the workload's by it.
    /// </summary>
    public double CheckpointOverheadItMwh { get; init; }

    /// <summary>Planner-driven policy only: wall time spent planning, summed over its daily runs.</summary>
    public TimeSpan PlanningTime { get; init; }

    /// <summary>
    /// Planner-driven policy under <c>bound: day-flow</c> only (decision 0229): each planned day's flow bound beside the
    /// greedy's and the planner's placements of that day from the same state, on the forecast planned on; else null.
    /// </summary>
    public IReadOnlyList<DayFlowDay>? DayFlow { get; init; }
}
