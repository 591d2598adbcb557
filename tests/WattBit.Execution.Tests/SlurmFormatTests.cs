using WattBit.Execution.Slurm;
using WattBit.Time;

namespace WattBit.Execution.Tests;

public sealed class SlurmFormatTests
{
    [Fact]
    public void FormatBegin_SubSecond_RoundsUpSoTheJobNeverStartsEarly()
    {
        var at = new DateTimeOffset(2026, 11, 23, 21, 0, 5, Jst.Offset).AddMilliseconds(1);

        Assert.Equal("2026-11-23T12:00:06", SlurmFormat.FormatBegin(at));
        Assert.Equal("2026-11-23T12:00:05", SlurmFormat.FormatBegin(at.AddMilliseconds(-1)));
    }

    [Theory]
    [InlineData(0.5, "1")]
    [InlineData(60, "60")]
    [InlineData(60.01, "61")]
    public void FormatTimeLimit_RoundsUpToWholeMinutes(double minutes, string expected) =>
        Assert.Equal(expected, SlurmFormat.FormatTimeLimit(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void ParseSqueueLine_PendingHeldJob_ReadsExpectedStartNotStart()
    {
        var job = SlurmFormat.ParseSqueueLine("42|PENDING|tk|2026-11-23T11:59:00|2026-11-23T12:00:12|NONE|JobHeldAdmin|0|wattbit:job a,|x", "wattbit:");

        Assert.NotNull(job);
        Assert.Equal(("42", "job a,|x", "tk", EngineJobState.Pending, true), (job.EngineJobId, job.WorkloadId, job.Queue, job.State, job.Held));
        Assert.Null(job.StartedAt);
        Assert.Null(job.EndedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 12, TimeSpan.Zero), job.ExpectedStartAt);
    }

    [Fact]
    public void ParseSqueueLine_CompletedJob_ReadsStartAndEnd()
    {
        var job = SlurmFormat.ParseSqueueLine("3|COMPLETED|kn|2026-11-23T11:59:00|2026-11-23T11:59:01|2026-11-23T11:59:03|None|0|wattbit:c", "wattbit:");

        Assert.NotNull(job);
        Assert.Equal(EngineJobState.Completed, job.State);
        Assert.Null(job.Reason);
        Assert.Equal(TimeSpan.FromSeconds(2), job.EndedAt - job.StartedAt);
    }

    [Fact]
    public void ParseSqueueLine_PendingWithPriority_IsNotHeld() =>
        Assert.False(SlurmFormat.ParseSqueueLine("9|PENDING|tk|2026-11-23T11:59:00|2026-11-23T12:00:00|N/A|BeginTime|4294901758|wattbit:d", "wattbit:")!.Held);

    [Fact]
    public void ParseSqueueLine_RunningJob_HasNoEndYet()
    {
        var job = SlurmFormat.ParseSqueueLine("2|RUNNING|tk|2026-11-23T11:59:00|2026-11-23T11:59:00|2027-11-23T11:59:00|None|4294901759|wattbit:b", "wattbit:");

        Assert.NotNull(job);
        Assert.Null(job.EndedAt);
        Assert.NotNull(job.StartedAt);
    }

    [Fact]
    public void ParseSqueueLine_OtherUsersJob_IsIgnored() =>
        Assert.Null(SlurmFormat.ParseSqueueLine("7|RUNNING|tk|2026-11-23T11:59:00|2026-11-23T11:59:00|N/A|None|1|(null)", "wattbit:"));

    [Theory]
    [InlineData("7|RUNNING|tk")]
    [InlineData("7|EXPLODED|tk|2026-11-23T11:59:00|N/A|N/A|None|1|wattbit:x")]
    [InlineData("7|RUNNING|tk|yesterday|N/A|N/A|None|1|wattbit:x")]
    [InlineData("7|PENDING|tk|2026-11-23T11:59:00|N/A|N/A|None|high|wattbit:x")]
    public void ParseSqueueLine_Malformed_ThrowsFormatException(string line) =>
        Assert.Throws<FormatException>(() => SlurmFormat.ParseSqueueLine(line, "wattbit:"));

    [Theory]
    [InlineData("SUSPENDED", EngineJobState.Suspended)]
    [InlineData("REQUEUE_HOLD", EngineJobState.Pending)]
    [InlineData("COMPLETING", EngineJobState.Running)]
    [InlineData("TIMEOUT", EngineJobState.Failed)]
    [InlineData("OUT_OF_MEMORY", EngineJobState.Failed)]
    [InlineData("CANCELLED", EngineJobState.Cancelled)]
    public void ParseState_MapsSlurmStates(string slurm, EngineJobState expected) => Assert.Equal(expected, SlurmFormat.ParseState(slurm));
}
