using WattBit.Planning.Shifting;
using WattBit.Signals;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Execution.Tests;

[Collection(SlurmCollection.Name)]
public sealed class SlurmJobEngineTests(SlurmCluster cluster) : SlurmTestBase(cluster)
{
    [Fact]
    public async Task ShiftedJob_StartsOnSlurmAtItsPlannedTime()
    {
        // A carbon signal in 2-second steps: the low-carbon slot is steps 4-5, so the shifter moves the job there.
        var t0 = WholeSecondsFromNow(3);
        var step = TimeSpan.FromSeconds(2);
        double[] carbon = [500, 480, 470, 460, 100, 100, 450, 500, 500, 500];
        var signal = new SignalSet(SignalKind.Carbon,
            [new("TK", new TimeSeries(t0, step, carbon, SeriesUnit.GramsPerKilowattHour, "TK"))]);
        var job = new BatchJob("shifted-1", t0, t0 + (step * carbon.Length), step * 2, Power.FromKilowatts(50), interruptible: false, ["TK"]);
        var plan = Shifter.Shift(new ShiftRequest([job], signal, ShiftObjective.Carbon));
        var planned = plan.Placements[0].Runs[0].Start;
        Assert.Equal(t0 + (step * 4), planned);

        var submissions = ScheduleSubmitter.Submissions(plan.Placements.ToScheduleRows(), SlurmCluster.Queues, "sleep 2");
        var submitted = await Submit(submissions[0].WorkloadId, submissions[0].Queue, submissions[0].Command, submissions[0].BeginAt);
        Assert.Equal(EngineJobState.Pending, submitted.State);
        Assert.Equal("tk", submitted.Queue);
        Assert.Equal(planned, submitted.ExpectedStartAt);

        var done = await WaitForState(submitted, EngineJobState.Completed);
        Assert.NotNull(done.StartedAt);
        Assert.True(done.StartedAt >= planned, $"started {done.StartedAt:O}, before the planned {planned:O}");
        Assert.True(done.StartedAt - planned <= TimeSpan.FromSeconds(10), $"started {done.StartedAt:O}, more than 10 s after the planned {planned:O}");
        Assert.True(done.EndedAt >= done.StartedAt + TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Submit_RetriedAndConcurrent_CreatesNoDuplicate()
    {
        var submission = new JobSubmission("idem-1", "kn", "sleep 30", Now.AddHours(1));
        var first = await Submit(submission.WorkloadId, submission.Queue, submission.Command, submission.BeginAt);
        var again = await Engine.SubmitAsync(submission);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Engine.SubmitAsync(submission)));

        Assert.Equal(first.EngineJobId, again.EngineJobId);
        Assert.All(concurrent, j => Assert.Equal(first.EngineJobId, j.EngineJobId));
        var all = await Engine.ListAsync("kn");
        Assert.Single(all, j => j.WorkloadId == "idem-1");
    }

    [Fact]
    public async Task Submit_AfterTheJobFinished_ReturnsTheFinishedJob()
    {
        var job = await Submit("idem-done", "kn", "true");
        await WaitForState(job, EngineJobState.Completed);

        var again = await Engine.SubmitAsync(new JobSubmission("idem-done", "kn", "true"));

        Assert.Equal(job.EngineJobId, again.EngineJobId);
        Assert.Equal(EngineJobState.Completed, again.State);
    }

    [Fact]
    public async Task Find_WorkloadIdWithSpacesCommasAndPipes_RoundTrips()
    {
        var job = await Submit("job a, b|c 東京", "kn", "true", Now.AddHours(1));

        var found = await Engine.FindAsync("job a, b|c 東京");

        Assert.NotNull(found);
        Assert.Equal(job.EngineJobId, found.EngineJobId);
        Assert.Null(await Engine.FindAsync("job a"));
    }

    [Fact]
    public async Task HoldAndRelease_PendingJob_WaitsThenRuns()
    {
        var job = await Submit("hold-1", "kn", "sleep 30", Now.AddSeconds(2));
        await Engine.HoldAsync(job.EngineJobId);

        var held = await Engine.GetAsync(job.EngineJobId);
        Assert.True(held.Held);
        Assert.Equal(EngineJobState.Pending, held.State);

        await Engine.ReleaseAsync(job.EngineJobId);
        var running = await WaitForState(job, EngineJobState.Running);
        Assert.False(running.Held);
        Assert.NotNull(running.StartedAt);
    }

    [Fact]
    public async Task SuspendResumeCancel_RunningJob_ChangesState()
    {
        var job = await WaitForState(await Submit("susp-1", "kn"), EngineJobState.Running);

        await Engine.SuspendAsync(job.EngineJobId);
        Assert.Equal(EngineJobState.Suspended, (await Engine.GetAsync(job.EngineJobId)).State);
        await Engine.ResumeAsync(job.EngineJobId);
        Assert.Equal(EngineJobState.Running, (await Engine.GetAsync(job.EngineJobId)).State);
        await Engine.CancelAsync(job.EngineJobId);

        var cancelled = await WaitForState(job, EngineJobState.Cancelled);
        Assert.NotNull(cancelled.EndedAt);
    }

    [Fact]
    public async Task FailingCommand_EndsFailed()
    {
        var job = await Submit("fail-1", "kn", "exit 3");

        var failed = await WaitForState(job, EngineJobState.Failed);

        Assert.True(failed.IsFinished);
    }

    [Fact]
    public async Task RefusedCommand_ThrowsNamingCommandAndStderr()
    {
        var done = await Submit("done-1", "kn", "true");
        await WaitForState(done, EngineJobState.Completed);

        var ex = await Assert.ThrowsAsync<EngineCommandException>(() => Engine.SuspendAsync(done.EngineJobId));

        Assert.Equal($"scontrol suspend {done.EngineJobId}", ex.CommandLine);
        Assert.NotEqual(0, ex.ExitCode);
        Assert.Contains("completed", ex.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ex.StandardError.Trim(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_UnknownPartition_ThrowsWithSbatchError()
    {
        var ex = await Assert.ThrowsAsync<EngineCommandException>(() => Engine.SubmitAsync(new JobSubmission("nopart-1", "nosuch", "true")));

        Assert.StartsWith("sbatch ", ex.CommandLine, StringComparison.Ordinal);
        Assert.Contains("partition", ex.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Get_UnknownJob_Throws()
    {
        var ex = await Assert.ThrowsAsync<EngineCommandException>(() => Engine.GetAsync("999999"));

        Assert.Contains("squeue", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_UnknownPartition_ThrowsInsteadOfAnEmptyList()
    {
        var ex = await Assert.ThrowsAsync<EngineCommandException>(() => Engine.ListAsync("nosuch"));

        Assert.Equal("scontrol show partition nosuch", ex.CommandLine);
        Assert.Contains("nosuch", ex.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MissingConfigFile_ThrowsFileNotFound()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => new Slurm.SlurmJobEngine(new Slurm.SlurmOptions { ConfigFile = "/nonexistent/slurm.conf" }, TimeProvider.System));

        Assert.Contains("/nonexistent/slurm.conf", ex.Message, StringComparison.Ordinal);
    }
}
