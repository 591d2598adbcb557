using WattBit.Siting.Connection;
using WattBit.Sites;
using WattBit.Units;

namespace WattBit.Siting.Tests;

public sealed class SiteCheckTests
{
    [Fact]
    public void Tomakomai_300Mw_HokkaidoHalfSubsidy_IshikariLanding_TokyoIx()
    {
        var r = SiteCheck.Run(new GeoPoint(42.6341, 141.6053), Power.FromMegawatts(300), FacilityKind.DataCentre, TestMaps.Locator,
            flexibleHeadroom: Power.FromMegawatts(200), n1Headroom: Power.FromMegawatts(150));
        Assert.Equal("北海道", r.Location.Prefecture.NameJa);
        Assert.Equal("HKD", r.Location.Area.Code);
        Assert.Equal("1/2", r.Subsidy.RateText);
        Assert.Equal("Ishikari", r.NearestLanding.Place.Name);
        Assert.InRange(r.NearestLanding.Km, 55, 75);
        Assert.Equal("tokyo-otemachi", r.NearestIx.Place.Id);
        Assert.True(r.Connection.SplitConnectsSooner);
        Assert.All(r.Signals, s => Assert.NotNull(s.Value));
        Assert.Contains(r.Signals, s => s.Name.Contains("APN latency to Sapporo", StringComparison.Ordinal) && s.Value < 1);
    }

    [Fact]
    public void Otemachi_SmallDc_NotEligible_HighVoltage()
    {
        var r = SiteCheck.Run(new GeoPoint(35.6866, 139.7660), Power.FromMegawatts(1.9), FacilityKind.DataCentre, TestMaps.Locator);
        Assert.False(r.Subsidy.Eligible);
        Assert.Single(r.Connection.Options);
        Assert.Equal(1.0, r.Signals.Single(s => s.Name.StartsWith("seismic", StringComparison.Ordinal)).Value);
    }

    [Fact]
    public void PointInTheSea_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            SiteCheck.Run(new GeoPoint(33.0, 137.5), Power.FromMegawatts(10), FacilityKind.DataCentre, TestMaps.Locator));
        Assert.Contains("outside Japan", ex.Message, StringComparison.Ordinal);
    }
}
