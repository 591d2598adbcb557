using WattBit.Planning.Model;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Planning.Planner;

/// <summary>
/// One site's hourly schedule (all series in MW except <see cref="BatterySocMwh"/>): the connection limit the plan
/// respects (risk-adjusted), the power cap handed to the site (the planned grid draw, a virtual capacity curve), IT
/// load, battery charge and discharge at the grid side, on-site generation used, and state of charge at the end of
/// each step.
/// </summary>
/// <param name="Site">The site.</param>
/// <param name="LimitMw">Connection limit used by the plan.</param>
/// <param name="CapMw">Power cap: planned grid draw.</param>
/// <param name="ItLoadMw">IT load (base, inference and jobs).</param>
/// <param name="ChargeMw">Battery charging power.</param>
/// <param name="DischargeMw">Battery discharging power.</param>
/// <param name="GenerationUsedMw">On-site generation used.</param>
/// <param name="BatterySocMwh">Stored energy at the end of each step (zeros without a battery).</param>
public sealed record SiteSchedule(SiteId Site, TimeSeries LimitMw, TimeSeries CapMw, TimeSeries ItLoadMw, TimeSeries ChargeMw,
    TimeSeries DischargeMw, TimeSeries GenerationUsedMw, TimeSeries BatterySocMwh)
{
    /// <summary>
    /// Output of the site's dispatchable generator the plan runs (MW; the optimiser runs it for economics only when the
    /// operator allows it beyond emergencies, decision 0148), or null when the site has no generator.
    /// </summary>
    public TimeSeries? GeneratorMw { get; init; }
}

/// <summary>Where and when one job runs.</summary>
/// <param name="JobId">Job id.</param>
/// <param name="Kind">Job kind.</param>
/// <param name="Owner">Operator.</param>
/// <param name="Site">Site it runs at (its first run's site when it moves between runs), or null when it does not run in this horizon.</param>
/// <param name="Start">Start of its first run, or null.</param>
/// <param name="Runs">Runs as half-open windows (several when it pauses).</param>
/// <param name="Energy">IT energy planned.</param>
/// <param name="Late">IT energy run after the deadline.</param>
/// <param name="Unserved">IT energy due within the horizon but not planned.</param>
/// <param name="Reason">Why it runs where it does, in a few words.</param>
public sealed record PlannedJob(string JobId, WorkloadKind Kind, string Owner, SiteId? Site, DateTimeOffset? Start,
    IReadOnlyList<TimeWindow> Runs, Energy Energy, Energy Late, Energy Unserved, string Reason)
{
    /// <summary>
    /// The site of each run, parallel to <see cref="Runs"/>, for an interruptible job the plan moves between sites
    /// (checkpoint, transfer its state, resume); empty when every run is at <see cref="Site"/>.
    /// </summary>
    public IReadOnlyList<SiteId> RunSites { get; init; } = [];

    /// <summary>Whether the job runs at more than one site in this plan.</summary>
    public bool Moves => RunSites.Count > 0;

    /// <summary>The site of run <paramref name="run"/> (an index into <see cref="Runs"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such run.</exception>
    public SiteId SiteOf(int run)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(run);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(run, Runs.Count);
        return RunSites.Count > 0 ? RunSites[run] : Site!.Value;
    }

    /// <summary>
    /// The runs as the job does its work at its full <paramref name="power"/>: the plan's steps are whole hours, and a job
    /// whose run time is not a whole number of hours needs only part of its last step, so the last run ends when the
    /// planned <see cref="Energy"/> is done (a 30-min job planned in the step from 05:00 runs 05:00-05:30). Parallel to
    /// <see cref="Runs"/>; the same runs when they are all needed or the job draws no power. What the server stores and
    /// <c>wattbit plan</c> writes.
    /// </summary>
    public IReadOnlyList<TimeWindow> WorkRuns(Power power)
    {
        if (power.Megawatts <= 0)
        {
            return Runs;
        }

        var planned = Runs.Sum(r => r.Duration.TotalHours);
        var needed = Energy.MegawattHours / power.Megawatts;
        var spare = TimeSpan.FromSeconds(Math.Round((planned - needed) * 3600));
        if (Runs.Count == 0 || spare <= TimeSpan.Zero)
        {
            return Runs;
        }

        var last = Runs[^1];
        var end = last.End - spare > last.Start ? last.End - spare : last.Start + TimeSpan.FromSeconds(1);
        return [.. Runs.Take(Runs.Count - 1), new TimeWindow(last.Start, end)];
    }
}

