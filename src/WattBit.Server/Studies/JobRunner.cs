using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using WattBit.Server.Events;
using WattBit.Server.Infrastructure;

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
    private bool _doneBeforeRestart;

    /// <summary>Whether this process runs the job (false for a job restored from the journal: its work is not here).</summary>
    public bool Live { get; private init; } = true;

    /// <summary>A job as its journal record left it (finished, or running in another instance).</summary>
    internal static BackgroundJob<TResult> Restore(JobRecord r)
    {
        var job = new BackgroundJob<TResult>(r.Id, r.Owner, r.Name, r.Seed, r.StartedAt) { Live = false };
        job._stage = r.State == JobState.Done ? DoneBeforeRestart : r.Stage;
        job._finishedAt = r.FinishedAt;
        job._error = r.Error;
        job._cancelled = r.State == JobState.Cancelled;
        job._doneBeforeRestart = r.State == JobState.Done;
        return job;
    }

    /// <summary>The stage of a job that finished before a restart: its state is kept, its result (held in memory) is not.</summary>
    public const string DoneBeforeRestart = "done before the server restarted; the report is not kept across a restart: run the job again for it";

    /// <summary>The journal record of the job now.</summary>
    internal JobRecord ToRecord(string instance) => new(Id, Owner, Name, Seed, StartedAt, State, Stage, Error, FinishedAt, instance);

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

    public JobState State => _result is not null || _doneBeforeRestart ? JobState.Done : _cancelled ? JobState.Cancelled : _error is not null ? JobState.Failed : JobState.Running;

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

/// <summary>
/// One line of a job journal: the job when it started and when it ended (progress is not journalled). <see cref="Instance"/>
/// names the server instance that runs it, so after a restart that instance marks its unfinished jobs failed.
/// </summary>
internal sealed record JobRecord(string Id, string Owner, string Name, int? Seed, DateTimeOffset StartedAt, JobState State, string Stage, string? Error,
    DateTimeOffset? FinishedAt, string Instance);

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
/// server's own files, whose errors name file, line and column). Each job's start and end are journalled (stream
/// <c>{eventType}s</c>: a file beside the server's journal, or the shared store), so jobs are listed after a restart and
/// on every instance; a job that was still running when its instance stopped is marked failed, with the reason, when
/// that instance starts again (its result, held in memory, is not kept). Thread-safe.
/// </summary>
/// <typeparam name="TResult">What a job produces.</typeparam>
/// <param name="idPrefix">Prefix of job ids (<c>sj-</c>, <c>sim-</c>).</param>
/// <param name="eventType">Live event type of progress.</param>
/// <param name="status">The job as its owner sees it (event payload and API answer).</param>
/// <param name="time">Clock of start and finish times.</param>
/// <param name="events">Live events.</param>
/// <param name="logger">Where failures are logged.</param>
/// <param name="stopping">Cancelled when the server stops.</param>
/// <param name="journals">Where the job journal lives.</param>
/// <param name="instance">This server instance's id (<see cref="ServerOptions.InstanceId"/>).</param>
internal sealed partial class JobRunner<TResult>(string idPrefix, string eventType, Func<BackgroundJob<TResult>, object> status, TimeProvider time, EventHub events,
    ILogger logger, CancellationToken stopping, Journals journals, string instance)
    where TResult : class
{
    /// <summary>How many jobs one key may have running at once (a job is heavy: a simulation can take minutes of CPU).</summary>
    public const int MaxRunningPerOwner = 2;

    /// <summary>Why a job whose instance stopped before it finished is failed.</summary>
    public const string StoppedBeforeFinishing = "The server stopped before the job finished; start it again.";

    private readonly ConcurrentDictionary<string, BackgroundJob<TResult>> _jobs = new(StringComparer.Ordinal);
    private readonly Lock _starting = new();
    private IJournal<JobRecord>? _journal;

    /// <summary>The job journal, opened (and this instance's unfinished jobs marked failed) on first use.</summary>
    private IJournal<JobRecord> Journal
    {
        get
        {
            if (Volatile.Read(ref _journal) is { } j)
            {
                return j;
            }

            lock (_starting)
            {
                if (_journal is null)
                {
                    var journal = journals.Open<JobRecord>(eventType + "s", Apply);
                    var now = time.GetUtcNow();
                    foreach (var job in _jobs.Values.Where(j => !j.Live && j.State == JobState.Running).ToList())
                    {
                        journal.Append(() => _jobs.TryGetValue(job.Id, out var current) && !current.Live && current.State == JobState.Running &&
                                                 _instances.TryGetValue(job.Id, out var ran) && ran == instance
                            ? current.ToRecord(instance) with { State = JobState.Failed, Stage = "failed", Error = StoppedBeforeFinishing, FinishedAt = now }
                            : null);
                    }

                    Volatile.Write(ref _journal, journal);
                }

                return _journal;
            }
        }
    }

    private readonly ConcurrentDictionary<string, string> _instances = new(StringComparer.Ordinal);

    private void Apply(JobRecord record)
    {
        _instances[record.Id] = record.Instance;
        if (_jobs.TryGetValue(record.Id, out var job) && job.Live)
        {
            return; // run here: memory is ahead of the journal
        }

        _jobs[record.Id] = BackgroundJob<TResult>.Restore(record);
    }

    /// <summary>Opens the journal now (at start-up), so jobs interrupted by a restart are marked failed at once.</summary>
    public void Open() => _ = Journal;

    private void Record(BackgroundJob<TResult> job)
    {
        try
        {
            Journal.Append(job.ToRecord(instance));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or TimeoutException or Npgsql.NpgsqlException)
        {
            // The server is stopping (journal closed) or the store is unreachable: after a restart the job is marked failed.
            JobLog.NotRecorded(logger, e, eventType, job.Id);
        }
    }

    /// <summary>Starts <paramref name="work"/> in the background and returns the job at once; null when the owner already has <see cref="MaxRunningPerOwner"/> running.</summary>
    public BackgroundJob<TResult>? Start(string owner, string name, int? seed, Func<IJobProgress, CancellationToken, TResult> work)
    {
        Journal.CatchUp();
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

        Record(job);

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
        Record(job);
        Publish(job);
        return true;
    }

    /// <summary>The job if <paramref name="owner"/> started it.</summary>
    public BackgroundJob<TResult>? Find(string owner, string id)
    {
        Journal.CatchUp();
        return _jobs.TryGetValue(id, out var j) && j.Owner == owner ? j : null;
    }

    /// <summary>The jobs <paramref name="owner"/> started, oldest first.</summary>
    public List<BackgroundJob<TResult>> List(string owner)
    {
        Journal.CatchUp();
        return ListKnown(owner);
    }

    private List<BackgroundJob<TResult>> ListKnown(string owner) => [.. _jobs.Values.Where(j => j.Owner == owner).OrderBy(j => j.StartedAt).ThenBy(j => j.Id, StringComparer.Ordinal)];

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
            Record(job);
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

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning, Message = "Background {Kind} job {Id}: its end could not be journalled")]
    public static partial void NotRecorded(ILogger logger, Exception exception, string kind, string id);
}
