using WattBit.Execution.Slurm;

namespace WattBit.Execution.Tests;

/// <summary>Helpers for tests on the shared real cluster: unique workload ids, waiting on job states, cancelling what a test submitted.</summary>
public abstract class SlurmTestBase(SlurmCluster cluster) : IAsyncLifetime
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromSeconds(30);
    private readonly List<string> _submitted = [];

    protected SlurmJobEngine Engine => cluster.Engine;

    protected static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    /// <summary>A whole second (Slurm's resolution) <paramref name="seconds"/> to one second more from now, in UTC.</summary>
    protected static DateTimeOffset WholeSecondsFromNow(int seconds)
    {
        var now = Now;
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(seconds);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var id in _submitted)
        {
            var job = await Engine.GetAsync(id);
            if (!job.IsFinished)
            {
                await Engine.CancelAsync(id);
            }
        }
    }

    protected async Task<EngineJob> Submit(string workloadId, string queue, string command = "sleep 30", DateTimeOffset? begin = null)
    {
        var job = await Engine.SubmitAsync(new JobSubmission(workloadId, queue, command, begin));
        _submitted.Add(job.EngineJobId);
        return job;
    }

    protected Task<EngineJob> WaitFor(EngineJob job, Func<EngineJob, bool> condition, string what) =>
        SlurmCluster.Eventually(() => Engine.GetAsync(job.EngineJobId), condition, StateTimeout, $"job {job.EngineJobId} ({job.WorkloadId}) {what}");

    protected Task<EngineJob> WaitForState(EngineJob job, EngineJobState state) => WaitFor(job, j => j.State == state, $"to be {state}");
}
