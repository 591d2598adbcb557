using WattBit.Formats;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Core.Tests;

public sealed class FormatsTests
{
    private const string Signal = """
        timestamp,location,value
        2025-04-01T00:00:00+09:00,TK,400
        2025-04-01T00:00:00+09:00,KY,300
        2025-04-01T01:00:00+09:00,TK,410
        2025-04-01T01:00:00+09:00,KY,
        """;

    [Fact]
    public void SignalCsv_ReadsLongFormWithMissingValues()
    {
        var s = SignalCsv.Parse(Signal, "s.csv", SignalKind.Carbon);
        Assert.Equal(["TK", "KY"], s.Locations);
        Assert.Equal(TimeSpan.FromHours(1), s.Step);
        Assert.Equal(2, s.Count);
        Assert.Equal(410, s["TK"][1]);
        Assert.True(double.IsNaN(s["KY"][1]));
    }

    [Fact]
    public void SignalCsv_ShuffledColumnsAndRows_ReadTheSame()
    {
        var text = """
            value,location,timestamp
            410,TK,2025-04-01T01:00:00+09:00
            400,TK,2025-04-01T00:00:00+09:00
            """;
        var s = SignalCsv.Parse(text, "s.csv", SignalKind.Carbon);
        Assert.Equal([400.0, 410.0], s["TK"].Values.ToArray());
    }

