using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
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
/// A curtailment (intake limitation, 受電制限) order from the grid operator of <see cref="Area"/> to the DC operator of one
/// site: reduce grid draw by <see cref="ReductionMw"/> from <see cref="EffectiveAt"/> (issue time + notice) for the expected
/// duration. Immutable; acknowledging produces a new value.
/// </summary>
internal sealed record CurtailmentOrder(
    string Id, string Area, string Operator, string SiteId, double ReductionMw, DateTimeOffset IssuedAt, DateTimeOffset EffectiveAt,
    DateTimeOffset ExpectedEndAt, string? Reason, OrderState State, string IssuedBy, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy);

/// <summary>Planned maintenance published by a grid operator: a node's limit over a window.</summary>
internal sealed record Maintenance(string Id, string Area, string Node, DateTimeOffset Start, DateTimeOffset End, double LimitMw, string? Description,
    string PublishedBy, DateTimeOffset PublishedAt);

/// <summary>One line of the journal (the audit log): who did what, when. Carries key ids, never keys.</summary>
internal sealed record JournalEntry(long Seq, DateTimeOffset At, string Actor, string Action, CurtailmentOrder? Order, Maintenance? Maintenance);

/// <summary>
/// Curtailment orders and maintenance, kept in memory and written ahead to an append-only JSON-lines journal (flushed to
/// disk before the caller is answered) that is replayed on start-up. The journal is also the audit log of orders and
/// acknowledgements. Thread-safe (one lock; these are rare, operator-paced writes).
/// </summary>
internal sealed class OrderBook : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CurtailmentOrder> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Maintenance> _maintenance = new(StringComparer.Ordinal);
    private readonly List<JournalEntry> _entries = [];
    private readonly JsonLinesJournal<JournalEntry> _journal;
    private readonly TimeProvider _time;
    private long _seq;

    public OrderBook(IOptions<ServerOptions> options, TimeProvider time)
    {
        _time = time;
        _journal = new JsonLinesJournal<JournalEntry>(options.Value.Journal, Apply);
    }

    /// <summary>
    /// A new order (times from now; the id given — derived from the request's Idempotency-Key — or a fresh one) that is
    /// not yet recorded: <see cref="Record"/> journals it once the cluster, if any, has accepted it, so an order refused
    /// there leaves nothing behind.
    /// </summary>
    public CurtailmentOrder Draft(string actor, string area, string op, string siteId, double reductionMw, TimeSpan notice, TimeSpan duration, string? reason,
        string? id = null)
    {
        var now = _time.GetUtcNow();
        return new CurtailmentOrder(id ?? "co-" + Guid.NewGuid().ToString("N"), area, op, siteId, reductionMw, now, now + notice, now + notice + duration, reason,
            OrderState.Issued, actor, null, null);
    }

    /// <summary>Journals a drafted order as issued (flushed before returning).</summary>
    public void Record(CurtailmentOrder order)
    {
        lock (_lock)
        {
            Write(new JournalEntry(_seq + 1, _time.GetUtcNow(), order.IssuedBy, "order-issued", order, null));
        }
    }

    /// <summary>Acknowledges an issued order; returns null when it was already acknowledged.</summary>
    public CurtailmentOrder? Acknowledge(string actor, CurtailmentOrder order)
    {
        lock (_lock)
        {
            if (_orders[order.Id].State != OrderState.Issued)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            var acked = _orders[order.Id] with { State = OrderState.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = actor };
            Write(new JournalEntry(_seq + 1, now, actor, "order-acknowledged", acked, null));
            return acked;
        }
    }

    public Maintenance PublishMaintenance(string actor, string area, string node, DateTimeOffset start, DateTimeOffset end, double limitMw, string? description)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var m = new Maintenance("mt-" + Guid.NewGuid().ToString("N"), area, node, start, end, limitMw, description, actor, now);
            Write(new JournalEntry(_seq + 1, now, actor, "maintenance-published", null, m));
            return m;
        }
    }

    public CurtailmentOrder? Find(string id)
    {
        lock (_lock)
        {
            return _orders.GetValueOrDefault(id);
        }
    }

    public List<CurtailmentOrder> Orders(Func<CurtailmentOrder, bool> visible)
    {
        lock (_lock)
        {
            return [.. _orders.Values.Where(visible).OrderBy(o => o.IssuedAt).ThenBy(o => o.Id, StringComparer.Ordinal)];
        }
    }

    public List<Maintenance> MaintenanceOf(string area)
    {
        lock (_lock)
        {
            return [.. _maintenance.Values.Where(m => m.Area == area).OrderBy(m => m.Start)];
        }
    }

    /// <summary>The journal entries the predicate admits, oldest first (at most the last <paramref name="limit"/>).</summary>
    public List<JournalEntry> Audit(Func<JournalEntry, bool> visible, int limit)
    {
        lock (_lock)
        {
            var all = _entries.Where(visible).ToList();
            return all.Count > limit ? all[^limit..] : all;
        }
    }

    /// <summary>What opening the journal recovered (a torn tail cut off), or null.</summary>
    internal string? JournalRecovery => _journal.Recovery;

    public void Dispose() => _journal.Dispose();

    private void Write(JournalEntry entry) => _journal.Append(entry);

    private void Apply(JournalEntry entry)
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
