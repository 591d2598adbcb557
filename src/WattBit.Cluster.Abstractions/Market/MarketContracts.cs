namespace WattBit.Cluster.Market;

/// <summary>An offer in a clearing's book (formats.md section 7), as the cluster carries it. Immutable.</summary>
/// <param name="Id">Unique id in the book.</param>
/// <param name="Operator">The selling operator.</param>
/// <param name="Site">Its site.</param>
/// <param name="Area">Area code of the site.</param>
/// <param name="Start">First hour offered.</param>
/// <param name="End">End of the offer (exclusive).</param>
/// <param name="Mw">MW offered in each hour.</param>
/// <param name="AskYenPerMwh">Ask, JPY/MWh.</param>
/// <param name="Tags">Tags the site carries.</param>
[GenerateSerializer, Immutable]
public sealed record MarketOfferInput(string Id, string Operator, string Site, string Area, DateTimeOffset Start, DateTimeOffset End, double Mw, double AskYenPerMwh,
    string[] Tags);

/// <summary>A bid in a clearing's book (formats.md section 7), as the cluster carries it. Immutable.</summary>
/// <param name="Id">Unique id in the book.</param>
/// <param name="Operator">The buying operator.</param>
/// <param name="Mw">MW wanted while it runs.</param>
/// <param name="Hours">Hours of work.</param>
/// <param name="Release">Earliest start.</param>
/// <param name="Deadline">Latest end.</param>
/// <param name="ValueYenPerMwh">Value, JPY/MWh.</param>
/// <param name="Areas">Area codes it may run in (empty: any).</param>
/// <param name="Requires">Tags it needs.</param>
/// <param name="Divisible">Whether it may be split over offers and hours.</param>
[GenerateSerializer, Immutable]
public sealed record MarketBidInput(string Id, string Operator, double Mw, int Hours, DateTimeOffset Release, DateTimeOffset Deadline, double ValueYenPerMwh,
    string[] Areas, string[] Requires, bool Divisible);

/// <summary>An area-hour limit of a clearing, MW, or MW of an offer already sold in an hour (by its id in <see cref="Key"/>).</summary>
/// <param name="Key">The area code (headroom) or the offer id (sold).</param>
/// <param name="Hour">The hour's start.</param>
/// <param name="Mw">MW.</param>
[GenerateSerializer, Immutable]
public sealed record MarketHourValue(string Key, DateTimeOffset Hour, double Mw);

/// <summary>
/// What to clear: the book as the requester saw it, the headroom per area-hour and what earlier clearings sold. The
/// grain keeps it with the outcome, so a retry, another instance or another silo clears exactly this book. Immutable.
/// </summary>
/// <param name="ClearingId">The clearing (the grain's key).</param>
/// <param name="RequestedBy">Who asked (the market operator's key id, or the scheduler).</param>
/// <param name="Offers">The offers.</param>
/// <param name="Bids">The bids.</param>
/// <param name="Headroom">Area-hour limits, MW (empty: none).</param>
/// <param name="Sold">MW of each offer already sold per hour by earlier clearings.</param>
/// <param name="TimeLimitSeconds">The solver's time limit, s.</param>
[GenerateSerializer, Immutable]
public sealed record MarketClearingRequest(string ClearingId, string RequestedBy, MarketOfferInput[] Offers, MarketBidInput[] Bids, MarketHourValue[] Headroom,
    MarketHourValue[] Sold, double TimeLimitSeconds)
{
    /// <summary>Checks the request.</summary>
    /// <exception cref="ArgumentException">A field is missing or out of range; the message names the clearing and the field.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClearingId) || string.IsNullOrWhiteSpace(RequestedBy))
        {
            throw new ArgumentException($"clearing '{ClearingId}': clearing_id and requested_by are required.");
        }

        if (Offers is null || Bids is null || Headroom is null || Sold is null)
        {
            throw new ArgumentException($"clearing '{ClearingId}': offers, bids, headroom and sold are required (empty lists are fine).");
        }

        if (!double.IsFinite(TimeLimitSeconds) || TimeLimitSeconds <= 0)
        {
            throw new ArgumentException($"clearing '{ClearingId}': time_limit_seconds must be positive (got {TimeLimitSeconds}).");
        }
    }

    /// <summary>Whether two requests carry the same book (records compare arrays by reference, so this compares them by content).</summary>
    /// <param name="other">The other request.</param>
    public bool SameBook(MarketClearingRequest other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ClearingId == other.ClearingId && Offers.Length == other.Offers.Length && Bids.Length == other.Bids.Length
            && Offers.Zip(other.Offers).All(p => p.First with { Tags = [] } == p.Second with { Tags = [] } && p.First.Tags.SequenceEqual(p.Second.Tags))
            && Bids.Zip(other.Bids).All(p => p.First with { Areas = [], Requires = [] } == p.Second with { Areas = [], Requires = [] }
                && p.First.Areas.SequenceEqual(p.Second.Areas) && p.First.Requires.SequenceEqual(p.Second.Requires))
            && Headroom.SequenceEqual(other.Headroom) && Sold.SequenceEqual(other.Sold);
    }
}

