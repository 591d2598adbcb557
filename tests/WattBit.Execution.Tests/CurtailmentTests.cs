using WattBit.Sites;

namespace WattBit.Execution.Tests;

[Collection(SlurmCollection.Name)]
public sealed class CurtailmentTests(SlurmCluster cluster) : SlurmTestBase(cluster)
{
    private CurtailmentExecutor Executor => new(Engine, SlurmCluster.Queues, TimeProvider.System);

    [Fact]
    public async Task Curtail_Site_SuspendsItsRunningJobsHoldsItsPendingOnes_OtherSiteRuns_LiftUndoes()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"wattbit-cur-{Guid.NewGuid():N}.pid");
        var run1 = await WaitForState(await Submit("cur-tk-run-1", "tk", $"echo $$ > {pidFile}; exec sleep 30"), EngineJobState.Running);
        var pid = await SlurmCluster.Eventually(() => Task.FromResult(File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : string.Empty),
            p => p.Length > 0, TimeSpan.FromSeconds(30), "the job to write its process id");
        var run2 = await WaitForState(await Submit("cur-tk-run-2", "tk"), EngineJobState.Running);
        var waiting = await Submit("cur-tk-wait", "tk", begin: Now.AddSeconds(3));
        var other = await WaitForState(await Submit("cur-kn-run", "kn"), EngineJobState.Running);

        var curtailment = await Executor.CurtailAsync(new SiteId("TK"));

        var mine = curtailment.Interventions.Where(i => i.WorkloadId.StartsWith("cur-tk-", StringComparison.Ordinal)).ToDictionary(i => i.WorkloadId, i => i.Kind);
        Assert.Equal(InterventionKind.Suspended, mine["cur-tk-run-1"]);
        Assert.Equal(InterventionKind.Suspended, mine["cur-tk-run-2"]);
        Assert.Equal(InterventionKind.Held, mine["cur-tk-wait"]);
        Assert.DoesNotContain(curtailment.Interventions, i => i.Queue != "tk");
        Assert.Equal(EngineJobState.Suspended, (await Engine.GetAsync(run1.EngineJobId)).State);
        Assert.Equal(EngineJobState.Suspended, (await Engine.GetAsync(run2.EngineJobId)).State);
        Assert.Equal(EngineJobState.Running, (await Engine.GetAsync(other.EngineJobId)).State);
        // The job's process really is stopped (SIGSTOP), not only marked suspended; slurmd signals it after the state
        // change is recorded, so wait for the signal to arrive.
        await SlurmCluster.Eventually(() => Task.FromResult(ProcessState(pid)), s => s == 'T', TimeSpan.FromSeconds(30),
            "the job's process to be stopped");
        var held = await Engine.GetAsync(waiting.EngineJobId);
        Assert.True(held.Held);

        // Past its begin time the held job still does not start while the site is curtailed.
        await WaitFor(waiting, j => j.ExpectedStartAt is null || j.ExpectedStartAt <= Now, "to pass its begin time");
        Assert.Equal(EngineJobState.Pending, (await Engine.GetAsync(waiting.EngineJobId)).State);

        var lift = await Executor.LiftAsync(curtailment);

        Assert.True(lift.Resumed >= 2);
        Assert.True(lift.Released >= 1);
        Assert.Equal(EngineJobState.Running, (await Engine.GetAsync(run1.EngineJobId)).State);
        Assert.Equal(EngineJobState.Running, (await Engine.GetAsync(run2.EngineJobId)).State);
        await SlurmCluster.Eventually(() => Task.FromResult(ProcessState(pid)), s => s != 'T', TimeSpan.FromSeconds(30),
            "the job's process to be continued");
        await WaitForState(waiting, EngineJobState.Running);
        File.Delete(pidFile);
    }

    /// <summary>The state letter of a process from /proc/PID/stat (R, S, T...).</summary>
    private static char ProcessState(string pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }

    [Fact]
    public async Task Curtail_RequeueMode_RequeuesRunningJobHeld_LiftReleasesIt()
    {
        var run = await WaitForState(await Submit("rq-tk-run", "tk"), EngineJobState.Running);

        var curtailment = await Executor.CurtailAsync(new SiteId("TK"), CurtailmentMode.Requeue);

        Assert.Contains(curtailment.Interventions, i => i.EngineJobId == run.EngineJobId && i.Kind == InterventionKind.RequeuedHeld);
        var requeued = await WaitFor(run, j => j.State == EngineJobState.Pending && j.Held, "to be requeued and held");
        Assert.Null(requeued.StartedAt);

        var lift = await Executor.LiftAsync(curtailment);

        Assert.True(lift.Released >= 1);
        Assert.False((await Engine.GetAsync(run.EngineJobId)).Held);
    }

    [Fact]
    public async Task Lift_JobCancelledMeanwhile_CountsItGone()
    {
        var run = await WaitForState(await Submit("gone-tk-run", "tk"), EngineJobState.Running);
        var curtailment = await Executor.CurtailAsync(new SiteId("TK"));
        await Engine.CancelAsync(run.EngineJobId);
        await WaitForState(run, EngineJobState.Cancelled);

        var lift = await Executor.LiftAsync(curtailment.Interventions.Where(i => i.EngineJobId == run.EngineJobId));

        Assert.Equal(new LiftResult(0, 0, 1), lift);
    }

    [Fact]
    public async Task Curtail_SiteWithoutQueue_Throws()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Executor.CurtailAsync(new SiteId("KY")));

        Assert.Contains("KY", ex.Message, StringComparison.Ordinal);
    }
}
