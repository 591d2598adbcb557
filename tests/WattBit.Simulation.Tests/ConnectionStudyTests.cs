using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Simulation.Engine;
using WattBit.Testing;

namespace WattBit.Simulation.Tests;

public sealed class ConnectionStudyTests
{
    [Fact]
    public void RealTokyoYear_FlexibleDrawsMoreThanProvisional_WhichDrawsMoreThanFirm()
    {
        // Tokyo FY2025 actuals (April 2025 - March 2026), 30-minute, from the shared data.
        var files = Enumerable.Range(0, 12)
            .Select(m => new DateOnly(2025, 4, 1).AddMonths(m))
            .Select(d => SharedData.Path("japan", "area-supply-demand", "tokyo", $"eria_jukyu_{d:yyyyMM}_03.csv"))
            .Select(p => AreaSupplyDemandImporter.ReadFile(p, JapanAreas.Tokyo));
        var year = AreaSupplyDemand.Merge(files);
        var c = ConnectionStudy.Compare(year[SupplyDemandKeys.Demand], year[SupplyDemandKeys.Solar], year[SupplyDemandKeys.Wind], 100);
        Assert.InRange(c.Hours, 8000, 8800);
        Assert.True(c.FlexibleMwh > 1.3 * c.ProvisionalMwh);
        Assert.True(c.ProvisionalMwh > 1.2 * c.FirmMwh);
        Assert.Equal(30, c.FirmMw, 6); // the year's highest net load leaves exactly the 30 % floor
        Assert.All(c.ProvisionalProfileMw, v => Assert.InRange(v, 30, 100));
    }

    [Fact]
    public void SyntheticYear_ProvisionalProfileNeverExceedsTheFlexibleLimit()
    {
        var area = ReferenceYear.Generate(2025, 1).Areas["KY"];
        var shape = SimulationWorld.HeadroomShape(area);
        var profile = SimulationWorld.ProvisionalProfile(shape, 10);
        for (var i = 0; i < shape.Count; i++)
        {
            Assert.True(profile[shape.TimeAt(i).ToOffset(TimeSpan.FromHours(9)).Hour] <= (shape[i] * 10) + 1e-9);
        }
    }
}
