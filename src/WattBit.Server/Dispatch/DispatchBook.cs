using WattBit.Dispatch;
using WattBit.Server.Infrastructure;
using WattBit.Server.Orders;

namespace WattBit.Server.Dispatch;

/// <summary>One step of a dispatch order: what to do to a workload (or the battery, or the whole site), when it is in place and why.</summary>
/// <param name="Action">What is done (the dispatcher's <see cref="DispatchActionKind"/>: defer, pause, checkpointAndMove, stop, powerDownSite...).</param>
/// <param name="Workload">The workload (null for the battery or the whole site).</param>
/// <param name="Site">The site relieved.</param>
/// <param name="To">The destination site when work moves.</param>
/// <param name="Units">Jobs or replicas affected.</param>
/// <param name="GridReliefMw">The reduction of the site's grid draw it gives (MW).</param>
/// <param name="CompletesAt">When it is in place (checkpoint, transfer or start-up done).</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="StartsAt">
/// When it is carried out: the curtailment's <c>effectiveAt</c> less the time it needs to be in place (never before the
/// order was issued), so work runs until it must stop; null in orders journalled before steps had a start (they were
/// carried out at issue).
/// </param>
internal sealed record DispatchStep(DispatchActionKind Action, string? Workload, string Site, string? To, int Units, double GridReliefMw, DateTimeOffset CompletesAt,
    string Reason, DateTimeOffset? StartsAt = null);

/// <summary>
/// The real-time dispatcher's answer to a curtailment order, for the DC operator of the curtailed site: the steps to take,
/// the reduction required (the order's <see cref="ReductionMw"/>, at most what the site is planned to draw when it takes
/// effect) and achieved, and whether it is met within the notice; for a site whose operator's job engine the server knows,
/// <see cref="Execution"/> reports what the engine did with each action (null otherwise). Immutable; acknowledging or an
/// execution step gives a new value.
/// </summary>
internal sealed record DispatchOrder(
    string Id, string CurtailmentOrderId, string Area, string Operator, string SiteId, DateTimeOffset IssuedAt, DateTimeOffset EffectiveAt,
    DateTimeOffset ExpectedEndAt, double ReductionMw, double RequiredMw, double AchievedMw, bool Met, bool UsedFallback, IReadOnlyList<DispatchStep> Actions,
    IReadOnlyList<string> Refused, OrderState State, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, DispatchExecution? Execution = null);

/// <summary>
/// Dispatch orders, kept in memory and journaled (<c>{journal}.dispatch.jsonl</c> beside the main journal: every issue
/// and acknowledgement, flushed before the answer; with a PostgreSQL store, its shared stream) so a restart keeps them and
/// every instance serves them. Every journal call is awaited: no thread waits while a shared store answers (decision
/// 0193). Thread-safe.
/// </summary>
internal sealed class DispatchBook : IDisposable
{
    private readonly Dictionary<string, DispatchOrder> _orders = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly IJournal<DispatchOrder> _journal;

    public DispatchBook(Journals journals) => _journal = journals.Open<DispatchOrder>("dispatch", Apply);

    /// <summary>Records a new order; durable when the task completes (its position given by the store: it decides nothing).</summary>
    public Task AddAsync(DispatchOrder order, CancellationToken ct = default) => _journal.AppendAsync(order, ct);

    public async Task<DispatchOrder?> FindAsync(string id, CancellationToken ct = default)
    {
        await _journal.CatchUpAsync(ct).ConfigureAwait(false);
        lock (_lock)
        {
            return _orders.GetValueOrDefault(id);
        }
    }

    /// <summary>An operator's orders, oldest first.</summary>
    public async Task<List<DispatchOrder>> OfAsync(string op, CancellationToken ct = default)
    {
        await _journal.CatchUpAsync(ct).ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _orders.Values.Where(o => o.Operator == op).OrderBy(o => o.IssuedAt).ThenBy(o => o.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Every order (every operator), oldest first.</summary>
    public async Task<List<DispatchOrder>> AllAsync(CancellationToken ct = default)
    {
        await _journal.CatchUpAsync(ct).ConfigureAwait(false);
        lock (_lock)
        {
            return [.. _orders.Values.OrderBy(o => o.IssuedAt).ThenBy(o => o.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Journals a change of an order's execution (decided on the latest journal; <paramref name="change"/> returns null to write nothing); null when nothing was written.</summary>
    public Task<DispatchOrder?> UpdateExecutionAsync(string id, Func<DispatchExecution, DispatchExecution?> change, CancellationToken ct = default) =>
        _journal.AppendAsync(() =>
        {
            DispatchOrder? current;
            lock (_lock)
            {
                current = _orders.GetValueOrDefault(id);
            }

            return current?.Execution is { } e && change(e) is { } changed ? current with { Execution = changed } : null;
        }, ct);

    /// <summary>An operator's orders whose curtailment has not ended by <paramref name="now"/>, oldest first.</summary>
    public async Task<List<DispatchOrder>> InForceAsync(string op, DateTimeOffset now, CancellationToken ct = default) =>
        [.. (await OfAsync(op, ct).ConfigureAwait(false)).Where(o => o.ExpectedEndAt > now)];

    /// <summary>Acknowledges an issued order; null when it was already acknowledged.</summary>
    public Task<DispatchOrder?> AcknowledgeAsync(string actor, DispatchOrder order, DateTimeOffset now, CancellationToken ct = default) =>
        _journal.AppendAsync(() =>
        {
            DispatchOrder current;
            lock (_lock)
            {
                current = _orders[order.Id];
            }

            return current.State != OrderState.Issued ? null : current with { State = OrderState.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = actor };
        }, ct);

    /// <summary>What opening the journal recovered (a torn tail cut off), or null.</summary>
    internal string? JournalRecovery => _journal.Recovery;

    public void Dispose() => _journal.Dispose();

    private void Apply(DispatchOrder order)
    {
        lock (_lock)
        {
            _orders[order.Id] = order;
        }
    }
}
