using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using WattBit.Dispatch;
using WattBit.Execution;
using WattBit.Server.Events;
using WattBit.Server.Orders;
using WattBit.Sites;
using WattBit.Units;

namespace WattBit.Server.Dispatch;

/// <summary>Where a dispatch order's execution on the operator's job engine stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExecutionState>))]
internal enum ExecutionState
{
    /// <summary>Queued or being carried out.</summary>
    Executing,

    /// <summary>Every action was carried out, or had nothing to act on.</summary>
    Done,

    /// <summary>At least one action failed on the engine (its <see cref="ExecutedAction.Detail"/> says why).</summary>
    Failed,
}

/// <summary>What became of one action on the engine.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActionResult>))]
internal enum ActionResult
{
    /// <summary>Carried out on the engine.</summary>
    Done,

    /// <summary>The engine refused or failed (the detail has its message), or the action names a site without a queue.</summary>
    Failed,

    /// <summary>The engine has no unfinished job for the workload (or it is already stopped): nothing to do.</summary>
    NoJob,

    /// <summary>Not a job engine action (the site battery, inference replicas): left to the operator.</summary>
    NotApplicable,
}

/// <summary>One action of a dispatch order as the engine carried it out.</summary>
/// <param name="Index">The action's position in the order's <see cref="DispatchOrder.Actions"/>.</param>
/// <param name="Action">The action.</param>
/// <param name="Workload">Its workload (null for the battery or the whole site).</param>
/// <param name="Site">The site it relieves.</param>
/// <param name="Result">What became of it.</param>
/// <param name="Detail">In words: what the engine did, or why it failed.</param>
/// <param name="Jobs">The engine jobs it acted on and how (suspended, held, cancelled, moved...).</param>
/// <param name="At">When it was carried out.</param>
internal sealed record ExecutedAction(int Index, DispatchActionKind Action, string? Workload, string Site, ActionResult Result, string Detail,
    IReadOnlyList<Intervention> Jobs, DateTimeOffset At);

/// <summary>
/// A dispatch order's execution on the job engine of its DC operator: per action done / failed (with the reason) / no job
/// / not applicable, and the lift when the curtailment ended (suspended work resumed, held work released).
/// </summary>
/// <param name="Engine">The engine (<c>slurm</c>).</param>
/// <param name="Instance">The server instance that carries it out (<see cref="ServerOptions.InstanceId"/>).</param>
/// <param name="State">Where it stands.</param>
/// <param name="QueuedAt">When the order was queued for the engine.</param>
/// <param name="FinishedAt">When the last action was carried out, or null.</param>
/// <param name="Actions">The actions carried out so far, in order.</param>
/// <param name="LiftedAt">When what the order suspended and held was resumed and released (after the curtailment), or null.</param>
/// <param name="Lift">What the lift did, in words, or null.</param>
internal sealed record DispatchExecution(string Engine, string Instance, ExecutionState State, DateTimeOffset QueuedAt, DateTimeOffset? FinishedAt,
    IReadOnlyList<ExecutedAction> Actions, DateTimeOffset? LiftedAt, string? Lift);

