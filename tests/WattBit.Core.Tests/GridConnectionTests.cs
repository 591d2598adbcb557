using WattBit.Formats;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Core.Tests;

public sealed class GridConnectionTests
{
    private static readonly DateTimeOffset s_start = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    [Fact]
    public void FlexibleFollowing_HasNoLimitUntilItsHeadroomIsGiven_ThenFollowsIt_KeepingSubstationAndPeak()
    {
        var stated = GridConnection.FlexibleFollowing(Power.FromMegawatts(40)) with { Substation = "TK:上尾" };
        Assert.False(stated.IsResolved);
        var e = Assert.Throws<InvalidOperationException>(() => stated.LimitAt(s_start, 0.5, false, Jst.Offset));
        Assert.Contains("TK:上尾", e.Message, StringComparison.Ordinal);

        var resolved = stated.WithHeadroom(new QuantileSeries(TimeSeries.Wrap(s_start, TimeSpan.FromHours(1), [12.0, 30.0], SeriesUnit.Megawatts)));
        Assert.True(resolved.IsResolved);
        Assert.Equal(ConnectionKind.Flexible, resolved.Kind);
        Assert.Equal("TK:上尾", resolved.Substation);
        Assert.Equal(40, resolved.Peak!.Value.Megawatts);
        Assert.Equal(30, resolved.LimitAt(s_start.AddHours(1), 0.5, false, Jst.Offset).Megawatts);
    }

    [Fact]
    public void ProvisionalUpTo_TakesItsProfileLater_IndexedByJstHour()
    {
        var stated = GridConnection.ProvisionalUpTo(Power.FromMegawatts(10));
        Assert.False(stated.IsResolved);
        var profile = Enumerable.Range(0, 24).Select(h => (double)h).ToArray();
        var resolved = stated.WithProfile(profile);
        Assert.True(resolved.IsResolved);
        Assert.Equal(10, resolved.Peak!.Value.Megawatts);
        // 15:00 UTC is midnight JST: hour 0 of the profile.
        Assert.Equal(0, resolved.LimitAt(new DateTimeOffset(2025, 4, 1, 15, 0, 0, TimeSpan.Zero), 0.5, false, Jst.Offset).Megawatts);
        Assert.Equal(7, resolved.LimitAt(s_start.AddHours(7), 0.5, false, Jst.Offset).Megawatts);
    }

    [Fact]
    public void Firm_IsResolvedAndItsPeakIsItsLimit()
    {
        var firm = GridConnection.FirmOf(Power.FromMegawatts(25));
        Assert.True(firm.IsResolved);
        Assert.Equal(25, firm.Peak!.Value.Megawatts);
        Assert.Throws<InvalidOperationException>(() => firm.WithProfile(new double[24]));
    }

    [Fact]
    public void NegativePeak_IsAnErrorNamingTheField()
    {
        var e = Assert.Throws<ModelValidationException>(() => GridConnection.FlexibleFollowing(Power.FromMegawatts(-1)));
        Assert.Contains("connection.mw", e.Message, StringComparison.Ordinal);
    }
}
