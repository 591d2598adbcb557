using WattBit.Grid.Japan;

namespace WattBit.Grid.Tests.Japan;

/// <summary>The backbone of a later roadmap year (decision 0184): an area's loads grown, an AC tie's ratings scaled.</summary>
public sealed class JapanGridChangesTests
{
    [Fact]
    public void Apply_GrowsOnlyTheNamedAreasLoads_AndScalesOnlyTheNamedTiesRatings()
    {
        var model = JapanBackbone.LoadDefault();
        var grown = JapanGridChanges.Apply(model, new Dictionary<string, double> { ["TK"] = 1.1 }, new Dictionary<string, double> { ["相馬双葉幹線"] = 2 });
        for (var i = 0; i < model.Buses.Length; i++)
        {
            var expected = model.Buses[i].Area.Code == "TK" ? model.Network.Buses[i].Pd * 1.1 : model.Network.Buses[i].Pd;
            Assert.Equal(expected, grown.Network.Buses[i].Pd, 9);
        }

        var tie = 0;
        for (var l = 0; l < model.Branches.Length; l++)
        {
            var isTie = model.Branches[l].Kind == JapanBranchKind.Tie && model.Branches[l].OcctoName == "相馬双葉幹線";
            tie += isTie ? 1 : 0;
            Assert.Equal(model.Network.Branches[l].RateA * (isTie ? 2 : 1), grown.Network.Branches[l].RateA, 9);
            Assert.Equal(model.Network.Branches[l].RateB * (isTie ? 2 : 1), grown.Network.Branches[l].RateB, 9);
            Assert.Equal(model.Network.Branches[l].X, grown.Network.Branches[l].X, 12);
        }

        Assert.Equal(2, tie); // its two circuits
        Assert.Equal(model.Network.Generators.Length, grown.Network.Generators.Length);
        Assert.Equal(model.BaseDemandMw, grown.BaseDemandMw, 9); // the demand the base case stands for is the base year's
    }
}
