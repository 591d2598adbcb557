using WattBit.Sites;

namespace WattBit.Server.Orders;

/// <summary>
/// Where an issued curtailment order goes before the server answers: nowhere (<see cref="NoOrderRelay"/>, the default:
/// the journal is the only copy) or the Orleans cluster (<see cref="Cluster.ClusterOrderRelay"/>, when
/// <c>WattBit:Cluster:Mode</c> is set). Implementations are thread-safe.
/// </summary>
internal interface IOrderRelay
{
    /// <summary>Whether orders go to a cluster (false for the default relay).</summary>
    bool IsCluster { get; }

    /// <summary>
    /// Hands the order to the cluster and returns once it is durably accepted there; the order id is the idempotency key,
    /// so a retry of the same order is harmless.
    /// </summary>
    /// <param name="order">The order, not yet journalled.</param>
    /// <param name="site">The site it addresses, from the server's store (its id is operator-scoped).</param>
    /// <param name="limitMw">The site's grid connection limit, MW (its full-load draw when it has no firm limit).</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <exception cref="OrderRelayUnavailableException">The cluster did not accept it within the bounded time.</exception>
    Task AcceptAsync(BookedOrder order, Site site, double limitMw, CancellationToken ct);

    /// <summary>
    /// Forwards the DC operator's acknowledgement of <paramref name="order"/> to the order's grain and returns once the
    /// cluster has recorded it (idempotent there: a repeat keeps the first); nothing to do without a cluster.
    /// </summary>
    /// <exception cref="OrderRelayUnavailableException">The cluster did not record it within the bounded time.</exception>
    Task AcknowledgeAsync(BookedOrder order, string acknowledgedBy, DateTimeOffset acknowledgedAt, CancellationToken ct);

    /// <summary>
    /// The draft as the cluster already knows it (its issue, effective and end times) when an earlier attempt with the
    /// same id reached it — the reconciliation of a retry after a 503 — else the draft unchanged.
    /// </summary>
    Task<BookedOrder> ReconcileAsync(BookedOrder draft, CancellationToken ct);
}

/// <summary>The default relay: orders stay in the server's journal only.</summary>
internal sealed class NoOrderRelay : IOrderRelay
{
    public bool IsCluster => false;

    public Task AcceptAsync(BookedOrder order, Site site, double limitMw, CancellationToken ct) => Task.CompletedTask;

    public Task<BookedOrder> ReconcileAsync(BookedOrder draft, CancellationToken ct) => Task.FromResult(draft);

    public Task AcknowledgeAsync(BookedOrder order, string acknowledgedBy, DateTimeOffset acknowledgedAt, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>The cluster did not accept an order (or an acknowledgement) in time; nothing of it was journalled.</summary>
internal sealed class OrderRelayUnavailableException(string message, Exception? inner) : Exception(message, inner);
