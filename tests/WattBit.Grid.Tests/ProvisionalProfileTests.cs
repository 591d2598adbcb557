using WattBit.Grid.Headroom;

namespace WattBit.Grid.Tests;

public sealed class ProvisionalProfileTests
{
    [Fact]
    public void From_TwoDays_TakesTheMinimumPerHourOfDay()
    {
        var start = new DateTimeOffset(2025, 1, 31, 0, 0, 0, TimeSpan.FromHours(9));
        var times = Enumerable.Range(0, 48).Select(i => start.AddHours(i)).ToArray();
        var h = new BusHeadroom(48);
        for (var t = 0; t < 48; t++)
        {
            h.N0Mw[t] = 100 + t;          // day 1 lower
            h.N1Mw[t] = t < 24 ? 80 : 50; // day 2 lower
        }

        var p = ProvisionalProfile.From(h, times, byMonth: true);
        Assert.Equal(100, p.N0Mw[0]);
        Assert.Equal(123, p.N0Mw[23]);
        Assert.Equal(50, p.N1Mw[5]);
        Assert.Equal(80, p.MonthlyN1Mw[(0 * 24) + 5]);  // January
        Assert.Equal(50, p.MonthlyN1Mw[(1 * 24) + 5]);  // February
        Assert.True(double.IsNaN(p.MonthlyN1Mw[(5 * 24) + 5]));
        Assert.Equal(15, p.MonthlyGainMw(), 9);          // January slots gain 30, February 0
    }

    [Fact]
    public void From_UsesLocalHourOfTheTimestamp()
    {
        var t = new DateTimeOffset(2025, 4, 1, 15, 0, 0, TimeSpan.Zero).ToOffset(TimeSpan.FromHours(9)); // 00:00 JST
        var h = new BusHeadroom(1);
        h.N0Mw[0] = 7;
        h.N1Mw[0] = 3;
        var p = ProvisionalProfile.From(h, [t], byMonth: false);
        Assert.Equal(7, p.N0Mw[0]);
        Assert.True(double.IsNaN(p.N0Mw[15]));
    }
}
