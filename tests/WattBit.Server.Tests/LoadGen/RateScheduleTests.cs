using WattBit.LoadGen;

namespace WattBit.Server.Tests.LoadGen;

public sealed class RateScheduleTests
{
    [Theory]
    [InlineData(100, 2, 200)]
    [InlineData(3.5, 2, 7)]
    [InlineData(1000, 0.5, 500)]
    [InlineData(3, 1.2, 3)]
    public void Count_RateTimesDuration_RoundedDown(double rate, double seconds, long expected) =>
        Assert.Equal(expected, new RateSchedule(rate, TimeSpan.FromSeconds(seconds)).Count);

    [Fact]
    public void OffsetOf_EveryRequest_OneOverTheRateAfterThePrevious()
    {
        var schedule = new RateSchedule(250, TimeSpan.FromSeconds(4));
        const long Frequency = 1_000_000_000;
        for (long i = 0; i < schedule.Count; i++)
        {
            Assert.Equal(i * 4_000_000, schedule.OffsetOf(i, Frequency));   // 1/250 s = 4 ms
        }

        Assert.True(schedule.OffsetOf(schedule.Count - 1, Frequency) < 4 * Frequency);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_RateNotPositive_Throws(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateSchedule(rate, TimeSpan.FromSeconds(1)));
}
