using WattBit.Formats;

namespace WattBit.Execution;

/// <summary>What a reconcile pass did to one job.</summary>
/// <param name="EngineJobId">The engine's job id.</param>
/// <param name="WorkloadId">The workload id.</param>
/// <param name="Suspended">True when it was suspended (outside its runs); false when resumed (inside one).</param>
public sealed record ReconcileAction(string EngineJobId, string WorkloadId, bool Suspended);

/// <summary>
/// Enforces the pauses of jobs planned in several runs (the shifter splits interruptible jobs): call
/// <see cref="ReconcileAsync"/> periodically (for example at every run boundary or every few seconds); a running job
/// outside all its runs (after its first start, before its last end) is suspended, and a job this reconciler suspended
/// is resumed when one of its runs begins. Jobs suspended by anyone else (a curtailment) are never resumed here.
/// Thread-safe; it remembers the jobs it suspended.
/// </summary>
/// <param name="engine">The job engine.</param>
/// <param name="time">Clock that decides which run is current.</param>
public sealed class ScheduleReconciler(IJobEngine engine, TimeProvider time)
{
    private readonly HashSet<string> _suspended = [];
    private readonly Lock _lock = new();

    /// <summary>Brings every scheduled job's engine state in line with its runs at the current time.</summary>
    /// <exception cref="EngineCommandException">The engine refused to suspend or resume a job that is still there.</exception>
    public async Task<IReadOnlyList<ReconcileAction>> ReconcileAsync(IEnumerable<ScheduleRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var now = time.GetUtcNow();
        var runs = rows.GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var jobs = await engine.ListAsync(null, cancellationToken).ConfigureAwait(false);
        var actions = new List<ReconcileAction>();
        foreach (var job in jobs)
        {
            if (!runs.TryGetValue(job.WorkloadId, out var own))
            {
                continue;
            }

            var inRun = own.Exists(r => r.Start <= now && now < r.End);
            var between = !inRun && own.Exists(r => r.Start <= now) && own.Exists(r => r.End > now);
            bool mine;
            lock (_lock)
            {
                mine = _suspended.Contains(job.EngineJobId);
            }

            if (job.State == EngineJobState.Running && between)
            {
                await engine.SuspendAsync(job.EngineJobId, cancellationToken).ConfigureAwait(false);
                Remember(job.EngineJobId, true);
                actions.Add(new ReconcileAction(job.EngineJobId, job.WorkloadId, true));
            }
            else if (job.State == EngineJobState.Suspended && mine && !between)
            {
                await engine.ResumeAsync(job.EngineJobId, cancellationToken).ConfigureAwait(false);
                Remember(job.EngineJobId, false);
                actions.Add(new ReconcileAction(job.EngineJobId, job.WorkloadId, false));
            }
            else if (job.IsFinished && mine)
            {
                Remember(job.EngineJobId, false);
            }
        }

        return actions;
    }

    private void Remember(string engineJobId, bool suspended)
    {
        lock (_lock)
        {
            if (suspended)
            {
                _suspended.Add(engineJobId);
            }
            else
            {
                _suspended.Remove(engineJobId);
            }
        }
    }
}
