using System.Text.Json.Serialization;

namespace WattBit.Server.Market;

/// <summary>An offer as posted: spare grid draw at one of the operator's sites (formats.md section 7). Immutable.</summary>
/// <param name="Id">The offer's id inside its operator's namespace.</param>
/// <param name="Operator">The selling operator.</param>
/// <param name="Site">The site (the operator's own id for it).</param>
/// <param name="Area">The site's area code.</param>
/// <param name="Start">First hour offered.</param>
/// <param name="End">End of the last hour offered (exclusive).</param>
/// <param name="Mw">Grid draw available in every hour, MW.</param>
/// <param name="AskYenPerMwh">Lowest price accepted, JPY/MWh.</param>
/// <param name="Tags">What the site provides.</param>
/// <param name="PostedAt">When it was posted.</param>
/// <param name="PostedBy">The key id that posted it.</param>
internal sealed record MarketOfferRecord(string Id, string Operator, string Site, string Area, DateTimeOffset Start, DateTimeOffset End, double Mw,
    double AskYenPerMwh, IReadOnlyList<string> Tags, DateTimeOffset PostedAt, string PostedBy);

/// <summary>A bid as posted: work to place on other operators' capacity (formats.md section 7). Immutable.</summary>
/// <param name="Id">The bid's id inside its operator's namespace.</param>
/// <param name="Operator">The buying operator.</param>
/// <param name="Mw">Grid draw of the work, MW.</param>
/// <param name="Hours">Hours it runs.</param>
/// <param name="Release">Earliest start.</param>
/// <param name="Deadline">Latest end.</param>
/// <param name="ValueYenPerMwh">Most it pays, JPY/MWh.</param>
/// <param name="Areas">Area codes it may run in; empty for any.</param>
/// <param name="Requires">Tags every offer it uses must carry.</param>
/// <param name="Divisible">Any hours and shares (true) or one contiguous block on one offer (false).</param>
/// <param name="PostedAt">When it was posted.</param>
/// <param name="PostedBy">The key id that posted it.</param>
internal sealed record MarketBidRecord(string Id, string Operator, double Mw, int Hours, DateTimeOffset Release, DateTimeOffset Deadline,
    double ValueYenPerMwh, IReadOnlyList<string> Areas, IReadOnlyList<string> Requires, bool Divisible, DateTimeOffset PostedAt, string PostedBy);

/// <summary>One bid running on one offer in one hour. Immutable.</summary>
internal sealed record MarketMatchRecord(string Bid, string Buyer, string Offer, string Seller, string Site, string Area, DateTimeOffset Hour, double Mw,
    double PriceYenPerMwh);

/// <summary>The MW matched in one area-hour, all operators together (public). Immutable.</summary>
internal sealed record MarketVolumeRecord(string Area, DateTimeOffset Hour, double Mw);

/// <summary>The public price of one area-hour. Immutable.</summary>
internal sealed record MarketPriceRecord(string Area, DateTimeOffset Hour, double YenPerMwh);

/// <summary>One operator's settlement in a clearing: bought, paid, sold, received, surplus (JPY, MWh). Immutable.</summary>
internal sealed record MarketSettlementRecord(string Operator, double BoughtMwh, double PaidYen, double SoldMwh, double ReceivedYen, double SurplusYen, double NetYen);

/// <summary>A bid a clearing did not fully serve, with why. Immutable.</summary>
internal sealed record MarketUnmatchedRecord(string Bid, string Operator, double MatchedMwh, string Reason);

/// <summary>The kind of clearing: day-ahead (the next JST day) or intraday (from the next hour to the end of its JST day).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ClearingKind>))]
internal enum ClearingKind
{
    DayAhead,
    Intraday,
}

