using WattBit.Dispatch;
using WattBit.Sites;
using WattBit.Units;

namespace WattBit.Execution.Tests;

[Collection(SlurmCollection.Name)]
public sealed class DispatchExecutorTests(SlurmCluster cluster) : SlurmTestBase(cluster)
{
    private static readonly SiteId Tk = new("TK");
    private static readonly SiteId Kn = new("KN");

    private DispatchExecutor Executor => new(Engine, SlurmCluster.Queues, TimeProvider.System);

    private static DispatchAction Action(DispatchActionKind kind, string workload, SiteId? to = null) =>
        new(kind, workload, Tk, to, 1, Power.FromMegawatts(1), TimeProvider.System.GetUtcNow(), "test");

    [Fact]
    public async Task Defer_RunningJob_IsSuspended_AndLiftResumesIt()
    {
        var job = await WaitForState(await Submit("dx-defer", "tk"), EngineJobState.Running);

        var outcome = await Executor.ExecuteAsync(Action(DispatchActionKind.Defer, "dx-defer"));

        Assert.Equal(ActionOutcomeKind.Applied, outcome.Outcome);
        Assert.Equal(EngineJobState.Suspended, (await Engine.GetAsync(job.EngineJobId)).State);
        var lift = await new CurtailmentExecutor(Engine, SlurmCluster.Queues, TimeProvider.System).LiftAsync(outcome.Interventions);
        Assert.Equal(1, lift.Resumed);
        Assert.Equal(EngineJobState.Running, (await Engine.GetAsync(job.EngineJobId)).State);
    }

    [Fact]
    public async Task Stop_RunningJob_IsCancelled()
    {
        var job = await WaitForState(await Submit("dx-stop", "tk"), EngineJobState.Running);

        var outcome = await Executor.ExecuteAsync(Action(DispatchActionKind.Stop, "dx-stop"));

        Assert.Equal(InterventionKind.Cancelled, Assert.Single(outcome.Interventions).Kind);
        await WaitForState(job, EngineJobState.Cancelled);
    }

    [Fact]
    public async Task RestartElsewhere_RunningJob_IsRequeuedIntoDestinationPartitionAndReleased()
    {
        var job = await WaitForState(await Submit("dx-move", "tk"), EngineJobState.Running);

        var outcome = await Executor.ExecuteAsync(Action(DispatchActionKind.RestartElsewhere, "dx-move", Kn));

        Assert.Equal(InterventionKind.Moved, Assert.Single(outcome.Interventions).Kind);
        var moved = await Engine.GetAsync(job.EngineJobId);
        Assert.Equal("kn", moved.Queue);
        Assert.False(moved.Held);
    }

    [Fact]
    public async Task Decision_WithBatteryAndUnknownWorkload_ReportsNotApplicableAndNoJob()
    {
        var battery = await Executor.ExecuteAsync(Action(DispatchActionKind.DischargeBattery, string.Empty));
        var unknown = await Executor.ExecuteAsync(Action(DispatchActionKind.Defer, "dx-never-submitted"));

        Assert.Equal(ActionOutcomeKind.NotApplicable, battery.Outcome);
        Assert.Equal(ActionOutcomeKind.NoJob, unknown.Outcome);
        Assert.Empty(unknown.Interventions);
    }

    [Fact]
    public async Task PowerDownSite_CurtailsEveryJobOfItsPartition()
    {
        var a = await WaitForState(await Submit("dx-pd-a", "tk"), EngineJobState.Running);
        var b = await Submit("dx-pd-b", "tk", begin: Now.AddHours(1));

        var outcome = await Executor.ExecuteAsync(Action(DispatchActionKind.PowerDownSite, string.Empty));

        Assert.Equal(ActionOutcomeKind.Applied, outcome.Outcome);
        Assert.Equal(EngineJobState.Suspended, (await Engine.GetAsync(a.EngineJobId)).State);
        Assert.True((await Engine.GetAsync(b.EngineJobId)).Held);
        Assert.Contains(outcome.Interventions, i => i.EngineJobId == a.EngineJobId && i.Kind == InterventionKind.Suspended);
    }
}
