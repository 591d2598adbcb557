using Microsoft.Extensions.Options;
using WattBit.Areas;
using WattBit.Composition;
using WattBit.Data.Reference;
using WattBit.Data.Storage;
using WattBit.Server.Events;
using WattBit.Server.Grid;
using WattBit.Time;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Reporting;
using WattBit.Simulation.Roadmap;
using WattBit.Simulation.Scenarios;

namespace WattBit.Server.Studies;

/// <summary>
/// A simulation run in the background, as its owner sees it: progress is simulated steps (all policies together) done of the total,
/// or for a roadmap the years whose grid is done of all its years; when a roadmap is done, its run-out table.
/// </summary>
internal sealed record SimulationJobStatus(string Id, string Scenario, int? Seed, JobState State, string Stage, long StepsDone, long StepsTotal, DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt, IReadOnlyList<SummaryRow>? Summary, IReadOnlyList<string>? Files, string? Error, IReadOnlyList<RoadmapRunOutRow>? RunOut = null);

/// <summary>A finished simulation: its summary and its report files (report.html and one CSV per metric), journalled with the job; a roadmap's run-out table.</summary>
internal sealed record SimulationReportFiles(IReadOnlyList<SummaryRow> Summary, IReadOnlyDictionary<string, byte[]> Files, IReadOnlyList<RoadmapRunOutRow>? RunOut = null);

/// <summary>
/// One cluster of a roadmap's run-out table (decisions 0178, 0184, 0210), as <c>run_out.csv</c> has it, with its area's names.
/// Years are null when the cluster does not run out by <paramref name="LastYear"/>.
/// </summary>
/// <param name="Cluster">The cluster's id.</param>
/// <param name="Area">Its area code.</param>
/// <param name="AreaName">The area's English name.</param>
/// <param name="AreaNameJa">The area's Japanese name (東京, 関西, ...).</param>
/// <param name="Substation">Its substation.</param>
/// <param name="RunsOut">The first year its load does not fit without shifting.</param>
/// <param name="RunsOutShiftingInDay">The same with shifting within the day at home.</param>
/// <param name="RunsOutWithShifting">The same with shifting (and moves between areas where the roadmap allows them).</param>
/// <param name="YearsDeferred">Years shifting defers it (at least this many when shifting never runs out); null when it never runs out.</param>
/// <param name="LimitingLine">The line that binds first.</param>
/// <param name="ReinforcementMw">Reinforcement needed by the last year without shifting, MW.</param>
/// <param name="ReinforcementShiftedMw">The same with shifting, MW.</param>
/// <param name="RoomGainedMw">The reinforcement shifting avoids, MW.</param>
/// <param name="LastYear">The roadmap's last year.</param>
/// <param name="FirstYear">The roadmap's first year.</param>
/// <param name="UprateLine">What to uprate to defer the run-out one year (decision 0226): the limiting line, or the line without its circuit (each circuit).</param>
/// <param name="LineUprateMw">By how much, MW by the run-out year, rounded up to 0.1 MW as run_out.csv has it (null when the layer does not say or
/// the cluster never runs out).</param>
/// <param name="LineUprateAtLeast">Whether that is a lower bound (the room was already 0 in a binding hour and the layer stops at 0: decision 0234).</param>
/// <param name="OtherLines">The other lines that set the room in hours of the run-out year over it, with those hours, most first (decision 0234):
/// when any, the uprate alone does not defer the run-out.</param>
internal sealed record RoadmapRunOutRow(string Cluster, string Area, string AreaName, string AreaNameJa, string Substation, int? RunsOut, int? RunsOutShiftingInDay,
    int? RunsOutWithShifting, int? YearsDeferred, string? LimitingLine, double ReinforcementMw, double ReinforcementShiftedMw, double RoomGainedMw, int LastYear, int FirstYear,
    string? UprateLine = null, double? LineUprateMw = null, bool LineUprateAtLeast = false, IReadOnlyList<RoadmapLineHours>? OtherLines = null)
{
    /// <summary>The row of one cluster's run-out (MW to 0.1; the uprate rounded up).</summary>
    public static RoadmapRunOutRow Of(RoadmapRunOut r, int firstYear, int lastYear)
    {
        var area = JapanAreas.TryFind(r.Area, out var a) ? a : null;
        return new(r.Cluster, r.Area, area?.NameEn ?? r.Area, area?.NameJa ?? r.Area, r.Substation, r.FirstShortYear, r.FirstShortInDayYear, r.FirstShortShiftedYear,
            r.YearsDeferred(lastYear), r.Line, Math.Round(r.ReinforcementMw, 1), Math.Round(r.ReinforcementShiftedMw, 1), Math.Round(r.RoomGainedMw, 1), lastYear, firstYear,
            r.UprateLine, double.IsNaN(r.LineUprateMw) ? null : r.LineUprateRoundedUp(1), r.LineUprateAtLeast, r.OtherLinesOrEmpty);
    }
}

