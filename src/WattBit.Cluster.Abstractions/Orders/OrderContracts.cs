namespace WattBit.Cluster.Orders;

/// <summary>
/// A curtailment (intake limitation, 受電制限) order as the grid operator issues it: reduce the grid draw of one site by
/// <see cref="ReductionMw"/> from <see cref="EffectiveAt"/> until <see cref="ExpectedEndAt"/>. The id is the client's
/// idempotency key: sending the same order again is harmless. Immutable.
/// </summary>
/// <param name="OrderId">Unique id chosen by the issuer (the server uses <c>co-</c> + a GUID).</param>
/// <param name="Area">Code of the grid area (TK, KY...).</param>
/// <param name="SiteId">The curtailed site.</param>
/// <param name="ReductionMw">Reduction of grid draw, MW; non-negative.</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="EffectiveAt">When the reduction must be in place (issue time + notice): the first deadline.</param>
/// <param name="ExpectedEndAt">When the curtailment is expected to end: the second deadline.</param>
/// <param name="Reason">Free text, or null.</param>
/// <param name="IssuedBy">Who issued it.</param>
[GenerateSerializer, Immutable]
public sealed record OrderRequest(string OrderId, string Area, string SiteId, double ReductionMw, DateTimeOffset IssuedAt,
    DateTimeOffset EffectiveAt, DateTimeOffset ExpectedEndAt, string? Reason, string IssuedBy)
{
    /// <summary>Checks the order.</summary>
    /// <exception cref="ArgumentException">A field is missing or out of range; the message names the order and the field.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(OrderId) || string.IsNullOrWhiteSpace(SiteId) || string.IsNullOrWhiteSpace(Area))
        {
            throw new ArgumentException($"order '{OrderId}': order_id, site_id and area are required.");
        }

        if (!double.IsFinite(ReductionMw) || ReductionMw < 0)
        {
            throw new ArgumentException($"order '{OrderId}': reduction_mw must be a non-negative number (got {ReductionMw}).");
        }

        if (EffectiveAt < IssuedAt || ExpectedEndAt <= EffectiveAt)
        {
            throw new ArgumentException($"order '{OrderId}': needs issued_at <= effective_at < expected_end_at (got {IssuedAt:O}, {EffectiveAt:O}, {ExpectedEndAt:O}).");
        }
    }

}

/// <summary>Where an order stands.</summary>
public enum OrderStatus
{
    /// <summary>Persisted; not yet executed by the site.</summary>
    Accepted,

    /// <summary>Executed by the site's dispatcher (exactly once).</summary>
    Executed,

    /// <summary>Its expected end passed and the site lifted it.</summary>
    Ended,
}

/// <summary>The answer to accepting an order: given only once the order is persisted.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Status">Its status now.</param>
/// <param name="AcceptedAt">When it was first accepted.</param>
/// <param name="AlreadyKnown">True when this was a retry of an order accepted before (nothing new was stored).</param>
[GenerateSerializer, Immutable]
public sealed record OrderReceipt(string OrderId, OrderStatus Status, DateTimeOffset AcceptedAt, bool AlreadyKnown);

/// <summary>What the site's dispatcher did for one order; recorded once, durably, in the site's state.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="ExecutedAt">When it was executed.</param>
/// <param name="RequiredMw">Reduction required (clamped to the site's draw), MW.</param>
/// <param name="AchievedMw">Reduction the actions achieve, MW.</param>
/// <param name="Met">Whether the required reduction is reached.</param>
/// <param name="Fallback">Whether the always-feasible fallback decided.</param>
/// <param name="Actions">The actions, one line each ("Pause job-7").</param>
/// <param name="Silo">The silo that executed it.</param>
[GenerateSerializer, Immutable]
public sealed record ExecutionRecord(string OrderId, DateTimeOffset ExecutedAt, double RequiredMw, double AchievedMw, bool Met, bool Fallback,
    string[] Actions, string Silo);

/// <summary>Which deadline of an order.</summary>
public enum DeadlineKind
{
    /// <summary>The effective time: the reduction must be in place.</summary>
    Effective,

    /// <summary>The expected end: the curtailment is lifted.</summary>
    End,
}

/// <summary>
/// A deadline that was not met on time: observed more than the grace after it passed (no silo held the order's
/// reminder, for example while its silo was dead), or the order was executed after its effective time.
/// </summary>
/// <param name="Kind">Which deadline.</param>
/// <param name="Due">When it was due.</param>
/// <param name="ObservedAt">When the cluster observed it.</param>
/// <param name="Reason">Why it is reported.</param>
[GenerateSerializer, Immutable]
public sealed record DeadlineReport(DeadlineKind Kind, DateTimeOffset Due, DateTimeOffset ObservedAt, string Reason)
{
    /// <summary>How late it was observed.</summary>
    public TimeSpan Late => ObservedAt - Due;
}

/// <summary>The DC operator's acknowledgement of an order, as the order grain keeps it.</summary>
/// <param name="AcknowledgedBy">Who acknowledged (the server's key id of the DC operator).</param>
/// <param name="AcknowledgedAt">When.</param>
/// <param name="AlreadyKnown">True when this answers a repeat of an acknowledgement recorded before (nothing new was stored).</param>
[GenerateSerializer, Immutable]
public sealed record OrderAcknowledgement(string AcknowledgedBy, DateTimeOffset AcknowledgedAt, bool AlreadyKnown);

/// <summary>An order's full durable state.</summary>
/// <param name="Request">The order.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="AcceptedAt">When it was accepted.</param>
/// <param name="Deliveries">Times it was delivered to the site (at least once; more after retries).</param>
/// <param name="Execution">What the site did, once executed.</param>
/// <param name="EffectiveMet">Whether its effective time has been checked and was met (null: not checked yet).</param>
/// <param name="EndedAt">When it ended, or null.</param>
/// <param name="Reports">Deadlines reported as missed.</param>
/// <param name="Acknowledgement">The DC operator's acknowledgement, once forwarded by the server.</param>
[GenerateSerializer, Immutable]
public sealed record OrderSnapshot(OrderRequest? Request, OrderStatus Status, DateTimeOffset AcceptedAt, int Deliveries, ExecutionRecord? Execution,
    bool? EffectiveMet, DateTimeOffset? EndedAt, DeadlineReport[] Reports, OrderAcknowledgement? Acknowledgement = null);
