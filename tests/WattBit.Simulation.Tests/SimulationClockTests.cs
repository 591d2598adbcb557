using WattBit.Simulation.Engine;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

public sealed class SimulationClockTests
{
    [Fact]
    public void Clock_MovesForwardOnly()
    {
        var start = new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset);
        var clock = new SimulationClock(start);
        Assert.Equal(start, clock.GetUtcNow());
        clock.AdvanceTo(start.AddHours(1));
        Assert.Equal(start.AddHours(1), clock.GetUtcNow());
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.AdvanceTo(start));
    }
}
