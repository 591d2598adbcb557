using WattBit.Formats;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Workloads;

/// <summary>
/// A deferrable job — the one job type of WattBit: it may run at any time in [<see cref="Release"/>,
/// <see cref="Deadline"/>) for <see cref="Duration"/>, drawing <see cref="Power"/> while it runs, at one of
/// <see cref="Locations"/> (empty = anywhere); its <see cref="Kind"/> is batch, training or backup. This is the workload of
/// formats.md section 6, what the server stores for an operator, and what the planner places (its
/// <c>DeferrableJob</c> adds the owner and the planner's facts: GPUs, home site, state to move). The simulator holds
/// its generated jobs in steps as a <c>JobSet</c>; the cluster and the job engines carry only what they need of a job
/// on their wire (a submission with its id). Immutable.
/// </summary>
public sealed record BatchJob
{
    /// <summary>Creates a job, checking that it can run inside its window.</summary>
    /// <param name="id">The job identifier.</param>
    /// <param name="release">The earliest start.</param>
    /// <param name="deadline">The time by which it must have finished.</param>
    /// <param name="duration">How long it runs in total.</param>
    /// <param name="power">The power drawn while running.</param>
    /// <param name="interruptible">Whether it may pause and resume.</param>
    /// <param name="locations">Where it may run (site ids or area codes); empty or null = anywhere.</param>
    /// <param name="kind">Batch (the default), training or backup.</param>
    /// <exception cref="ModelValidationException">The id is empty, the deadline is not after the release, the duration is
    /// not positive or longer than the window, the power is not positive, or the kind is inference (a service, not a
    /// job); <see cref="ModelValidationException.Field"/> names the field (id, deadline, duration, power, kind).</exception>
    public BatchJob(string id, DateTimeOffset release, DateTimeOffset deadline, TimeSpan duration, Power power, bool interruptible,
        IReadOnlyList<string>? locations = null, WorkloadKind kind = WorkloadKind.Batch)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ModelValidationException("id", "A job id must not be empty.");
        }

        if (deadline <= release)
        {
            throw new ModelValidationException(id, "deadline",
                $"job '{id}': deadline {TimeWindow.Format(deadline)} is not after release {TimeWindow.Format(release)}.");
        }

        if (duration <= TimeSpan.Zero)
        {
            throw new ModelValidationException(id, "duration", $"job '{id}': duration must be positive.");
        }

        if (duration > deadline - release)
        {
            throw new ModelValidationException(id, "duration",
                $"job '{id}': duration {duration.TotalMinutes:0.##} min ({duration.TotalHours:0.##} h) is longer than its window release..deadline of {(deadline - release).TotalMinutes:0.##} min ({(deadline - release).TotalHours:0.##} h).");
        }

        if (power <= Power.Zero)
        {
            throw new ModelValidationException(id, "power", $"job '{id}': power must be positive (got {power.Kilowatts} kW).");
        }

        if (!Enum.IsDefined(kind) || kind == WorkloadKind.Inference)
        {
            throw new ModelValidationException(id, "kind", $"job '{id}': a job is batch, training or backup work (got {kind}); inference is a service.");
        }

        Id = id;
        Release = release;
        Deadline = deadline;
        Duration = duration;
        Power = power;
        Interruptible = interruptible;
        Locations = locations ?? [];
        Kind = kind;
    }

    /// <summary>The job identifier.</summary>
    public string Id { get; }

    /// <summary>The earliest start.</summary>
    public DateTimeOffset Release { get; }

    /// <summary>The time by which the job must have finished.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>How long the job runs in total.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The power drawn while running.</summary>
    public Power Power { get; }

    /// <summary>True when the job may be paused and resumed (run in several pieces).</summary>
    public bool Interruptible { get; }

    /// <summary>Where the job may run; empty means any location.</summary>
    public IReadOnlyList<string> Locations { get; }

    /// <summary>Batch, training or backup work.</summary>
    public WorkloadKind Kind { get; }

    /// <summary>The window [Release, Deadline).</summary>
    public TimeWindow Window => new(Release, Deadline);

    /// <summary>The energy the job consumes (power x duration).</summary>
    public Energy Energy => Power * Duration;

    /// <summary>How much the job can be delayed past its release and still finish (deadline - release - duration).</summary>
    public TimeSpan Slack => Deadline - Release - Duration;
}
