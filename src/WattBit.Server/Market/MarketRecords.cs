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
/// of the payloads is set: offers posted, bids posted, or a clearing.
/// </summary>
internal sealed record MarketEntry(long Seq, DateTimeOffset At, string Actor, string Action, IReadOnlyList<MarketOfferRecord>? Offers = null,
    IReadOnlyList<MarketBidRecord>? Bids = null, MarketClearingRecord? Clearing = null);
