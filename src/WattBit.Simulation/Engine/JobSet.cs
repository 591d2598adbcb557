using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The deferrable jobs of a simulation as parallel arrays (one index per job), so a million jobs fit in a few tens of
/// megabytes and policies loop over plain arrays. Each index is one Core <see cref="BatchJob"/> put on the simulation's
/// step grid: its window and run time in steps, its power, the site it is submitted at, and its <see cref="WorkloadKind"/>
/// (batch, training or backup) and whether it checkpoints (may run in pieces, <see cref="Checkpoints"/>). <see cref="Job"/> returns the Core job of an index. Steps are
/// indices of the simulation period. Read-only after generation.
/// </summary>
public sealed class JobSet
{
    /// <summary>Creates an empty set with room for <paramref name="count"/> jobs.</summary>
    /// <param name="count">Number of jobs.</param>
    public JobSet(int count)
    {
        Release = new int[count];
        Deadline = new int[count];
        Duration = new int[count];
        PowerMw = new double[count];
        Home = new int[count];
        Kind = new WorkloadKind[count];
        Checkpoints = new bool[count];
    }

    /// <summary>Number of jobs.</summary>
    public int Count => Release.Length;

    /// <summary>First step the job may run in.</summary>
    public int[] Release { get; }

    /// <summary>Step by which the job must have finished (exclusive end of its window).</summary>
    public int[] Deadline { get; }

    /// <summary>Run length in steps (≥ 1), without the overhead of a run in pieces.</summary>
    public int[] Duration { get; }

    /// <summary>IT power while running, MW.</summary>
    public double[] PowerMw { get; }

    /// <summary>Index of the site the job is submitted at.</summary>
    public int[] Home { get; }

    /// <summary>The job's kind: batch, training or backup.</summary>
    public WorkloadKind[] Kind { get; }

    /// <summary>
    /// Whether the job checkpoints: it may pause and resume, at the same site or another, and so run in several pieces
    /// within its window, each piece after the first paying <see cref="CheckpointCost"/> (the Core job's
    /// <see cref="BatchJob.Interruptible"/>). Orders stop and resume every job from where it stopped either way.
    /// </summary>
    public bool[] Checkpoints { get; }

    /// <summary>Latest start that still meets the deadline.</summary>
    /// <param name="j">Job index.</param>
    public int LatestStart(int j) => Deadline[j] - Duration[j];

    /// <summary>The Core job of index <paramref name="j"/>: its window and run time in time, its home site as its one location.</summary>
    /// <param name="j">Job index.</param>
    /// <param name="id">The job's id.</param>
    /// <param name="start">Start of the simulation period (step 0).</param>
    /// <param name="step">Length of a step.</param>
    /// <param name="siteIds">The simulation's site ids, by index.</param>
    public BatchJob Job(int j, string id, DateTimeOffset start, TimeSpan step, IReadOnlyList<string> siteIds)
    {
        ArgumentNullException.ThrowIfNull(siteIds);
        return new BatchJob(id, start + (step * Release[j]), start + (step * Deadline[j]), step * Duration[j],
            Power.FromMegawatts(PowerMw[j]), interruptible: Checkpoints[j], [siteIds[Home[j]]], Kind[j]);
    }
}
