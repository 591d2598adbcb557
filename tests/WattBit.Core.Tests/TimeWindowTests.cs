using WattBit.Time;

namespace WattBit.Core.Tests;

public sealed class TimeWindowTests
{
    private static readonly DateTimeOffset T0 = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    [Fact]
    public void Window_IsHalfOpen()
    {
        var w = TimeWindow.FromDuration(T0, TimeSpan.FromHours(1));
        Assert.True(w.Contains(T0));
        Assert.False(w.Contains(T0.AddHours(1)));
        Assert.Equal(TimeSpan.FromHours(1), w.Duration);
    }

    [Fact]
    public void Window_EndBeforeStart_IsRejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TimeWindow(T0, T0.AddMinutes(-1)));
        Assert.Contains("must not be before its start", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_TouchingAtTheEdge_DoNotOverlap()
    {
        var a = TimeWindow.FromDuration(T0, TimeSpan.FromHours(1));
        var b = TimeWindow.FromDuration(T0.AddHours(1), TimeSpan.FromHours(1));
        Assert.False(a.Overlaps(b));
        Assert.Null(a.Intersect(b));
        Assert.Equal(TimeWindow.FromDuration(T0.AddMinutes(30), TimeSpan.FromMinutes(30)),
            a.Intersect(TimeWindow.FromDuration(T0.AddMinutes(30), TimeSpan.FromHours(2))));
    }

    [Fact]
    public void Window_SameInstantInOtherOffset_IsEqualInTime()
    {
        var utc = T0.ToUniversalTime();
        Assert.True(TimeWindow.FromDuration(T0, TimeSpan.FromHours(1)).Contains(utc));
    }
}
