using WattBit.Areas;
using WattBit.Planning.Market;

namespace WattBit.Planning.Tests.Market;

/// <summary>
/// The aggregated clearing (decision 0133) against brute force and the independent feasibility oracle, on the same small
/// random instances as the plain model and on copies of them with identical bids (which it merges into classes).
/// </summary>
public sealed class MarketAggregatedClearingTests
{
    private static readonly MarketClearingOptions Aggregated = new(Aggregate: true);

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    /// <summary>Every seed with blocks relaxed per offer class (decision 0136, the default) and per offer (decision 0133).</summary>
    public static TheoryData<int, bool> SeedsAndRelaxations
    {
        get
        {
            var data = new TheoryData<int, bool>();
            for (var seed = 1; seed <= 8; seed++)
            {
                data.Add(seed, false);
                data.Add(seed, true);
            }

            return data;
        }
    }

    /// <summary>The random instance of the plain tests, with some bids repeated under other ids and operators.</summary>
    private static (List<MarketOffer>, List<MarketBid>, MarketHeadroom) WithCopies(int seed, bool indivisible)
    {
        var (offers, bids, headroom) = MarketClearingTests.Random(seed, indivisible);
        var rng = new Random(seed * 7919);
        foreach (var b in bids.ToList())
        {
            if (rng.Next(2) == 0)
            {
                bids.Add(b with { Id = b.Id + "-copy", Operator = "copier" });
            }
        }

        return (offers, bids, headroom);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Divisible_IsExact_AgainstBruteForce(int seed)
    {
        var (offers, bids, headroom) = WithCopies(seed, indivisible: false);

        var r = MarketClearing.Clear(offers, bids, headroom, Aggregated);

        Assert.Equal(MarketOracle.BruteForceWelfare(offers, bids, headroom), r.WelfareYen, 4);
        Assert.Empty(MarketOracle.Violations(offers, bids, headroom, r));
        Assert.Equal(r.Settlement.Sum(s => s.PaidYen), r.Settlement.Sum(s => s.ReceivedYen), 6);
    }

    [Theory]
    [MemberData(nameof(SeedsAndRelaxations))]
    public void IndivisibleAndMixed_AreFeasible_WithinTheTargetGap_UnderAProvenBound(int seed, bool blocksPerOffer)
    {
        var (offers, bids, headroom) = WithCopies(seed, indivisible: true);

        var r = MarketClearing.Clear(offers, bids, headroom, Aggregated with { BlocksPerOffer = blocksPerOffer });

        var best = MarketOracle.BruteForceWelfare(offers, bids, headroom);
        Assert.Empty(MarketOracle.Violations(offers, bids, headroom, r));
        Assert.True(r.UpperBoundYen >= best - 1e-6, $"bound {r.UpperBoundYen} below the brute-force optimum {best}");
        Assert.True(r.WelfareYen >= best - 1e-6 - (0.01 * r.UpperBoundYen), $"welfare {r.WelfareYen}, optimum {best}, bound {r.UpperBoundYen}");
        Assert.True(r.Gap <= 0.01 + 1e-9, $"gap {r.Gap}");
    }

    [Fact]
    public void MeritOrder_GivesThePlainModelsWelfareAndPrice()
    {
        List<MarketOffer> offers = [MarketClearingTests.Offer("o10", "s1", JapanAreas.Kyushu, 0, 1, 5, 10), MarketClearingTests.Offer("o20", "s2", JapanAreas.Kyushu, 0, 1, 5, 20),
            MarketClearingTests.Offer("o30", "s3", JapanAreas.Kyushu, 0, 1, 5, 30)];
        List<MarketBid> bids = [MarketClearingTests.Bid("b50", "x", 4, 1, 0, 1, 50, true), MarketClearingTests.Bid("b40", "y", 4, 1, 0, 1, 40, true),
            MarketClearingTests.Bid("b25", "z", 4, 1, 0, 1, 25, true)];

        var r = MarketClearing.Clear(offers, bids, null, Aggregated);

        Assert.Equal(260, r.WelfareYen, 6);
        Assert.All(r.Matches, m => Assert.Equal(25, m.PriceYenPerMwh, 6));
    }

    // Five identical 2 MW × 2 h blocks at 100 on one 5 MW offer at 10 over 2 hours: two fit (4 MW), the LP says 2.5,
    // rounding down gives 2 blocks = 8 MWh × 90 = 720; the LP bound is 900, a 20 % gap, so the MIP decides: still 720,
    // proven optimal (no third block fits).
    [Fact]
    public void IdenticalBlocks_AreCountedOnTheOffer_AndEachMemberGetsAWholeBlock()
    {
        List<MarketOffer> offers = [MarketClearingTests.Offer("o", "s", JapanAreas.Tokyo, 0, 2, 5, 10)];
        var bids = Enumerable.Range(0, 5).Select(i => MarketClearingTests.Bid($"b{i}", $"op{i}", 2, 2, 0, 2, 100, false)).ToList();

        var r = MarketClearing.Clear(offers, bids, null, Aggregated);

        Assert.Equal(720, r.WelfareYen, 6);
        Assert.Equal(2, r.Matches.Select(m => m.BidId).Distinct().Count());
        Assert.All(r.Matches.GroupBy(m => m.BidId), g => Assert.Equal(2, g.Count()));
        Assert.Empty(MarketOracle.Violations(offers, bids, MarketHeadroom.None, r));
        Assert.True(r.WelfareYen >= r.UpperBoundYen * 0.99 - 1e-6, $"bound {r.UpperBoundYen}");
    }

    // Offers in Tokyo and Tohoku with the same tags, and one bid for any area: no bid tells them apart, so they are one
    // offer class (decision 0136), yet each keeps its own area's headroom. 5 MW wanted at 100; Tokyo's 5 MW at 10 is
    // held to 2 MW by its headroom, Tohoku's at 30 gives the rest: 2 × 90 + 3 × 70 = 390.
    [Fact]
    public void OffersNoBidTellsApart_ShareAClass_ButKeepTheirAreasHeadroom()
    {
        List<MarketOffer> offers = [MarketClearingTests.Offer("tk", "s1", JapanAreas.Tokyo, 0, 1, 5, 10, "gpu"), MarketClearingTests.Offer("th", "s2", JapanAreas.Tohoku, 0, 1, 5, 30, "gpu")];
        List<MarketBid> bids = [MarketClearingTests.Bid("b", "x", 5, 1, 0, 1, 100, true)];
        var headroom = new MarketHeadroom([(JapanAreas.Tokyo, MarketClearingTests.T0, 2.0)]);

        var r = MarketClearing.Clear(offers, bids, headroom, Aggregated);

        Assert.Equal(390, r.WelfareYen, 6);
        Assert.Equal(2, r.Matches.Single(m => m.OfferId == "tk").Mw, 6);
        Assert.Equal(3, r.Matches.Single(m => m.OfferId == "th").Mw, 6);
        Assert.Empty(MarketOracle.Violations(offers, bids, headroom, r));
    }

    // Two 2 MW × 3 h blocks at 100 and one offer class of two offers (3 MW at 10, 4 MW at 20) over 3 hours: relaxed
    // to the class, both blocks fit its 7 MW; on offers, one block fits each (3 MW and 4 MW), so both are placed:
    // 6 MWh × 90 + 6 MWh × 80 = 1,020, the optimum (brute force: the only other choices drop a block).
    [Fact]
    public void BlocksRelaxedToAClass_AreAssignedToItsCheapestOffersThatHoldThem()
    {
        List<MarketOffer> offers = [MarketClearingTests.Offer("a", "s1", JapanAreas.Kyushu, 0, 3, 3, 10), MarketClearingTests.Offer("b", "s2", JapanAreas.Kyushu, 0, 3, 4, 20)];
        List<MarketBid> bids = [MarketClearingTests.Bid("x", "p", 2, 3, 0, 3, 100, false), MarketClearingTests.Bid("y", "q", 2, 3, 0, 3, 100, false)];

        var r = MarketClearing.Clear(offers, bids, null, Aggregated);

        Assert.Equal(1020, r.WelfareYen, 6);
        Assert.Equal(MarketOracle.BruteForceWelfare(offers, bids, MarketHeadroom.None), r.WelfareYen, 6);
        Assert.Equal(["a", "b"], r.Matches.Select(m => m.OfferId).Distinct().Order());
        Assert.Empty(MarketOracle.Violations(offers, bids, MarketHeadroom.None, r));
    }
}
