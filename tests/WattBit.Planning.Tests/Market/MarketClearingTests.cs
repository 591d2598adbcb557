using WattBit.Areas;
using WattBit.Planning.Market;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Tests.Market;

public sealed class MarketClearingTests
{
    internal static readonly DateTimeOffset T0 = new(2030, 5, 1, 10, 0, 0, Jst.Offset);

    internal static MarketOffer Offer(string id, string op, GridArea area, int fromHour, int toHour, double mw, double ask, params string[] tags) =>
        new(id, op, new SiteId(id + "-site"), area, new TimeWindow(T0.AddHours(fromHour), T0.AddHours(toHour)), Power.FromMegawatts(mw), ask,
            new HashSet<string>(tags));

    internal static MarketBid Bid(string id, string op, double mw, int hours, int fromHour, int toHour, double value, bool divisible,
        GridArea[]? areas = null, params string[] requires) =>
        new(id, op, Power.FromMegawatts(mw), hours, new TimeWindow(T0.AddHours(fromHour), T0.AddHours(toHour)), value,
            areas is null ? null : new HashSet<GridArea>(areas), new HashSet<string>(requires), divisible);

    // Merit order in one area-hour: supply 5 MW at 10, 5 at 20, 5 at 30; demand 4 MW at 50, 4 at 40, 4 at 25.
    // Served: 4 at 50 and 4 at 40 in full, 2 of the 4 at 25 (o20 is then full and o30 asks more than 25).
    // Welfare = 50*4 + 40*4 + 25*2 - (10*5 + 20*5) = 260. The marginal buyer (25) is partly served, so the
    // competitive price is 25, paid on every row.
    private static (List<MarketOffer>, List<MarketBid>) MeritOrder() =>
        ([Offer("o10", "s1", JapanAreas.Kyushu, 0, 1, 5, 10), Offer("o20", "s2", JapanAreas.Kyushu, 0, 1, 5, 20), Offer("o30", "s3", JapanAreas.Kyushu, 0, 1, 5, 30)],
         [Bid("b50", "x", 4, 1, 0, 1, 50, true), Bid("b40", "y", 4, 1, 0, 1, 40, true), Bid("b25", "z", 4, 1, 0, 1, 25, true)]);

    [Fact]
    public void MeritOrder_ClearsAtTheMarginalBuyersValueOnEveryRow()
    {
        var (offers, bids) = MeritOrder();

        var r = MarketClearing.Clear(offers, bids);

        Assert.Equal(260, r.WelfareYen, 6);
        Assert.Equal(10, r.MatchedMwh, 6);
        Assert.All(r.Matches, m => Assert.Equal(25, m.PriceYenPerMwh, 6));
        Assert.Equal(25, Assert.Single(r.Prices).YenPerMwh, 6);
        var partly = Assert.Single(r.Unmatched);
        Assert.Equal("b25", partly.BidId);
        Assert.Equal(2, partly.MatchedMwh, 6);
        Assert.Empty(MarketOracle.Violations(offers, bids, MarketHeadroom.None, r));
    }

    // Capacity sold by an earlier clearing is gone: o10 has 3 of its 5 MW sold at T0 and o20 all 5, so b50 gets 2 MW
    // from o10 and 2 from o30 (ask 30). Welfare = (50 − 10) × 2 + (50 − 30) × 2 = 120; b40 gets 0 (its value 40 > 30,
    // but o30's other 3 MW then go to b40: + (40 − 30) × 3 = 30). Total 150.
    [Fact]
    public void Sold_TakesEarlierClearingsCapacityOffTheOffer_AndABlockNeedsItsMwFreeInEveryHour()
    {
        var (offers, bids) = MeritOrder();
        var sold = new Dictionary<(string, DateTimeOffset), double> { [("o10", T0.ToUniversalTime())] = 3, [("o20", T0.ToUniversalTime())] = 5 };

        var r = MarketClearing.Clear(offers, bids, options: new MarketClearingOptions(Sold: sold));

        Assert.Equal(150, r.WelfareYen, 6);
        Assert.Equal(2, r.Matches.Where(m => m.OfferId == "o10").Sum(m => m.Mw), 6);
        Assert.DoesNotContain(r.Matches, m => m.OfferId == "o20");

        // A 2-hour block of 4 MW on an offer with 5 MW, 2 MW of which are sold in the second hour: it does not fit.
        var offer = Offer("big", "s", JapanAreas.Tokyo, 0, 2, 5, 10);
        var block = Bid("blk", "x", 4, 2, 0, 2, 50, false);
        var partSold = new Dictionary<(string, DateTimeOffset), double> { [("big", T0.AddHours(1).ToUniversalTime())] = 2 };
        var none = MarketClearing.Clear([offer], [block], options: new MarketClearingOptions(Sold: partSold));
        Assert.Empty(none.Matches);
        Assert.Equal(320, MarketClearing.Clear([offer], [block]).WelfareYen, 6);
    }

