using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WattBit.Formats;
using WattBit.Planning.Shifting;
using WattBit.Signals;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit shift</c>: carbon- or cost-optimal placement of jobs in time and across locations (formats.md §6).</summary>
internal static class ShiftCommand
{
    public static Command Create()
    {
        var signal = new Option<FileInfo>("--signal") { Description = "Signal file (timestamp,location,value): gCO2/kWh for carbon, JPY/kWh for cost.", Required = true };
        var jobs = new Option<FileInfo>("--jobs") { Description = "Jobs file (id,release,deadline,duration_minutes,power_kw,interruptible,locations).", Required = true };
        var objective = new Option<ShiftObjective>("--objective") { Description = "What to minimise: carbon or cost.", DefaultValueFactory = _ => ShiftObjective.Carbon };
        var output = new Option<string>("--out") { Description = "Where to write the schedule (id,location,start,end); '-' for standard output.", DefaultValueFactory = _ => "schedule.csv" };
        var capacity = new Option<string?>("--capacity-kw") { Description = "Per-location power limits, e.g. TK=500,KY=800 (kW, step-average); places jobs jointly (MIP)." };
        var timeLimit = new Option<double>("--time-limit") { Description = "Seconds the joint MIP may run before returning its best placement and gap.", DefaultValueFactory = _ => 60 };
        var nodeLimit = new Option<long?>("--node-limit")
        {
            Description = "Branch-and-bound nodes each phase of the joint MIP may explore: a limit that gives the same placement on every run and machine (--time-limit stays a backstop).",
        };
        var solver = new Option<string>("--solver") { Description = "MIP backend for --capacity-kw: scip (default) or highs.", DefaultValueFactory = _ => "scip" };
        solver.AcceptOnlyFromAmong("scip", "highs");

        var command = new Command("shift", "Shift jobs in time and across locations to the lowest carbon or cost, optionally under per-location power limits.")
        {
            signal, jobs, objective, output, capacity, timeLimit, nodeLimit, solver,
        };
        command.SetAction(parse => Run(
            parse.GetValue(signal)!, parse.GetValue(jobs)!, parse.GetValue(objective), parse.GetValue(output)!,
            parse.GetValue(capacity), parse.GetValue(timeLimit), parse.GetValue(solver)!, parse.GetValue(nodeLimit)));
        return command;
    }

    internal static int Run(FileInfo signalFile, FileInfo jobsFile, ShiftObjective objective, string output, string? capacityText, double timeLimitSeconds, string solver = "scip",
        long? nodeLimit = null)
    {
        var toStdout = output == "-";
        var ui = toStdout ? Ui.Error : Ui.Out;
        if (timeLimitSeconds <= 0)
        {
            throw new CliException($"--time-limit must be positive (got {timeLimitSeconds}).");
        }

        if (nodeLimit <= 0)
        {
            throw new CliException($"--node-limit must be positive (got {nodeLimit}).");
        }

        var kind = objective == ShiftObjective.Carbon ? SignalKind.Carbon : SignalKind.Price;
        var signal = SignalCsv.ReadFile(signalFile.FullName, kind);
        var jobFile = JobsCsv.ReadFile(jobsFile.FullName);
        var request = new ShiftRequest(jobFile.Jobs, signal, objective)
        {
            Capacity = ParseCapacity(capacityText, signal),
            TimeLimit = TimeSpan.FromSeconds(timeLimitSeconds),
            NodeLimit = nodeLimit,
            Solver = solver.ToUpperInvariant(),
        };

        ShiftResult result;
        try
        {
            result = Ui.WithProgress(ui, "Placing jobs", jobFile.Jobs.Count, progress => Shifter.Shift(request, progress));
        }
        catch (JobValidationException e)
        {
            var line = jobFile.Lines[e.JobIndex];
            var column = e.Field == "locations" ? jobFile.LocationsColumn[e.JobIndex] : 0;
            throw new InputFormatException(jobFile.Source, line, column, e.Message);
        }

        using (var writer = toStdout ? new StreamWriter(Console.OpenStandardOutput()) : new StreamWriter(output))
        {
            ScheduleCsv.Write(writer, result.Placements.ToScheduleRows());
        }

        Report(ui, result, toStdout ? null : output, jobFile.Jobs);
        return 0;
    }

    internal static Dictionary<string, Power> ParseCapacity(string? text, SignalSet signal)
    {
        var result = new Dictionary<string, Power>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return result;
        }

        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !double.TryParse(part[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var kw) || !double.IsFinite(kw))
            {
                throw new CliException($"--capacity-kw: '{part}' is not location=kW (e.g. TK=500).");
            }

            var location = part[..eq].Trim();
            if (!signal.Contains(location))
            {
                throw new CliException($"--capacity-kw: unknown location '{location}' (the signal has: {string.Join(", ", signal.Locations)}).");
            }

