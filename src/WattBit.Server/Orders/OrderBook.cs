using System.Text.Json.Serialization;
using WattBit.Server.Infrastructure;

namespace WattBit.Server.Orders;

/// <summary>The state of a curtailment order.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OrderState>))]
internal enum OrderState
{
    Issued,
    Acknowledged,
}

/// <summary>
/// A curtailment (intake limitation, 受電制限) order as the server's order book holds it: the grid operator of
/// <see cref="Area"/> asks the DC operator of one site to reduce grid draw by <see cref="ReductionMw"/> from
/// <see cref="EffectiveAt"/> (issue time + notice) for the expected duration, with the order's id, reason, state and
/// acknowledgement. The dispatcher's view of the same order (site, MW, notice, duration) is
/// <see cref="WattBit.Planning.Dispatch.CurtailmentOrder"/>, which <c>DispatchService</c> builds from it. Immutable;
/// acknowledging produces a new value.
/// </summary>
internal sealed record BookedOrder(
    string Id, string Area, string Operator, string SiteId, double ReductionMw, DateTimeOffset IssuedAt, DateTimeOffset EffectiveAt,
    DateTimeOffset ExpectedEndAt, string? Reason, OrderState State, string IssuedBy, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy);

/// <summary>Planned maintenance published by a grid operator: a node's limit over a window.</summary>
internal sealed record Maintenance(string Id, string Area, string Node, DateTimeOffset Start, DateTimeOffset End, double LimitMw, string? Description,
    string PublishedBy, DateTimeOffset PublishedAt);

/// <summary>One line of the journal (the audit log): who did what, when. Carries key ids, never keys.</summary>
/// <param name="Seq">Position in the log (1, 2, 3...).</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who: a key id, <c>jwt:</c> + a token's subject, or <c>job-engine:{engine}</c> for what a DC operator's engine did.</param>
/// <param name="Action"><c>order-issued</c>, <c>order-acknowledged</c>, <c>maintenance-published</c>, <c>dispatch-executed</c>, <c>dispatch-lifted</c>.</param>
/// <param name="Order">The curtailment order concerned (as it is after the action).</param>
/// <param name="Maintenance">The maintenance published.</param>
/// <param name="Detail">What happened, in words (dispatch execution: per action done or failed, with the reason).</param>
internal sealed record JournalEntry(long Seq, DateTimeOffset At, string Actor, string Action, BookedOrder? Order, Maintenance? Maintenance, string? Detail = null);

