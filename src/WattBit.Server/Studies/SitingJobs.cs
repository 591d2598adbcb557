using Microsoft.Extensions.Options;
using WattBit.Data.Reference;
using WattBit.Headroom;
using WattBit.Server.Events;
using WattBit.Signals;
using WattBit.Siting.Layers;
using WattBit.Siting.Ranking;

namespace WattBit.Server.Studies;

/// <summary>A siting ranking run in the background, as its owner sees it.</summary>
internal sealed record SitingJobStatus(string Id, string Study, JobState State, string Stage, int StagesDone, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    int? Candidates, int? Ranked, string? Error);

/// <summary>A finished ranking as its report keeps it: the counts and the ranking as CSV and GeoJSON (journalled with the job).</summary>
/// <param name="Candidates">How many candidates the study had.</param>
/// <param name="Ranked">How many of them were ranked.</param>
/// <param name="Csv">The ranking as CSV (<see cref="RankingWriter.Csv"/>).</param>
/// <param name="GeoJson">The ranking as GeoJSON (<see cref="RankingWriter.GeoJson"/>).</param>
internal sealed record SitingReport(int Candidates, int Ranked, string Csv, string GeoJson);

/// <summary>
/// Siting rankings (<see cref="SitingStudy"/>) run as background jobs for planners (<see cref="JobRunner{TResult}"/>). A
/// job runs one of the studies in the server's study folder (<c>WattBit:SitingStudies</c>, *.yaml), chosen by name:
/// clients never name files, so a request cannot make the server read a path of its choosing. Progress is the study's
/// current stage; the report is the ranking as CSV or GeoJSON; every stage and the end are also sent as
/// <c>siting-job</c> events to the key that started the job. Jobs and their reports are journalled: listed after a restart and on every instance, a job cut off by a restart resumed from its study. Thread-safe.
/// </summary>
internal sealed class SitingJobs(IOptions<ServerOptions> options, TimeProvider time, EventHub events, IHostApplicationLifetime lifetime, ILogger<SitingJobs> logger, Infrastructure.Journals journals,
    Grid.HeadroomLayerHost layers, WattBit.Data.Storage.IWattBitStore store)
{
    /// <summary>Opens the job journal (at start-up): jobs a restart cut off are resumed.</summary>
    public void Open() => _runner.Open();

    private readonly JobRunner<SitingReport> _runner = new("sj-", "siting-job", "siting-reports", j => ToStatus(j), time, events, logger, lifetime.ApplicationStopping,
        journals, options.Value.InstanceId ?? ServerOptions.DefaultInstanceId(options.Value), (study, _) => Work(options, layers, store, study),
        options.Value.Jobs);

    private string? Folder => options.Value.SitingStudies is { Length: > 0 } f ? Path.GetFullPath(f) : null;

    /// <summary>The study names available (file names without .yaml), sorted.</summary>
    public IReadOnlyList<string> Studies() => YamlFolder.Names(Folder);

    /// <summary>Starts a job for <paramref name="study"/>; null when no such study exists or (Busy) the owner has too many jobs running.</summary>
    public async Task<(SitingJobStatus? Status, bool Busy)> StartAsync(string owner, string study, CancellationToken cancellationToken = default)
    {
        if (YamlFolder.PathOf(Folder, study) is not { } path)
        {
            return (null, false);
        }

        // The layer is read on the job's own thread (its work is synchronous and CPU-bound; it holds that thread anyway).
        var job = await _runner.StartAsync(owner, study, null, (progress, ct) => Report(Run(path, progress, () => layers.EffectiveLayerAsync(store, ct).GetAwaiter().GetResult())),
            cancellationToken).ConfigureAwait(false);
        return job is null ? (null, true) : (ToStatus(job), false);
    }

    /// <summary>The work of a job resumed after a restart: the study read again by name; null when it is gone.</summary>
    private static Func<IJobProgress, CancellationToken, SitingReport>? Work(IOptions<ServerOptions> options, Grid.HeadroomLayerHost layers,
        WattBit.Data.Storage.IWattBitStore store, string study) =>
        YamlFolder.PathOf(options.Value.SitingStudies is { Length: > 0 } f ? Path.GetFullPath(f) : null, study) is { } path
            ? (progress, ct) => Report(Run(path, progress, () => layers.EffectiveLayerAsync(store, ct).GetAwaiter().GetResult()))
            : null;

    /// <summary>The ranking as the report keeps it (and the journal, so it outlives a restart).</summary>
    private static SitingReport Report(SitingResult result) =>
        new(result.Candidates.Count, result.Ranked.Count(), RankingWriter.Csv(result), RankingWriter.GeoJson(result));

    /// <summary>The job if <paramref name="owner"/> started it.</summary>
    public async Task<SitingJobStatus?> StatusAsync(string owner, string id, CancellationToken ct = default) =>
        await _runner.FindAsync(owner, id, ct).ConfigureAwait(false) is { } j ? ToStatus(j) : null;

    /// <summary>The report of the owner's finished job, or null.</summary>
    public async Task<SitingReport?> ResultAsync(string owner, string id, CancellationToken ct = default) => (await _runner.FindAsync(owner, id, ct).ConfigureAwait(false))?.Result;

    /// <summary>The owner's jobs, oldest first.</summary>
    public async Task<List<SitingJobStatus>> ListAsync(string owner, CancellationToken ct = default) => [.. (await _runner.ListAsync(owner, ct).ConfigureAwait(false)).Select(ToStatus)];

    private static SitingJobStatus ToStatus(BackgroundJob<SitingReport> j) =>
        new(j.Id, j.Name, j.State, j.Stage, j.StagesDone, j.StartedAt, j.FinishedAt, j.Result?.Candidates, j.Result?.Ranked, j.Error);

    private static SitingResult Run(string path, IJobProgress progress, Func<IHeadroomLayer> layer)
    {
        progress.Stage("reading the study");
        var config = SitingConfigReader.ReadFile(path);
        Dictionary<string, ValueTable>? supplied = null;
        if (config.AreaSignals is { } spec)
        {
            progress.Stage($"generating the reference year FY{spec.FiscalYear}");
            var year = ReferenceYear.Generate(spec.FiscalYear, spec.Seed);
            var source = $"reference year FY{spec.FiscalYear} seed {spec.Seed}";
            supplied = new(StringComparer.Ordinal)
            {
                ["carbon"] = SignalLayers.Summarise(year.Signal(SignalKind.Carbon), source),
                ["renewable_surplus"] = SignalLayers.Summarise(year.Signal(SignalKind.Curtailment), source),
            };
        }

        // The server's own headroom layer (the one /api/grid/* and the welcome zones serve, with the grid operators'
        // uploads laid over it), not the study's grid_layer window: every face of the server shows one picture.
        IHeadroomLayer? grid = null;
        if (config.NeedsGridLayer)
        {
            progress.Stage("reading the headroom layer");
            grid = layer();
        }

        return SitingStudy.Run(config, new SyncProgress(progress.Stage), supplied, grid);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and could report out of order).</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}

/// <summary>A server folder of YAML files (studies, scenarios) that clients pick by name, never by path.</summary>
internal static class YamlFolder
{
    /// <summary>Whether <paramref name="name"/> can be a file name in the folder: 1-64 letters, digits, '-', '_' or '.', not starting with '.'.</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name[0] != '.';

    /// <summary>The names (file names without .yaml) in <paramref name="folder"/>, sorted; none when it is unset or missing.</summary>
    public static IReadOnlyList<string> Names(string? folder) =>
        folder is { } f && Directory.Exists(f)
            ? [.. Directory.EnumerateFiles(f, "*.yaml").Select(Path.GetFileNameWithoutExtension).Where(IsValidName).Order(StringComparer.Ordinal)!]
            : [];

    /// <summary>The file of <paramref name="name"/> when it is one of <see cref="Names"/>, else null.</summary>
    public static string? PathOf(string? folder, string? name) =>
        IsValidName(name) && Names(folder).Contains(name!, StringComparer.Ordinal) ? Path.Combine(folder!, name + ".yaml") : null;
}