    // Headroom 6 MW: b50 takes 4 and b40 2 (1 from o10, 1 from o20). Welfare = 40*4 + 30*1 + 20*1 = 210. The area's
    // headroom is the scarce thing and b40 is the marginal buyer: price 40 on every row (o10's rent 10 + headroom rent 20 + ask).
    [Fact]
    public void Headroom_LimitsTheAreaHourAndItsRentGoesIntoThePrice()
    {
        var (offers, bids) = MeritOrder();
        var headroom = new MarketHeadroom([(JapanAreas.Kyushu, T0, 6.0)]);

        var r = MarketClearing.Clear(offers, bids, headroom);

        Assert.Equal(210, r.WelfareYen, 6);
        Assert.Equal(6, r.MatchedMwh, 6);
        Assert.All(r.Matches, m => Assert.Equal(40, m.PriceYenPerMwh, 6));
        Assert.Empty(MarketOracle.Violations(offers, bids, headroom, r));
    }

    [Fact]
    public void Settlement_BuyersPayWhatSellersReceive_AndSurplusesAddUpToWelfare()
    {
        var (offers, bids) = MeritOrder();

        var r = MarketClearing.Clear(offers, bids);

        // Hand-computed at price 25: buyers pay 25 * 10 = 250; o10 receives 125, o20 125.
        Assert.Equal(250, r.Settlement.Sum(s => s.PaidYen), 6);
        Assert.Equal(250, r.Settlement.Sum(s => s.ReceivedYen), 6);
        Assert.Equal(0, r.Settlement.Sum(s => s.NetYen), 6);
        Assert.Equal(r.WelfareYen, r.Settlement.Sum(s => s.SurplusYen), 6);
        Assert.Equal(125, r.Settlement.Single(s => s.Operator == "s1").ReceivedYen, 6);
        Assert.Equal((50 - 25) * 4, r.Settlement.Single(s => s.Operator == "x").SurplusYen, 6);
        // Pay-as-bid on the same matches: buyers pay 50*4 + 40*4 + 25*2 = 410, sellers get 150, the market keeps 260.
        Assert.Equal(410, r.PayAsBid.BuyersPayYen, 6);
        Assert.Equal(150, r.PayAsBid.SellersReceiveYen, 6);
        Assert.Equal(r.WelfareYen, r.PayAsBid.MarketKeepsYen, 6);
    }

    // b1 (indivisible, 6 MW x 2 h) fits only on o1 (6 MW); b2 (divisible, 4 MW x 2 h, value 90) could use o1 or o2.
    // Best: b1 on o1 for hours 0-1 (welfare (100-10)*12 = 1080), b2 on o2 at 2 hours x 4 MW ((90-50)*8 = 320) = 1400.
    [Fact]
    public void IndivisibleBid_RunsAsOneBlockOnOneOffer()
    {
        List<MarketOffer> offers = [Offer("o1", "s", JapanAreas.Tokyo, 0, 2, 6, 10, "gpu"), Offer("o2", "s", JapanAreas.Tokyo, 0, 4, 4, 50, "gpu")];
        List<MarketBid> bids = [Bid("b1", "x", 6, 2, 0, 4, 100, false, null, "gpu"), Bid("b2", "y", 4, 2, 0, 4, 90, true)];

        var r = MarketClearing.Clear(offers, bids);

        Assert.Equal(1400, r.WelfareYen, 6);
        Assert.Equal(["o1", "o1"], r.Matches.Where(m => m.BidId == "b1").Select(m => m.OfferId));
        Assert.Empty(MarketOracle.Violations(offers, bids, MarketHeadroom.None, r));
    }

