using WattBit.Signals;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Planning.Shifting;

/// <summary>What to shift, against which signal, and under which limits.</summary>
/// <param name="Jobs">The jobs, each with its window, duration, power and allowed locations (empty = any signal location).</param>
/// <param name="Signal">Carbon intensity (gCO2/kWh) or price (JPY/kWh) per location; must cover every job's window.</param>
/// <param name="Objective">What the signal means and what is minimised.</param>
public sealed record ShiftRequest(IReadOnlyList<BatchJob> Jobs, SignalSet Signal, ShiftObjective Objective)
{
    /// <summary>
    /// Optional limit on the total power drawn at a location, enforced on the average over each signal step (the way
    /// Japanese demand contracts meter 30-minute demand); a job whose own power is above a location's limit never runs
    /// there. Locations not listed are unlimited. With any limit set the jobs
    /// are placed jointly by a MIP.
    /// </summary>
    public IReadOnlyDictionary<string, Power> Capacity { get; init; } = new Dictionary<string, Power>();

    /// <summary>Time limit for the joint MIP (default 60 s); when it runs out the best placement found is returned with its gap.</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Optional deterministic limit for each of the joint MIP's two phases (most energy served, then least score): the
    /// branch-and-bound nodes each phase may explore. Unlike <see cref="TimeLimit"/> it does not depend on how fast or
    /// busy the machine is, so the same request gives the same placement on every run; <see cref="TimeLimit"/> stays a
    /// backstop. Null (the default) sets no node limit.
    /// </summary>
    public long? NodeLimit { get; init; }

    /// <summary>
    /// The OR-Tools MIP backend for the joint placement: "SCIP" (default) or "HIGHS". SCIP is the default because
    /// OR-Tools 9.15 returns no incumbent and no bound from HiGHS when the time limit stops it (see
    /// docs/decisions/0002-shift-mip-solver.md); HiGHS is fine for instances it proves within the limit.
    /// </summary>
    public string Solver { get; init; } = "SCIP";
}
