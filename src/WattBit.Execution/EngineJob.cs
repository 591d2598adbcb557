namespace WattBit.Execution;

/// <summary>A job to submit to an engine.</summary>
/// <param name="WorkloadId">The WattBit workload id; the idempotency key (no control characters).</param>
/// <param name="Queue">The queue (Slurm partition) of the site it runs at.</param>
/// <param name="Command">The shell command the job runs (for example <c>sleep 30</c>).</param>
/// <param name="BeginAt">The earliest start (the planned time); null = as soon as possible. Engines with whole-second resolution round up, so the job never starts before it.</param>
/// <param name="TimeLimit">The engine's wall-clock limit; null = the queue's default. Rounded up to whole minutes.</param>
/// <param name="Cpus">CPUs per job; default 1.</param>
public sealed record JobSubmission(string WorkloadId, string Queue, string Command, DateTimeOffset? BeginAt = null, TimeSpan? TimeLimit = null,
    int Cpus = 1);

/// <summary>Where a job is in its life.</summary>
public enum EngineJobState
{
    /// <summary>Waiting: for its begin time, for resources, or held.</summary>
    Pending,

    /// <summary>Running (including starting up and completing).</summary>
    Running,

    /// <summary>Suspended in place; it resumes where it stopped.</summary>
    Suspended,

    /// <summary>Finished with exit code 0.</summary>
    Completed,

    /// <summary>Finished otherwise: non-zero exit, time limit, node failure, out of memory.</summary>
    Failed,

    /// <summary>Cancelled.</summary>
    Cancelled,
}

/// <summary>A job as the engine reports it. Times are whole seconds (Slurm's resolution), in UTC.</summary>
/// <param name="EngineJobId">The engine's id (a Slurm job id).</param>
/// <param name="WorkloadId">The WattBit workload id it was submitted for.</param>
/// <param name="Queue">Its queue (Slurm partition).</param>
/// <param name="State">Its state.</param>
/// <param name="Held">True when it is held (it will not start until released).</param>
/// <param name="Reason">The engine's reason for its state (for example Slurm's <c>BeginTime</c>, <c>JobHeldAdmin</c>); null when none.</param>
/// <param name="SubmittedAt">When it was submitted.</param>
/// <param name="StartedAt">When it started (its latest start after a requeue); null while pending.</param>
/// <param name="EndedAt">When it ended; null until it is completed, failed or cancelled.</param>
/// <param name="ExpectedStartAt">For a pending job, the engine's expected start (its begin time or backfill estimate); null when unknown.</param>
public sealed record EngineJob(string EngineJobId, string WorkloadId, string Queue, EngineJobState State, bool Held, string? Reason,
    DateTimeOffset SubmittedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? ExpectedStartAt)
{
    /// <summary>True once the job has completed, failed or been cancelled.</summary>
    public bool IsFinished => State is EngineJobState.Completed or EngineJobState.Failed or EngineJobState.Cancelled;
}