    [Fact]
    public void UnmatchedBids_SayWhy()
    {
        List<MarketOffer> offers = [Offer("o1", "s", JapanAreas.Kyushu, 0, 4, 10, 100, "gpu"), Offer("o2", "s", JapanAreas.Tokyo, 0, 2, 3, 100)];
        List<MarketBid> bids =
        [
            Bid("tags", "x", 1, 1, 0, 4, 500, true, null, "confidential"),
            Bid("areas", "x", 1, 1, 0, 4, 500, true, [JapanAreas.Hokkaido], "gpu"),
            Bid("cheap", "x", 1, 1, 0, 4, 50, true),
            Bid("window", "x", 1, 3, 2, 8, 500, false, [JapanAreas.Tokyo]),
            Bid("big", "x", 20, 1, 0, 4, 500, false),
            Bid("grid", "x", 5, 1, 0, 4, 500, false, [JapanAreas.Kyushu]),
        ];
        var headroom = new MarketHeadroom(Enumerable.Range(0, 4).Select(h => (JapanAreas.Kyushu, T0.AddHours(h), 2.0)));

        var r = MarketClearing.Clear(offers, bids, headroom);

        var why = r.Unmatched.ToDictionary(u => u.BidId, u => u.Reason);
        Assert.StartsWith("no offer carries its tags", why["tags"], StringComparison.Ordinal);
        Assert.StartsWith("no offer with its tags is in its areas", why["areas"], StringComparison.Ordinal);
        Assert.StartsWith("value 50 below every ask", why["cheap"], StringComparison.Ordinal);
        Assert.StartsWith("no offer with its tags and areas is open for a block of 3 h", why["window"], StringComparison.Ordinal);
        Assert.StartsWith("every offer that fits its window is smaller", why["big"], StringComparison.Ordinal);
        Assert.StartsWith("over headroom", why["grid"], StringComparison.Ordinal);
    }

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SmallDivisibleInstances_MatchBruteForceWelfare(int seed)
    {
        var (offers, bids, headroom) = Random(seed, indivisible: false);

        var r = MarketClearing.Clear(offers, bids, headroom);

        Assert.Equal(MarketOracle.BruteForceWelfare(offers, bids, headroom), r.WelfareYen, 4);
        Assert.Empty(MarketOracle.Violations(offers, bids, headroom, r));
        Assert.Equal(r.Settlement.Sum(s => s.PaidYen), r.Settlement.Sum(s => s.ReceivedYen), 6);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SmallIndivisibleAndMixedInstances_MatchBruteForceWelfare(int seed)
    {
        var (offers, bids, headroom) = Random(seed, indivisible: true);

        var r = MarketClearing.Clear(offers, bids, headroom);

        Assert.Equal(MarketOracle.BruteForceWelfare(offers, bids, headroom), r.WelfareYen, 4);
        Assert.Empty(MarketOracle.Violations(offers, bids, headroom, r));
        Assert.True(r.UpperBoundYen >= r.WelfareYen - 1e-6);
        Assert.Equal(r.Settlement.Sum(s => s.PaidYen), r.Settlement.Sum(s => s.ReceivedYen), 6);
    }

    // Integer MW and headroom, 2 areas, 3 hours, 3 offers, 3 bids (with indivisible: about half of them).
    internal static (List<MarketOffer>, List<MarketBid>, MarketHeadroom) Random(int seed, bool indivisible)
    {
        var rng = new Random(seed);
        GridArea[] areas = [JapanAreas.Kyushu, JapanAreas.Tokyo];
        string[] tagPool = ["gpu", "confidential"];
        var offers = new List<MarketOffer>();
        for (var i = 0; i < 3; i++)
        {
            var from = rng.Next(0, 2);
            offers.Add(Offer($"o{i}", $"op{rng.Next(3)}", areas[rng.Next(2)], from, from + rng.Next(1, 3), rng.Next(1, 3), rng.Next(1, 8) * 10,
                tagPool.Where(_ => rng.Next(2) == 0).ToArray()));
        }

        var bids = new List<MarketBid>();
        for (var i = 0; i < 3; i++)
        {
            var from = rng.Next(0, 2);
            var to = from + rng.Next(1, 3);
            var hours = rng.Next(1, to - from + 1);
            bids.Add(Bid($"b{i}", $"op{rng.Next(3)}", rng.Next(1, 3), hours, from, to, rng.Next(2, 10) * 10, !indivisible || rng.Next(2) == 0,
                rng.Next(3) == 0 ? [areas[rng.Next(2)]] : null, rng.Next(3) == 0 ? [tagPool[rng.Next(2)]] : []));
        }

        var limits = new List<(GridArea, DateTimeOffset, double)>();
        for (var h = 0; h < 3; h++)
        {
            if (rng.Next(2) == 0)
            {
                limits.Add((areas[rng.Next(2)], T0.AddHours(h), rng.Next(0, 4)));
            }
        }

        return (offers, bids, new MarketHeadroom(limits.DistinctBy(l => (l.Item1, l.Item2))));
    }
}
