using WattBit.Areas;
using WattBit.Planning.Market;

namespace WattBit.Server.Market;

/// <summary>
/// Where the market's clearings are solved: in this process (<see cref="InProcessMarketClearer"/>, no cluster configured)
/// or by the cluster's market clearing grain keyed by the clearing id (<see cref="Cluster.ClusterMarketClearer"/>,
/// decision 0138). Either way the same book gives the same result, and the book journals it the same way.
/// </summary>
internal interface IMarketClearer
{
    /// <summary>True when clearings go through the cluster.</summary>
    bool IsCluster { get; }

    /// <summary>Clears the book of clearing <paramref name="clearingId"/> (idempotent in the cluster: a repeat is answered from the grain).</summary>
    /// <param name="clearingId">The clearing (its window's id).</param>
    /// <param name="actor">Who runs it.</param>
    /// <param name="offers">The offers (their free MW in the window).</param>
    /// <param name="bids">The open bids.</param>
    /// <param name="headroom">Area-hour limits, MW (empty: none).</param>
    /// <param name="sold">MW of each offer already sold per hour.</param>
    /// <param name="timeLimit">The solver's time limit.</param>
    /// <param name="ct">Cancellation.</param>
    /// <exception cref="MarketClearingUnavailableException">The cluster did not answer within the bounded time.</exception>
    Task<MarketClearingResult> ClearAsync(string clearingId, string actor, List<MarketOffer> offers, List<MarketBid> bids,
        IReadOnlyList<(GridArea Area, DateTimeOffset Hour, double Mw)> headroom, Dictionary<(string Offer, DateTimeOffset Hour), double> sold, TimeSpan timeLimit,
        CancellationToken ct);
}

/// <summary>Clears in this process with <see cref="MarketClearing.Clear"/>. Stateless and thread-safe.</summary>
internal sealed class InProcessMarketClearer : IMarketClearer
{
    public bool IsCluster => false;

    public Task<MarketClearingResult> ClearAsync(string clearingId, string actor, List<MarketOffer> offers, List<MarketBid> bids,
        IReadOnlyList<(GridArea Area, DateTimeOffset Hour, double Mw)> headroom, Dictionary<(string Offer, DateTimeOffset Hour), double> sold, TimeSpan timeLimit,
        CancellationToken ct)
    {
        var limits = headroom.Count == 0 ? MarketHeadroom.None : new MarketHeadroom(headroom);
        var options = new MarketClearingOptions(TimeLimit: timeLimit, Sold: sold, Aggregate: true);
        return Task.Run(() => MarketClearing.Clear(offers, bids, limits, options), ct);
    }
}

/// <summary>The cluster did not clear within the bounded time: nothing was journalled; the clearing may be run again (the grain answers a repeat without solving twice).</summary>
internal sealed class MarketClearingUnavailableException(string message, Exception? inner) : Exception(message, inner);
