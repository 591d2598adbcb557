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
/// for the engine). Each action is carried out at its own time (<see cref="DueAt"/>: the curtailment's
/// <c>effectiveAt</c> less the time the action needs to take effect, never before the order was issued), so work runs
/// on until it must stop; its result is journalled on the dispatch order as soon as it is known (so a restart carries
/// on with what is left), the finished execution is sent as a <c>dispatch-order</c> event and written to the audit log
/// (<c>dispatch-executed</c>). When the curtailment has ended (<c>expectedEndAt</c>) — and no other executed order for
/// the site is in force — what the order suspended or held is resumed or released (<c>dispatch-lifted</c>).
/// <para>
/// Each due time has a timer on the server's clock (set when the order is queued, and at start-up for what is pending),
/// and every <see cref="LiftInterval"/> a pass looks for anything due. The instance that queued an order acts on it; any
/// other instance on the shared store takes it over (journalled, so exactly one wins) once an action or the lift is
/// <see cref="TakeOverAfter"/> overdue — the first instance stopped or failed — so actions and lifts happen from either
/// instance. Thread-safe.
/// </para>
/// </summary>
internal sealed partial class DispatchExecutions(DispatchBook book, OrderBook orders, JobEngines engines, EventHub events, TimeProvider time,
    IOptions<ServerOptions> options, ILogger<DispatchExecutions> logger) : BackgroundService
{
    /// <summary>How often (server clock) due actions and ended curtailments are looked for, besides each due time's own timer.</summary>
    public static readonly TimeSpan LiftInterval = TimeSpan.FromSeconds(30);

    /// <summary>How long an action or a lift may be overdue on the instance that queued it before another instance takes it over.</summary>
    public static readonly TimeSpan TakeOverAfter = TimeSpan.FromMinutes(2);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly string _instance = options.Value.InstanceId ?? ServerOptions.DefaultInstanceId(options.Value);
    private readonly Lock _timersLock = new();
    private readonly Dictionary<DateTimeOffset, ITimer> _timers = [];

    /// <summary>Raised after an execution step was journalled (tests wait on it).</summary>
    public event Action<DispatchOrder>? Changed;

    /// <summary>When a step of <paramref name="order"/> is carried out: its start as the order planned it (an order journalled before steps had one: its issue).</summary>
    public static DateTimeOffset DueAt(DispatchOrder order, DispatchStep step) => step.StartsAt ?? order.IssuedAt;

    /// <summary>The execution record a new order for a site with an engine starts with, or null when its site has none.</summary>
    public DispatchExecution? Plan(DispatchOrder order) =>
        engines.For(order.Operator, order.SiteId) is { } e ? new DispatchExecution(e.Engine.Name, _instance, ExecutionState.Executing, time.GetUtcNow(), null, [], null, null) : null;

    /// <summary>Queues a journalled order whose <see cref="DispatchOrder.Execution"/> is set: timers at its actions' times and its end.</summary>
    public void Enqueue(DispatchOrder order)
    {
        if (order.Execution is not null)
        {
            Schedule(order);
            Wake();
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Sets a timer at each future time something of <paramref name="order"/> falls due (its actions, its lift; and the take-over times).</summary>
    private void Schedule(DispatchOrder order)
    {
        var times = order.Actions.Select(s => DueAt(order, s)).Append(order.ExpectedEndAt).Distinct().ToList();
        foreach (var at in times.Concat(times.Select(t => t + TakeOverAfter)))
        {
            At(at);
        }
    }

    private void At(DateTimeOffset at)
    {
        var wait = at - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        lock (_timersLock)
        {
            if (!_timers.ContainsKey(at))
            {
                _timers[at] = time.CreateTimer(_ => Fire(at), null, wait, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Fire(DateTimeOffset at)
    {
        lock (_timersLock)
        {
            if (_timers.Remove(at, out var timer))
            {
                timer.Dispose();
            }
        }

        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!engines.Any)
        {
            return;
        }

        // What was pending when this instance (or another) stopped: timers at its times, and a pass now.
        foreach (var o in (await book.AllAsync(stoppingToken).ConfigureAwait(false)).Where(o => o.Execution is { } e && (e.State == ExecutionState.Executing || e.LiftedAt is null)))
        {
            Schedule(o);
        }

        using var tick = time.CreateTimer(_ => Wake(), null, LiftInterval, LiftInterval);
        Wake();
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _wake.Reader.TryRead(out _);
                try
                {
                    await RunDueAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
                {
                    LogLiftFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server stops; what is left is carried out after the next start (or by another instance).
        }
        finally
        {
            lock (_timersLock)
            {
                foreach (var t in _timers.Values)
                {
                    t.Dispose();
                }

                _timers.Clear();
            }
        }
    }

    /// <summary>Carries out every action now due of the orders this instance may act on, then lifts the ended ones.</summary>
    internal async Task RunDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var order in (await book.AllAsync(ct).ConfigureAwait(false)).Where(o => o.Execution is { State: ExecutionState.Executing }))
        {
            if (NextDue(order) is { } due && due <= now && MayAct(order.Execution!, due, now))
            {
                try
                {
                    await ExecuteAsync(order.Id, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
                {
                    LogExecutionFailed(logger, ex, order.Id);
                }
            }
        }

        await LiftEndedAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The earliest time an action not yet carried out falls due (an order without actions: its issue), or null when none is left.</summary>
    private static DateTimeOffset? NextDue(DispatchOrder order)
    {
        var done = order.Execution!.Actions.Select(a => a.Index).ToHashSet();
        if (order.Actions.Count == 0)
        {
            return order.IssuedAt;
        }

        var left = order.Actions.Select((s, i) => (s, i)).Where(x => !done.Contains(x.i)).Select(x => DueAt(order, x.s)).ToList();
        return left.Count == 0 ? order.IssuedAt : left.Min();
    }

    /// <summary>Whether this instance acts on something of <paramref name="execution"/> due at <paramref name="due"/>: its own, or another's long overdue.</summary>
    private bool MayAct(DispatchExecution execution, DateTimeOffset due, DateTimeOffset now) => execution.Instance == _instance || now >= due + TakeOverAfter;

    /// <summary>Makes this instance the one that acts on the order (journalled: of two instances taking it over, one wins); false when another holds it now.</summary>
    private async Task<bool> ClaimAsync(DispatchOrder order)
    {
        var from = order.Execution!.Instance;
        if (from == _instance)
        {
            return true;
        }

        if (await UpdateAsync(order.Id, e => e.Instance == from ? e with { Instance = _instance } : null).ConfigureAwait(false) is null)
        {
            return false;
        }

        LogTakenOver(logger, order.Id, from);
        return true;
    }

    /// <summary>Carries out the actions of one order that are due and not yet carried out, journalling each result.</summary>
    internal async Task ExecuteAsync(string id, CancellationToken ct)
    {
        if (await book.FindAsync(id, ct).ConfigureAwait(false) is not { Execution: { State: ExecutionState.Executing } } order
            || !await ClaimAsync(order).ConfigureAwait(false))
        {
            return;
        }

        var engine = engines.For(order.Operator, order.SiteId);
        var finishedHere = false;
        for (var i = 0; i < order.Actions.Count; i++)
        {
            order = await book.FindAsync(id, ct).ConfigureAwait(false) ?? order;
            if (order.Execution is not { State: ExecutionState.Executing } execution || execution.Instance != _instance)
            {
                break; // finished, or taken over meanwhile
            }

            var step = order.Actions[i];
            if (execution.Actions.Any(a => a.Index == i) || DueAt(order, step) > time.GetUtcNow())
            {
                continue;
            }

            var result = engine is null
                ? new ExecutedAction(i, step.Action, step.Workload, step.Site, ActionResult.Failed, $"no job engine is configured for site {step.Site} of operator {order.Operator} any more.", [], time.GetUtcNow())
                : await CarryOutAsync(engine, i, step, ct).ConfigureAwait(false);
            var count = order.Actions.Count;
            var updated = await UpdateAsync(id, e =>
            {
                if (e.Actions.Any(a => a.Index == result.Index))
                {
                    return null; // recorded by another instance
                }

                List<ExecutedAction> all = [.. e.Actions, result];
                var complete = all.Count == count;
                return e with
                {
                    Actions = all,
                    State = !complete ? ExecutionState.Executing : all.Any(a => a.Result == ActionResult.Failed) ? ExecutionState.Failed : ExecutionState.Done,
                    FinishedAt = complete ? time.GetUtcNow() : null,
                };
            }).ConfigureAwait(false);
            if (updated is not null)
            {
                order = updated;
                finishedHere = updated.Execution is { State: not ExecutionState.Executing };
            }
        }

        if (order.Actions.Count == 0
            && await UpdateAsync(id, e => e.State == ExecutionState.Executing ? e with { State = ExecutionState.Done, FinishedAt = time.GetUtcNow() } : null).ConfigureAwait(false) is { } empty)
        {
            order = empty;
            finishedHere = true;
        }

        if (finishedHere && order.Execution is { } done)
        {
            // Audited before it is announced, so a client that reacts to the event finds the audit entry.
            await AuditAsync(order, "dispatch-executed", $"dispatch order {order.Id} on {done.Engine}: {Summary(done.Actions)}").ConfigureAwait(false);
            await DispatchEvents.PublishAsync(events, order).ConfigureAwait(false);
        }
    }

    /// <summary>Lifts what the ended orders suspended or held, unless another executed order for the site is still in force (this instance's own; another's once overdue).</summary>
    internal async Task LiftEndedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var all = await book.AllAsync(ct).ConfigureAwait(false);
        foreach (var order in all.Where(o => o.Execution is { State: not ExecutionState.Executing, LiftedAt: null } e && o.ExpectedEndAt <= now && MayAct(e, o.ExpectedEndAt, now)))
        {
            if (all.Exists(o => o.Id != order.Id && o.Operator == order.Operator && o.SiteId == order.SiteId && o.Execution is not null && o.IssuedAt <= now && o.ExpectedEndAt > now))
            {
                continue;
            }

            if (!await ClaimAsync(order).ConfigureAwait(false))
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

            if (await UpdateAsync(order.Id, e => e.LiftedAt is null && e.Instance == _instance ? e with { LiftedAt = now, Lift = lift } : null).ConfigureAwait(false) is { } lifted)
            {
                await AuditAsync(lifted, "dispatch-lifted", $"dispatch order {lifted.Id}: {lift}").ConfigureAwait(false);
                await DispatchEvents.PublishAsync(events, lifted).ConfigureAwait(false);
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

    private async Task<DispatchOrder?> UpdateAsync(string id, Func<DispatchExecution, DispatchExecution?> change)
    {
        // Not cancelled: an action carried out on the engine is always journalled.
        var updated = await book.UpdateExecutionAsync(id, change, CancellationToken.None).ConfigureAwait(false);
        if (updated is not null)
        {
            Changed?.Invoke(updated);
        }

        return updated;
    }

    private async Task AuditAsync(DispatchOrder order, string action, string detail)
    {
        if (await orders.FindAsync(order.CurtailmentOrderId).ConfigureAwait(false) is { } curtailment)
        {
            await orders.RecordDispatchAsync($"job-engine:{order.Execution!.Engine}", action, curtailment, detail).ConfigureAwait(false);
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

    [LoggerMessage(EventId = 7313, Level = LogLevel.Warning, Message = "Dispatch order {Order}: taken over from instance {Instance}, which had not acted on it in time")]
    private static partial void LogTakenOver(ILogger logger, string order, string instance);

    [LoggerMessage(EventId = 7312, Level = LogLevel.Warning, Message = "Lifting ended dispatch orders on their job engines failed")]
    private static partial void LogLiftFailed(ILogger logger, Exception exception);
}
