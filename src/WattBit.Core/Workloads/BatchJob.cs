using WattBit.Time;
using WattBit.Units;

namespace WattBit.Workloads;

/// <summary>
/// A job that may run at any time in [<see cref="Release"/>, <see cref="Deadline"/>) for <see cref="Duration"/>, drawing
/// <see cref="Power"/> while it runs, at one of <see cref="Locations"/> (empty = anywhere). This is the workload of
/// formats.md section 6. Immutable.
/// </summary>
public sealed record BatchJob
{
    /// <summary>Creates a job, checking that it can run inside its window.</summary>
    /// <exception cref="ArgumentException">The id is empty, the deadline is not after the release, the duration is not positive or longer than the window, or the power is not positive.</exception>
    public BatchJob(string id, DateTimeOffset release, DateTimeOffset deadline, TimeSpan duration, Power power, bool interruptible,
        IReadOnlyList<string>? locations = null)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("A job id must not be empty.", nameof(id));
        }

        if (deadline <= release)
        {
            throw new ArgumentException(
                $"job '{id}': deadline {TimeWindow.Format(deadline)} is not after release {TimeWindow.Format(release)}.", nameof(deadline));
        }

        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"job '{id}': duration must be positive.", nameof(duration));
        }

        if (duration > deadline - release)
        {
            throw new ArgumentException(
                $"job '{id}': duration {duration.TotalMinutes:0.##} min is longer than its window of {(deadline - release).TotalMinutes:0.##} min.", nameof(duration));
        }

        if (power <= Power.Zero)
        {
            throw new ArgumentException($"job '{id}': power must be positive.", nameof(power));
        }

        Id = id;
        Release = release;
        Deadline = deadline;
        Duration = duration;
        Power = power;
        Interruptible = interruptible;
        Locations = locations ?? [];
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

    /// <summary>The window [Release, Deadline).</summary>
    public TimeWindow Window => new(Release, Deadline);

    /// <summary>The energy the job consumes (power x duration).</summary>
    public Energy Energy => Power * Duration;

    /// <summary>How much the job can be delayed past its release and still finish (deadline - release - duration).</summary>
    public TimeSpan Slack => Deadline - Release - Duration;
}
