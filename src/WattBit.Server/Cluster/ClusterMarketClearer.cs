using Microsoft.Extensions.Options;
using WattBit.Areas;
using WattBit.Cluster.Market;
using WattBit.Planning.Market;
using WattBit.Server.Market;

namespace WattBit.Server.Cluster;

/// <summary>
/// Clears through the cluster (decision 0138): the book goes to the <see cref="IMarketClearingGrain"/> keyed by the
/// clearing id, which persists it, solves it once and persists the outcome before answering; a repeat (a retry after a
/// lost answer or a failed journal write, another server instance) is answered from the grain without a second solve.
/// The outcome is turned back into the engine's result with the book's own settlement, so the server's record is the
/// in-process one. Thread-safe (the cluster client is).
/// </summary>
internal sealed partial class ClusterMarketClearer(IClusterClient client, IOptions<ServerOptions> options, ILogger<ClusterMarketClearer> logger) : IMarketClearer
{
    public bool IsCluster => true;

    public async Task<MarketClearingResult> ClearAsync(string clearingId, string actor, List<MarketOffer> offers, List<MarketBid> bids,
        IReadOnlyList<(GridArea Area, DateTimeOffset Hour, double Mw)> headroom, Dictionary<(string Offer, DateTimeOffset Hour), double> sold, TimeSpan timeLimit,
        CancellationToken ct)
    {
        var request = Request(clearingId, actor, offers, bids, headroom, sold, timeLimit);
        // The solve runs in the grain: the bound is the solver's limit plus the cluster's accept budget.
        var budget = timeLimit + options.Value.ClusterAcceptTimeout;
        MarketClearingOutcome outcome;
        try
        {
            outcome = await client.GetGrain<IMarketClearingGrain>(clearingId).ClearAsync(request).WaitAsync(budget, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw new MarketClearingUnavailableException(e is ArgumentException
                ? $"The cluster refused clearing {clearingId}: {e.Message}"
                : $"The cluster did not clear {clearingId} within {budget.TotalSeconds:0.#} s ({e.Message}). Nothing was stored; run it again (the cluster answers a repeat without solving twice).", e);
        }

        LogCleared(logger, clearingId, outcome.AlreadyKnown, outcome.Solves);
        return Result(offers, bids, outcome);
    }

    /// <summary>The grain's request for a book (tags and areas in ordinal order; only the sold MW of the book's offers).</summary>
    internal static MarketClearingRequest Request(string clearingId, string actor, List<MarketOffer> offers, List<MarketBid> bids,
        IReadOnlyList<(GridArea Area, DateTimeOffset Hour, double Mw)> headroom, Dictionary<(string Offer, DateTimeOffset Hour), double> sold, TimeSpan timeLimit)
    {
        var ids = offers.Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
        return new MarketClearingRequest(clearingId, actor,
            [.. offers.Select(o => new MarketOfferInput(o.Id, o.Operator, o.Site.Value, o.Area.Code, o.Window.Start, o.Window.End, o.Power.Megawatts, o.AskYenPerMwh,
                [.. o.Tags.Order(StringComparer.Ordinal)]))],
            [.. bids.Select(b => new MarketBidInput(b.Id, b.Operator, b.Power.Megawatts, b.Hours, b.Window.Start, b.Window.End, b.ValueYenPerMwh,
                b.Areas is null ? [] : [.. b.Areas.Select(a => a.Code).Order(StringComparer.Ordinal)], [.. b.Requires.Order(StringComparer.Ordinal)], b.Divisible))],
            [.. headroom.OrderBy(h => h.Area.Number).ThenBy(h => h.Hour).Select(h => new MarketHourValue(h.Area.Code, h.Hour, h.Mw))],
            [.. sold.Where(kv => ids.Contains(kv.Key.Offer)).OrderBy(kv => kv.Key.Offer, StringComparer.Ordinal).ThenBy(kv => kv.Key.Hour)
                .Select(kv => new MarketHourValue(kv.Key.Offer, kv.Key.Hour, kv.Value))],
            timeLimit.TotalSeconds);
    }

    /// <summary>The engine's result for a cleared outcome of this book.</summary>
    internal static MarketClearingResult Result(List<MarketOffer> offers, List<MarketBid> bids, MarketClearingOutcome outcome)
    {
        var byId = offers.ToDictionary(o => o.Id, StringComparer.Ordinal);
        var matches = outcome.Matches.Select(m => byId.TryGetValue(m.OfferId, out var o)
            ? new MarketMatch(m.BidId, m.OfferId, o.Site, o.Area, m.Hour, m.Mw, m.PriceYenPerMwh)
            : throw new MarketClearingUnavailableException($"The cluster's clearing {outcome.ClearingId} matched offer {m.OfferId}, which is not in this book.", null)).ToList();
        return MarketClearing.Rebuild(offers, bids, matches, [.. outcome.Unmatched.Select(u => new UnmatchedBid(u.BidId, u.MatchedMwh, u.Reason))],
            outcome.WelfareYen, outcome.UpperBoundYen, [.. outcome.Prices.Select(p => new AreaHourPrice(JapanAreas.Get(p.Area), p.Hour, p.YenPerMwh))],
            outcome.Backend, outcome.Method);
    }

    [LoggerMessage(EventId = 7611, Level = LogLevel.Information, Message = "Market clearing {ClearingId} answered by the cluster (already known: {AlreadyKnown}, solves: {Solves}).")]
    private static partial void LogCleared(ILogger logger, string clearingId, bool alreadyKnown, int solves);
}
