using WattBit.Sites;

namespace WattBit.Execution;

/// <summary>How a curtailment stops running jobs.</summary>
public enum CurtailmentMode
{
    /// <summary>Suspend them in place (memory kept, power mostly off); lifting resumes them where they stopped.</summary>
    Suspend,

    /// <summary>Stop them and requeue them held (node freed; work since the last checkpoint is lost); lifting releases them.</summary>
    Requeue,
}

/// <summary>What was done to one job, so that it can be undone.</summary>
public enum InterventionKind
{
    /// <summary>A running job was suspended; undone by resuming it.</summary>
    Suspended,

    /// <summary>A running job was requeued and held; undone by releasing it.</summary>
    RequeuedHeld,

    /// <summary>A pending job was held; undone by releasing it.</summary>
    Held,

    /// <summary>The job was cancelled (not undone).</summary>
    Cancelled,

    /// <summary>The job was requeued into another site's queue (not undone).</summary>
    Moved,
}

/// <summary>One action taken on one engine job.</summary>
/// <param name="EngineJobId">The engine's job id.</param>
/// <param name="WorkloadId">The WattBit workload id.</param>
/// <param name="Queue">The queue the job was in.</param>
/// <param name="Kind">What was done.</param>
public sealed record Intervention(string EngineJobId, string WorkloadId, string Queue, InterventionKind Kind)
{
    /// <summary>True when lifting the curtailment undoes it (suspend, hold, requeue-hold).</summary>
    public bool Liftable => Kind is InterventionKind.Suspended or InterventionKind.RequeuedHeld or InterventionKind.Held;
}

/// <summary>The jobs a curtailment acted on; pass it to <see cref="CurtailmentExecutor.LiftAsync(AppliedCurtailment, CancellationToken)"/> to undo exactly these.</summary>
/// <param name="Site">The curtailed site.</param>
/// <param name="Mode">How running jobs were stopped.</param>
/// <param name="AppliedAt">When the actions were taken.</param>
/// <param name="Interventions">The actions, one per job, in engine id order.</param>
public sealed record AppliedCurtailment(SiteId Site, CurtailmentMode Mode, DateTimeOffset AppliedAt, IReadOnlyList<Intervention> Interventions);

/// <summary>The outcome of lifting a curtailment.</summary>
/// <param name="Resumed">Jobs resumed.</param>
/// <param name="Released">Jobs released.</param>
/// <param name="Gone">Jobs that had finished or been cancelled meanwhile (nothing to undo).</param>
public sealed record LiftResult(int Resumed, int Released, int Gone);

/// <summary>
/// Executes a curtailment of a site on a job engine: every WattBit job in the site's queue that runs is suspended (or
/// requeued held) and every pending one is held, so nothing of that site starts or runs until the curtailment is
/// lifted; lifting undoes exactly what was done. Jobs that finish while this runs are skipped. Thread-safe.
/// </summary>
/// <param name="engine">The job engine.</param>
/// <param name="queues">Site to queue map.</param>
/// <param name="time">Clock that stamps <see cref="AppliedCurtailment.AppliedAt"/>.</param>
public sealed class CurtailmentExecutor(IJobEngine engine, QueueMap queues, TimeProvider time)
{
    /// <summary>Curtails <paramref name="site"/>.</summary>
    /// <exception cref="ArgumentException">The site has no queue.</exception>
    /// <exception cref="EngineCommandException">The engine refused an action on a job that is still there.</exception>
    public async Task<AppliedCurtailment> CurtailAsync(SiteId site, CurtailmentMode mode = CurtailmentMode.Suspend, CancellationToken cancellationToken = default)
    {
        var queue = queues.QueueOf(site);
        var at = time.GetUtcNow();
        var done = new List<Intervention>();
        foreach (var job in await engine.ListAsync(queue, cancellationToken).ConfigureAwait(false))
        {
            if (await StopAsync(job, mode, cancellationToken).ConfigureAwait(false) is { } intervention)
            {
                done.Add(intervention);
            }
        }

        return new AppliedCurtailment(site, mode, at, done);
    }

    /// <summary>
    /// Stops one job for a curtailment: suspends (or requeues held) it when it runs, holds it when it waits; null when
    /// there is nothing to do (already finished, suspended or held).
    /// </summary>
    /// <exception cref="EngineCommandException">The engine refused and the job is still in a state that needs the action.</exception>
    public async Task<Intervention?> StopAsync(EngineJob job, CurtailmentMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        for (var attempt = 0; ; attempt++)
        {
            var kind = job switch
            {
                { State: EngineJobState.Running } => mode == CurtailmentMode.Suspend ? InterventionKind.Suspended : InterventionKind.RequeuedHeld,
                { State: EngineJobState.Pending, Held: false } => InterventionKind.Held,
                _ => (InterventionKind?)null,
            };
            if (kind is null)
            {
                return null;
            }

            try
            {
                await (kind switch
                {
                    InterventionKind.Suspended => engine.SuspendAsync(job.EngineJobId, cancellationToken),
                    InterventionKind.RequeuedHeld => engine.RequeueHeldAsync(job.EngineJobId, cancellationToken),
                    _ => engine.HoldAsync(job.EngineJobId, cancellationToken),
                }).ConfigureAwait(false);
                return new Intervention(job.EngineJobId, job.WorkloadId, job.Queue, kind.Value);
            }
            catch (EngineCommandException) when (attempt == 0)
            {
                // The job may have moved on between the listing and the command (started, finished): look again once.
                job = await engine.GetAsync(job.EngineJobId, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Lifts a curtailment: resumes what it suspended and releases what it held or requeued.</summary>
    /// <exception cref="EngineCommandException">The engine refused to resume or release a job that is still suspended or held.</exception>
    public async Task<LiftResult> LiftAsync(AppliedCurtailment curtailment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(curtailment);
        return await LiftAsync(curtailment.Interventions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Undoes the liftable <paramref name="interventions"/> (others are ignored).</summary>
    /// <exception cref="EngineCommandException">The engine refused to resume or release a job that is still suspended or held.</exception>
    public async Task<LiftResult> LiftAsync(IEnumerable<Intervention> interventions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interventions);
        int resumed = 0, released = 0, gone = 0;
        foreach (var i in interventions.Where(i => i.Liftable))
        {
            EngineJob job;
            try
            {
                job = await engine.GetAsync(i.EngineJobId, cancellationToken).ConfigureAwait(false);
            }
            catch (EngineCommandException)
            {
                gone++;
                continue;
            }

            if (job.IsFinished)
            {
                gone++;
            }
            else if (i.Kind == InterventionKind.Suspended && job.State == EngineJobState.Suspended)
            {
                await engine.ResumeAsync(i.EngineJobId, cancellationToken).ConfigureAwait(false);
                resumed++;
            }
            else if (i.Kind != InterventionKind.Suspended && job.Held)
            {
                await engine.ReleaseAsync(i.EngineJobId, cancellationToken).ConfigureAwait(false);
                released++;
            }
        }

        return new LiftResult(resumed, released, gone);
    }
}
