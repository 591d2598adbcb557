using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Shifting;

/// <summary>Where and when one job runs.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Location">The location it runs at.</param>
/// <param name="Runs">The time windows it runs in, in time order (one for a job run in one piece).</param>
/// <param name="Score">Its total of signal x energy: gCO2 for a carbon signal, JPY for a price signal.</param>
/// <param name="BaselineLocation">Where the baseline runs it (its first allowed location).</param>
/// <param name="BaselineScore">Its score in the baseline: at its release, at <paramref name="BaselineLocation"/>, in one piece.</param>
public sealed record Placement(string JobId, string Location, IReadOnlyList<TimeWindow> Runs, double Score, string BaselineLocation, double BaselineScore);

/// <summary>A job that could not be placed, and why.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Reason">Why it could not be placed, as a sentence.</param>
public sealed record UnplacedJob(string JobId, string Reason);

/// <summary>Totals of a set of placements.</summary>
/// <param name="Energy">The energy of the placed jobs.</param>
/// <param name="Score">The signal-weighted total: gCO2 for carbon, JPY for price.</param>
/// <param name="Jobs">How many jobs the totals cover.</param>
public sealed record ShiftTotals(Energy Energy, double Score, int Jobs);

/// <summary>How well the solver's answer is known to be optimal.</summary>
public enum OptimalityStatus
{
    /// <summary>The placement is the proven optimum.</summary>
    ProvenOptimal,

    /// <summary>A feasible placement was found but not proven optimal (time limit); see the gap.</summary>
    Feasible,
}

/// <summary>The outcome of a shift: placements, jobs that could not be placed, totals and how optimal it is.</summary>
/// <param name="Objective">What was minimised.</param>
/// <param name="Placements">One entry per placed job, in input order.</param>
/// <param name="Unplaced">Jobs that could not be placed, with the reason, in input order.</param>
/// <param name="Baseline">Totals when every job runs at its release at its first location (over the placed jobs, so the comparison is like for like).</param>
/// <param name="Shifted">Totals of the placements.</param>
/// <param name="Status">Whether the placement is proven optimal.</param>
/// <param name="Gap">Relative gap between the placement and the best known bound (0 when proven optimal).</param>
/// <param name="Method">How the placement was found (for example "independent exact", "MIP (HiGHS)").</param>
public sealed record ShiftResult(
    ShiftObjective Objective,
    IReadOnlyList<Placement> Placements,
    IReadOnlyList<UnplacedJob> Unplaced,
    ShiftTotals Baseline,
    ShiftTotals Shifted,
    OptimalityStatus Status,
    double Gap,
    string Method)
{
    /// <summary>The baseline's emissions (for a carbon objective).</summary>
    public Emissions BaselineEmissions => Emissions.FromGrams(Baseline.Score);

    /// <summary>The shifted emissions (for a carbon objective).</summary>
    public Emissions ShiftedEmissions => Emissions.FromGrams(Shifted.Score);

    /// <summary>Relative saving of the shifted placement against the baseline (0.25 = 25 % less).</summary>
    public double Saving => Baseline.Score == 0 ? 0 : 1 - (Shifted.Score / Baseline.Score);
}

/// <summary>Conversions of shift results to the interchange formats.</summary>
public static class ShiftResultExtensions
{
    /// <summary>The schedule rows of a set of placements (formats.md §6), one per run, in placement order.</summary>
    public static IEnumerable<WattBit.Formats.ScheduleRow> ToScheduleRows(this IEnumerable<Placement> placements)
    {
        ArgumentNullException.ThrowIfNull(placements);
        foreach (var p in placements)
        {
            foreach (var run in p.Runs)
            {
                yield return new WattBit.Formats.ScheduleRow(p.JobId, p.Location, run.Start, run.End);
            }
        }
    }
}
