using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using WattBit.Server.Events;

namespace WattBit.Server.Studies;

/// <summary>The state of a background job.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
internal enum JobState
{
    Running,
    Done,
    Failed,
    Cancelled,
}

/// <summary>
/// One background job: who started it, what it runs, and its progress — a stage name and, for work that counts, steps
/// done of a total. Written by the job's own thread, read by request threads (fields are volatile or interlocked).
/// </summary>
/// <typeparam name="TResult">What the job produces.</typeparam>
internal sealed class BackgroundJob<TResult>(string id, string owner, string name, int? seed, DateTimeOffset startedAt)
    where TResult : class
{
    private long _stepsDone;
    private long _stepsTotal;
    private int _stagesDone;
    private volatile string _stage = "queued";
    private volatile TResult? _result;
    private volatile string? _error;
    private volatile bool _cancelled;
    private readonly Lock _end = new();
    private DateTimeOffset? _finishedAt;

    public string Id { get; } = id;

    public string Owner { get; } = owner;

    /// <summary>The study or scenario name the job runs.</summary>
    public string Name { get; } = name;

    /// <summary>The seed the job runs with, when the client chose one.</summary>
    public int? Seed { get; } = seed;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public string Stage => _stage;

    public int StagesDone => Volatile.Read(ref _stagesDone);

    public long StepsDone => Interlocked.Read(ref _stepsDone);

    public long StepsTotal => Interlocked.Read(ref _stepsTotal);

    public TResult? Result => _result;

    public string? Error => _error;

    public DateTimeOffset? FinishedAt => _finishedAt;

    public JobState State => _result is not null ? JobState.Done : _cancelled ? JobState.Cancelled : _error is not null ? JobState.Failed : JobState.Running;

    /// <summary>Cancels the job (its owner asked, or the server stops).</summary>
    internal CancellationTokenSource Cancellation { get; } = new();

    internal void Enter(string stage, bool counts)
    {
        _stage = stage;
        if (counts)
        {
            Interlocked.Increment(ref _stagesDone);
        }
    }

    /// <summary>Moves the step count forward (never back: progress may come from several threads); true when it moved.</summary>
    internal bool Advance(long done, long total)
    {
        Interlocked.Exchange(ref _stepsTotal, total);
        long seen;
        while (done > (seen = Interlocked.Read(ref _stepsDone)))
        {
            if (Interlocked.CompareExchange(ref _stepsDone, done, seen) == seen)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Records the end; ignored when the job already ended (a cancelled job stays cancelled whatever its work returns).</summary>
    internal bool Finish(DateTimeOffset at, TResult? result, string? error, bool cancelled = false)
    {
        lock (_end)
        {
            if (_finishedAt is not null)
            {
                return false;
            }

            _finishedAt = at;
            _cancelled = cancelled;
            _stage = result is not null ? "done" : cancelled ? "cancelled" : "failed";
            _error = error;
            _result = result;
            return true;
        }
    }
}

/// <summary>What a job's code reports its progress through.</summary>
internal interface IJobProgress
{
    /// <summary>Enters a new stage (announced to the job's owner).</summary>
    void Stage(string stage);

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> steps; announced each time another 1 % is done. Thread-safe.</summary>
    void Steps(long done, long total);
}

/// <summary>
/// Runs background jobs for one kind of work (siting rankings, simulations): starts each on the thread pool with a
/// cancellation token (cancelled by <see cref="Cancel"/> or when the server stops), at most
/// <see cref="MaxRunningPerOwner"/> running per key, keeps them in memory by id (random 128-bit, so they cannot be
/// guessed), lets only the key that started a job see it, and sends every stage, every 1 % of steps and the end as
/// <paramref name="eventType"/> events to that key. A job's failure message is shown to its owner (the work runs the
/// server's own files, whose errors name file, line and column). Thread-safe.
/// </summary>
/// <typeparam name="TResult">What a job produces.</typeparam>
/// <param name="idPrefix">Prefix of job ids (<c>sj-</c>, <c>sim-</c>).</param>
/// <param name="eventType">Live event type of progress.</param>
/// <param name="status">The job as its owner sees it (event payload and API answer).</param>
/// <param name="time">Clock of start and finish times.</param>
/// <param name="events">Live events.</param>
/// <param name="logger">Where failures are logged.</param>
/// <param name="stopping">Cancelled when the server stops.</param>
internal sealed partial class JobRunner<TResult>(string idPrefix, string eventType, Func<BackgroundJob<TResult>, object> status, TimeProvider time, EventHub events,
    ILogger logger, CancellationToken stopping)
    where TResult : class
{
    /// <summary>How many jobs one key may have running at once (a job is heavy: a simulation can take minutes of CPU).</summary>
    public const int MaxRunningPerOwner = 2;

    private readonly ConcurrentDictionary<string, BackgroundJob<TResult>> _jobs = new(StringComparer.Ordinal);
    private readonly Lock _starting = new();

    /// <summary>Starts <paramref name="work"/> in the background and returns the job at once; null when the owner already has <see cref="MaxRunningPerOwner"/> running.</summary>
    public BackgroundJob<TResult>? Start(string owner, string name, int? seed, Func<IJobProgress, CancellationToken, TResult> work)
    {
        BackgroundJob<TResult> job;
        lock (_starting)
        {
            if (_jobs.Values.Count(j => j.Owner == owner && j.State == JobState.Running) >= MaxRunningPerOwner)
            {
                return null;
            }

            job = new BackgroundJob<TResult>(idPrefix + Guid.NewGuid().ToString("N"), owner, name, seed, time.GetUtcNow());
            _jobs[job.Id] = job;
        }

        _ = Task.Run(() => Run(job, work));
        return job;
    }

    /// <summary>
    /// Cancels a running job of <paramref name="owner"/>: it is <see cref="JobState.Cancelled"/> from now on (and no longer
    /// counts as running) and its work is told to stop; false when there is no such running job.
    /// </summary>
    public bool Cancel(string owner, string id)
    {
        if (Find(owner, id) is not { } job || !job.Finish(time.GetUtcNow(), null, "Cancelled by its owner.", cancelled: true))
        {
            return false;
        }

        job.Cancellation.Cancel();
        Publish(job);
        return true;
    }

    /// <summary>The job if <paramref name="owner"/> started it.</summary>
    public BackgroundJob<TResult>? Find(string owner, string id) => _jobs.TryGetValue(id, out var j) && j.Owner == owner ? j : null;

    /// <summary>The jobs <paramref name="owner"/> started, oldest first.</summary>
    public List<BackgroundJob<TResult>> List(string owner) => [.. _jobs.Values.Where(j => j.Owner == owner).OrderBy(j => j.StartedAt).ThenBy(j => j.Id, StringComparer.Ordinal)];

    private void Run(BackgroundJob<TResult> job, Func<IJobProgress, CancellationToken, TResult> work)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, job.Cancellation.Token);
        bool ended;
        try
        {
            var result = work(new Progress(this, job), linked.Token);
            ended = job.Finish(time.GetUtcNow(), result, null);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            ended = job.Finish(time.GetUtcNow(), null, "The server stopped before the job finished.", cancelled: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ended = job.Finish(time.GetUtcNow(), null, e.Message);
            JobLog.Failed(logger, e, eventType, job.Name);
        }

        if (ended)
        {
            Publish(job);
        }
    }

    private void Publish(BackgroundJob<TResult> job) => events.Publish(eventType, null, null, status(job), job.Owner);

    private sealed class Progress(JobRunner<TResult> runner, BackgroundJob<TResult> job) : IJobProgress
    {
        private long _announced = -1;

        public void Stage(string stage)
        {
            job.Enter(stage, counts: true);
            runner.Publish(job);
        }

        public void Steps(long done, long total)
        {
            if (total <= 0 || !job.Advance(Math.Clamp(done, 0, total), total))
            {
                return;
            }

            var percent = job.StepsDone * 100 / total;
            long seen;
            while (percent > (seen = Interlocked.Read(ref _announced)))
            {
                if (Interlocked.CompareExchange(ref _announced, percent, seen) == seen)
                {
                    runner.Publish(job);
                    return;
                }
            }
        }
    }
}

/// <summary>Log messages of background jobs.</summary>
internal static partial class JobLog
{
    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Background {Kind} job {Name} failed")]
    public static partial void Failed(ILogger logger, Exception exception, string kind, string name);
}
