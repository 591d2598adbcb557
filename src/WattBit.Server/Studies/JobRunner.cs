using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using WattBit.Data.Storage;
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
internal sealed class BackgroundJob<TResult>(string id, string owner, string name, int? seed, DateTimeOffset startedAt, string instance)
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

    private volatile bool _superseded;

    /// <summary>
    /// Whether another instance took this job over while this process still ran it (its lease expired): the work here is
    /// stopped and nothing it ends with is journalled.
    /// </summary>
    public bool Superseded => _superseded;

    internal void Supersede() => _superseded = true;

    /// <summary>Whether this process runs the job (false for a job restored from the journal: its work is not here).</summary>
    public bool Live { get; private init; } = true;

    /// <summary>
    /// A job as its journal record left it (finished, or running in another instance), with its journalled report when
    /// it is done and the report was kept.
    /// </summary>
    internal static BackgroundJob<TResult> Restore(JobRecord r, TResult? report)
    {
        var job = new BackgroundJob<TResult>(r.Id, r.Owner, r.Name, r.Seed, r.StartedAt, r.Instance) { Live = false };
        job._stage = r.State == JobState.Done && report is null ? DoneBeforeRestart : r.Stage;
        job._finishedAt = r.FinishedAt;
        job._error = r.Error;
        job._cancelled = r.State == JobState.Cancelled;
        job._doneBeforeRestart = r.State == JobState.Done;
        job._result = r.State == JobState.Done ? report : null;
        return job;
    }

    /// <summary>Attaches the journalled report of a job restored as done (the report's record may be read after the job's).</summary>
    internal void Attach(TResult report)
    {
        if (_doneBeforeRestart && _result is null)
        {
            _result = report;
            _stage = "done";
        }
    }

    /// <summary>Drops the report of a done job (the retention removed it); the job stays done and says why it has no report.</summary>
    internal void Detach(string stage)
    {
        lock (_end)
        {
            if (State == JobState.Done)
            {
                _doneBeforeRestart = true;
                _result = null;
                _stage = stage;
            }
        }
    }

    /// <summary>The stage of a job that finished before a restart and whose report was not kept (an older server's journal).</summary>
    public const string DoneBeforeRestart = "done before the server restarted; its report was not kept: run the job again for it";

    /// <summary>The id of the server instance that runs (or ran) the job.</summary>
    public string Instance { get; } = instance;

    /// <summary>The journal record of the job now.</summary>
    internal JobRecord ToRecord() => new(Id, Owner, Name, Seed, StartedAt, State, Stage, Error, FinishedAt, Instance);

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

    private readonly TaskCompletionSource<bool> _workEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes when this process's work on the job has returned (true: it produced its result; false: it stopped,
    /// cancelled, failed or cut off by a stop). Never completes for a job this process does not run.
    /// </summary>
    internal Task<bool> WorkEnded => _workEnded.Task;

    internal void EndWork(bool produced) => _workEnded.TrySetResult(produced);

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
/// One line of a job journal: the job when it started, when it was resumed after a restart, and when it ended (progress
/// is not journalled). <see cref="Instance"/> names the server instance that runs it: after a restart that instance
/// resumes its unfinished jobs; an instance that is asked to cancel a job another instance runs journals the
/// cancellation under the runner's name, and the runner stops the work when it reads it.
/// </summary>
internal sealed record JobRecord(string Id, string Owner, string Name, int? Seed, DateTimeOffset StartedAt, JobState State, string Stage, string? Error,
    DateTimeOffset? FinishedAt, string Instance);

