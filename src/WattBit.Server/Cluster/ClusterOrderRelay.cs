using Microsoft.Extensions.Options;
using WattBit.Cluster.Orders;
using WattBit.Cluster.Sites;
using WattBit.Server.Orders;
using WattBit.Sites;

namespace WattBit.Server.Cluster;

/// <summary>
/// Sends issued curtailment orders to the Orleans cluster: configures the site's <see cref="ISiteGrain"/> from the
/// server's site model when it differs, then <see cref="ICurtailmentOrderGrain.AcceptAsync"/> with the server's order id
/// as the idempotency key, retried with a short back-off until <see cref="ServerOptions.ClusterAcceptTimeout"/> has
/// passed. Thread-safe (the cluster client is).
/// </summary>
internal sealed partial class ClusterOrderRelay(IClusterClient client, IOptions<ServerOptions> options, ILogger<ClusterOrderRelay> logger)
    : IOrderRelay
{
    public bool IsCluster => true;

    public async Task AcceptAsync(BookedOrder order, Site site, double limitMw, CancellationToken ct)
    {
        var setup = new SiteSetup(site.Id.Value, site.Area.Code, site.ItCapacity.Megawatts, site.Pue, limitMw);
        var request = new OrderRequest(order.Id, order.Area, site.Id.Value, order.ReductionMw, order.IssuedAt, order.EffectiveAt, order.ExpectedEndAt,
            order.Reason, order.IssuedBy);
        await RetryAsync(order.Id, "accept", () => AcceptOnceAsync(setup, request), ct).ConfigureAwait(false);
    }

    public async Task AcknowledgeAsync(BookedOrder order, string acknowledgedBy, DateTimeOffset acknowledgedAt, CancellationToken ct) =>
        await RetryAsync(order.Id, "record the acknowledgement of", async () =>
        {
            var ack = await client.GetGrain<ICurtailmentOrderGrain>(order.Id).AcknowledgeAsync(acknowledgedBy, acknowledgedAt).ConfigureAwait(false)
                      ?? throw new ArgumentException($"the cluster does not know order {order.Id}.");
            LogAcknowledged(logger, order.Id, ack.AlreadyKnown);
        }, ct).ConfigureAwait(false);

    /// <summary>Calls <paramref name="once"/> with a back-off (100 ms doubling to 1 s) until it succeeds or <see cref="ServerOptions.ClusterAcceptTimeout"/> has passed.</summary>
    private async Task RetryAsync(string orderId, string what, Func<Task> once, CancellationToken ct)
    {
        var budget = options.Value.ClusterAcceptTimeout;
        // The bound and the back-off are network time, not the server's clock (which a test or a replay may hold still).
        var clock = TimeProvider.System;
        var start = clock.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            var left = budget - clock.GetElapsedTime(start);
            try
            {
                await once().WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                if (e is ArgumentException)
                {
                    // Refused by the grain (not a transport failure): retrying cannot help.
                    throw new OrderRelayUnavailableException($"The cluster refused to {what} order {orderId}: {e.Message}", e);
                }

                left = budget - clock.GetElapsedTime(start);
                LogAttemptFailed(logger, orderId, attempt, e.GetType().Name, e.Message);
                if (left <= delay)
                {
                    throw new OrderRelayUnavailableException(
                        $"The cluster did not {what} order {orderId} within {budget.TotalSeconds:0.#} s ({attempt} attempt(s); last: {e.Message}). Nothing was stored; send the request again.", e);
                }

                await Task.Delay(delay, clock, ct).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }

    public async Task<BookedOrder> ReconcileAsync(BookedOrder draft, CancellationToken ct)
    {
        try
        {
            var snapshot = await client.GetGrain<ICurtailmentOrderGrain>(draft.Id).GetAsync().WaitAsync(options.Value.ClusterAcceptTimeout, ct).ConfigureAwait(false);
            return snapshot.Request is { } r
                ? draft with { IssuedAt = r.IssuedAt, EffectiveAt = r.EffectiveAt, ExpectedEndAt = r.ExpectedEndAt }
                : draft;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Not reachable now: AcceptAsync will retry and answer 503 if it stays so.
            LogAttemptFailed(logger, draft.Id, 0, e.GetType().Name, e.Message);
            return draft;
        }
    }

    private async Task AcceptOnceAsync(SiteSetup setup, OrderRequest request)
    {
        var site = client.GetGrain<ISiteGrain>(setup.SiteId);
        if ((await site.GetAsync().ConfigureAwait(false)).Setup != setup)
        {
            await site.ConfigureAsync(setup).ConfigureAwait(false);
        }

        var receipt = await client.GetGrain<ICurtailmentOrderGrain>(request.OrderId).AcceptAsync(request).ConfigureAwait(false);
        LogAccepted(logger, receipt.OrderId, receipt.AlreadyKnown);
    }

    [LoggerMessage(EventId = 7601, Level = LogLevel.Information, Message = "Order {OrderId} accepted by the cluster (already known: {AlreadyKnown}).")]
    private static partial void LogAccepted(ILogger logger, string orderId, bool alreadyKnown);

    [LoggerMessage(EventId = 7603, Level = LogLevel.Information, Message = "Acknowledgement of order {OrderId} recorded by the cluster (already known: {AlreadyKnown}).")]
    private static partial void LogAcknowledged(ILogger logger, string orderId, bool alreadyKnown);

    [LoggerMessage(EventId = 7602, Level = LogLevel.Warning, Message = "Order {OrderId}: cluster attempt {Attempt} failed ({Error}: {Message}).")]
    private static partial void LogAttemptFailed(ILogger logger, string orderId, int attempt, string error, string message);
}
