namespace WattBit.Simulation.Engine;

/// <summary>The class of a deferrable job.</summary>
public enum JobClass : byte
{
    /// <summary>Batch computing (durations from the Azure trace statistics).</summary>
    Batch,

    /// <summary>AI training (1-7 days).</summary>
    Training,

    /// <summary>Backup and replication (1-4 h).</summary>
    Backup,
}

/// <summary>
/// The deferrable jobs of a simulation as parallel arrays (one index per job), so a million jobs fit in a few tens of
/// megabytes and policies loop over plain arrays. Steps are indices of the simulation period. Read-only after generation.
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
        Class = new JobClass[count];
    }

    /// <summary>Number of jobs.</summary>
    public int Count => Release.Length;

    /// <summary>First step the job may run in.</summary>
    public int[] Release { get; }

    /// <summary>Step by which the job must have finished (exclusive end of its window).</summary>
    public int[] Deadline { get; }

    /// <summary>Run length in steps (≥ 1); jobs run in one piece.</summary>
    public int[] Duration { get; }

    /// <summary>IT power while running, MW.</summary>
    public double[] PowerMw { get; }

    /// <summary>Index of the site the job is submitted at.</summary>
    public int[] Home { get; }

    /// <summary>The job's class.</summary>
    public JobClass[] Class { get; }

    /// <summary>Latest start that still meets the deadline.</summary>
    /// <param name="j">Job index.</param>
    public int LatestStart(int j) => Deadline[j] - Duration[j];
}
