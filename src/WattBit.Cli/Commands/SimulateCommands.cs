using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WattBit.Composition;
using WattBit.Data.Reference;
using WattBit.Grid.Layer;
using WattBit.Simulation.DemandResponse;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;
using WattBit.Simulation.Reporting;
using WattBit.Simulation.Roadmap;
using WattBit.Simulation.Scenarios;

namespace WattBit.Cli.Commands;

/// <summary>
/// <c>wattbit simulate [SCENARIO]</c>: the digital twin. Runs a year-long scenario (the built-in national scenario when
/// no file is given), compares the workload-shifting policies and writes an HTML report with plots and CSVs.
/// </summary>
internal static class SimulateCommands
{
    private const int ProgressUnits = 1000;

    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var scenario = new Argument<FileInfo?>("SCENARIO") { Description = "Scenario file (YAML, see samples/simulation/national.yaml); omit for the built-in national scenario.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out") { Description = "Folder for report.html and the CSV files.", DefaultValueFactory = _ => "simulation-report" };
        var seed = new Option<int?>("--seed") { Description = "Override the scenario's seed." };
        var objective = new Option<string?>("--objective")
        {
            Description = "Override what the shifting policies minimise: carbon (lifecycle gCO2/kWh) or cost (JPY/kWh).",
        };
        objective.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } v && v is not ("carbon" or "cost"))
            {
                result.AddError($"--objective: '{v}' is not an objective; use carbon or cost.");
            }
        });
        var command = new Command("simulate", "Simulate a year of DCs on Japan's grid and compare workload-shifting policies; writes an HTML report with plots and CSVs.")
        {
            scenario, output, seed, objective,
        };
        command.SetAction(parse => Run(time, parse.GetValue(scenario), parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(objective)));
        return command;
    }

    internal static int Run(TimeProvider time, FileInfo? file, string output, int? seed, string? objective = null)
    {
        var ui = Ui.Out;
        if (file is not null && File.Exists(file.FullName) && RoadmapFile.IsRoadmap(File.ReadAllText(file.FullName)))
        {
            return Roadmap(ui, time, file, output);
        }

        var scenario = file is null ? NationalScenario.Load() : ScenarioFile.Load(file.FullName);
        if (seed is { } s)
        {
            scenario = scenario with { Seed = s };
        }

        if (objective is not null)
        {
            scenario = scenario with { Objective = objective == "cost" ? SimulationObjective.Cost : SimulationObjective.Carbon };
        }

        ui.MarkupLine(Markup.Escape(FormattableString.Invariant(
            $"{scenario.Name}: {scenario.Sites.Count} sites, {scenario.Steps:N0} steps of {scenario.Step.TotalMinutes:0} min, {scenario.Policies.Count} policies, seed {scenario.Seed}, minimising {scenario.Objective.ToString().ToLowerInvariant()}.")));
        var commandStarted = time.GetTimestamp();
        var composed = Compose(ui, time, scenario, file?.FullName ?? "national.yaml");
        var composeTime = time.GetElapsedTime(commandStarted);
        var result = Ui.WithProgress(ui, "Simulating", ProgressUnits, progress =>
            SimulationComposer.Run(scenario, composed, time, new MonotonicProgress(progress)));
        var reportsStarted = time.GetTimestamp();
        if (result.Forecast is { } forecast)
        {
            ui.MarkupLine(Markup.Escape(forecast.Describe()));
        }

        if (result.World.UsesRealData)
        {
            ui.MarkupLine("Data (real = every step from real data, synthetic = the reference year):");
            foreach (var line in SimulationReport.DataLines(result))
            {
                ui.MarkupLine("  " + Markup.Escape(line));
            }
        }

        Summary(ui, result);
        Operators(ui, result);
        foreach (var line in SimulationReport.ReplanLines(result))
        {
            ui.MarkupLine(Markup.Escape(line));
        }

        foreach (var line in BatteryReport.Lines(result))
        {
            ui.MarkupLine(Markup.Escape(line));
        }

        foreach (var line in SimulationReport.GridLines(result))
        {
            ui.MarkupLine(Markup.Escape(line));
        }

        foreach (var line in BoundReport.Lines(result))
        {
            ui.MarkupLine(Markup.Escape(line));
        }

        var reportsTime = time.GetElapsedTime(reportsStarted);
        DrSimulationResult? dr = null;
        var drTime = TimeSpan.Zero;
        if (scenario.DemandResponse is not null)
        {
            var drStarted = time.GetTimestamp();
            dr = Ui.WithProgress(ui, "Demand response", 1, _ => DrSimulation.Run(result, Forecasting.Calendar.JapaneseCalendar.IsHoliday, time, forecasting: composed.Forecasting));
            drTime = time.GetElapsedTime(drStarted);
            foreach (var line in DrReport.Lines(dr))
            {
                ui.MarkupLine(Markup.Escape(line));
            }

            ui.MarkupLine(Markup.Escape(FormattableString.Invariant($"Time: the policies' runs {result.Elapsed.TotalSeconds:0.0} s, demand response {drTime.TotalSeconds:0.0} s.")));
        }

        var writeStarted = time.GetTimestamp();
        var path = SimulationReport.Write(result, output, dr);
        ui.MarkupLine($"Report: [bold]{Markup.Escape(Path.GetFullPath(path))}[/] (CSV files of every metric and SVG plots beside it).");
        ui.MarkupLine(Markup.Escape(Phases(result, composeTime, reportsTime, drTime, time.GetElapsedTime(writeStarted), time.GetElapsedTime(commandStarted))));
        return 0;
    }

    // Where the whole command's time went, phase by phase (decision 0215): the inputs, the run's own phases and each
    // policy's run (in parallel, so they overlap), the console's tables, demand response and the report.
    internal static string Phases(SimulationResult result, TimeSpan compose, TimeSpan reports, TimeSpan dr, TimeSpan write, TimeSpan total)
    {
        var t = result.Timing;
        var policies = string.Join(", ", result.Policies.Select(p => FormattableString.Invariant(
            $"{PolicyFactory.Name(p.Policy)} {p.Elapsed.TotalSeconds:0.0} s") + (p.WithoutBatteries is { } w ? FormattableString.Invariant($" (+ {w.Elapsed.TotalSeconds:0.0} s without batteries)") : string.Empty)));
        return FormattableString.Invariant(
            $"Time in phases: inputs (data, grid, forecasting history) {compose.TotalSeconds:0.0} s; world and workload {t?.Setup.TotalSeconds ?? 0:0.0} s; forecasts {t?.Forecasts.TotalSeconds ?? 0:0.0} s; ") +
            FormattableString.Invariant($"the policies' runs {t?.Runs.TotalSeconds ?? 0:0.0} s in parallel ({policies}); bound {t?.Bound.TotalSeconds ?? 0:0.0} s; ") +
            FormattableString.Invariant($"tables {reports.TotalSeconds:0.0} s; demand response {dr.TotalSeconds:0.0} s; report {write.TotalSeconds:0.0} s; the whole command {total.TotalSeconds:0.0} s.");
    }

    // A roadmap file (decision 0178): the Japan backbone's layer over the base year at the clusters' substations.
    private static int Roadmap(IAnsiConsole ui, TimeProvider time, FileInfo file, string output)
    {
        var roadmap = RoadmapFile.Load(file.FullName);
        IReadOnlyList<string> ids;
        try
        {
            ids = BackboneRoadmap.Substations(roadmap, file.FullName);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }

        var started = time.GetTimestamp();
        var layers = 0;
        var result = Ui.WithProgress(ui, "Roadmap: the grid of each year", roadmap.LastYear - roadmap.FirstYear + 1, progress =>
            BackboneRoadmap.Run(roadmap, ids, AreaActuals.FindJapanDir(), (y, computed) =>
            {
                layers += computed ? 1 : 0;
                progress.Report(y - roadmap.FirstYear + 1);
            }));

        ui.MarkupLine(Markup.Escape(FormattableString.Invariant(
            $"{roadmap.Name}: {roadmap.Clusters.Count} clusters, {roadmap.FirstYear}-{roadmap.LastYear}, {roadmap.Weeks.Count} weeks of FY{roadmap.FiscalYear}, {layers} grid{(layers == 1 ? "" : "s")} of the headroom layer {JapanLayer.ModelName} ({time.GetElapsedTime(started).TotalSeconds:0.0} s).")));
        foreach (var line in RoadmapReport.Lines(result))
        {
            ui.MarkupLine(Markup.Escape(line));
        }

        var path = RoadmapReport.Write(result, output);
        ui.MarkupLine($"Report: [bold]{Markup.Escape(Path.GetFullPath(path))}[/] (roadmap.csv, run_out.csv and the plot as SVG beside it).");
        return 0;
    }

    /// <summary>
    /// What the CLI offers the simulator (decisions 0173, 0174, 0177): Data's signal years (the reference year with the
    /// real-data overlay), the Japan backbone's headroom layer for the sites' substations and its OCCTO ties, and the
    /// forecasting engine's regression model.
    /// </summary>
    /// The backbone is loaded only when the scenario's limits come from the layer (the README's first command skips it).
    internal static SimulationHost Host(SimulationScenario scenario, string path) =>
        BackboneSimulation.Host(scenario, r => LayerCommands.JapanLayerOf(r.FiscalYear, r.Seed, r.From, r.Days, $"{path}: period", [.. r.SubstationIds]).Layer);

    // The scenario's inputs through the one composer; a site beyond reach or a period the year does not hold names the file.
    private static ComposedSimulation Compose(IAnsiConsole ui, TimeProvider time, SimulationScenario scenario, string path)
    {
        ComposedSimulation composed;
        try
        {
            composed = SimulationComposer.Compose(scenario, Host(scenario, path), time);
        }
        catch (ArgumentException e) when (e is not ArgumentNullException)
        {
            throw new CliException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}");
        }

        if (composed.Grid.Layer is { } layer)
        {
            ui.MarkupLine(Markup.Escape(FormattableString.Invariant(
                $"Grid limits: headroom layer {layer.Info.Model} at {composed.LayerSubstations} substations for {scenario.Sites.Count} sites ({layer.Info.Profile}), computed in {composed.LayerTime.TotalSeconds:0.0} s.")));
        }

        return composed;
    }

    private static void Summary(IAnsiConsole ui, SimulationResult result)
    {
        var rows = SimulationReport.Summary(result);
        var table = new Table().Border(TableBorder.Rounded).Title(FormattableString.Invariant($"[bold]Policies compared ({result.Workload.Jobs.Count:N0} jobs, {result.Elapsed.TotalSeconds:0.0} s)[/]"));
        table.AddColumn(new TableColumn("Policy").NoWrap());
        foreach (var h in new[] { "Energy MWh", "Cost M JPY", "Lifecycle tCO2", "vs first", "Curtailment absorbed MWh", "Hours over limit", "Late jobs", "Unserved MWh" })
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }

        var first = rows[0].LifecycleTonnes;
        foreach (var r in rows)
        {
            var change = first == 0 ? 0 : (r.LifecycleTonnes / first) - 1;
            table.AddRow(r.Policy, N(r.EnergyMwh), N(r.CostMillionYen), N(r.LifecycleTonnes), change.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture),
                N(r.CurtailmentAbsorbedMwh), r.HoursOverLimit > 0 ? $"[red]{N(r.HoursOverLimit)}[/]" : "[green]0[/]", N(r.LateJobs), N(r.UnservedMwh));
        }

        ui.Write(table);
    }

    // The market's gain per operator (operators-alone against market, when both ran): carbon, net cost after the
    // settlement, curtailment absorbed, unserved work, hours over a limit, and what each bought, sold, paid and received.
    private static void Operators(IAnsiConsole ui, SimulationResult result)
    {
        var gain = OperatorAccounts.Gain(result);
        if (gain.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Operators: alone → market (settled at the seller's energy cost + 10 %)[/]");
        table.AddColumn(new TableColumn("Operator").NoWrap());
        foreach (var h in new[] { "Sites", "Lifecycle tCO2", "Net cost M JPY", "Curtailment absorbed MWh", "Unserved MWh", "Site-hours over limit",
            "Bought MWh", "Sold MWh", "Settlement M JPY" })
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }

        foreach (var (a, m) in gain)
        {
            table.AddRow(Markup.Escape(a.Operator), N(a.Sites), Pair(a.LifecycleTonnes, m.LifecycleTonnes), Pair(a.NetCostYen / 1e6, m.NetCostYen / 1e6, "N1"),
                Pair(a.CurtailmentAbsorbedMwh, m.CurtailmentAbsorbedMwh), Pair(a.UnservedJobItMwh, m.UnservedJobItMwh), Pair(a.SiteStepsOverLimit, m.SiteStepsOverLimit),
                N(m.BoughtItMwh), N(m.SoldItMwh), (m.SettlementYen / 1e6).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture));
        }

        ui.Write(table);
    }

    private static string Pair(double alone, double market, string format = "N0") =>
        $"{alone.ToString(format, CultureInfo.InvariantCulture)} → {market.ToString(format, CultureInfo.InvariantCulture)}";

    private static string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);

    // The simulator reports from several threads; the bar only moves forward.
    private sealed class MonotonicProgress(IProgress<int> inner) : IProgress<double>
    {
        private int _last;

        public void Report(double value)
        {
            var units = (int)(Math.Clamp(value, 0, 1) * ProgressUnits);
            int seen;
            while (units > (seen = Volatile.Read(ref _last)))
            {
                if (Interlocked.CompareExchange(ref _last, units, seen) == seen)
                {
                    lock (this)
                    {
                        inner.Report(Math.Max(units, Volatile.Read(ref _last)));
                    }

                    return;
                }
            }
        }
    }
}
