using WattBit.Dispatch;

namespace WattBit.Execution;

/// <summary>What became of one dispatch action on the engine.</summary>
public enum ActionOutcomeKind
{
    /// <summary>Carried out on the engine.</summary>
    Applied,

    /// <summary>Not a job engine action (battery, inference replicas); left to other actuators.</summary>
    NotApplicable,

    /// <summary>The engine has no job for the workload, or it has finished; nothing to do.</summary>
    NoJob,
}

/// <summary>One dispatch action and what the engine did for it.</summary>
/// <param name="Action">The dispatcher's action.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Interventions">The engine actions taken (empty unless applied).</param>
/// <param name="Detail">Explanation, in words.</param>
public sealed record ActionOutcome(DispatchAction Action, ActionOutcomeKind Outcome, IReadOnlyList<Intervention> Interventions, string Detail);

/// <summary>What the engine did for one dispatch decision.</summary>
/// <param name="Outcomes">One entry per action, in the decision's order.</param>
public sealed record ExecutionReport(IReadOnlyList<ActionOutcome> Outcomes)
{
    /// <summary>The interventions a later lift undoes (suspends and holds), for <see cref="CurtailmentExecutor.LiftAsync(IEnumerable{Intervention}, CancellationToken)"/>.</summary>
    public IReadOnlyList<Intervention> Liftable => [.. Outcomes.SelectMany(o => o.Interventions).Where(i => i.Liftable)];
}

/// <summary>
/// Carries out a dispatcher's actions (<see cref="DispatchAction"/>, the contract in WattBit.Core that the planner's
/// dispatcher produces) on a job engine. Workload actions find the engine job by workload id:
/// <see cref="DispatchActionKind.Defer"/> and <see cref="DispatchActionKind.Pause"/> suspend a running job (hold a
/// pending one); <see cref="DispatchActionKind.Stop"/> cancels it; <see cref="DispatchActionKind.RestartElsewhere"/> and
/// <see cref="DispatchActionKind.CheckpointAndMove"/> requeue it held, move it to the destination site's queue and
/// release it there; <see cref="DispatchActionKind.PowerDownSite"/> curtails the whole site (every running job of its
/// queue suspended or requeued, every pending one held). Battery and inference replica actions are not job engine
/// actions and are reported as such. An action on a job acts on the whole engine job even when the decision names fewer
/// units. Thread-safe.
/// </summary>
/// <param name="engine">The job engine.</param>
/// <param name="queues">Site to queue map (the destination of moves must be in it).</param>
/// <param name="time">Clock for curtailment stamps.</param>
/// <param name="mode">How a site power-down stops running jobs; default suspend.</param>
public sealed class DispatchExecutor(IJobEngine engine, QueueMap queues, TimeProvider time, CurtailmentMode mode = CurtailmentMode.Suspend)
{
    private readonly CurtailmentExecutor _curtailer = new(engine, queues, time);

    /// <summary>Carries out every one of <paramref name="actions"/> (a dispatch decision's actions) in order.</summary>
    /// <exception cref="ArgumentException">A move names a destination site without a queue, or a power-down a site without one.</exception>
    /// <exception cref="EngineCommandException">The engine refused an action.</exception>
    public async Task<ExecutionReport> ExecuteAsync(IReadOnlyList<DispatchAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var outcomes = new List<ActionOutcome>(actions.Count);
        foreach (var action in actions)
        {
            outcomes.Add(await ExecuteAsync(action, cancellationToken).ConfigureAwait(false));
        }

        return new ExecutionReport(outcomes);
    }

    /// <summary>Carries out one action.</summary>
    /// <exception cref="ArgumentException">See <see cref="ExecuteAsync(IReadOnlyList{DispatchAction}, CancellationToken)"/>.</exception>
    /// <exception cref="EngineCommandException">The engine refused the action.</exception>
    public async Task<ActionOutcome> ExecuteAsync(DispatchAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        switch (action.Kind)
        {
            case DispatchActionKind.DischargeBattery or DispatchActionKind.StartGenerator or DispatchActionKind.AddReplicas or DispatchActionKind.MoveReplicas:
                return new ActionOutcome(action, ActionOutcomeKind.NotApplicable, [], $"{action.Kind} is not a job engine action.");
            case DispatchActionKind.PowerDownSite:
                var curtailment = await _curtailer.CurtailAsync(action.From, mode, cancellationToken).ConfigureAwait(false);
                return new ActionOutcome(action, ActionOutcomeKind.Applied, curtailment.Interventions,
                    $"site {action.From} curtailed: {curtailment.Interventions.Count} job(s) stopped or held in {queues.QueueOf(action.From)}.");
        }

        var job = await engine.FindAsync(action.WorkloadId, cancellationToken).ConfigureAwait(false);
        if (job is null || job.IsFinished)
        {
            return new ActionOutcome(action, ActionOutcomeKind.NoJob, [],
                job is null ? $"{engine.Name} has no job for workload '{action.WorkloadId}'." : $"job {job.EngineJobId} has already {job.State.ToString().ToLowerInvariant()}.");
        }

        switch (action.Kind)
        {
            case DispatchActionKind.Stop:
                await engine.CancelAsync(job.EngineJobId, cancellationToken).ConfigureAwait(false);
                return Applied(action, new Intervention(job.EngineJobId, job.WorkloadId, job.Queue, InterventionKind.Cancelled), "cancelled");
            case DispatchActionKind.RestartElsewhere or DispatchActionKind.CheckpointAndMove when action.To is { } to:
                var target = queues.QueueOf(to);
                if (job.State != EngineJobState.Pending || !job.Held)
                {
                    await (job.State == EngineJobState.Pending
                        ? engine.HoldAsync(job.EngineJobId, cancellationToken)
                        : engine.RequeueHeldAsync(job.EngineJobId, cancellationToken)).ConfigureAwait(false);
                }

                await engine.MoveAsync(job.EngineJobId, target, cancellationToken).ConfigureAwait(false);
                await engine.ReleaseAsync(job.EngineJobId, cancellationToken).ConfigureAwait(false);
                return Applied(action, new Intervention(job.EngineJobId, job.WorkloadId, job.Queue, InterventionKind.Moved), $"requeued into {target}");
            default:
                var stopped = await _curtailer.StopAsync(job, mode, cancellationToken).ConfigureAwait(false);
                return stopped is null
                    ? new ActionOutcome(action, ActionOutcomeKind.NoJob, [], $"job {job.EngineJobId} is already suspended or held.")
                    : Applied(action, stopped, stopped.Kind.ToString().ToLowerInvariant());
        }
    }

    private static ActionOutcome Applied(DispatchAction action, Intervention intervention, string what) =>
        new(action, ActionOutcomeKind.Applied, [intervention], $"job {intervention.EngineJobId} ({intervention.WorkloadId}) {what}.");
}
