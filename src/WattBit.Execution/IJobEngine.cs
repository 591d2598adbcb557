namespace WattBit.Execution;

/// <summary>
/// A batch job engine (Slurm today; a Kubernetes Kueue/MultiKueue adapter can implement the same contract). Every job
/// WattBit submits carries its WattBit workload id as an idempotency key, so a retried submit returns the job already
/// there instead of creating a second one. A queue is the engine's unit per site (a Slurm partition, a Kueue
/// LocalQueue/ClusterQueue). Implementations are thread-safe; every call may throw
/// <see cref="EngineCommandException"/> when the engine refuses or fails, and <see cref="OperationCanceledException"/>
/// when cancelled.
/// </summary>
public interface IJobEngine
{
    /// <summary>The engine's name, for messages (for example "slurm").</summary>
    string Name { get; }

    /// <summary>
    /// Submits a job, or returns the job already submitted under the same <see cref="JobSubmission.WorkloadId"/> (in any
    /// state the engine still remembers), so retries never duplicate work.
    /// </summary>
    /// <exception cref="EngineCommandException">The engine refused the submission.</exception>
    Task<EngineJob> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken = default);

    /// <summary>The job submitted for <paramref name="workloadId"/>, or null when the engine knows none.</summary>
    Task<EngineJob?> FindAsync(string workloadId, CancellationToken cancellationToken = default);

    /// <summary>The state of one job by its engine id.</summary>
    /// <exception cref="EngineCommandException">The engine does not know the job (any more).</exception>
    Task<EngineJob> GetAsync(string engineJobId, CancellationToken cancellationToken = default);

    /// <summary>Every WattBit job the engine remembers, optionally only those of one queue, in engine id order.</summary>
    Task<IReadOnlyList<EngineJob>> ListAsync(string? queue = null, CancellationToken cancellationToken = default);

    /// <summary>Holds a pending job: it will not start until released.</summary>
    Task HoldAsync(string engineJobId, CancellationToken cancellationToken = default);

    /// <summary>Releases a held job; it starts when its begin time has come and resources are free.</summary>
    Task ReleaseAsync(string engineJobId, CancellationToken cancellationToken = default);

    /// <summary>Suspends a running job in place (its processes stop; memory stays).</summary>
    Task SuspendAsync(string engineJobId, CancellationToken cancellationToken = default);

    /// <summary>Resumes a suspended job.</summary>
    Task ResumeAsync(string engineJobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops a running job and puts it back into the queue held (progress since its last checkpoint is lost); it
    /// restarts only after <see cref="ReleaseAsync"/>.
    /// </summary>
    Task RequeueHeldAsync(string engineJobId, CancellationToken cancellationToken = default);

    /// <summary>Moves a pending (for example requeued and held) job to another queue.</summary>
    Task MoveAsync(string engineJobId, string queue, CancellationToken cancellationToken = default);

    /// <summary>Cancels a job in any state.</summary>
    Task CancelAsync(string engineJobId, CancellationToken cancellationToken = default);
}
