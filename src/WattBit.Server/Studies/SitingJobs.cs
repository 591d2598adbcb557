using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using WattBit.Data.Reference;
using WattBit.Server.Events;
using WattBit.Signals;
using WattBit.Siting.Layers;
using WattBit.Siting.Ranking;

namespace WattBit.Server.Studies;

/// <summary>The state of a background job.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobState>))]
internal enum JobState
{
    Running,
    Done,
    Failed,
}

/// <summary>A siting ranking run in the background, as its owner sees it.</summary>
internal sealed record SitingJobStatus(string Id, string Study, JobState State, string Stage, int StagesDone, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    int? Candidates, int? Ranked, string? Error);

/// <summary>
/// Siting rankings (<see cref="SitingStudy"/>) run as background jobs for planners. A job runs one of the studies in the
/// server's study folder (<c>WattBit:SitingStudies</c>, *.yaml), chosen by name: clients never name files, so a request
/// cannot make the server read a path of its choosing. Progress is the study's current stage; the report is the ranking
/// as CSV or GeoJSON; every stage and the end are also sent as <c>siting-job</c> events to the key that started the job.
/// Jobs are kept in memory (lost on restart). Thread-safe.
/// </summary>
internal sealed partial class SitingJobs(IOptions<ServerOptions> options, TimeProvider time, EventHub events, ILogger<SitingJobs> logger)
{
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);

    private sealed class Job(string id, string owner, string study, DateTimeOffset startedAt)
    {
        public string Id { get; } = id;
        public string Owner { get; } = owner;
        public string Study { get; } = study;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public volatile string Stage = "queued";
        public int StagesDone;
        public volatile SitingResult? Result;
        public volatile string? Error;
        public DateTimeOffset? FinishedAt;

        public SitingJobStatus Status() => new(Id, Study, Result is not null ? JobState.Done : Error is not null ? JobState.Failed : JobState.Running, Stage,
            Volatile.Read(ref StagesDone), StartedAt, FinishedAt, Result?.Candidates.Count, Result?.Ranked.Count(), Error);
    }

    private string? Folder => options.Value.SitingStudies is { Length: > 0 } f ? Path.GetFullPath(f) : null;

    /// <summary>The study names available (file names without .yaml), sorted.</summary>
    public IReadOnlyList<string> Studies() =>
        Folder is { } f && Directory.Exists(f)
            ? [.. Directory.EnumerateFiles(f, "*.yaml").Select(Path.GetFileNameWithoutExtension).Where(IsValidName).Order(StringComparer.Ordinal)!]
            : [];

    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name[0] != '.';

    /// <summary>Starts a job for <paramref name="study"/>; null when no such study exists.</summary>
    public SitingJobStatus? Start(string owner, string study)
    {
        if (!IsValidName(study) || !Studies().Contains(study, StringComparer.Ordinal))
        {
            return null;
        }

        var job = new Job("sj-" + Guid.NewGuid().ToString("N"), owner, study, time.GetUtcNow());
        _jobs[job.Id] = job;
        var path = Path.Combine(Folder!, study + ".yaml");
        _ = Task.Run(() => Run(job, path));
        return job.Status();
    }

    /// <summary>The job if <paramref name="owner"/> started it.</summary>
    public SitingJobStatus? Status(string owner, string id) => Find(owner, id)?.Status();

    public SitingResult? Result(string owner, string id) => Find(owner, id)?.Result;

    public List<SitingJobStatus> List(string owner) => [.. _jobs.Values.Where(j => j.Owner == owner).OrderBy(j => j.StartedAt).Select(j => j.Status())];

    private Job? Find(string owner, string id) => _jobs.TryGetValue(id, out var j) && j.Owner == owner ? j : null;

    private void Run(Job job, string path)
    {
        try
        {
            job.Stage = "reading the study";
            var config = SitingConfigReader.ReadFile(path);
            Dictionary<string, ValueTable>? supplied = null;
            if (config.AreaSignals is { } spec)
            {
                job.Stage = $"generating the reference year FY{spec.FiscalYear}";
                var year = ReferenceYear.Generate(spec.FiscalYear, spec.Seed);
                var source = $"reference year FY{spec.FiscalYear} seed {spec.Seed}";
                supplied = new(StringComparer.Ordinal)
                {
                    ["carbon"] = SignalLayers.Summarise(year.Signal(SignalKind.Carbon), source),
                    ["renewable_surplus"] = SignalLayers.Summarise(year.Signal(SignalKind.Curtailment), source),
                };
            }

            var result = SitingStudy.Run(config, new SyncProgress(stage =>
            {
                job.Stage = stage;
                Interlocked.Increment(ref job.StagesDone);
                events.Publish("siting-job", null, null, job.Status(), job.Owner);
            }), supplied);
            job.FinishedAt = time.GetUtcNow();
            job.Stage = "done";
            job.Result = result;
            events.Publish("siting-job", null, null, job.Status(), job.Owner);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Study files are the server's own; their errors (file:line:column) are safe to show the planner.
            job.FinishedAt = time.GetUtcNow();
            job.Stage = "failed";
            job.Error = e.Message;
            LogFailed(logger, e, job.Study);
            events.Publish("siting-job", null, null, job.Status(), job.Owner);
        }
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and could report out of order).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Siting study {Study} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string study);
}