            if (kw <= 0)
            {
                throw new CliException($"--capacity-kw: the limit of '{location}' must be positive (got {part[(eq + 1)..]}).");
            }

            if (!result.TryAdd(location, Power.FromKilowatts(kw)))
            {
                throw new CliException($"--capacity-kw: location '{location}' is given twice.");
            }
        }

        return result;
    }

    internal static void Report(IAnsiConsole ui, ShiftResult result, string? schedulePath, IReadOnlyList<BatchJob> jobs)
    {
        var carbon = result.Objective == ShiftObjective.Carbon;
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Shift: baseline vs shifted[/]");
        table.AddColumn("");
        table.AddColumn(new TableColumn("Baseline").RightAligned());
        table.AddColumn(new TableColumn("Shifted").RightAligned());
        table.AddColumn(new TableColumn("Change").RightAligned());
        var e = result.Baseline.Energy.KilowattHours;
        table.AddRow("Energy (kWh)", Num(e), Num(result.Shifted.Energy.KilowattHours), Pct(e, result.Shifted.Energy.KilowattHours));
        double b = result.Baseline.Score, s = result.Shifted.Score;
        if (carbon)
        {
            table.AddRow("Emissions (kg CO2)", Num(b / 1000), Num(s / 1000), Pct(b, s));
            table.AddRow("Intensity (gCO2/kWh)", Num(e == 0 ? 0 : b / e), Num(e == 0 ? 0 : s / e), Pct(b, s));
        }
        else
        {
            table.AddRow("Cost (JPY)", Num(b), Num(s), Pct(b, s));
            table.AddRow("Price (JPY/kWh)", Num(e == 0 ? 0 : b / e, "0.00"), Num(e == 0 ? 0 : s / e, "0.00"), Pct(b, s));
        }

        ui.Write(table);
        ui.Write(ByLocation(result, jobs));
        var status = result.Status == OptimalityStatus.ProvenOptimal
            ? "[green]proven optimal[/]"
            : double.IsFinite(result.Gap)
                ? $"[yellow]feasible, not proven optimal (gap to the best bound {result.Gap:P2})[/]"
                : "[yellow]feasible, not proven optimal (no bound known)[/]";
        ui.MarkupLine($"{result.Placements.Count} of {result.Placements.Count + result.Unplaced.Count} jobs placed; {status} by {Markup.Escape(result.Method)}.");
        if (result.Unplaced.Count > 0)
        {
            var unplaced = new Table().Border(TableBorder.Simple).Title($"[red]{result.Unplaced.Count} job(s) could not be placed[/]");
            unplaced.AddColumn("job");
            unplaced.AddColumn("reason");
            foreach (var u in result.Unplaced.Take(50))
            {
                unplaced.AddRow(Markup.Escape(u.JobId), Markup.Escape(u.Reason));
            }

            ui.Write(unplaced);
            if (result.Unplaced.Count > 50)
            {
                ui.MarkupLine($"... and {result.Unplaced.Count - 50} more.");
            }
        }

        if (schedulePath is not null)
        {
            ui.MarkupLine($"Schedule written to [blue]{Markup.Escape(schedulePath)}[/].");
        }
    }

    /// <summary>Where the energy and the score go, per location, before and after shifting.</summary>
    private static Table ByLocation(ShiftResult result, IReadOnlyList<BatchJob> jobs)
    {
        var energy = jobs.ToDictionary(j => j.Id, j => j.Energy.KilowattHours, StringComparer.Ordinal);
        var unit = result.Objective == ShiftObjective.Carbon ? "kg CO2" : "JPY";
        var scale = result.Objective == ShiftObjective.Carbon ? 1e-3 : 1;
        var rows = result.Placements
            .SelectMany(p => new[] { (Location: p.BaselineLocation, Base: energy[p.JobId], Shifted: 0.0, BaseScore: p.BaselineScore, Score: 0.0),
                                     (Location: p.Location, Base: 0.0, Shifted: energy[p.JobId], BaseScore: 0.0, Score: p.Score) })
            .GroupBy(r => r.Location, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]By location[/]");
        table.AddColumn("location");
        table.AddColumn(new TableColumn("baseline kWh").RightAligned());
        table.AddColumn(new TableColumn("shifted kWh").RightAligned());
        table.AddColumn(new TableColumn($"baseline {unit}").RightAligned());
        table.AddColumn(new TableColumn($"shifted {unit}").RightAligned());
        foreach (var g in rows)
        {
            table.AddRow(Markup.Escape(g.Key), Num(g.Sum(r => r.Base)), Num(g.Sum(r => r.Shifted)),
                Num(g.Sum(r => r.BaseScore) * scale), Num(g.Sum(r => r.Score) * scale));
        }

        return table;
    }

    private static string Num(double value, string format = "#,0.0") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Pct(double before, double after) =>
        before == 0 ? "-" : ((after - before) / Math.Abs(before)).ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);
}