/// <summary>
/// Carries dispatch orders out on the DC operators' job engines (<see cref="JobEngines"/>), one action at a time through
/// the engine-neutral <see cref="DispatchExecutor"/>, in the background (the curtailment order's answer does not wait
/// for the engine): each action's result is journalled on the dispatch order as soon as it is known (so a restart
/// carries on after the last one), the finished execution is sent as a <c>dispatch-order</c> event and written to the
/// audit log (<c>dispatch-executed</c>). When the curtailment has ended — and no other executed order for the site is in
/// force — what the order suspended or held is resumed or released (<c>dispatch-lifted</c>). An instance carries out
/// and lifts the orders it queued; after a restart it resumes those it had not finished. Thread-safe.
/// </summary>
internal sealed partial class DispatchExecutions(DispatchBook book, OrderBook orders, JobEngines engines, EventHub events, TimeProvider time,
    IOptions<ServerOptions> options, ILogger<DispatchExecutions> logger) : BackgroundService
{
    /// <summary>How often (server clock) ended curtailments are looked for to lift.</summary>
    public static readonly TimeSpan LiftInterval = TimeSpan.FromSeconds(30);

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _instance = options.Value.InstanceId ?? ServerOptions.DefaultInstanceId(options.Value);

    /// <summary>Raised after an execution step was journalled (tests wait on it).</summary>
    public event Action<DispatchOrder>? Changed;

    /// <summary>The execution record a new order for a site with an engine starts with, or null when its site has none.</summary>
    public DispatchExecution? Plan(DispatchOrder order) =>
        engines.For(order.Operator, order.SiteId) is { } e ? new DispatchExecution(e.Engine.Name, _instance, ExecutionState.Executing, time.GetUtcNow(), null, [], null, null) : null;

    /// <summary>Queues a journalled order whose <see cref="DispatchOrder.Execution"/> is set.</summary>
    public void Enqueue(DispatchOrder order)
    {
        if (order.Execution is not null)
        {
            _queue.Writer.TryWrite(order.Id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!engines.Any)
        {
            return;
        }

        // Orders this instance queued but had not finished when it stopped: carry on after their last journalled action.
        foreach (var o in book.All().Where(o => o.Execution is { State: ExecutionState.Executing } e && e.Instance == _instance))
        {
            _queue.Writer.TryWrite(o.Id);
        }

        await Task.WhenAll(ExecuteQueueAsync(stoppingToken), LiftLoopAsync(stoppingToken)).ConfigureAwait(false);
    }

    private async Task ExecuteQueueAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await ExecuteAsync(id, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
                {
                    LogExecutionFailed(logger, ex, id);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server stops; unfinished executions resume at the next start.
        }
    }

    private async Task LiftLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(LiftInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await LiftEndedAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
                {
                    LogLiftFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server stops; the lift happens after the next start.
        }
    }

    /// <summary>Carries out the actions of one order not yet carried out, journalling each result.</summary>
    internal async Task ExecuteAsync(string id, CancellationToken ct)
    {
        if (book.Find(id) is not { Execution: { State: ExecutionState.Executing } execution } order)
        {
            return;
        }

        var engine = engines.For(order.Operator, order.SiteId);
        for (var i = execution.Actions.Count; i < order.Actions.Count; i++)
        {
            var step = order.Actions[i];
            var result = engine is null
                ? new ExecutedAction(i, step.Action, step.Workload, step.Site, ActionResult.Failed, $"no job engine is configured for site {step.Site} of operator {order.Operator} any more.", [], time.GetUtcNow())
                : await CarryOutAsync(engine, i, step, ct).ConfigureAwait(false);
            var last = i == order.Actions.Count - 1;
            order = Update(id, e => e with
            {
                Actions = [.. e.Actions, result],
                State = !last ? ExecutionState.Executing : e.Actions.Append(result).Any(a => a.Result == ActionResult.Failed) ? ExecutionState.Failed : ExecutionState.Done,
                FinishedAt = last ? time.GetUtcNow() : null,
            }) ?? order;
        }

        if (order.Actions.Count == 0)
        {
            order = Update(id, e => e with { State = ExecutionState.Done, FinishedAt = time.GetUtcNow() }) ?? order;
        }

        if (order.Execution is { State: not ExecutionState.Executing } done)
        {
            // Audited before it is announced, so a client that reacts to the event finds the audit entry.
            Audit(order, "dispatch-executed", $"dispatch order {order.Id} on {done.Engine}: {Summary(done.Actions)}");
            DispatchEvents.Publish(events, order);
        }
    }

    /// <summary>Lifts what the ended orders of this instance suspended or held, unless another executed order for the site is still in force.</summary>
    internal async Task LiftEndedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var all = book.All();
        foreach (var order in all.Where(o => o.Execution is { State: not ExecutionState.Executing, LiftedAt: null } e && e.Instance == _instance && o.ExpectedEndAt <= now))
        {
            if (all.Exists(o => o.Id != order.Id && o.Operator == order.Operator && o.SiteId == order.SiteId && o.Execution is not null && o.IssuedAt <= now && o.ExpectedEndAt > now))
            {
                continue;
            }

            var liftable = order.Execution!.Actions.SelectMany(a => a.Jobs).Where(j => j.Liftable).ToList();
            string lift;
            if (liftable.Count == 0)
            {
                lift = "nothing to lift (no job was suspended or held).";
            }
            else if (engines.For(order.Operator, order.SiteId) is not { } engine)
            {
                lift = "not lifted: no job engine is configured for the site any more.";
            }
            else
            {
                try
                {
                    var r = await new CurtailmentExecutor(engine.Engine, engine.Queues, time).LiftAsync(liftable, ct).ConfigureAwait(false);
                    lift = $"{r.Resumed} job(s) resumed, {r.Released} released, {r.Gone} ended meanwhile.";
                }
                catch (Exception ex) when (ex is EngineCommandException or IOException or ArgumentException or InvalidOperationException)
                {
                    lift = $"lift failed (retried at the next check): {ex.Message}";
                    LogLiftFailed(logger, ex);
                    continue;
                }
            }

            if (Update(order.Id, e => e with { LiftedAt = now, Lift = lift }) is { } lifted)
            {
                Audit(lifted, "dispatch-lifted", $"dispatch order {lifted.Id}: {lift}");
                DispatchEvents.Publish(events, lifted);
            }
        }
    }

    private async Task<ExecutedAction> CarryOutAsync(OperatorEngine engine, int index, DispatchStep step, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        try
        {
            var action = new DispatchAction(step.Action, step.Workload ?? string.Empty, new SiteId(step.Site), step.To is { } to ? new SiteId(to) : null, step.Units,
                Power.FromMegawatts(step.GridReliefMw), step.CompletesAt, step.Reason);
            var outcome = await new DispatchExecutor(engine.Engine, engine.Queues, time, engine.Mode).ExecuteAsync(action, ct).ConfigureAwait(false);
            var result = outcome.Outcome switch
            {
                ActionOutcomeKind.Applied => ActionResult.Done,
                ActionOutcomeKind.NoJob => ActionResult.NoJob,
                _ => ActionResult.NotApplicable,
            };
            return new ExecutedAction(index, step.Action, step.Workload, step.Site, result, outcome.Detail, outcome.Interventions, now);
        }
        catch (Exception ex) when (ex is EngineCommandException or IOException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            return new ExecutedAction(index, step.Action, step.Workload, step.Site, ActionResult.Failed, ex.Message, [], now);
        }
    }

    private DispatchOrder? Update(string id, Func<DispatchExecution, DispatchExecution> change)
    {
        var updated = book.UpdateExecution(id, change);
        if (updated is not null)
        {
            Changed?.Invoke(updated);
        }

        return updated;
    }

    private void Audit(DispatchOrder order, string action, string detail)
    {
        if (orders.Find(order.CurtailmentOrderId) is { } curtailment)
        {
            orders.RecordDispatch($"job-engine:{order.Execution!.Engine}", action, curtailment, detail);
        }
    }

    private static string Summary(IReadOnlyList<ExecutedAction> actions) =>
        actions.Count == 0 ? "no action"
        : string.Join(", ", actions.GroupBy(a => a.Result).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Words(g.Key)}"))
          + string.Concat(actions.Where(a => a.Result == ActionResult.Failed).Select(a => $"; {a.Action} {a.Workload ?? a.Site} failed: {a.Detail}"));

    private static string Words(ActionResult r) => r switch
    {
        ActionResult.Done => "done",
        ActionResult.Failed => "failed",
        ActionResult.NoJob => "without a job",
        _ => "not for the engine",
    };

    [LoggerMessage(EventId = 7311, Level = LogLevel.Error, Message = "Executing dispatch order {Order} on its job engine failed")]
    private static partial void LogExecutionFailed(ILogger logger, Exception exception, string order);

    [LoggerMessage(EventId = 7312, Level = LogLevel.Warning, Message = "Lifting ended dispatch orders on their job engines failed")]
    private static partial void LogLiftFailed(ILogger logger, Exception exception);
}
