using WattBit.Siting.Connection;
using WattBit.Units;

namespace WattBit.Siting.Tests;

public sealed class ConnectionPlannerTests
{
    private static readonly ConnectionAssumptions s_default = ConnectionAssumptions.Default;

    [Fact]
    public void SmallDc_Below2Mw_IsHighVoltageTenOddMonths()
    {
        var a = ConnectionPlanner.Assess(Power.FromMegawatts(1.9), s_default);
        var only = Assert.Single(a.Options);
        Assert.Contains("高圧", only.Voltage, StringComparison.Ordinal);
        Assert.Equal(15, only.LeadMonths.Central);
        Assert.Equal(40, only.CostMillionYen.Central);
        Assert.Null(a.SplitConnectsSooner);
    }

    [Fact]
    public void Exactly2Mw_IsTheLargeProcess()
    {
        var a = ConnectionPlanner.Assess(Power.FromMegawatts(2), s_default);
        Assert.Equal(60, a.Options[0].LeadMonths.Central);
        Assert.Equal(400, a.Options[0].CostMillionYen.Central);
    }

    [Fact]
    public void LargeDc_SplitIntoUnitsBelowThreshold()
    {
        var a = ConnectionPlanner.Assess(Power.FromMegawatts(300), s_default);
        var split = a.Options[1];
        Assert.Equal(158, split.Units); // ceil(300 / 1.9)
        Assert.True(split.UnitPower.Megawatts < 2);
        Assert.Equal(300, split.UnitPower.Megawatts * split.Units, 6);
        Assert.Equal(158 * 40, split.CostMillionYen.Central, 6);
        Assert.Null(a.SplitConnectsSooner); // headroom unknown
    }

    [Theory]
    [InlineData(20, 0, true)]    // flexible headroom alone covers 19 MW
    [InlineData(10, 10, true)]   // flexible plus N-1 (③) covers it
    [InlineData(10, 5, false)]   // not enough headroom near the site
    public void Split_ConnectsSooner_OnlyWhenHeadroomCoversTheDc(double flexible, double n1, bool sooner)
    {
        var a = ConnectionPlanner.Assess(Power.FromMegawatts(19), s_default, Power.FromMegawatts(flexible), Power.FromMegawatts(n1));
        Assert.Equal(sooner, a.SplitConnectsSooner);
        Assert.Equal(10, a.Options[1].Units);
    }

    [Fact]
    public void OverriddenAssumptions_ChangeTheVerdict()
    {
        var slowSmall = s_default with { SmallLeadMonths = new Range3(70, 80, 90) };
        var a = ConnectionPlanner.Assess(Power.FromMegawatts(19), slowSmall, Power.FromMegawatts(50), null);
        Assert.False(a.SplitConnectsSooner);
    }

    [Fact]
    public void BadInputs_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConnectionPlanner.Assess(Power.FromMegawatts(0), s_default));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConnectionPlanner.Assess(Power.FromMegawatts(5), s_default with { UnitMw = 2.5 }));
    }
}