/// <summary>
/// Curtailment orders and maintenance, kept in memory and written ahead to an append-only JSON-lines journal (flushed to
/// disk before the caller is answered) that is replayed on start-up — or, with a PostgreSQL store, its stream there, which
/// every server instance shares (reads catch up first, so an order issued on one instance can be acknowledged on another).
/// The journal is also the audit log of orders and acknowledgements. Thread-safe (the journal's lock orders writes; the
/// book's own lock only guards the view).
/// </summary>
internal sealed class OrderBook : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, BookedOrder> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Maintenance> _maintenance = new(StringComparer.Ordinal);
    private readonly List<JournalEntry> _entries = [];
    private readonly IJournal<JournalEntry> _journal;
    private readonly TimeProvider _time;
    private long _seq;

    public OrderBook(Journals journals, TimeProvider time)
    {
        _time = time;
        _journal = journals.Open<JournalEntry>(Journals.Main, Apply);
    }

    /// <summary>
    /// A new order (times from now; the id given — derived from the request's Idempotency-Key — or a fresh one) that is
    /// not yet recorded: <see cref="RecordAsync"/> journals it once the cluster, if any, has accepted it, so an order refused
    /// there leaves nothing behind.
    /// </summary>
    public BookedOrder Draft(string actor, string area, string op, string siteId, double reductionMw, TimeSpan notice, TimeSpan duration, string? reason,
        string? id = null)
    {
        var now = _time.GetUtcNow();
        return new BookedOrder(id ?? "co-" + Guid.NewGuid().ToString("N"), area, op, siteId, reductionMw, now, now + notice, now + notice + duration, reason,
            OrderState.Issued, actor, null, null);
    }

    /// <summary>Journals a drafted order as issued (durable when the task completes), without blocking a thread while a shared store answers.</summary>
    public Task RecordAsync(BookedOrder order) => _journal.AppendAsync(Issued(order));

    private Func<JournalEntry?> Issued(BookedOrder order) => () => new JournalEntry(NextSeq(), _time.GetUtcNow(), order.IssuedBy, "order-issued", order, null);

    /// <summary>Acknowledges an issued order, without blocking a thread while a shared store answers; null when it was already acknowledged.</summary>
    public async Task<BookedOrder?> AcknowledgeAsync(string actor, BookedOrder order, DateTimeOffset? at = null) =>
        (await _journal.AppendAsync(Acknowledgement(actor, order, at)).ConfigureAwait(false))?.Order;

    private Func<JournalEntry?> Acknowledgement(string actor, BookedOrder order, DateTimeOffset? at) =>
        () =>
        {
            BookedOrder current;
            lock (_lock)
            {
                current = _orders[order.Id];
            }

            if (current.State != OrderState.Issued)
            {
                return null;
            }

            var now = at ?? _time.GetUtcNow();
            return new JournalEntry(NextSeq(), now, actor, "order-acknowledged",
                current with { State = OrderState.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = actor }, null);
        };

    /// <summary>Writes what a job engine did for the dispatch order of <paramref name="order"/> to the audit log.</summary>
    public Task RecordDispatchAsync(string actor, string action, BookedOrder order, string detail, CancellationToken ct = default) =>
        _journal.AppendAsync(() => new JournalEntry(NextSeq(), _time.GetUtcNow(), actor, action, order, null, detail), ct);

    /// <summary>Journals planned maintenance of a node (without blocking a thread while a shared store answers).</summary>
    public async Task<Maintenance> PublishMaintenanceAsync(string actor, string area, string node, DateTimeOffset start, DateTimeOffset end, double limitMw,
        string? description)
    {
        var now = _time.GetUtcNow();
        var m = new Maintenance("mt-" + Guid.NewGuid().ToString("N"), area, node, start, end, limitMw, description, actor, now);
        await _journal.AppendAsync(() => new JournalEntry(NextSeq(), now, actor, "maintenance-published", null, m)).ConfigureAwait(false);
        return m;
    }

    /// <summary>The order <paramref name="id"/> or null, after reading what other instances journalled (without blocking a thread).</summary>
    public async Task<BookedOrder?> FindAsync(string id)
    {
        await _journal.CatchUpAsync().ConfigureAwait(false);
        return Found(id);
    }

    private BookedOrder? Found(string id)
    {
        lock (_lock)
        {
            return _orders.GetValueOrDefault(id);
        }
    }

    /// <summary>The orders the predicate admits, by issue time then id, after reading what other instances journalled (without blocking a thread).</summary>
    public async Task<List<BookedOrder>> OrdersAsync(Func<BookedOrder, bool> visible)
    {
        await _journal.CatchUpAsync().ConfigureAwait(false);
        return Visible(visible);
    }

    private List<BookedOrder> Visible(Func<BookedOrder, bool> visible)
    {
        lock (_lock)
        {
            return [.. _orders.Values.Where(visible).OrderBy(o => o.IssuedAt).ThenBy(o => o.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>The planned maintenance of an area, by start, after reading what other instances journalled (without blocking a thread).</summary>
    public async Task<List<Maintenance>> MaintenanceOfAsync(string area)
    {
        await _journal.CatchUpAsync().ConfigureAwait(false);
        return MaintenanceIn(area);
    }

    private List<Maintenance> MaintenanceIn(string area)
    {
        lock (_lock)
        {
            return [.. _maintenance.Values.Where(m => m.Area == area).OrderBy(m => m.Start)];
        }
    }

    /// <summary>The journal entries the predicate admits, oldest first (at most the last <paramref name="limit"/>).</summary>
    public async Task<List<JournalEntry>> AuditAsync(Func<JournalEntry, bool> visible, int limit)
    {
        await _journal.CatchUpAsync().ConfigureAwait(false);
        lock (_lock)
        {
            var all = _entries.Where(visible).ToList();
            return all.Count > limit ? all[^limit..] : all;
        }
    }

    /// <summary>What opening the journal recovered (a torn tail cut off), or null.</summary>
    internal string? JournalRecovery => _journal.Recovery;

    public void Dispose() => _journal.Dispose();

    /// <summary>The sequence number of the next entry (called under the journal's lock, after it caught up).</summary>
    private long NextSeq()
    {
        lock (_lock)
        {
            return _seq + 1;
        }
    }

    private void Apply(JournalEntry entry)
    {
        lock (_lock)
        {
            _seq = entry.Seq;
            _entries.Add(entry);
            if (entry.Order is { } o)
            {
                _orders[o.Id] = o;
            }

            if (entry.Maintenance is { } m)
            {
                _maintenance[m.Id] = m;
            }
        }
    }
}