/// <summary>Where a clearing stands.</summary>
public enum MarketClearingStatus
{
    /// <summary>Persisted; the solve has not finished (the grain's reminder finishes it).</summary>
    Accepted,

    /// <summary>Cleared; the outcome is persisted.</summary>
    Cleared,
}

/// <summary>One matched row: a bid's MW on an offer in an hour, at its price. Immutable.</summary>
/// <param name="BidId">The bid.</param>
/// <param name="OfferId">The offer.</param>
/// <param name="Hour">The hour's start.</param>
/// <param name="Mw">MW (= MWh for the hour).</param>
/// <param name="PriceYenPerMwh">Price, JPY/MWh, within [ask, value].</param>
[GenerateSerializer, Immutable]
public sealed record MarketMatchOutput(string BidId, string OfferId, DateTimeOffset Hour, double Mw, double PriceYenPerMwh);

/// <summary>A public price of an area-hour, JPY/MWh. Immutable.</summary>
/// <param name="Area">Area code.</param>
/// <param name="Hour">The hour's start.</param>
/// <param name="YenPerMwh">Price.</param>
[GenerateSerializer, Immutable]
public sealed record MarketPriceOutput(string Area, DateTimeOffset Hour, double YenPerMwh);

/// <summary>A bid not fully served, and why. Immutable.</summary>
/// <param name="BidId">The bid.</param>
/// <param name="MatchedMwh">What it got, MWh.</param>
/// <param name="Reason">Why not more.</param>
[GenerateSerializer, Immutable]
public sealed record MarketUnmatchedOutput(string BidId, double MatchedMwh, string Reason);

/// <summary>A clearing's durable state. Immutable.</summary>
/// <param name="ClearingId">The clearing.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="RequestedBy">Who asked first.</param>
/// <param name="AcceptedAt">When it was first requested.</param>
/// <param name="ClearedAt">When its outcome was persisted, or null.</param>
/// <param name="Solves">Solves started for it (1 unless a silo died mid-solve).</param>
/// <param name="WelfareYen">Welfare, JPY.</param>
/// <param name="UpperBoundYen">Proven upper bound on welfare, JPY.</param>
/// <param name="Method">How the matches were found (the engine's method).</param>
/// <param name="Matches">The matched rows.</param>
/// <param name="Prices">The public area-hour prices.</param>
/// <param name="Unmatched">Bids not fully served.</param>
/// <param name="Silo">The silo that solved it.</param>
/// <param name="AlreadyKnown">True when this answers a repeat of a request cleared (or accepted) before: nothing was solved for it.</param>
/// <param name="Backend">The solver used.</param>
[GenerateSerializer, Immutable]
public sealed record MarketClearingOutcome(string ClearingId, MarketClearingStatus Status, string RequestedBy, DateTimeOffset AcceptedAt, DateTimeOffset? ClearedAt,
    int Solves, double WelfareYen, double UpperBoundYen, string Method, MarketMatchOutput[] Matches, MarketPriceOutput[] Prices, MarketUnmatchedOutput[] Unmatched,
    string Silo, bool AlreadyKnown, string Backend = "");
