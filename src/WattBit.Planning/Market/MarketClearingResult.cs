using WattBit.Areas;
using WattBit.Sites;

namespace WattBit.Planning.Market;

/// <summary>One bid running on one offer in one hour: a row of the clearing's output (formats.md section 7). Immutable.</summary>
/// <param name="BidId">The bid.</param>
/// <param name="OfferId">The offer it runs on.</param>
/// <param name="Site">The offer's site.</param>
/// <param name="Area">The offer's area.</param>
/// <param name="Hour">The start of the market hour.</param>
/// <param name="Mw">Grid draw matched in that hour, MW (MWh for the hour).</param>
/// <param name="PriceYenPerMwh">The price the buyer pays and the seller receives, within [ask, value].</param>
public sealed record MarketMatch(string BidId, string OfferId, SiteId Site, GridArea Area, DateTimeOffset Hour, double Mw, double PriceYenPerMwh)
{
    /// <summary>The money that changes hands for the row, JPY.</summary>
    public double Yen => Mw * PriceYenPerMwh;
}

/// <summary>A bid the clearing did not fully serve, with why. Immutable.</summary>
/// <param name="BidId">The bid.</param>
/// <param name="MatchedMwh">The energy matched (zero unless a divisible bid was partly served).</param>
/// <param name="Reason">Why, in words (no offer with its tags, over headroom, value below every ask, outbid...).</param>
public sealed record UnmatchedBid(string BidId, double MatchedMwh, string Reason);

/// <summary>The competitive price of one area and hour, from the divisible problem. Immutable.</summary>
/// <param name="Area">The area.</param>
/// <param name="Hour">The start of the market hour.</param>
/// <param name="YenPerMwh">The price.</param>
public sealed record AreaHourPrice(GridArea Area, DateTimeOffset Hour, double YenPerMwh);

/// <summary>What one operator bought and sold in a clearing, and the money. Immutable.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="BoughtMwh">Energy of its bids served.</param>
/// <param name="PaidYen">What it pays for them.</param>
/// <param name="SoldMwh">Energy of its offers used.</param>
/// <param name="ReceivedYen">What it receives for them.</param>
/// <param name="SurplusYen">Its gain over its own values and asks: Σ (value − price) bought + Σ (price − ask) sold.</param>
public sealed record OperatorSettlement(string Operator, double BoughtMwh, double PaidYen, double SoldMwh, double ReceivedYen, double SurplusYen)
{
    /// <summary>Received minus paid, JPY.</summary>
    public double NetYen => ReceivedYen - PaidYen;
}

/// <summary>The same matches priced pay-as-bid: buyers pay their values, sellers receive their asks. Immutable.</summary>
/// <param name="BuyersPayYen">Σ value × MWh.</param>
/// <param name="SellersReceiveYen">Σ ask × MWh.</param>
/// <param name="MarketKeepsYen">The difference, which the market operator keeps (the whole welfare).</param>
public sealed record PayAsBidComparison(double BuyersPayYen, double SellersReceiveYen, double MarketKeepsYen);

/// <summary>The outcome of clearing a market. Immutable.</summary>
/// <param name="Matches">Every bid, offer and hour matched, in bid, offer, hour order.</param>
/// <param name="Unmatched">Every bid not fully served, with the reason, in bid order.</param>
/// <param name="WelfareYen">Σ (value − ask) × MWh over the matches.</param>
/// <param name="UpperBoundYen">A proven upper bound on the best welfare (the divisible relaxation or the solver's bound).</param>
/// <param name="Prices">Area-hour prices where the divisible problem matched anything.</param>
/// <param name="Settlement">Per operator, in operator order.</param>
/// <param name="PayAsBid">The same matches priced pay-as-bid, for comparison.</param>
/// <param name="Backend">The solver used.</param>
/// <param name="Method">How the matches were found (exact MIP, or relaxation and rounding).</param>
public sealed record MarketClearingResult(IReadOnlyList<MarketMatch> Matches, IReadOnlyList<UnmatchedBid> Unmatched, double WelfareYen,
    double UpperBoundYen, IReadOnlyList<AreaHourPrice> Prices, IReadOnlyList<OperatorSettlement> Settlement, PayAsBidComparison PayAsBid,
    string Backend, string Method)
{
    /// <summary>Matched energy, MWh.</summary>
    public double MatchedMwh => Matches.Sum(m => m.Mw);

    /// <summary>The proven relative gap: (bound − welfare) / bound, zero when the bound is zero.</summary>
    public double Gap => UpperBoundYen <= 1e-9 ? 0 : Math.Max(0, (UpperBoundYen - WelfareYen) / UpperBoundYen);
}
