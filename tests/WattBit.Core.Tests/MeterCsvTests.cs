using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Core.Tests;

public sealed class MeterCsvTests
{
    [Fact]
    public void Parse_RowsInAnyOrder_GiveOneSeriesOf30MinuteSlots()
    {
        var m = MeterCsv.Parse("""
            timestamp,kwh
            2025-07-01T00:30:00+09:00,12.5
            2025-07-01T00:00:00+09:00,10
            2025-07-01T01:00:00+09:00,0
            """, "m.csv");

        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 0, 0, Jst.Offset), m.Series.Start);
        Assert.Equal(TimeSpan.FromMinutes(30), m.Series.Step);
        Assert.Equal([10, 12.5, 0], m.Series.Values.ToArray());
        Assert.Empty(m.Gaps);
    }

    [Fact]
    public void Parse_MissingSlotsAndEmptyValues_AreGapsNeverZero()
    {
        var m = MeterCsv.Parse("""
            timestamp,kwh
            2025-07-01T00:00:00+09:00,10
            2025-07-01T00:30:00+09:00,
            2025-07-01T02:00:00+09:00,11
            """, "m.csv");

        Assert.Equal(5, m.Series.Count);
        Assert.True(double.IsNaN(m.Series[1]));
        var gap = Assert.Single(m.Gaps);
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 0, 30, 0, Jst.Offset), gap.Start);
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 2, 0, 0, Jst.Offset), gap.End);
    }

    [Fact]
    public void Parse_DuplicateSlot_NamesBothLines()
    {
        var ex = Assert.Throws<InputFormatException>(() => MeterCsv.Parse("""
            timestamp,kwh
            2025-07-01T00:00:00+09:00,10
            2025-06-30T15:00:00Z,11
            """, "m.csv"));

        Assert.Equal(3, ex.Line);
        Assert.Contains("duplicate slot", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-07-01T00:10:00+09:00,10", 1, "30-minute slot")]
    [InlineData("2025-07-01T00:00:00,10", 1, "no UTC offset")]
    [InlineData("2025-07-01T00:00:00+09:00,ten", 27, "not a number")]
    [InlineData("2025-07-01T00:00:00+09:00,-1", 27, "negative")]
    public void Parse_BadRow_NamesLineColumnAndProblem(string row, int column, string problem)
    {
        var ex = Assert.Throws<InputFormatException>(() => MeterCsv.Parse("timestamp,kwh\n" + row + "\n", "m.csv"));

        Assert.Equal(2, ex.Line);
        Assert.Equal(column, ex.Column);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }
}
