using WattBit.Time;
using WattBit.Workloads;

namespace WattBit.Data.Storage;

/// <summary>Batch workloads (jobs) with versions for optimistic concurrency (part of <see cref="IWattBitStore"/>).</summary>
public interface IWorkloadStore
{
    /// <summary>Gets a job with its version, or null.</summary>
    Task<Versioned<BatchJob>?> GetJobAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists the jobs whose window [release, deadline) overlaps <paramref name="window"/> (all jobs when null), ordered by release then id.</summary>
    Task<IReadOnlyList<Versioned<BatchJob>>> ListJobsAsync(TimeWindow? window = null, CancellationToken cancellationToken = default);

    /// <summary>Creates (<paramref name="expectedVersion"/> = 0) or replaces a job; returns the new version.</summary>
    /// <exception cref="StoreConcurrencyException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    Task<long> SaveJobAsync(BatchJob job, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Bulk upsert of jobs (a trace import), in one transaction, last writer wins: new jobs get version 1, changed
    /// jobs get their version + 1, identical jobs keep their version. Returns how many were created or changed.
    /// </summary>
    /// <exception cref="ArgumentException">Two jobs in the batch have the same id.</exception>
    Task<int> UpsertJobsAsync(IReadOnlyList<BatchJob> jobs, CancellationToken cancellationToken = default);

    /// <summary>Deletes a job if it is at <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="StoreConcurrencyException">The job does not exist or is at another version.</exception>
    Task DeleteJobAsync(string id, long expectedVersion, CancellationToken cancellationToken = default);
}