/// <summary>Replicas of an inference service at one site, per step.</summary>
/// <param name="ServiceId">Service id.</param>
/// <param name="Site">Site.</param>
/// <param name="Replicas">Replica count per step (whole numbers).</param>
public sealed record InferencePlacement(string ServiceId, SiteId Site, TimeSeries Replicas);

/// <summary>Totals of a plan, and how close it is to the best bound known.</summary>
/// <param name="EnergyCost">Cost of grid energy.</param>
/// <param name="Emissions">Emissions of grid energy.</param>
/// <param name="GridEnergy">Energy drawn from the grid.</param>
/// <param name="SurplusAbsorbed">Curtailed renewable energy absorbed: per area and hour, the smaller of the sites' grid draw and the surplus.</param>
/// <param name="LateWork">Job energy run after deadlines.</param>
/// <param name="UnservedWork">Job energy due but not planned.</param>
/// <param name="UnservedInference">Inference demand not served, as replica energy it would have needed.</param>
/// <param name="Objective">Energy cost + carbon price x emissions + penalties + battery wear.</param>
/// <param name="BestBound">Best lower bound on the objective known (LP relaxation), or null.</param>
/// <param name="Gap">(objective - bound) / objective, or null without a bound.</param>
/// <param name="Elapsed">Planning time.</param>
/// <param name="Status">Solver status and method, in words.</param>
public sealed record PlanSummary(Money EnergyCost, Emissions Emissions, Energy GridEnergy, Energy SurplusAbsorbed, Energy LateWork,
    Energy UnservedWork, Energy UnservedInference, Money Objective, Money? BestBound, double? Gap, TimeSpan Elapsed, string Status)
{
    /// <summary>Energy the sites' dispatchable generators produce in the plan (not included in <see cref="GridEnergy"/>).</summary>
    public Energy GeneratorEnergy { get; init; }

    /// <summary>Emissions of that generation (not included in <see cref="Emissions"/>, which is the grid's).</summary>
    public Emissions GeneratorEmissions { get; init; }

    /// <summary>Fuel cost of that generation (not included in <see cref="EnergyCost"/>).</summary>
    public Money GeneratorCost { get; init; }
}

/// <summary>A day-ahead plan: per-site hourly power caps and battery schedules, job placements, inference replicas.</summary>
/// <param name="Method">Which planner made it (optimiser, greedy-carbon, no-shift).</param>
/// <param name="Horizon">Planned window.</param>
/// <param name="Sites">Per-site schedules, in problem order.</param>
/// <param name="Jobs">Job placements, in problem order.</param>
/// <param name="Inference">Inference placements (sites with replicas only).</param>
/// <param name="Summary">Totals.</param>
/// <param name="Notes">Anything the reader should know (fallbacks, clamped quantiles, overloads).</param>
public sealed record Plan(string Method, TimeWindow Horizon, IReadOnlyList<SiteSchedule> Sites, IReadOnlyList<PlannedJob> Jobs,
    IReadOnlyList<InferencePlacement> Inference, PlanSummary Summary, IReadOnlyList<string> Notes);

/// <summary>Makes a plan for a problem. Implementations are thread-safe and keep no state between calls.</summary>
public interface IPlanner
{
    /// <summary>Short name of the method.</summary>
    string Name { get; }

    /// <summary>Plans the problem.</summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    Plan Plan(PlanningProblem problem, CancellationToken cancellationToken = default);
}
