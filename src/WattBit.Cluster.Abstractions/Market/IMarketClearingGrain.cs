namespace WattBit.Cluster.Market;

/// <summary>
/// One market clearing (issue 16), keyed by its id (the server's clearing window id, for example
/// <c>dayAhead-2030-05-01</c>). Clearing returns only once the result is persisted; the same request again returns that
/// result without solving again, whichever silo or server instance asks. A request persisted by a silo that died before
/// the solve finished is solved by the grain's reminder on another silo (the same no-loss guarantee as curtailment
/// orders), so a clearing runs to completion once.
/// </summary>
public interface IMarketClearingGrain : IGrainWithStringKey
{
    /// <summary>Clears the request's book once and returns the persisted outcome (idempotent).</summary>
    /// <exception cref="ArgumentException">The request is invalid, its id is not this grain's key, or this clearing was already requested with another book.</exception>
    Task<MarketClearingOutcome> ClearAsync(MarketClearingRequest request);

    /// <summary>The clearing's state: null when it was never requested.</summary>
    Task<MarketClearingOutcome?> GetAsync();
}
