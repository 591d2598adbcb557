namespace WattBit.Workloads;

/// <summary>
/// What it costs a checkpointing job (<see cref="BatchJob.Interruptible"/>) to run in several pieces: every piece after
/// the first starts by restoring the last checkpoint, at the job's full power and without progress. <see cref="Pause"/>
/// is a pause and resume at the same site (write the checkpoint, read it back), <see cref="Move"/> a resume at another
/// site (write it, send the state over the network, read it there). The defaults are stated assumptions (decision
/// 0187): 10 minutes for a pause, the planner's own default checkpoint time (<c>checkpoint_minutes: 10</c>), and 25
/// minutes for a move (that checkpoint plus about 1 TB of state at 10 Gbit/s, 13-14 minutes, plus a restart). The energy
/// of a resume is the job's power over that time, drawn in the step the piece resumes in. Immutable.
/// </summary>
/// <param name="Pause">Time lost, at full power, by each pause and resume at the same site.</param>
/// <param name="Move">Time lost, at full power, by each resume at another site.</param>
public sealed record CheckpointCost(TimeSpan Pause, TimeSpan Move)
{
    /// <summary>The stated default: 10 minutes per pause, 25 minutes per move.</summary>
    public static CheckpointCost Default { get; } = new(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(25));

    /// <summary>The time lost by a run in pieces with <paramref name="pauses"/> resumes at the same site and <paramref name="moves"/> at another.</summary>
    /// <param name="pauses">Resumes at the site of the piece before.</param>
    /// <param name="moves">Resumes at another site.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public TimeSpan Overhead(int pauses, int moves)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pauses);
        ArgumentOutOfRangeException.ThrowIfNegative(moves);
        return (Pause * pauses) + (Move * moves);
    }

    /// <summary>The time lost by one resume: <see cref="Move"/> when it is at another site, else <see cref="Pause"/>.</summary>
    /// <param name="moved">Whether the job resumes at another site.</param>
    public TimeSpan Resume(bool moved) => moved ? Move : Pause;
}