/// <summary>A finished job's report, journalled (stream <c>{kind}-reports</c>) just before the job's end so a restart keeps it.</summary>
/// <typeparam name="TResult">What the job produced.</typeparam>
internal sealed record JobReport<TResult>(string Id, TResult Report)
    where TResult : class;

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
/// cancellation token (cancelled by <see cref="CancelAsync"/>, from any instance, or when the server stops), at most
/// <see cref="MaxRunningPerOwner"/> running per key, keeps them in memory by id (random 128-bit, so they cannot be
/// guessed), lets only the key that started a job see it, and sends every stage, every 1 % of steps and the end as
/// <c>eventType</c> events to that key. A job's failure message is shown to its owner (the work runs the server's own
/// files, whose errors name file, line and column).
/// <para>
/// Nothing is lost on restart: each job's start and end are journalled (stream <c>{eventType}s</c>: a file beside the
/// server's journal, or the shared store), and a finished job's report too (stream <c>{kind}-reports</c>), so jobs and
/// their reports are listed after a restart and on every instance. A stop leaves a running job's record as it is;
/// when its instance starts again it resumes the job from its input (the study or scenario name and seed, read again
/// from the server's folder) under the same id, or marks it failed with the reason when that input is gone. A cancel
/// made on another instance reaches the running instance through the journal (read when the cancellation's live event
/// arrives, and every <see cref="CancelPoll"/> of the server's clock) and stops its work. Thread-safe.
/// </para>
/// </summary>
/// <typeparam name="TResult">What a job produces (journalled as JSON, so it is plain data).</typeparam>
internal sealed partial class JobRunner<TResult>
    where TResult : class
{
    /// <summary>How many jobs one key may have running at once (a job is heavy: a simulation can take minutes of CPU).</summary>
    public const int MaxRunningPerOwner = 2;

    /// <summary>Why a job whose input is gone when its instance starts again is failed.</summary>
    public const string StoppedBeforeFinishing = "The server stopped before the job finished, and its input is no longer on the server; start it again.";

    /// <summary>The stage of a job resumed after its instance restarted.</summary>
    public const string Resumed = "resumed after the server restarted";

    /// <summary>
    /// How often (server clock) an instance in shared mode reads the job journal (cancellations made elsewhere, other
    /// instances' running jobs), renews the lease of the jobs it runs (a heartbeat) and checks the others' leases.
    /// </summary>
    public static readonly TimeSpan CancelPoll = TimeSpan.FromSeconds(5);

    /// <summary>The stage of a job another instance took over when its own instance stopped renewing its lease.</summary>
    public static string TakenOver(string from, TimeSpan silent) =>
        $"taken over from instance {from}, which sent no heartbeat for {silent.TotalSeconds:0} s";

    /// <summary>Why a job whose instance stopped renewing its lease is failed when its input is gone.</summary>
    public static string Orphaned(string from, TimeSpan silent) =>
        $"Its server instance ({from}) stopped: no heartbeat for {silent.TotalSeconds:0} s, and its input is no longer on the server; start it again.";

    private readonly string _idPrefix;
    private readonly string _eventType;
    private readonly Func<BackgroundJob<TResult>, object> _status;
    private readonly TimeProvider _time;
    private readonly EventHub _events;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Journals _journals;
    private readonly string _instance;
    private readonly Func<string, int?, Func<IJobProgress, CancellationToken, TResult>?> _resume;
    private readonly ConcurrentDictionary<string, BackgroundJob<TResult>> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TResult> _reports = new(StringComparer.Ordinal);
    private readonly Lock _starting = new();
    private IJournal<JobRecord>? _journal;
    private IJournal<JobReport<TResult>>? _reportJournal;
    private ITimer? _poll;
    private readonly JobOptions _options;
    private readonly Dictionary<string, (long Length, DateTimeOffset Since)> _leasesSeen = new(StringComparer.Ordinal); // the tick's own
    private int _ticking;
    private readonly Queue<string> _reportOrder = new(); // ids in the report stream's order, guarded by itself
    private long _leaseSeq;

    /// <param name="idPrefix">Prefix of job ids (<c>sj-</c>, <c>sim-</c>).</param>
    /// <param name="eventType">Live event type of progress (<c>siting-job</c>); the job stream is <c>{eventType}s</c>.</param>
    /// <param name="reports">The report stream (<c>siting-reports</c>).</param>
    /// <param name="status">The job as its owner sees it (event payload and API answer).</param>
    /// <param name="time">Clock of start and finish times and of the cancellation poll.</param>
    /// <param name="events">Live events.</param>
    /// <param name="logger">Where failures are logged.</param>
    /// <param name="stopping">Cancelled when the server stops.</param>
    /// <param name="journals">Where the job journal lives.</param>
    /// <param name="instance">This server instance's id (<see cref="ServerOptions.InstanceId"/>).</param>
    /// <param name="resume">The work of a job to resume from its name and seed; null when its input is gone.</param>
    /// <param name="options">Lease expiry and reports kept (<c>WattBit:Jobs</c>).</param>
    /// <exception cref="InvalidOperationException">A setting is out of range; the message names it.</exception>
    public JobRunner(string idPrefix, string eventType, string reports, Func<BackgroundJob<TResult>, object> status, TimeProvider time, EventHub events,
        ILogger logger, CancellationToken stopping, Journals journals, string instance, Func<string, int?, Func<IJobProgress, CancellationToken, TResult>?> resume,
        JobOptions options)
    {
        if (options.LeaseExpiry < 3 * CancelPoll)
        {
            throw new InvalidOperationException($"WattBit:Jobs:LeaseExpiry is {options.LeaseExpiry}: it must be at least {3 * CancelPoll} (three heartbeats).");
        }

        if (options.ReportsKept < 1)
        {
            throw new InvalidOperationException($"WattBit:Jobs:ReportsKept is {options.ReportsKept}: at least 1 report of each kind is kept.");
        }

        _options = options;
        _idPrefix = idPrefix;
        _eventType = eventType;
        _reportStream = reports;
        _status = status;
        _time = time;
        _events = events;
        _logger = logger;
        _stopping = stopping;
        _journals = journals;
        _instance = instance;
        _resume = resume;
        if (events.Shared)
        {
            events.Delivered += OnEvent;
        }

        stopping.Register(() =>
        {
            lock (_starting)
            {
                _poll?.Dispose();
            }
        });
    }

    private readonly string _reportStream;

    /// <summary>The job journal, opened (and this instance's unfinished jobs resumed) on first use.</summary>
    private IJournal<JobRecord> Journal
    {
        get
        {
            if (Volatile.Read(ref _journal) is { } j)
            {
                return j;
            }

            List<(BackgroundJob<TResult> Job, Func<IJobProgress, CancellationToken, TResult> Work)> resumed = [];
            lock (_starting)
            {
                if (_journal is not null)
                {
                    return _journal;
                }

                var journal = _journals.Open<JobRecord>(_eventType + "s", Apply);
                _reportJournal = _journals.Open<JobReport<TResult>>(_reportStream, ApplyReport);
                var now = _time.GetUtcNow();
                foreach (var job in _jobs.Values.Where(j => !j.Live && j.State == JobState.Running && j.Instance == _instance).ToList())
                {
                    var work = _resume(job.Name, job.Seed);
                    var live = new BackgroundJob<TResult>(job.Id, job.Owner, job.Name, job.Seed, job.StartedAt, _instance);
                    live.Enter(Resumed, counts: false);
                    // Opening resumes this instance's jobs once (at start-up, under the opening lock): blocking that one thread.
                    var written = journal.AppendAsync(() =>
                    {
                        if (!_jobs.TryGetValue(job.Id, out var current) || current.Live || current.State != JobState.Running || current.Instance != _instance)
                        {
                            return null; // ended meanwhile (cancelled from another instance)
                        }

                        if (work is null)
                        {
                            return current.ToRecord() with { State = JobState.Failed, Stage = "failed", Error = StoppedBeforeFinishing, FinishedAt = now };
                        }

                        _jobs[job.Id] = live;
                        return live.ToRecord();
                    }).GetAwaiter().GetResult();
                    if (written is { State: JobState.Running } && work is not null)
                    {
                        resumed.Add((live, work));
                    }
                }

                Volatile.Write(ref _journal, journal);
            }

            foreach (var (job, work) in resumed)
            {
                JobLog.Resuming(_logger, _eventType, job.Id, job.Name);
                Launch(job, work);
            }

            return _journal!;
        }
    }

    private void Apply(JobRecord record)
    {
        if (_jobs.TryGetValue(record.Id, out var job) && job.Live)
        {
            if (record.State == JobState.Running && record.Instance != job.Instance)
            {
                // Another instance took the job over (this one's lease expired while it still ran it): stop here, silently.
                job.Supersede();
                _jobs[record.Id] = BackgroundJob<TResult>.Restore(record, null);
                ThreadPool.UnsafeQueueUserWorkItem(static j => j.Cancellation.Cancel(), job, preferLocal: false);
                return;
            }

            // Run here: memory is ahead of the journal, except for a cancellation another instance journalled.
            if (record.State == JobState.Cancelled && job.Finish(record.FinishedAt ?? _time.GetUtcNow(), null, record.Error, cancelled: true))
            {
                ThreadPool.UnsafeQueueUserWorkItem(static j => j.Cancellation.Cancel(), job, preferLocal: false);
            }

            return;
        }

        _jobs[record.Id] = BackgroundJob<TResult>.Restore(record, _reports.GetValueOrDefault(record.Id));
    }

    private void ApplyReport(JobReport<TResult> record)
    {
        _reports[record.Id] = record.Report;
        if (_jobs.TryGetValue(record.Id, out var job))
        {
            job.Attach(record.Report);
        }

        // The retention: only the newest ReportsKept reports stay (every instance drops the same ones: one stream order).
        lock (_reportOrder)
        {
            _reportOrder.Enqueue(record.Id);
            while (_reportOrder.Count > _options.ReportsKept)
            {
                var old = _reportOrder.Dequeue();
                if (_reports.TryRemove(old, out _) && _jobs.TryGetValue(old, out var dropped))
                {
                    dropped.Detach(ReportRemoved(_options.ReportsKept));
                }
            }
        }
    }

    /// <summary>The stage of a done job whose report the retention removed.</summary>
    public static string ReportRemoved(int kept) =>
        $"done; its report was removed (the server keeps the last {kept} reports of each kind, WattBit:Jobs:ReportsKept): run the job again for it";

    /// <summary>
    /// Opens the journal now (at start-up), so jobs interrupted by a restart are resumed at once; in shared mode starts
    /// the periodic tick (cancellations, heartbeats, other instances' leases).
    /// </summary>
    public void Open()
    {
        _ = Journal;
        EnsureTick();
    }

    private void EnsureTick()
    {
        if (_journals.Shared)
        {
            lock (_starting)
            {
                if (!_stopping.IsCancellationRequested)
                {
                    _poll ??= _time.CreateTimer(_ => Tick(), null, CancelPoll, CancelPoll);
                }
            }
        }
    }

    private async Task CatchUpAsync(CancellationToken ct)
    {
        await Journal.CatchUpAsync(ct).ConfigureAwait(false);
        await _reportJournal!.CatchUpAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Journals the job's state; blocks its caller, so only the job's own thread calls it (see <see cref="Publish"/>).</summary>
    private void Record(BackgroundJob<TResult> job) => RecordAsync(job).GetAwaiter().GetResult();

    private async Task RecordAsync(BackgroundJob<TResult> job)
    {
        try
        {
            await Journal.AppendAsync(job.ToRecord()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or TimeoutException or Npgsql.NpgsqlException)
        {
            // The server is stopping (journal closed) or the store is unreachable: after a restart the job is resumed.
            JobLog.NotRecorded(_logger, e, _eventType, job.Id);
        }
    }

    /// <summary>
    /// Starts <paramref name="work"/> in the background and returns the job once it is journalled (without blocking a
    /// thread while a shared store answers); null when the owner already has <see cref="MaxRunningPerOwner"/> running.
    /// </summary>
    public async Task<BackgroundJob<TResult>?> StartAsync(string owner, string name, int? seed, Func<IJobProgress, CancellationToken, TResult> work,
        CancellationToken ct = default)
    {
        await CatchUpAsync(ct).ConfigureAwait(false);
        BackgroundJob<TResult> job;
        lock (_starting)
        {
            if (_jobs.Values.Count(j => j.Owner == owner && j.State == JobState.Running) >= MaxRunningPerOwner)
            {
                return null;
            }

            job = new BackgroundJob<TResult>(_idPrefix + Guid.NewGuid().ToString("N"), owner, name, seed, _time.GetUtcNow(), _instance);
            _jobs[job.Id] = job;
        }

        await RecordAsync(job).ConfigureAwait(false);
        Launch(job, work);
        return job;
    }

    private void Launch(BackgroundJob<TResult> job, Func<IJobProgress, CancellationToken, TResult> work)
    {
        EnsureTick();
        _ = Task.Run(() => Run(job, work));
    }

    /// <summary>One tick of the shared mode's timer: runs <see cref="TickAsync"/> unless the previous one still runs.</summary>
    private void Tick()
    {
        if (_stopping.IsCancellationRequested || Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await TickAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or Npgsql.NpgsqlException or ObjectDisposedException
                or OperationCanceledException or IOException)
            {
                JobLog.PollFailed(_logger, e, _eventType);
            }
            finally
            {
                Volatile.Write(ref _ticking, 0);
            }
        });
    }

    /// <summary>The lease stream of an instance's running jobs of this kind: one record per heartbeat, pruned behind.</summary>
    private string LeaseStream(string instance) => $"{_eventType}s.lease:{instance}";

    /// <summary>
    /// Reads the job journal (cancellations of jobs running here, jobs other instances run), renews this instance's lease
    /// while it runs jobs (appends a heartbeat), and takes over the running jobs of an instance whose lease did not move
    /// for <see cref="JobOptions.LeaseExpiry"/> of this instance's clock.
    /// </summary>
    private async Task TickAsync()
    {
        var store = _journals.Store!;
        _journals.Activity.JobTicked();
        await Journal.CatchUpAsync(_stopping).ConfigureAwait(false);
        if (_jobs.Values.Any(j => j.Live && j.State == JobState.Running))
        {
            await HeartbeatAsync(store).ConfigureAwait(false);
        }

        var others = _jobs.Values.Where(j => !j.Live && j.State == JobState.Running && j.Instance != _instance).Select(j => j.Instance)
            .Distinct(StringComparer.Ordinal).ToList();
        foreach (var gone in _leasesSeen.Keys.Except(others, StringComparer.Ordinal).ToList())
        {
            _leasesSeen.Remove(gone);
        }

        foreach (var instance in others)
        {
            var length = await store.JournalLengthAsync(LeaseStream(instance), _stopping).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            if (!_leasesSeen.TryGetValue(instance, out var seen) || seen.Length != length)
            {
                _leasesSeen[instance] = (length, now);
            }
            else if (now - seen.Since >= _options.LeaseExpiry)
            {
                _leasesSeen.Remove(instance);
                await TakeOverAsync(instance, now - seen.Since, now).ConfigureAwait(false);
            }
        }
    }

    private async Task HeartbeatAsync(IJournalStore store)
    {
        _journals.Activity.LeaseRenewed();
        var stream = LeaseStream(_instance);
        var body = System.Text.Json.JsonSerializer.Serialize(new { at = _time.GetUtcNow() }, Journals.Json);
        // The store gives the next position (one round trip; the stream is this instance's own, so nothing is missed but
        // the heartbeats of an earlier run of it, which are not read).
        var seq = (await store.AppendJournalAsync(stream, [body], _leaseSeq, _stopping).ConfigureAwait(false)).FirstSeq;
        _leaseSeq = seq;
        if (seq % 16 == 0)
        {
            await store.PruneJournalAsync(stream, seq, _stopping).ConfigureAwait(false); // the last heartbeat stays
        }
    }

    /// <summary>
    /// Takes over the running jobs of <paramref name="from"/>: each is resumed here from its input under the same id (stage
    /// <see cref="TakenOver"/>), or failed with <see cref="Orphaned"/> when its input is gone. A conditional append decides,
    /// so of several instances taking over at once exactly one wins each job.
    /// </summary>
    private async Task TakeOverAsync(string from, TimeSpan silent, DateTimeOffset now)
    {
        foreach (var job in _jobs.Values.Where(j => !j.Live && j.State == JobState.Running && j.Instance == from).ToList())
        {
            var work = _resume(job.Name, job.Seed);
            var live = new BackgroundJob<TResult>(job.Id, job.Owner, job.Name, job.Seed, job.StartedAt, _instance);
            live.Enter(TakenOver(from, silent), counts: false);
            var written = await Journal.AppendAsync(() =>
            {
                if (!_jobs.TryGetValue(job.Id, out var current) || current.Live || current.State != JobState.Running || current.Instance != from)
                {
                    return null; // ended, cancelled or taken over meanwhile
                }

                if (work is null)
                {
                    return current.ToRecord() with { State = JobState.Failed, Stage = "failed", Error = Orphaned(from, silent), FinishedAt = now };
                }

                _jobs[job.Id] = live;
                return live.ToRecord();
            }, _stopping).ConfigureAwait(false);
            if (written is null)
            {
                continue;
            }

            JobLog.TakingOver(_logger, _eventType, job.Id, from, written.State == JobState.Running ? "resumed here" : "failed: its input is gone");
            if (written.State == JobState.Running && work is not null)
            {
                Launch(live, work);
            }

            if (_jobs.TryGetValue(job.Id, out var now2))
            {
                await PublishAsync(now2).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads the journal for cancellations another instance made of jobs running here (shared mode).</summary>
    private async Task PollCancellationsAsync()
    {
        if (_stopping.IsCancellationRequested || !_jobs.Values.Any(j => j.Live && j.State == JobState.Running))
        {
            return;
        }

        try
        {
            await Journal.CatchUpAsync(_stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or Npgsql.NpgsqlException or ObjectDisposedException or OperationCanceledException)
        {
            JobLog.PollFailed(_logger, e, _eventType);
        }
    }

    /// <summary>A job event from the shared stream: when another instance cancelled a job running here, read the journal now.</summary>
    private void OnEvent(ServerEvent e)
    {
        if (e.Type == _eventType && e.Data is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } data &&
            data.TryGetProperty("id", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String &&
            data.TryGetProperty("state", out var state) && state.ValueKind == System.Text.Json.JsonValueKind.String && state.GetString() == "cancelled" &&
            _jobs.TryGetValue(id.GetString()!, out var job) && job.Live && job.State == JobState.Running)
        {
            // Delivered under the event journal's lock: read the job journal outside it.
            _ = Task.Run(PollCancellationsAsync);
        }
    }

    /// <summary>
    /// Cancels a running job of <paramref name="owner"/>, wherever it runs: it is <see cref="JobState.Cancelled"/> from now
    /// on (and no longer counts as running) and its work is told to stop — here at once, on another instance when that
    /// instance reads the journal; false when there is no such running job.
    /// </summary>
    public async Task<bool> CancelAsync(string owner, string id, CancellationToken ct = default)
    {
        if (await FindAsync(owner, id, ct).ConfigureAwait(false) is not { } job)
        {
            return false;
        }

        if (job.Live)
        {
            if (!job.Finish(_time.GetUtcNow(), null, "Cancelled by its owner.", cancelled: true))
            {
                return false;
            }

            await job.Cancellation.CancelAsync().ConfigureAwait(false);
            await RecordAsync(job).ConfigureAwait(false);
            await PublishAsync(job).ConfigureAwait(false);
            return true;
        }

        // Run by another instance (or by this one before a restart that has not resumed it): journal the cancellation
        // only if the job is still running on the latest journal, under its runner's name.
        var now = _time.GetUtcNow();
        var written = await Journal.AppendAsync(() => _jobs.TryGetValue(id, out var current) && current.State == JobState.Running && current.Owner == owner
            ? current.ToRecord() with { State = JobState.Cancelled, Stage = "cancelled", Error = "Cancelled by its owner.", FinishedAt = now }
            : null, ct).ConfigureAwait(false);
        if (written is null)
        {
            return false;
        }

        if (_jobs.TryGetValue(id, out var cancelled))
        {
            await PublishAsync(cancelled).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The job if <paramref name="owner"/> started it.</summary>
    public async Task<BackgroundJob<TResult>?> FindAsync(string owner, string id, CancellationToken ct = default)
    {
        await CatchUpAsync(ct).ConfigureAwait(false);
        return _jobs.TryGetValue(id, out var j) && j.Owner == owner ? j : null;
    }

    /// <summary>
    /// When the work of job <paramref name="id"/> this process runs has returned (true: with its result); null when this
    /// process does not run it.
    /// </summary>
    internal Task<bool>? WorkEnded(string id) => _jobs.TryGetValue(id, out var j) && j.Live ? j.WorkEnded : null;

    /// <summary>The jobs <paramref name="owner"/> started, oldest first.</summary>
    public async Task<List<BackgroundJob<TResult>>> ListAsync(string owner, CancellationToken ct = default)
    {
        await CatchUpAsync(ct).ConfigureAwait(false);
        return [.. _jobs.Values.Where(j => j.Owner == owner).OrderBy(j => j.StartedAt).ThenBy(j => j.Id, StringComparer.Ordinal)];
    }

    private void Run(BackgroundJob<TResult> job, Func<IJobProgress, CancellationToken, TResult> work)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping, job.Cancellation.Token);
        var produced = false;
        try
        {
            RunWork(job, work, linked, ref produced);
        }
        finally
        {
            job.EndWork(produced);
        }
    }

    private void RunWork(BackgroundJob<TResult> job, Func<IJobProgress, CancellationToken, TResult> work, CancellationTokenSource linked, ref bool produced)
    {
        bool ended;
        try
        {
            var result = work(new Progress(this, job), linked.Token);
            produced = true;
            if (job.State == JobState.Running && !job.Superseded)
            {
                // The report first: a job journalled as done always has its report.
                try
                {
                    _ = Journal; // opened
                    _reportJournal!.AppendAsync(new JobReport<TResult>(job.Id, result)).GetAwaiter().GetResult(); // on the job's own thread
                    _reportJournal.TrimAsync(_options.ReportsKept).GetAwaiter().GetResult(); // on the job's own thread
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException or TimeoutException or Npgsql.NpgsqlException)
                {
                    if (_stopping.IsCancellationRequested)
                    {
                        return; // stopping: resumed after the restart
                    }

                    JobLog.NotRecorded(_logger, e, _eventType, job.Id);
                }
            }

            ended = job.Finish(_time.GetUtcNow(), result, null);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            if (!job.Cancellation.IsCancellationRequested)
            {
                // The server stops: the journal keeps the job running, and this instance resumes it when it starts again.
                JobLog.LeftForResume(_logger, _eventType, job.Id);
                return;
            }

            ended = job.Finish(_time.GetUtcNow(), null, "Cancelled by its owner.", cancelled: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (_stopping.IsCancellationRequested && !job.Cancellation.IsCancellationRequested)
            {
                // Failed while the server stops (its store or journal closing under it): resumed after the restart.
                JobLog.LeftForResume(_logger, _eventType, job.Id);
                return;
            }

            ended = job.Finish(_time.GetUtcNow(), null, e.Message);
            JobLog.Failed(_logger, e, _eventType, job.Name);
        }

        if (ended && !job.Superseded)
        {
            Record(job);
            Publish(job);
        }
    }

    /// <summary>
    /// Announces the job's state, waiting until the shared stream has it. Blocks its caller: called on the job's own
    /// thread (stages, progress, the end), which the job's CPU-bound work holds for its whole run anyway; request paths and
    /// timers use <see cref="PublishAsync"/>.
    /// </summary>
    private void Publish(BackgroundJob<TResult> job) => PublishAsync(job).GetAwaiter().GetResult();

    private Task PublishAsync(BackgroundJob<TResult> job) => _events.PublishAsync(_eventType, null, null, _status(job), job.Owner);

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

    [LoggerMessage(EventId = 7203, Level = LogLevel.Information, Message = "Background {Kind} job {Id} ({Name}): resumed after the restart")]
    public static partial void Resuming(ILogger logger, string kind, string id, string name);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Information, Message = "Background {Kind} job {Id}: stopped with the server, resumed when this instance starts again")]
    public static partial void LeftForResume(ILogger logger, string kind, string id);

    [LoggerMessage(EventId = 7205, Level = LogLevel.Warning, Message = "Background {Kind} jobs: reading the journal for cancellations failed")]
    public static partial void PollFailed(ILogger logger, Exception exception, string kind);

    [LoggerMessage(EventId = 7206, Level = LogLevel.Warning, Message = "Background {Kind} job {Id}: its instance {From} stopped renewing its lease; {Outcome}")]
    public static partial void TakingOver(ILogger logger, string kind, string id, string from, string outcome);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning, Message = "Background {Kind} job {Id}: its end could not be journalled")]
    public static partial void NotRecorded(ILogger logger, Exception exception, string kind, string id);
}
