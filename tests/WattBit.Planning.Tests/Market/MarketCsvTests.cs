using WattBit.Formats;
using WattBit.Planning.Market;

namespace WattBit.Planning.Tests.Market;

public sealed class MarketCsvTests
{
    private static readonly DateTimeOffset Now = new(2030, 4, 30, 12, 0, 0, WattBit.Time.Jst.Offset);
    private const string OfferHeader = "id,operator,site,area,start,end,mw,ask_yen_per_mwh,tags\n";
    private const string GoodOffer = "o1,a,s1,KY,2030-05-01T10:00:00+09:00,2030-05-01T16:00:00+09:00,20,4000,gpu;jp-only\n";
    private const string BidHeader = "id,operator,mw,hours,release,deadline,value_yen_per_mwh,areas,requires,divisible\n";
    private const string GoodBid = "b1,b,15,4,2030-05-01T09:00:00+09:00,2030-05-01T18:00:00+09:00,15000,*,gpu,false\n";

    [Fact]
    public void GoodRows_AreRead()
    {
        var offers = MarketCsv.ReadOffers(CsvTable.Parse(OfferHeader + GoodOffer, "offers.csv"), Now);
        var bids = MarketCsv.ReadBids(CsvTable.Parse(BidHeader + GoodBid + "b2,c,1,1,2030-05-01T09:00:00+09:00,2030-05-01T10:00:00+09:00,0,TK;KN,,true\n", "bids.csv"), Now);

        var o = Assert.Single(offers);
        Assert.Equal(20, o.Power.Megawatts);
        Assert.Equal(6, o.Window.Duration.TotalHours);
        Assert.True(o.Tags.SetEquals(["gpu", "jp-only"]));
        Assert.Null(bids[0].Areas);
        Assert.False(bids[0].Divisible);
        Assert.Equal(2, bids[1].Areas!.Count);
        Assert.Empty(bids[1].Requires);
    }

    [Theory]
    [InlineData("o2,a,s2,XX,2030-05-01T10:00:00+09:00,2030-05-01T16:00:00+09:00,20,4000,gpu\n", "field 'area'", "unknown area 'XX'")]
    [InlineData("o2,a,s2,KY,2030-05-01T10:00:00+09:00,2030-05-01T16:00:00+09:00,20,4000,quantum\n", "field 'tags'", "unknown tag 'quantum'")]
    [InlineData("o2,a,s2,KY,2030-04-29T10:00:00+09:00,2030-05-01T16:00:00+09:00,20,4000,gpu\n", "field 'start'", "in the past")]
    [InlineData("o2,a,s2,KY,2030-05-01T10:00:00+09:00,2030-05-01T16:00:00+09:00,20,-1,gpu\n", "field 'ask_yen_per_mwh'", "zero or more")]
    [InlineData("o2,a,s2,KY,2030-05-01T10:00:00+09:00,2030-05-01T16:00:00+09:00,20,cheap,gpu\n", "field 'ask_yen_per_mwh'", "not a number")]
    [InlineData("o2,b,s1,KY,2030-05-01T10:00:00+09:00,2030-05-01T16:00:00+09:00,20,4000,gpu\n", "field 'site'", "belongs to operator 'a'")]
    [InlineData("o1,a,s1,KY,2030-05-01T10:00:00+09:00,2030-05-01T16:00:00+09:00,20,4000,gpu\n", "field 'id'", "already used on line 2")]
    [InlineData("o2,a,s2,KY,2030-05-01T10:30:00+09:00,2030-05-01T16:00:00+09:00,20,4000,gpu\n", "field 'start'", "whole hour")]
    public void BadOffer_NamesRowAndField(string row, string field, string problem)
    {
        var ex = Assert.Throws<InputFormatException>(() => MarketCsv.ReadOffers(CsvTable.Parse(OfferHeader + GoodOffer + row, "offers.csv"), Now));

        Assert.Equal(3, ex.Line);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains("offers.csv", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("b2,b,15,10,2030-05-01T09:00:00+09:00,2030-05-01T18:00:00+09:00,15000,*,gpu,false\n", "field 'hours'", "longer than its window")]
    [InlineData("b2,b,15,4,2030-05-01T09:00:00+09:00,2030-05-01T18:00:00+09:00,-5,*,gpu,false\n", "field 'value_yen_per_mwh'", "zero or more")]
    [InlineData("b2,b,15,4,2030-05-01T09:00:00+09:00,2030-05-01T18:00:00+09:00,lots,*,gpu,false\n", "field 'value_yen_per_mwh'", "not a number")]
    [InlineData("b2,b,15,4,2030-05-01T09:00:00+09:00,2030-05-01T18:00:00+09:00,15000,TK;ZZ,gpu,false\n", "field 'areas'", "unknown area 'ZZ'")]
    [InlineData("b2,b,15,4,2030-05-01T09:00:00+09:00,2030-05-01T18:00:00+09:00,15000,*,gpus,false\n", "field 'requires'", "unknown tag 'gpus'")]
    [InlineData("b2,b,15,4,2030-04-01T09:00:00+09:00,2030-05-01T18:00:00+09:00,15000,*,gpu,false\n", "field 'release'", "in the past")]
    [InlineData("b2,b,15,4,2030-05-01T09:00:00+09:00,2030-05-01T18:00:00+09:00,15000,*,gpu,maybe\n", "field 'divisible'", "not true or false")]
    [InlineData("b2,b,0,4,2030-05-01T09:00:00+09:00,2030-05-01T18:00:00+09:00,15000,*,gpu,false\n", "field 'mw'", "above zero")]
    public void BadBid_NamesRowAndField(string row, string field, string problem)
    {
        var ex = Assert.Throws<InputFormatException>(() => MarketCsv.ReadBids(CsvTable.Parse(BidHeader + GoodBid + row, "bids.csv"), Now));

        Assert.Equal(3, ex.Line);
        Assert.Contains("bid 'b2'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadHeadroom_NamesRowAndField()
    {
        var ex = Assert.Throws<InputFormatException>(() => MarketCsv.ReadHeadroom(CsvTable.Parse("area,time,mw\nKY,2030-05-01T10:00:00+09:00,-3\n", "h.csv")));

        Assert.Equal(2, ex.Line);
        Assert.Contains("field 'mw'", ex.Message, StringComparison.Ordinal);
    }
}
