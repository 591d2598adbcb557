using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Core.Tests;

public sealed class LimitingLinesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 7, 1, 0, 0, 0, Jst.Offset);

    private static HeadroomHour H(int hour, double n0, double n1, string? line, string? outage) => new(T0.AddHours(hour), n0, n1, line, outage);

    [Fact]
    public void Rank_CountsHoursPerLine_WithShareMinimumAndTheCommonestOutage()
    {
        // Hand-counted: A limits hours 0, 1, 3 (outages X, X, base case), B hours 2 and 4 (base case, Y), hour 5 is
        // capped (no line), hour 6 has no value at all (not counted). Six hours with a value.
        var hours = new[]
        {
            H(0, 90, 40, "A", "X"), H(1, 80, 30, "A", "X"), H(2, 70, 70, "B", null), H(3, 60, 35, "A", null),
            H(4, 50, 20, "B", "Y"), H(5, 500, 500, null, null), H(6, double.NaN, double.NaN, "C", "Z"),
        };
        var ranked = LimitingLines.Rank(hours);
        Assert.Equal(2, ranked.Count);
        Assert.Equal(new LimitingLine("A", 3, 3.0 / 6, 30, "X"), ranked[0]);
        Assert.Equal("B", ranked[1].Line);
        Assert.Equal(2, ranked[1].Hours);
        Assert.Equal(20, ranked[1].MinSecureMw);
        Assert.Null(ranked[1].MostOftenContingency); // one hour each: the base case wins the tie
    }

    [Fact]
    public void Rank_UsesN0WhereN1IsMissing_BreaksTiesByName_AndKeepsTheTop()
    {
        var hours = new[] { H(0, 15, double.NaN, "Z", null), H(1, 25, double.NaN, "M", null), H(2, 5, double.NaN, "M", null), H(3, 9, 7, "Z", "Q") };
        var ranked = LimitingLines.Rank(hours, top: 1);
        Assert.Equal(new LimitingLine("M", 2, 0.5, 5, null), Assert.Single(ranked));
        Assert.Equal(["M", "Z"], LimitingLines.Rank(hours).Select(r => r.Line));
        Assert.Equal(7, LimitingLines.Rank(hours)[1].MinSecureMw);
        Assert.Throws<ArgumentOutOfRangeException>(() => LimitingLines.Rank(hours, 0));
    }
}
