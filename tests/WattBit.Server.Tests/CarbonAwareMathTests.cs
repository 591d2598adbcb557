using WattBit.Server.Compat;

namespace WattBit.Server.Tests;

public sealed class CarbonAwareMathTests
{
    private static readonly DateTimeOffset T0 = new(2022, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<RatedInterval> FiveMinute(params double[] values) =>
        [.. values.Select((v, i) => new RatedInterval(T0.AddMinutes(5 * i), TimeSpan.FromMinutes(5), v))];

    [Fact]
    public void RollingAverage_SdkExample_FiveMinuteRatingsTenMinuteWindow_Gives15_25_35()
    {
        var points = FiveMinute(10, 20, 30, 40);
        var rolled = CarbonAwareMath.RollingAverage(points, TimeSpan.FromMinutes(10), T0, T0.AddMinutes(20));
        Assert.Equal([15.0, 25.0, 35.0], rolled.Select(p => p.Value));
        Assert.Equal([T0, T0.AddMinutes(5), T0.AddMinutes(10)], rolled.Select(p => p.Time));
        Assert.All(rolled, p => Assert.Equal(TimeSpan.FromMinutes(10), p.Duration));
    }

    [Fact]
    public void RollingAverage_ZeroWindow_ReturnsPointsUnchanged()
    {
        var points = FiveMinute(10, 20, 30, 40);
        var rolled = CarbonAwareMath.RollingAverage(points, TimeSpan.Zero, T0, T0.AddMinutes(20));
        Assert.Equal(points, rolled);
    }

    [Fact]
    public void RollingAverage_WindowLongerThanData_IsEmpty()
    {
        var rolled = CarbonAwareMath.RollingAverage(FiveMinute(10, 20), TimeSpan.FromMinutes(15), T0, T0.AddMinutes(10));
        Assert.Empty(rolled);
    }

    [Fact]
    public void RollingAverage_WindowOverMissingValue_IsLeftOut()
    {
        var rolled = CarbonAwareMath.RollingAverage(FiveMinute(10, double.NaN, 30, 40), TimeSpan.FromMinutes(10), T0, T0.AddMinutes(20));
        Assert.Equal([35.0], rolled.Select(p => p.Value));
    }

    [Fact]
    public void RollingAverage_StartMidPoint_WeightsByOverlap()
    {
        // Window [2.5, 12.5) min: 2.5 min of 10, 5 of 20, 2.5 of 30 → (25 + 100 + 75) / 10 = 20.
        var start = T0.AddMinutes(2.5);
        var rolled = CarbonAwareMath.RollingAverage(CarbonAwareMath.FilterOverlapping(FiveMinute(10, 20, 30, 40), start, T0.AddMinutes(20)),
            TimeSpan.FromMinutes(10), start, T0.AddMinutes(20));
        Assert.Equal(20.0, rolled[0].Value, 9);
        Assert.Equal(start, rolled[0].Time);
    }

    [Fact]
    public void Best_KeepsEveryTie()
    {
        var best = CarbonAwareMath.Best(FiveMinute(30, 10, 20, 10), p => p.Value);
        Assert.Equal([T0.AddMinutes(5), T0.AddMinutes(15)], best.Select(p => p.Time));
    }

    [Fact]
    public void Average_IsTimeWeighted_AndNaNWhenPartlyMissing()
    {
        var points = FiveMinute(10, 20, 30, 40);
        Assert.Equal((10 * 2.5 + 20 * 5) / 7.5, CarbonAwareMath.Average(points, T0.AddMinutes(2.5), T0.AddMinutes(10)), 9);
        Assert.True(double.IsNaN(CarbonAwareMath.Average(FiveMinute(10, double.NaN), T0, T0.AddMinutes(10))));
        Assert.True(double.IsNaN(CarbonAwareMath.Average(points, T0, T0.AddMinutes(30))));
    }
}
