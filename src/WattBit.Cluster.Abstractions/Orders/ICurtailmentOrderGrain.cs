namespace WattBit.Cluster.Orders;

/// <summary>
/// One durable curtailment order, keyed by its id. Accepting returns only after the order is persisted; the order is
/// then delivered at least once to its site (retried by a reminder until the site confirms) and the site executes it
/// exactly once. Its effective time and expected end are reminders, so they survive silo deaths; a deadline observed
/// late is reported in <see cref="OrderSnapshot.Reports"/>.
/// </summary>
public interface ICurtailmentOrderGrain : IGrainWithStringKey
{
    /// <summary>Accepts the order (idempotent: the same order again returns the first receipt).</summary>
    /// <exception cref="ArgumentException">The order is invalid, its id is not this grain's key, or the id was used for a different order.</exception>
    Task<OrderReceipt> AcceptAsync(OrderRequest request);

    /// <summary>Delivers the order to its site if it has not executed yet (what the redelivery reminder does).</summary>
    Task DeliverAsync();

    /// <summary>
    /// Records that the addressed DC operator acknowledged the order (the server forwards each acknowledgement here before
    /// it answers). Idempotent: the first acknowledgement is kept and returned again, marked
    /// <see cref="OrderAcknowledgement.AlreadyKnown"/>; null when the order is unknown.
    /// </summary>
    Task<OrderAcknowledgement?> AcknowledgeAsync(string acknowledgedBy, DateTimeOffset acknowledgedAt);

    /// <summary>The order's state (a default snapshot with a null request when the order is unknown).</summary>
    Task<OrderSnapshot> GetAsync();
}
