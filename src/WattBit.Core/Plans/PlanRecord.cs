using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Plans;

/// <summary>
/// A day-ahead plan in the simple, serialisable form that is stored and exchanged: per-site hourly power caps and the
/// placement of every job. The planner may hold a richer model; this is what it persists and what dispatch reads.
/// Immutable and thread-safe.
/// </summary>
public sealed record PlanRecord
{
    /// <summary>Creates a plan record.</summary>
    /// <param name="id">The plan identifier (non-empty, for example "2025-07-01/TK").</param>
    /// <param name="createdAt">When the plan was made (from the injected clock).</param>
    /// <param name="horizon">The window the plan covers.</param>
    /// <param name="caps">One entry per site: its hourly grid-draw caps.</param>
    /// <param name="placements">Where and when each job runs (several entries for an interrupted job).</param>
    /// <param name="note">Optional free text (objective, solver, warnings).</param>
    /// <exception cref="ArgumentException">The id is empty, or two cap entries name the same site.</exception>
    public PlanRecord(string id, DateTimeOffset createdAt, TimeWindow horizon, IReadOnlyList<SiteHourlyCaps> caps,
        IReadOnlyList<JobPlacement> placements, string? note = null)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("A plan id must not be empty.", nameof(id));
        }

        ArgumentNullException.ThrowIfNull(caps);
        ArgumentNullException.ThrowIfNull(placements);
        var seen = new HashSet<SiteId>();
        foreach (var c in caps)
        {
            if (!seen.Add(c.Site))
            {
                throw new ArgumentException($"plan '{id}': site '{c.Site}' has more than one cap entry.", nameof(caps));
            }
        }

        Id = id;
        CreatedAt = createdAt;
        Horizon = horizon;
        Caps = caps;
        Placements = placements;
        Note = note;
    }

    /// <summary>The plan identifier.</summary>
    public string Id { get; }

    /// <summary>When the plan was made.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The window the plan covers.</summary>
    public TimeWindow Horizon { get; }

    /// <summary>Per-site hourly caps on grid draw.</summary>
    public IReadOnlyList<SiteHourlyCaps> Caps { get; }

    /// <summary>Job placements, in no particular order.</summary>
    public IReadOnlyList<JobPlacement> Placements { get; }

    /// <summary>Optional free text.</summary>
    public string? Note { get; }
}

/// <summary>
/// The hourly caps on one site's grid draw: cap <c>i</c> holds over [Start + i h, Start + (i+1) h). Immutable.
/// </summary>
/// <param name="Site">The site.</param>
/// <param name="Start">The start of the first hour.</param>
/// <param name="Hourly">One cap per hour.</param>
public sealed record SiteHourlyCaps(SiteId Site, DateTimeOffset Start, IReadOnlyList<Power> Hourly)
{
    /// <summary>The window the caps cover.</summary>
    public TimeWindow Window => TimeWindow.FromDuration(Start, TimeSpan.FromHours(Hourly.Count));
}

/// <summary>One piece of a job's run: the job runs at <see cref="Location"/> over [<see cref="Start"/>, <see cref="End"/>). Immutable.</summary>
/// <param name="JobId">The job's id.</param>
/// <param name="Location">The site (or location name) it runs at.</param>
/// <param name="Start">When this piece starts.</param>
/// <param name="End">When this piece ends (exclusive).</param>
public readonly record struct JobPlacement(string JobId, string Location, DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>The window of this piece.</summary>
    public TimeWindow Window => new(Start, End);
}
