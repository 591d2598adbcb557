using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Execution.Tests;

public sealed class ScheduleSubmitterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 0, 0, 0, Jst.Offset);

    [Fact]
    public void Submissions_OneJobPerIdAtItsFirstRun_WithTotalRunTimeAsLimit()
    {
        var rows = ScheduleCsv.Parse($"""
            id,location,start,end
            b,KN,{Iso8601.Format(T0.AddHours(3))},{Iso8601.Format(T0.AddHours(4))}
            a,TK,{Iso8601.Format(T0.AddHours(2))},{Iso8601.Format(T0.AddHours(2.5))}
            a,TK,{Iso8601.Format(T0.AddHours(1))},{Iso8601.Format(T0.AddHours(1.5))}
            """, "schedule.csv");

        var subs = ScheduleSubmitter.Submissions(rows, QueueMap.Parse("TK=tk,KN=kn"), "run.sh", TimeSpan.FromMinutes(5));

        Assert.Equal(["b", "a"], subs.Select(s => s.WorkloadId));
        Assert.Equal(new JobSubmission("a", "tk", "run.sh", T0.AddHours(1), TimeSpan.FromMinutes(65)), subs[1]);
        Assert.Equal(("kn", T0.AddHours(3)), (subs[0].Queue, subs[0].BeginAt));
    }

    [Fact]
    public void Submissions_JobAtTwoLocations_Throws()
    {
        var rows = new[]
        {
            new ScheduleRow("a", "TK", T0, T0.AddHours(1)),
            new ScheduleRow("a", "KN", T0.AddHours(2), T0.AddHours(3)),
        };

        var ex = Assert.Throws<ArgumentException>(() => ScheduleSubmitter.Submissions(rows, QueueMap.Parse("TK=tk,KN=kn"), "run.sh"));

        Assert.Contains("both TK and KN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Submissions_LocationWithoutQueue_ThrowsNamingIt()
    {
        var rows = new[] { new ScheduleRow("a", "KY", T0, T0.AddHours(1)) };

        var ex = Assert.Throws<ArgumentException>(() => ScheduleSubmitter.Submissions(rows, QueueMap.Parse("TK=tk"), "run.sh"));

        Assert.Contains("KY", ex.Message, StringComparison.Ordinal);
    }
}