    [Fact]
    public void SignalCsv_BadTimestamp_NamesLineAndColumn()
    {
        var text = "timestamp,location,value\n2025-04-01T00:00:00+09:00,TK,1\n2025-04-01 25:00,TK,2\n";
        var ex = Assert.Throws<InputFormatException>(() => SignalCsv.Parse(text, "s.csv", SignalKind.Carbon));
        Assert.Equal(3, ex.Line);
        Assert.Equal(1, ex.Column);
        Assert.StartsWith("s.csv:3:1: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignalCsv_TimestampWithoutOffset_IsRejectedWithReason()
    {
        var text = "timestamp,location,value\n2025-04-01T00:00:00,TK,1\n";
        var ex = Assert.Throws<InputFormatException>(() => SignalCsv.Parse(text, "s.csv", SignalKind.Carbon));
        Assert.Contains("has no UTC offset", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignalCsv_MissingColumn_NamesIt()
    {
        var ex = Assert.Throws<InputFormatException>(() => SignalCsv.Parse("timestamp,value\n", "s.csv", SignalKind.Carbon));
        Assert.Contains("missing column 'location'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void SignalCsv_MixedSteps_AreRejectedWithTheLine()
    {
        var text = """
            timestamp,location,value
            2025-04-01T00:00:00+09:00,TK,1
            2025-04-01T00:30:00+09:00,TK,1
            2025-04-01T01:30:00+09:00,TK,1
            2025-04-01T01:45:00+09:00,TK,1
            """;
        var ex = Assert.Throws<InputFormatException>(() => SignalCsv.Parse(text, "s.csv", SignalKind.Carbon));
        Assert.Equal(4, ex.Line);
        Assert.Contains("a gap", ex.Message, StringComparison.Ordinal);
        var mixed = text.Replace("01:30", "00:50", StringComparison.Ordinal).Replace("01:45", "01:10", StringComparison.Ordinal);
        var ex2 = Assert.Throws<InputFormatException>(() => SignalCsv.Parse(mixed, "s.csv", SignalKind.Carbon));
        Assert.Contains("mixed steps", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignalCsv_DuplicateSlot_PointsAtBothLines()
    {
        var text = "timestamp,location,value\n2025-04-01T00:00:00+09:00,TK,1\n2025-04-01T01:00:00+09:00,TK,1\n2025-04-01T00:00:00+09:00,TK,2\n";
        var ex = Assert.Throws<InputFormatException>(() => SignalCsv.Parse(text, "s.csv", SignalKind.Carbon));
        Assert.Equal(4, ex.Line);
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignalCsv_LocationsOnDifferentPeriods_AreRejected()
    {
        var text = """
            timestamp,location,value
            2025-04-01T00:00:00+09:00,TK,1
            2025-04-01T01:00:00+09:00,TK,1
            2025-04-01T01:00:00+09:00,KY,1
            2025-04-01T02:00:00+09:00,KY,1
            """;
        var ex = Assert.Throws<InputFormatException>(() => SignalCsv.Parse(text, "s.csv", SignalKind.Carbon));
        Assert.Contains("every location needs the same period", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignalCsv_RoundTrips()
    {
        var s = SignalCsv.Parse(Signal, "s.csv", SignalKind.Carbon);
        using var writer = new StringWriter();
        SignalCsv.Write(writer, s, Jst.Offset);
        var again = SignalCsv.Parse(writer.ToString(), "again", SignalKind.Carbon);
        Assert.Equal(s["TK"].Values.ToArray(), again["TK"].Values.ToArray());
        Assert.Contains("2025-04-01T01:00:00+09:00,KY,\n", writer.ToString().Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void JobsCsv_ReadsJobsAndIgnoresExtraColumns()
    {
        var text = """
            id,release,deadline,duration_minutes,power_kw,interruptible,locations,kind
            a,2025-04-01T00:00:00+09:00,2025-04-01T06:00:00+09:00,90,250,true,TK;KY,batch
            "b,2",2025-04-01T00:00:00+09:00,2025-04-01T06:00:00+09:00,30,10,false,,backup
            """;
        var f = JobsCsv.Parse(text, "j.csv");
        Assert.Equal(2, f.Jobs.Count);
        Assert.Equal(["TK", "KY"], f.Jobs[0].Locations);
        Assert.True(f.Jobs[0].Interruptible);
        Assert.Equal("b,2", f.Jobs[1].Id);
        Assert.Empty(f.Jobs[1].Locations);
        Assert.Equal(3, f.Lines[1]);
    }

    [Theory]
    [InlineData("a,2025-04-01T06:00:00+09:00,2025-04-01T00:00:00+09:00,30,10,false,", 3, "is not after its release")]
    [InlineData("a,2025-04-01T00:00:00+09:00,2025-04-01T01:00:00+09:00,90,10,false,", 4, "longer than its window")]
    [InlineData("a,2025-04-01T00:00:00+09:00,2025-04-01T01:00:00+09:00,30,-5,false,", 5, "power_kw must be positive")]
    [InlineData("a,2025-04-01T00:00:00+09:00,2025-04-01T01:00:00+09:00,30,10,maybe,", 6, "interruptible must be true or false")]
    [InlineData("a,yesterday,2025-04-01T01:00:00+09:00,30,10,false,", 2, "release: 'yesterday' is not an ISO 8601 timestamp")]
    [InlineData("a,2025-04-01T00:00:00+09:00,2025-04-01T01:00:00+09:00,thirty,10,false,", 4, "duration_minutes 'thirty' is not a number")]
    public void JobsCsv_BadRow_NamesLineFieldAndProblem(string row, int field, string problem)
    {
        var text = "id,release,deadline,duration_minutes,power_kw,interruptible,locations\n" + row + "\n";
        var ex = Assert.Throws<InputFormatException>(() => JobsCsv.Parse(text, "j.csv"));
        Assert.Equal(2, ex.Line);
        var expectedColumn = row.Split(',').Take(field - 1).Sum(p => p.Length + 1) + 1;
        Assert.Equal(expectedColumn, ex.Column);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JobsCsv_FractionalMinutes_KeepTheExactDuration()
    {
        var text = "id,release,deadline,duration_minutes,power_kw,interruptible\n" +
                   "a,2025-04-01T00:00:00+09:00,2025-04-01T12:00:00+09:00,599.5,10,false\n";
        Assert.Equal(new TimeSpan(9, 59, 30), JobsCsv.Parse(text, "j.csv").Jobs[0].Duration);
    }

    [Fact]
    public void JobsCsv_HeaderOnly_IsAnErrorNamingTheFile()
    {
        var ex = Assert.Throws<InputFormatException>(() => JobsCsv.Parse("id,release,deadline,duration_minutes,power_kw,interruptible\n", "j.csv"));
        Assert.StartsWith("j.csv:1:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no job rows", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SignalKind.Carbon)]
    [InlineData(SignalKind.Curtailment)]
    public void SignalCsv_NegativeCarbonOrCurtailment_IsRejectedAtItsLine(SignalKind kind)
    {
        var text = "timestamp,location,value\n2025-04-01T00:00:00+09:00,TK,400\n2025-04-01T01:00:00+09:00,TK,-5\n";
        var ex = Assert.Throws<InputFormatException>(() => SignalCsv.Parse(text, "s.csv", kind));
        Assert.Equal(3, ex.Line);
        Assert.Equal(30, ex.Column); // 25-character timestamp, comma, "TK", comma: the value starts at column 30
        Assert.Contains("negative", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SignalCsv_NegativePrice_IsAccepted()
    {
        // Spot prices can go below zero in surplus hours; only carbon and curtailment cannot.
        var text = "timestamp,location,value\n2025-04-01T00:00:00+09:00,TK,0.01\n2025-04-01T01:00:00+09:00,TK,-1\n";
        Assert.Equal(-1, SignalCsv.Parse(text, "s.csv", SignalKind.Price)["TK"][1]);
    }

    [Fact]
    public void JobsCsv_DuplicateId_PointsAtTheFirst()
    {
        var text = "id,release,deadline,duration_minutes,power_kw,interruptible\n" +
                   "a,2025-04-01T00:00:00+09:00,2025-04-01T01:00:00+09:00,30,10,false\n" +
                   "a,2025-04-01T00:00:00+09:00,2025-04-01T01:00:00+09:00,30,10,false\n";
        var ex = Assert.Throws<InputFormatException>(() => JobsCsv.Parse(text, "j.csv"));
        Assert.Contains("already used on line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CsvTable_UnclosedQuote_NamesWhereItOpened()
    {
        var ex = Assert.Throws<InputFormatException>(() => CsvTable.Parse("a,b\n1,\"oops\n", "x.csv"));
        Assert.Equal(2, ex.Line);
        Assert.Equal(3, ex.Column);
    }

    [Fact]
    public void CsvTable_QuotedFieldsWithCommasQuotesAndNewlines_AreRead()
    {
        var t = CsvTable.Parse("a,b\n\"x, \"\"y\"\"\",\"line1\nline2\"\n3,4\n", "x.csv");
        Assert.Equal("x, \"y\"", t.Rows[0].Fields[0]);
        Assert.Equal("line1\nline2", t.Rows[0].Fields[1]);
        Assert.Equal(4, t.Rows[1].Line);
    }

    [Fact]
    public void ScheduleCsv_RoundTrips()
    {
        var t = new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset);
        using var w = new StringWriter();
        ScheduleCsv.Write(w, [new ScheduleRow("a", "TK", t, t.AddMinutes(90))]);
        var rows = ScheduleCsv.Parse(w.ToString(), "s.csv");
        Assert.Equal(t.AddMinutes(90), rows[0].End);
        Assert.StartsWith("id,location,start,end", w.ToString(), StringComparison.Ordinal);
    }
}
