using WattBit.Formats;

namespace WattBit.Execution.Tests;

[Collection(SlurmCollection.Name)]
public sealed class ScheduleReconcilerTests(SlurmCluster cluster) : SlurmTestBase(cluster)
{
    [Fact]
    public async Task JobPlannedInTwoRuns_IsSuspendedBetweenThemAndFinishesInTheSecond()
    {
        var t0 = WholeSecondsFromNow(2);
        ScheduleRow[] rows = [new("two-runs", "TK", t0, t0.AddSeconds(2)), new("two-runs", "TK", t0.AddSeconds(5), t0.AddSeconds(8))];
        var submission = ScheduleSubmitter.Submissions(rows, SlurmCluster.Queues, "for i in $(seq 16); do sleep 0.25; done")[0];
        var job = await Submit(submission.WorkloadId, submission.Queue, submission.Command, submission.BeginAt);
        var reconciler = new ScheduleReconciler(Engine, TimeProvider.System);
        var actions = new List<ReconcileAction>();

        var done = await SlurmCluster.Eventually(async () =>
        {
            actions.AddRange(await reconciler.ReconcileAsync(rows));
            return await Engine.GetAsync(job.EngineJobId);
        }, j => j.IsFinished, TimeSpan.FromSeconds(40), "the two-run job to finish");

        Assert.Equal(EngineJobState.Completed, done.State);
        Assert.Equal([true, false], actions.Select(a => a.Suspended));
        Assert.True(done.StartedAt >= t0);
        Assert.True(done.EndedAt >= t0.AddSeconds(5), $"ended {done.EndedAt:O}: the pause between the runs was not enforced");
    }

    [Fact]
    public async Task Reconcile_DoesNotResumeAJobSuspendedByACurtailment()
    {
        var job = await WaitForState(await Submit("rec-curtailed", "kn"), EngineJobState.Running);
        await Engine.SuspendAsync(job.EngineJobId);
        var start = Now.AddSeconds(-5);
        ScheduleRow[] rows = [new("rec-curtailed", "KN", start, start.AddHours(1))];

        var actions = await new ScheduleReconciler(Engine, TimeProvider.System).ReconcileAsync(rows);

        Assert.Empty(actions);
        Assert.Equal(EngineJobState.Suspended, (await Engine.GetAsync(job.EngineJobId)).State);
    }
}
