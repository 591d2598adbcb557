using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Data.Signals;
using WattBit.Testing;

namespace WattBit.Data.Tests.Signals;

public sealed class CarbonIntensityTests
{
    private static AreaSupplyDemand Hokkaido() =>
        AreaSupplyDemandImporter.ReadFile(SharedData.Path("japan", "area-supply-demand", "mocks", "eria_jukyu_202604_01.csv"));

    [Fact]
    public void Carbon_HokkaidoFirstSlot_MatchesHandComputation()
    {
        // 2026/04/01 0:00: LNG 367, coal 1079, oil 326, other thermal 210, hydro 396, geothermal 10, biomass 296, wind 275;
        // pumped storage 60, battery -5 and the interconnection -84 are not generation.
        var lifecycle = GridSignals.Carbon(Hokkaido());
        const double weighted = (367 * 490) + (1079 * 820) + (326 * 650) + (210 * 700) + (396 * 24) + (10 * 38) + (296 * 230) + (275 * 11);
        const double total = 367 + 1079 + 326 + 210 + 396 + 10 + 296 + 275;
        Assert.Equal(weighted / total, lifecycle[0], 9);

        var direct = GridSignals.Carbon(Hokkaido(), EmissionBasis.Direct);
        Assert.Equal(((367 * 370) + (1079 * 760) + (326 * 406) + (210 * 575)) / total, direct[0], 9);
    }

    [Fact]
    public void Carbon_SolarSlot_IsLowerThanNight()
    {
        var c = GridSignals.Carbon(Hokkaido());
        var noon = c[24];
        var midnight = c[0];
        Assert.True(noon < midnight, $"noon {noon} vs midnight {midnight}");
    }

    [Fact]
    public void Carbon_UserFactors_OverrideTheShippedOnes()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wb-ef-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "mode,direct,lifecycle\ncoal,1000,1000\ngas,0,0\noil,0,0\nbiomass,0,0\nsolar,0,0\nwind,0,0\nhydro,0,0\nnuclear,0,0\ngeothermal,0,0\nunknown,0,0\n");
        try
        {
            var facts = JapanFacts.Load(null, null, path);
            var c = GridSignals.Carbon(Hokkaido(), EmissionBasis.Lifecycle, facts);
            Assert.Equal(1079 * 1000.0 / (367 + 1079 + 326 + 210 + 396 + 10 + 296 + 275), c[0], 9);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Carbon_MissingGeneration_IsMissingNotZero()
    {
        var lines = Import.AreaSupplyDemandImporterTests.ReadLines("eria_jukyu_202604_01.csv");
        var f = lines[2].Split(',');
        f[4] = string.Empty; // LNG empty in the first slot
        lines[2] = string.Join(',', f);
        var d = Import.AreaSupplyDemandImporterTests.Parse(lines, "eria_jukyu_202604_01.csv");
        var c = GridSignals.Carbon(d);
        Assert.True(double.IsNaN(c[0]));
        Assert.False(double.IsNaN(c[1]));
    }

    [Fact]
    public void Facts_Shipped_HaveEveryModeAndTheTenLinks()
    {
        var facts = JapanFacts.Default;
        Assert.Equal(10, facts.Interconnections.Count);
        Assert.Equal(820, facts.EmissionFactors["coal"].Lifecycle);
        Assert.Equal(370, facts.EmissionFactors["gas"].Direct);
        Assert.Equal(11900, facts.Capacity(WattBit.Areas.JapanAreas.Tokyo, "solar"));
        Assert.Equal(0, facts.Capacity(WattBit.Areas.JapanAreas.Kyushu, "coal")); // blank = not listed
    }
}
