using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Core.Tests;

public sealed class ProvisionalProfileTests
{
    [Fact]
    public void Of_TwoDays_TakesTheMinimumPerJstHourOfDay_AndPerMonth()
    {
        var start = new DateTimeOffset(2025, 1, 31, 0, 0, 0, Jst.Offset);
        var times = Enumerable.Range(0, 48).Select(i => start.AddHours(i)).ToArray();
        var n0 = Enumerable.Range(0, 48).Select(t => 100.0 + t).ToArray();     // day 1 lower
        var n1 = Enumerable.Range(0, 48).Select(t => t < 24 ? 80.0 : 50.0).ToArray(); // day 2 lower
        var p = ProvisionalProfile.Of(times, n0, n1, byMonth: true);
        Assert.Equal(100, p.N0Mw[0]);
        Assert.Equal(123, p.N0Mw[23]);
        Assert.Equal(50, p.N1Mw[5]);
        Assert.Equal(80, p.MonthlyN1Mw[(0 * 24) + 5]);  // January
        Assert.Equal(50, p.MonthlyN1Mw[(1 * 24) + 5]);  // February
        Assert.True(double.IsNaN(p.MonthlyN1Mw[(5 * 24) + 5]));
        Assert.Equal(15, p.MonthlyGainMw(), 9);          // January slots gain 30, February 0
        Assert.Equal(50, p.FirmMw);
    }

    [Fact]
    public void Of_UtcTimestamps_CountForTheirJstHour()
    {
        var t = new DateTimeOffset(2025, 4, 1, 15, 0, 0, TimeSpan.Zero); // 00:00 JST on 2 April
        var p = ProvisionalProfile.Of([t], [7.0], [3.0]);
        Assert.Equal(7, p.N0Mw[0]);
        Assert.Equal(3, p.SecureMw[0]);
        Assert.True(double.IsNaN(p.N0Mw[15]));
        Assert.True(double.IsNaN(p.SecureMw[15]));
    }

    [Fact]
    public void FirmMw_WithoutAnyData_IsNaNNotZero()
    {
        var p = ProvisionalProfile.Of([new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset)], [double.NaN]);
        Assert.True(double.IsNaN(p.FirmMw));
    }
}
