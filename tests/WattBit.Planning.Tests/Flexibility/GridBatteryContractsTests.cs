using WattBit.Headroom;
using WattBit.Planning.Flexibility;
using WattBit.Units;

namespace WattBit.Planning.Tests.Flexibility;

/// <summary>Ranking batteries elsewhere by what the grid says they do for the data centre (decision 0146).</summary>
public sealed class GridBatteryContractsTests
{
    /// <summary>The grid's answers of the hand-computed triangle (tests/WattBit.Grid.Tests/BatteryReliefTests.cs): per MW, bus 3 gives 0.5, bus 2 gives 1, bus 1 nothing.</summary>
    private sealed class Triangle : IBatteryRelief
    {
        public string Description => "triangle, N-0";

        public BatteryRelief Assess(string dcNode, string batteryNode, Power batteryPower)
        {
            var perMw = batteryNode switch { "3" => 0.5, "2" => 1.0, "1" => 0.0, _ => throw new KeyNotFoundException(batteryNode) };
            return new BatteryRelief(dcNode, batteryNode, batteryPower, Power.FromMegawatts(60), Power.FromMegawatts(60 + (perMw * batteryPower.Megawatts)), "1",
                "1", 2.0 / 3, batteryNode == "1" ? 0 : -perMw * 2 / 3);
        }
    }

    [Fact]
    public void Rank_PutsTheCheapestReliefPerMwFirst_AndExplainsABatteryThatDoesNotHelp()
    {
        var offers = new[]
        {
            new GridBatteryOffer("beside-generator", "1", Power.FromMegawatts(30), Money.FromYen(1_000)),
            new GridBatteryOffer("far", "3", Power.FromMegawatts(30), Money.FromYen(3_000_000)),
            new GridBatteryOffer("at-dc", "2", Power.FromMegawatts(10), Money.FromYen(2_500_000)),
        };

        var ranked = GridBatteryContracts.Rank("2", offers, new Triangle());

        // far: 15 MW of relief for 3,000,000 = 200,000 JPY/MW; at-dc: 10 MW for 2,500,000 = 250,000; beside-generator: none.
        Assert.Equal(["far", "at-dc", "beside-generator"], ranked.Select(c => c.Offer.Id));
        Assert.Equal(200_000, ranked[0].YenPerMwOfRelief!.Value, 6);
        Assert.Equal(250_000, ranked[1].YenPerMwOfRelief!.Value, 6);
        Assert.Null(ranked[2].YenPerMwOfRelief);
        Assert.Contains("does not relieve branch 1", ranked[2].Why, StringComparison.Ordinal);
    }
}
