using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;
using WattBit.Time;

namespace WattBit.Grid.Tests;

public sealed class NetworkTimeSeriesTests
{
    // Radial: unit A at bus 1 (at its maximum, like a nuclear unit), unit B at bus 2 (100 MW of room), the load at bus 3.
    // Each line's flow is the output of the unit at its far end, so the flows show the dispatch directly.
    private static readonly PowerNetwork s_radial = MatpowerCase.Parse(TestCases.Text(
        "1 3 0 0 0 0 1 1 0 275 1 1.1 0.9;\n2 2 0 0 0 0 1 1 0 275 1 1.1 0.9;\n3 1 150 0 0 0 1 1 0 275 1 1.1 0.9;",
        "1 100 0 300 -300 1 100 1 100 0;\n2 50 0 300 -300 1 100 1 150 0;",
        "1 3 0 0.1 0 500 0 0 0 0 1;\n2 3 0 0.1 0 500 0 0 0 0 1;"), "radial.m");

    private static NetworkTimeSeries Series(GenerationFollowing following, params double[] scales)
    {
        var start = new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset);
        var times = scales.Select((_, i) => start.AddHours(i)).ToArray();
        return new NetworkTimeSeries(new DcModel(s_radial), new GridProfile(times, scales, new double[scales.Length]), following: following);
    }

    [Fact]
    public void FollowingRoom_UnitAtItsMaximumStays_TheOtherTakesTheChange()
    {
        // Hand: the step needs 150·ds MW; A keeps 100, B = 50 + (150·ds − 150).
        var s = Series(GenerationFollowing.Room, 1.5, 0.8, 1.0);
        Assert.Equal(100, s.Flow(0, 0), 9);
        Assert.Equal(125, s.Flow(1, 0), 9);
        Assert.Equal(100, s.Flow(0, 1), 9);
        Assert.Equal(20, s.Flow(1, 1), 9);
        Assert.Equal(100, s.Flow(0, 2), 9);
        Assert.Equal(50, s.Flow(1, 2), 9);
        Assert.Equal([100, 125, -225], s.Injections(0).Select(p => Math.Round(p, 9)));
    }

    [Fact]
    public void FollowingOutput_ScalesEveryUnitByItsBaseOutput_PastItsMaximum()
    {
        // formats.md §2: Pg_g·150·ds/150 — A runs at 150 MW against a maximum of 100.
        var s = Series(GenerationFollowing.Output, 1.5);
        Assert.Equal(150, s.Flow(0, 0), 9);
        Assert.Equal(75, s.Flow(1, 0), 9);
    }

    [Fact]
    public void FollowingRoom_NoUnitWithRoom_IsRefused()
    {
        var full = MatpowerCase.Parse(TestCases.Text(
            "1 3 0 0 0 0 1 1 0 275 1 1.1 0.9;\n2 1 100 0 0 0 1 1 0 275 1 1.1 0.9;",
            "1 100 0 300 -300 1 100 1 100 0;",
            "1 2 0 0.1 0 500 0 0 0 0 1;"), "full.m");
        var ex = Assert.Throws<ArgumentException>(() => new NetworkTimeSeries(new DcModel(full), GridProfile.Snapshot(DateTimeOffset.UnixEpoch),
            following: GenerationFollowing.Room));
        Assert.Contains("no in-service generator with Pg > 0 has Pmax > Pg", ex.Message, StringComparison.Ordinal);
    }
}