/// <summary>
/// Simulations (<see cref="Simulator"/>, the digital twin of <c>wattbit simulate</c>) run as background jobs for planners
/// (<see cref="JobRunner{TResult}"/>): a job runs one of the scenarios in the server's scenario folder
/// (<c>WattBit:SimulationScenarios</c>, *.yaml), chosen by name, optionally with another seed. Progress is the steps the
/// simulator has walked over all policies; the report (HTML with plots, and a CSV per metric) is written when it is
/// done. Every stage, every 1 % and the end are sent as <c>simulation-job</c> events to the key that started the job.
/// A job runs through the one composer <c>wattbit simulate</c> uses (<see cref="SimulationComposer"/>) with what the server
/// offers (<see cref="HostAsync"/>): a scenario with a <c>grid</c> section gets its sites' limits from the headroom layer
/// at each substation and the inter-area ties, and the policies plan on the forecasting engine, as in the CLI.
/// A roadmap file in the folder (a top-level <c>roadmap:</c> key) runs the roadmap study on the backbone as <c>wattbit simulate</c> does
/// (<see cref="BackboneRoadmap"/>): progress in years, its report (report.html, roadmap.csv, run_out.csv, ties.csv and the plots as SVG)
/// and the run-out table in the job's status.
/// Jobs and their reports are journalled: listed after a restart and on every instance, a job cut off by a restart resumed from its scenario. Thread-safe.
/// </summary>
internal sealed class SimulationJobs(IOptions<ServerOptions> options, TimeProvider time, EventHub events, IHostApplicationLifetime lifetime, ILogger<SimulationJobs> logger, Infrastructure.Journals journals,
    HeadroomLayerHost layers, IWattBitStore store)
{
    /// <summary>Opens the job journal (at start-up): jobs a restart cut off are resumed.</summary>
    public void Open() => _runner.Open();

    private readonly JobRunner<SimulationReportFiles> _runner = new("sim-", "simulation-job", "simulation-reports", j => ToStatus(j), time, events, logger,
        lifetime.ApplicationStopping, journals, options.Value.InstanceId ?? ServerOptions.DefaultInstanceId(options.Value),
        (scenario, seed) => Work(options, time, layers, store, scenario, seed), options.Value.Jobs);

    private string? Folder => options.Value.SimulationScenarios is { Length: > 0 } f ? Path.GetFullPath(f) : null;

    /// <summary>The scenario names available (file names without .yaml), sorted; with <paramref name="roadmapsOnly"/> only the roadmaps (a top-level <c>roadmap:</c> key).</summary>
    public IReadOnlyList<string> Scenarios(bool roadmapsOnly = false) =>
        roadmapsOnly ? [.. YamlFolder.Names(Folder).Where(n => YamlFolder.PathOf(Folder, n) is { } p && RoadmapFile.IsRoadmap(File.ReadAllText(p)))] : YamlFolder.Names(Folder);

    /// <summary>
    /// Starts a job for <paramref name="scenario"/> (with <paramref name="seed"/> instead of the scenario's own, when given);
    /// Status null when no such scenario exists or (Busy) the owner has too many jobs running.
    /// </summary>
    public async Task<(SimulationJobStatus? Status, bool Busy)> StartAsync(string owner, string scenario, int? seed, CancellationToken cancellationToken = default)
    {
        if (YamlFolder.PathOf(Folder, scenario) is not { } path)
        {
            return (null, false);
        }

        var job = await _runner.StartAsync(owner, scenario, seed, (progress, ct) => Run(path, seed, time, layers, store, progress, ct), cancellationToken).ConfigureAwait(false);
        return job is null ? (null, true) : (ToStatus(job), false);
    }

    /// <summary>Asks the owner's job to stop; false when it has no such job.</summary>
    public Task<bool> CancelAsync(string owner, string id, CancellationToken ct = default) => _runner.CancelAsync(owner, id, ct);

    /// <summary>The owner's job, or null.</summary>
    public async Task<SimulationJobStatus?> StatusAsync(string owner, string id, CancellationToken ct = default) =>
        await _runner.FindAsync(owner, id, ct).ConfigureAwait(false) is { } j ? ToStatus(j) : null;

    /// <summary>When this process's work on job <paramref name="id"/> has returned (true: with its report); null when this process does not run it.</summary>
    internal Task<bool>? WorkEnded(string id) => _runner.WorkEnded(id);

    /// <summary>The report of the owner's finished job, or null.</summary>
    public async Task<SimulationReportFiles?> ResultAsync(string owner, string id, CancellationToken ct = default) =>
        (await _runner.FindAsync(owner, id, ct).ConfigureAwait(false))?.Result;

    /// <summary>The owner's jobs, oldest first.</summary>
    public async Task<List<SimulationJobStatus>> ListAsync(string owner, CancellationToken ct = default) =>
        [.. (await _runner.ListAsync(owner, ct).ConfigureAwait(false)).Select(ToStatus)];

    private static SimulationJobStatus ToStatus(BackgroundJob<SimulationReportFiles> j) =>
        new(j.Id, j.Name, j.Seed, j.State, j.Stage, j.StepsDone, j.StepsTotal, j.StartedAt, j.FinishedAt, j.Result?.Summary,
            j.Result is { } r ? [.. r.Files.Keys.Order(StringComparer.Ordinal)] : null, j.Error, j.Result?.RunOut);

    /// <summary>The work of a job resumed after a restart: the scenario read again by name; null when it is gone.</summary>
    private static Func<IJobProgress, CancellationToken, SimulationReportFiles>? Work(IOptions<ServerOptions> options, TimeProvider time, HeadroomLayerHost layers,
        IWattBitStore store, string scenario, int? seed) =>
        YamlFolder.PathOf(options.Value.SimulationScenarios is { Length: > 0 } f ? Path.GetFullPath(f) : null, scenario) is { } path
            ? (progress, ct) => Run(path, seed, time, layers, store, progress, ct)
            : null;

    private static SimulationReportFiles Run(string path, int? seed, TimeProvider time, HeadroomLayerHost layers, IWattBitStore store, IJobProgress progress,
        CancellationToken ct)
    {
        progress.Stage("reading the scenario");
        if (RoadmapFile.IsRoadmap(File.ReadAllText(path)))
        {
            return RunRoadmap(path, seed, progress, ct);
        }

        var scenario = ScenarioFile.Load(path);
        if (seed is { } s)
        {
            scenario = scenario with { Seed = s };
        }

        var total = (long)scenario.Steps * scenario.Policies.Count;
        progress.Stage($"simulating {scenario.Sites.Count} sites × {scenario.Steps} steps × {scenario.Policies.Count} policies");
        progress.Steps(0, total);
        SimulationResult result;
        try
        {
            var host = HostAsync(layers, store, scenario, ct).GetAwaiter().GetResult();
            result = SimulationComposer.Run(scenario, host, time, new FractionProgress(f => progress.Steps((long)Math.Round(f * total), total)), ct);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException && !e.Message.Contains(Path.GetFileName(path), StringComparison.Ordinal))
        {
            throw new ArgumentException($"{Path.GetFileName(path)}: {e.Message}", e);
        }

        progress.Stage("writing the report");
        var folder = Directory.CreateTempSubdirectory("wattbit-simulation-").FullName;
        try
        {
            SimulationReport.Write(result, folder);
            var files = Directory.EnumerateFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
            return new SimulationReportFiles(SimulationReport.Summary(result), files);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // A roadmap (decisions 0178, 0184, 0210) on the backbone, as `wattbit simulate` runs it: one grid per year, progress in years.
    private static SimulationReportFiles RunRoadmap(string path, int? seed, IJobProgress progress, CancellationToken ct)
    {
        var roadmap = RoadmapFile.Load(path);
        if (seed is { } s)
        {
            roadmap = roadmap with { Seed = s };
        }

        var substations = BackboneRoadmap.Substations(roadmap, Path.GetFileName(path));
        var years = roadmap.LastYear - roadmap.FirstYear + 1;
        progress.Stage($"roadmap: {roadmap.Clusters.Count} clusters, {roadmap.FirstYear}-{roadmap.LastYear}, the grid of each year");
        progress.Steps(0, years);
        var result = BackboneRoadmap.Run(roadmap, substations, AreaActuals.FindJapanDir(), (y, _) =>
        {
            ct.ThrowIfCancellationRequested();
            progress.Steps(y - roadmap.FirstYear + 1, years);
        });
        progress.Stage("writing the report");
        var folder = Directory.CreateTempSubdirectory("wattbit-roadmap-").FullName;
        try
        {
            RoadmapReport.Write(result, folder);
            // The plots beside the CSVs (plots/run_out.svg is served as run_out.svg).
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal);
            return new SimulationReportFiles([], files, [.. result.RunOut.Select(r => RoadmapRunOutRow.Of(r, roadmap.FirstYear, roadmap.LastYear))]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// What the server offers the one simulation composer, as <c>wattbit simulate</c> offers it: every area's signals
    /// (the reference year with the scenario's real-data overlay), the Japan backbone's substations and OCCTO ties, the
    /// forecasting engine, and the headroom layer — the server's own (with the grid operators' uploads) where it holds the
    /// scenario's period for its fiscal year and seed and every substation the sites need, else the backbone's layer
    /// computed for the period as the CLI computes it.
    /// </summary>
    internal static async Task<SimulationHost> HostAsync(HeadroomLayerHost layers, IWattBitStore store, SimulationScenario scenario, CancellationToken ct)
    {
        var served = scenario.Grid is { Layer: true }
            ? await layers.ServedLayerForAsync(store, scenario.FiscalYear, scenario.Seed, new TimeWindow(scenario.Start, scenario.End), ct).ConfigureAwait(false)
            : null;
        return BackboneSimulation.Host(scenario, r => served is not null && r.SubstationIds.All(id => served.Substations.Any(s => s.Id == id)) ? served
            : layers.BackboneLayer(r.FiscalYear, r.Seed, TimeWindow.FromDuration(r.From, TimeSpan.FromDays(r.Days)), [.. r.SubstationIds]));
    }

    private sealed class FractionProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
