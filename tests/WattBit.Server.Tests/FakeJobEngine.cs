using System.Collections.Concurrent;
using WattBit.Execution;

namespace WattBit.Server.Tests;

/// <summary>
/// An in-memory job engine with the state rules of a batch scheduler (suspend only a running job, hold only a pending
/// one, requeue-held puts a running job back pending and held, move only a pending job, finished jobs stay finished),
/// and commands that can be made to fail for a job, as a real engine refuses them.
/// </summary>
internal sealed class FakeJobEngine(TimeProvider time) : IJobEngine
{
    private readonly ConcurrentDictionary<string, EngineJob> _jobs = new(StringComparer.Ordinal);
    private int _next = 100;

    /// <summary>Engine job ids whose every command fails with this message (as <c>scontrol</c> or <c>scancel</c> would).</summary>
    public ConcurrentDictionary<string, string> Refusing { get; } = new(StringComparer.Ordinal);

    public string Name => "fake";

    /// <summary>Adds a job for a workload in a queue, running or pending.</summary>
    public EngineJob Add(string workloadId, string queue, EngineJobState state)
    {
        var id = Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var now = time.GetUtcNow();
        var job = new EngineJob(id, workloadId, queue, state, false, null, now, state == EngineJobState.Running ? now : null, null, null);
        _jobs[id] = job;
        return job;
    }

    public EngineJob Job(string id) => _jobs[id];

    public Task<EngineJob> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken = default) =>
        Task.FromResult(_jobs.Values.FirstOrDefault(j => j.WorkloadId == submission.WorkloadId) ?? Add(submission.WorkloadId, submission.Queue, EngineJobState.Pending));

    public Task<EngineJob?> FindAsync(string workloadId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_jobs.Values.Where(j => j.WorkloadId == workloadId).OrderByDescending(j => int.Parse(j.EngineJobId, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault());

    public Task<EngineJob> GetAsync(string engineJobId, CancellationToken cancellationToken = default) =>
        _jobs.TryGetValue(engineJobId, out var j) ? Task.FromResult(j) : throw new EngineCommandException($"get {engineJobId}", 1, "Invalid job id specified");

    public Task<IReadOnlyList<EngineJob>> ListAsync(string? queue = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<EngineJob>>([.. _jobs.Values.Where(j => queue is null || j.Queue == queue).OrderBy(j => int.Parse(j.EngineJobId, System.Globalization.CultureInfo.InvariantCulture))]);

    public Task HoldAsync(string engineJobId, CancellationToken cancellationToken = default) =>
        Change("hold", engineJobId, j => j.State == EngineJobState.Pending, j => j with { Held = true }, cancellationToken);

    public Task ReleaseAsync(string engineJobId, CancellationToken cancellationToken = default) =>
        Change("release", engineJobId, j => j.State == EngineJobState.Pending, j => j with { Held = false }, cancellationToken);

    public Task SuspendAsync(string engineJobId, CancellationToken cancellationToken = default) =>
        Change("suspend", engineJobId, j => j.State == EngineJobState.Running, j => j with { State = EngineJobState.Suspended }, cancellationToken);

    public Task ResumeAsync(string engineJobId, CancellationToken cancellationToken = default) =>
        Change("resume", engineJobId, j => j.State == EngineJobState.Suspended, j => j with { State = EngineJobState.Running }, cancellationToken);

    public Task RequeueHeldAsync(string engineJobId, CancellationToken cancellationToken = default) =>
        Change("requeuehold", engineJobId, j => j.State is EngineJobState.Running or EngineJobState.Suspended, j => j with { State = EngineJobState.Pending, Held = true }, cancellationToken);

    public Task MoveAsync(string engineJobId, string queue, CancellationToken cancellationToken = default) =>
        Change("update partition", engineJobId, j => j.State == EngineJobState.Pending, j => j with { Queue = queue }, cancellationToken);

    public Task CancelAsync(string engineJobId, CancellationToken cancellationToken = default) =>
        Change("cancel", engineJobId, j => !j.IsFinished, j => j with { State = EngineJobState.Cancelled, EndedAt = time.GetUtcNow() }, cancellationToken);

    /// <summary>While set, every state-changing command waits for it (signalling <see cref="Entered"/>), or for its cancellation.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Completed when a command reaches <see cref="Gate"/>.</summary>
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task Change(string command, string id, Func<EngineJob, bool> allowed, Func<EngineJob, EngineJob> change, CancellationToken ct)
    {
        if (Gate is { } gate)
        {
            Entered.TrySetResult();
            await gate.Task.WaitAsync(ct);
        }

        if (Refusing.TryGetValue(id, out var message))
        {
            throw new EngineCommandException($"{command} {id}", 1, message);
        }

        var job = _jobs.TryGetValue(id, out var j) ? j : throw new EngineCommandException($"{command} {id}", 1, "Invalid job id specified");
        if (!allowed(job))
        {
            throw new EngineCommandException($"{command} {id}", 1, $"Job is {job.State.ToString().ToLowerInvariant()}{(job.Held ? " (held)" : "")}");
        }

        _jobs[id] = change(job);
    }
}
