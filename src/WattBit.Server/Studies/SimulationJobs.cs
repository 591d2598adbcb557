using Microsoft.Extensions.Options;
using WattBit.Composition;
using WattBit.Data.Storage;
using WattBit.Server.Events;
using WattBit.Server.Grid;
using WattBit.Time;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Reporting;
using WattBit.Simulation.Scenarios;

namespace WattBit.Server.Studies;

/// <summary>A simulation run in the background, as its owner sees it: progress is simulated steps (all policies together) done of the total.</summary>
internal sealed record SimulationJobStatus(string Id, string Scenario, int? Seed, JobState State, string Stage, long StepsDone, long StepsTotal, DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt, IReadOnlyList<SummaryRow>? Summary, IReadOnlyList<string>? Files, string? Error);

/// <summary>A finished simulation: its summary and its report files (report.html and one CSV per metric), journalled with the job.</summary>
internal sealed record SimulationReportFiles(IReadOnlyList<SummaryRow> Summary, IReadOnlyDictionary<string, byte[]> Files);

/// <summary>
/// Simulations (<see cref="Simulator"/>, the digital twin of <c>wattbit simulate</c>) run as background jobs for planners
/// (<see cref="JobRunner{TResult}"/>): a job runs one of the scenarios in the server's scenario folder
/// (<c>WattBit:SimulationScenarios</c>, *.yaml), chosen by name, optionally with another seed. Progress is the steps the
/// simulator has walked over all policies; the report (HTML with plots, and a CSV per metric) is written when it is
/// done. Every stage, every 1 % and the end are sent as <c>simulation-job</c> events to the key that started the job.
/// A job runs through the one composer <c>wattbit simulate</c> uses (<see cref="SimulationComposer"/>) with what the server
/// offers (<see cref="HostAsync"/>): a scenario with a <c>grid</c> section gets its sites' limits from the headroom layer
/// at each substation and the inter-area ties, and the policies plan on the forecasting engine, as in the CLI.
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

    /// <summary>The scenario names available (file names without .yaml), sorted.</summary>
    public IReadOnlyList<string> Scenarios() => YamlFolder.Names(Folder);

    /// <summary>
    /// Starts a job for <paramref name="scenario"/> (with <paramref name="seed"/> instead of the scenario's own, when given);
    /// null when no such scenario exists or (<paramref name="busy"/>) the owner has too many jobs running.
    /// </summary>
    public SimulationJobStatus? Start(string owner, string scenario, int? seed, out bool busy)
    {
        busy = false;
        if (YamlFolder.PathOf(Folder, scenario) is not { } path)
        {
            return null;
        }

        var job = _runner.Start(owner, scenario, seed, (progress, ct) => Run(path, seed, time, layers, store, progress, ct));
        busy = job is null;
        return job is null ? null : ToStatus(job);
    }

    /// <summary>Asks the owner's job to stop; false when it has no such job.</summary>
    public bool Cancel(string owner, string id) => _runner.Cancel(owner, id);

    public SimulationJobStatus? Status(string owner, string id) => _runner.Find(owner, id) is { } j ? ToStatus(j) : null;

    /// <summary>When this process's work on job <paramref name="id"/> has returned (true: with its report); null when this process does not run it.</summary>
    internal Task<bool>? WorkEnded(string id) => _runner.WorkEnded(id);

    public SimulationReportFiles? Result(string owner, string id) => _runner.Find(owner, id)?.Result;

    public List<SimulationJobStatus> List(string owner) => [.. _runner.List(owner).Select(ToStatus)];

    private static SimulationJobStatus ToStatus(BackgroundJob<SimulationReportFiles> j) =>
        new(j.Id, j.Name, j.Seed, j.State, j.Stage, j.StepsDone, j.StepsTotal, j.StartedAt, j.FinishedAt, j.Result?.Summary,
            j.Result is { } r ? [.. r.Files.Keys.Order(StringComparer.Ordinal)] : null, j.Error);

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