/// <summary>A clearing and everything it decided. Immutable.</summary>
/// <param name="Id">Derived from kind and window (<c>day-ahead-2025-11-11</c>, <c>intraday-2025-11-10T14</c>): a window clears once.</param>
/// <param name="Kind">Day-ahead or intraday.</param>
/// <param name="Start">Start of the cleared window.</param>
/// <param name="End">End of the cleared window.</param>
/// <param name="RunAt">When it ran.</param>
/// <param name="RunBy">The key id that ran it, or <c>scheduler</c>.</param>
/// <param name="Offers">How many offers took part.</param>
/// <param name="Bids">How many bids took part.</param>
/// <param name="WelfareYen">Σ (value − ask) × MWh.</param>
/// <param name="UpperBoundYen">Proven upper bound on the welfare.</param>
/// <param name="Gap">Proven relative gap.</param>
/// <param name="MatchedMwh">Energy matched.</param>
/// <param name="Headroom">Where the area-hour limits came from.</param>
/// <param name="Method">How the matches were found.</param>
/// <param name="Matches">Every match.</param>
/// <param name="Prices">Public area-hour prices.</param>
/// <param name="Settlement">Per operator.</param>
/// <param name="Unmatched">Bids not fully served, with the reason.</param>
/// <param name="Volumes">MW matched per area-hour, all operators together (public).</param>
internal sealed record MarketClearingRecord(string Id, ClearingKind Kind, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset RunAt, string RunBy,
    int Offers, int Bids, double WelfareYen, double UpperBoundYen, double Gap, double MatchedMwh, string Headroom, string Method,
    IReadOnlyList<MarketMatchRecord> Matches, IReadOnlyList<MarketPriceRecord> Prices, IReadOnlyList<MarketSettlementRecord> Settlement,
    IReadOnlyList<MarketUnmatchedRecord> Unmatched, IReadOnlyList<MarketVolumeRecord> Volumes);

/// <summary>
/// One line of the market's journal, which is also its audit log: who did what, when (key ids, never keys). Exactly one
/// of the payloads is set: offers posted, bids posted, a clearing, or a curtailment's settlement.
/// </summary>
internal sealed record MarketEntry(long Seq, DateTimeOffset At, string Actor, string Action, IReadOnlyList<MarketOfferRecord>? Offers = null,
    IReadOnlyList<MarketBidRecord>? Bids = null, MarketClearingRecord? Clearing = null, MarketCurtailmentRecord? Curtailment = null);

/// <summary>
/// What a curtailment order on a selling site did to the work sold there (decision 0134): the dispatch order that
/// re-dispatched it like the site's own work, and a credit to the buyer for every bought MWh no longer delivered in its
/// hour (paid back at the match's price by the seller). Immutable.
/// </summary>
/// <param name="CurtailmentOrder">The grid operator's curtailment order.</param>
/// <param name="DispatchOrder">The dispatch order the seller received for it.</param>
/// <param name="Seller">The curtailed operator.</param>
/// <param name="Site">The curtailed site (the seller's own id for it).</param>
/// <param name="EffectiveAt">When the curtailment takes effect.</param>
/// <param name="ExpectedEndAt">When it is expected to end.</param>
/// <param name="Actions">What the dispatch order does to each sold workload (<c>market:{buyer}/{bid}</c>), in words: action and destination.</param>
/// <param name="Credits">One row per match hour that lost delivery.</param>
/// <param name="CreditedMwh">Σ credited MWh.</param>
/// <param name="CreditedYen">Σ credits, JPY.</param>
internal sealed record MarketCurtailmentRecord(string CurtailmentOrder, string DispatchOrder, string Seller, string Site, DateTimeOffset EffectiveAt,
    DateTimeOffset ExpectedEndAt, IReadOnlyList<MarketRedispatchRecord> Actions, IReadOnlyList<MarketCreditRecord> Credits, double CreditedMwh, double CreditedYen);

/// <summary>How one sold workload was re-dispatched: the dispatcher's action and, for a move, where to. Immutable.</summary>
internal sealed record MarketRedispatchRecord(string Bid, string Buyer, string Action, string? To, DateTimeOffset CompletesAt, string Reason);

/// <summary>
/// A credit for curtailed bought work: the MWh of one match hour no longer delivered (MW × the share of the hour lost at the
/// site and not made up at another of the seller's sites in the same hour), paid back at the match's price. Immutable.
/// </summary>
internal sealed record MarketCreditRecord(string Clearing, string Bid, string Buyer, string Offer, string Seller, string Site, DateTimeOffset Hour, double Mw,
    double CurtailedMwh, double PriceYenPerMwh, double CreditYen);

/// <summary>Work an operator sold that runs at a given instant at one of its sites: one bought bid, with its MW then and the end of its run there.</summary>
internal sealed record SoldWork(string Buyer, MarketBidRecord Bid, string Site, double Mw, DateTimeOffset RunEnd, IReadOnlyList<string> AllowedSites);
