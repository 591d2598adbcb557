using WattBit.Formats;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Execution.Tests;

public sealed class CurtailmentCsvTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 21, 0, 0, Jst.Offset);

    private static string Text(AppliedCurtailment c)
    {
        using var w = new StringWriter();
        CurtailmentCsv.Write(w, c);
        return w.ToString();
    }

    [Fact]
    public void WriteThenParse_RoundTrips()
    {
        var c = new AppliedCurtailment(new SiteId("TK"), CurtailmentMode.Requeue, At,
            [new("12", "job, \"a\"", "tk", InterventionKind.RequeuedHeld), new("13", "b", "tk", InterventionKind.Held)]);

        var back = CurtailmentCsv.Parse(Text(c), "c.csv");

        Assert.Equal((c.Site, c.Mode, c.AppliedAt), (back.Site, back.Mode, back.AppliedAt));
        Assert.Equal(c.Interventions, back.Interventions);
    }

    [Fact]
    public void WriteThenParse_NoJobs_RoundTripsEmpty()
    {
        var back = CurtailmentCsv.Parse(Text(new AppliedCurtailment(new SiteId("KN"), CurtailmentMode.Suspend, At, [])), "c.csv");

        Assert.Empty(back.Interventions);
        Assert.Equal("KN", back.Site.Value);
    }

    [Theory]
    [InlineData("TK,Suspend,2026-11-23T21:00:00+09:00,12,a,tk,Frozen", 2, 7, "Frozen")]
    [InlineData("TK,Pause,2026-11-23T21:00:00+09:00,12,a,tk,Held", 2, 2, "Pause")]
    [InlineData("TK,Suspend,yesterday,12,a,tk,Held", 2, 3, "")]
    [InlineData("TK,Suspend,2026-11-23T21:00:00+09:00,x12,a,tk,Held", 2, 4, "x12")]
    public void Parse_BadField_ReportsLineAndColumn(string row, int line, int field, string text)
    {
        var column = row.Split(',').Take(field - 1).Sum(f => f.Length + 1) + 1;
        var ex = Assert.Throws<InputFormatException>(() => CurtailmentCsv.Parse("site,mode,applied_at,engine_job_id,workload_id,queue,kind\n" + row, "c.csv"));

        Assert.Contains($"c.csv:{line}:{column}", ex.Message, StringComparison.Ordinal);
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingColumn_NamesIt()
    {
        var ex = Assert.Throws<InputFormatException>(() => CurtailmentCsv.Parse("site,mode,applied_at,engine_job_id,workload_id,queue\nTK,Suspend,2026-11-23T21:00:00+09:00,1,a,tk", "c.csv"));

        Assert.Contains("kind", ex.Message, StringComparison.Ordinal);
    }
}
