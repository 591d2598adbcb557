using WattBit.Planning.Shifting;
using WattBit.Time;
using static WattBit.Planning.Tests.Shifting.ShiftTestData;

namespace WattBit.Planning.Tests.Shifting;

public sealed class BestWindowTests
{
    [Fact]
    public void Best_WithoutWindow_IsTheLowestDataPoint()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [300, 200, 250]), ("KY", [400, 150, 500]));
        var result = BestWindow.Find(signal, ["TK", "KY"], new TimeWindow(T0, T0.AddHours(3)));
        var best = Assert.Single(result.Best);
        Assert.Equal("KY", best.Location);
        Assert.Equal(T0.AddHours(1), best.Window.Start);
        Assert.Equal(150, best.Average, 9);
    }

    [Fact]
    public void Best_RollingWindow_UsesTimeWeightedAverages()
    {
        // 90-minute window over hourly 400, 100, 100, 400: best is 01:00-02:30? No: 01:00-02:30 = (60@100 + 30@100)/1.5 = 100.
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [400, 100, 100, 400]));
        var result = BestWindow.Find(signal, ["TK"], new TimeWindow(T0, T0.AddHours(4)), TimeSpan.FromMinutes(90));
        Assert.All(result.Best, c => Assert.Equal(100, c.Average, 9));
        Assert.Equal(T0.AddHours(1), result.Best[0].Window.Start);
        Assert.Equal(T0.AddMinutes(90), result.Best[^1].Window.Start);
    }

    [Fact]
    public void Best_Ties_AreAllListedEarliestFirst()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [100, 300, 100]), ("KY", [300, 100, 300]));
        var result = BestWindow.Find(signal, ["TK", "KY"], new TimeWindow(T0, T0.AddHours(3)));
        Assert.Equal(3, result.Best.Count);
        Assert.Equal([("TK", T0), ("KY", T0.AddHours(1)), ("TK", T0.AddHours(2))],
            result.Best.Select(b => (b.Location, b.Window.Start)));
    }

    [Fact]
    public void Best_RangeClippedToTheSignal_AndWindowTooLong_IsRefused()
    {
        var signal = Signal(TimeSpan.FromHours(1), ("TK", [1, 2]));
        var result = BestWindow.Find(signal, ["TK"], new TimeWindow(T0.AddHours(-5), T0.AddHours(5)));
        Assert.Equal(new TimeWindow(T0, T0.AddHours(2)), result.Range);
        var ex = Assert.Throws<ArgumentException>(() => BestWindow.Find(signal, ["TK"], new TimeWindow(T0, T0.AddHours(2)), TimeSpan.FromHours(3)));
        Assert.Contains("does not fit", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BestWindow.Find(signal, ["XX"], new TimeWindow(T0, T0.AddHours(2))));
    }
}
