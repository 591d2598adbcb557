using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Data.Storage;
using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit data</c>: import public grid data into the store; calibrate the reference year.</summary>
internal static class DataCommands
{
    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var data = new Command("data", "Import Japan's public grid data (TSO area actuals, JEPX, OCCTO, workload traces) and calibrate the reference year.");
        data.Subcommands.Add(ImportCommand(time));
        data.Subcommands.Add(CalibrateCommand());
        data.Subcommands.Add(JobsCommand());
        return data;
    }

    private static Command ImportCommand(TimeProvider time)
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or folders (searched recursively for .csv and .json).", Arity = ArgumentArity.OneOrMore };
        var area = new Option<string?>("--area") { Description = "Area of legacy area files whose name does not say it (e.g. TK); files named eria_jukyu_YYYYMM_NN keep their own area." };
        var store = new Option<string?>("--store") { Description = $"Store: a SQLite file or postgres:<connection string>. Default ${WattBitStore.EnvironmentVariable} or {WattBitStore.DefaultFile}." };
        var command = new Command("import", "Import files into the store: each file whole or not at all; a file already imported (same content) is skipped.")
        {
            paths, area, store,
        };
        command.SetAction((parse, ct) => ImportAsync(parse.GetValue(paths)!, parse.GetValue(area), parse.GetValue(store), time, ct));
        return command;
    }

    private sealed record FileOutcome(string File, string Kind, string Area, string Period, long Rows, IReadOnlyList<string> Warnings, string Outcome, bool Failed);

    private static async Task<int> ImportAsync(string[] inputs, string? areaCode, string? storeOption, TimeProvider time, CancellationToken ct)
    {
        var area = areaCode is null ? null : SignalsCommands.AreaOption(areaCode);
        var files = Expand(inputs);
        var location = WattBitStore.ResolveLocation(storeOption);
        await using var store = await WattBitStore.OpenAsync(location, ct).ConfigureAwait(false);
        var outcomes = new List<FileOutcome>();
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"Importing {files.Count} file(s)", maxValue: Math.Max(1, files.Count));
                foreach (var file in files)
                {
                    task.Description = Markup.Escape("Importing " + Path.GetFileName(file));
                    outcomes.Add(await ImportOneAsync(file, area, store, time, ct).ConfigureAwait(false));
                    task.Increment(1);
                }
            }).ConfigureAwait(false);

        var table = new Table().Border(TableBorder.Rounded).Title($"Imported into {Markup.Escape(store.Description)}");
        foreach (var h in new[] { "file", "kind", "area", "period", "rows", "warnings", "result" })
        {
            table.AddColumn(h);
        }

        foreach (var o in outcomes)
        {
            table.AddRow(Markup.Escape(Path.GetFileName(o.File)), o.Kind, o.Area, Markup.Escape(o.Period), o.Rows.ToString("N0", CultureInfo.InvariantCulture),
                o.Warnings.Count.ToString(CultureInfo.InvariantCulture), o.Failed ? $"[red]{Markup.Escape(o.Outcome)}[/]" : Markup.Escape(o.Outcome));
        }

        AnsiConsole.Write(table);
        foreach (var o in outcomes.Where(o => o.Warnings.Count > 0))
        {
            foreach (var w in o.Warnings.Take(5))
            {
                AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
            }

            if (o.Warnings.Count > 5)
            {
                AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(Path.GetFileName(o.File))}: {o.Warnings.Count - 5} more warning(s).");
            }
        }

        var failed = outcomes.Where(o => o.Failed).ToList();
        foreach (var o in failed)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(o.Outcome)}");
        }

        return failed.Count == 0 ? 0 : CliApp.InputError;
    }

    private static async Task<FileOutcome> ImportOneAsync(string file, Areas.GridArea? area, IWattBitStore store, TimeProvider time, CancellationToken ct)
    {
        var name = Path.GetFileName(file);
        try
        {
            var (parsed, result) = await DataFileImporter.ImportAsync(store, file, time, area, ct).ConfigureAwait(false);
            var outcome = result.Outcome == ImportOutcome.AlreadyImported
                ? $"already imported ({result.Previous?.ImportedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}); unchanged"
                : $"stored ({result.PointsWritten:N0} points)";
            return new FileOutcome(file, parsed.Kind, parsed.Area, Period(parsed.Window), parsed.Rows, parsed.Warnings, outcome, false);
        }
        catch (Exception e) when (e is InputFormatException or IOException or ArgumentException or SeriesAlignmentException or UnauthorizedAccessException)
        {
            return new FileOutcome(file, "?", "", "", 0, [], e is InputFormatException ? e.Message : $"{name}: {e.Message}", true);
        }
    }

    private static string Period(TimeWindow w) =>
        $"{w.Start.ToOffset(Jst.Offset):yyyy-MM-dd} .. {w.End.ToOffset(Jst.Offset).AddTicks(-1):yyyy-MM-dd}";

    private static List<string> Expand(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                throw new FileNotFoundException($"No such file or folder: {input}", input);
            }
        }

        return files;
    }

    private static Command JobsCommand()
    {
        var trace = new Argument<string>("trace") { Description = "An arrival_time,length,cpus job trace (e.g. gaia_pai_1k.csv)." };
        var output = new Option<string>("--out") { Description = "The jobs file to write (formats.md §6).", Required = true };
        var unit = new Option<string>("--unit") { Description = "Time unit of the trace: auto, hours or seconds.", DefaultValueFactory = _ => "auto" };
        unit.AcceptOnlyFromAmong("auto", "hours", "seconds");
        var watts = new Option<double>("--watts-per-cpu") { Description = "IT power per CPU, W.", DefaultValueFactory = _ => new JobTraceOptions().WattsPerCpu };
        var slack = new Option<double>("--slack-hours") { Description = "Hours a job may wait beyond its run time.", DefaultValueFactory = _ => 24 };
        var origin = new Option<string?>("--origin") { Description = "ISO 8601 time of arrival 0 (default 2025-04-01T00:00:00+09:00)." };
        var interruptible = new Option<bool>("--interruptible") { Description = "Mark the jobs interruptible." };
        var command = new Command("jobs", "Turn a (arrival, length, cpus) trace into WattBit batch jobs with the power-per-CPU model.")
        {
            trace, output, unit, watts, slack, origin, interruptible,
        };
        command.SetAction(parse =>
        {
            var defaults = new JobTraceOptions();
            var o = parse.GetValue(origin);
            var options = defaults with
            {
                Unit = parse.GetValue(unit) switch { "hours" => TraceTimeUnit.Hours, "seconds" => TraceTimeUnit.Seconds, _ => TraceTimeUnit.Auto },
                WattsPerCpu = parse.GetValue(watts) > 0 ? parse.GetValue(watts) : throw new CliException("--watts-per-cpu must be positive."),
                ExtraSlack = parse.GetValue(slack) >= 0 ? TimeSpan.FromHours(parse.GetValue(slack)) : throw new CliException("--slack-hours must not be negative."),
                Origin = o is null ? defaults.Origin : Iso8601.Parse(o),
                Interruptible = parse.GetValue(interruptible),
                IdPrefix = Path.GetFileNameWithoutExtension(parse.GetValue(trace)!),
            };
            var jobs = WorkloadTraceImporter.ReadJobs(parse.GetValue(trace)!, options);
            using (var w = new StreamWriter(parse.GetValue(output)!))
            {
                JobsCsv.Write(w, jobs.Jobs);
            }

            var energy = jobs.Jobs.Sum(j => j.Energy.KilowattHours);
            AnsiConsole.MarkupLine($"Wrote {jobs.Jobs.Count:N0} jobs (times read in {jobs.Unit.ToString().ToLowerInvariant()}, {energy:N0} kWh in all) to [bold]{Markup.Escape(parse.GetValue(output)!)}[/].");
            return 0;
        });
        return command;
    }

    private static Command CalibrateCommand()
    {
        var dataDir = new Option<string>("--data") { Description = "The shared data folder (with japan/area-supply-demand and japan/jepx).", Required = true };
        var output = new Option<string>("--out") { Description = "The page to write.", DefaultValueFactory = _ => "docs/calibration.md" };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic years compared.", DefaultValueFactory = _ => 1 };
        var tables = new Option<string?>("--write-tables") { Description = "Also re-derive the model's shape and price tables (reference_shapes.csv, reference_price_quantiles.csv) into this folder." };
        var command = new Command("calibrate", "Compare the synthetic reference year with the real Tokyo, Chubu, sample-day and JEPX data and write docs/calibration.md.")
        {
            dataDir, output, seed, tables,
        };
        command.SetAction(parse => Calibrate(parse.GetValue(dataDir)!, parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(tables)));
        return command;
    }

    private static int Calibrate(string dataDir, string output, int seed, string? tablesDir)
    {
        var asd = Path.Combine(dataDir, "japan", "area-supply-demand");
        var actuals = new List<AreaSupplyDemand>();
        var samples = new List<AreaSupplyDemand>();
        JepxSpot? spot = null;
        string? report = null;
        AnsiConsole.Status().Start("Calibrating", ctx =>
        {
            foreach (var folder in new[] { "tokyo", "chubu" })
            {
                ctx.Status($"Importing {folder}");
                var dir = Path.Combine(asd, folder);
                if (Directory.Exists(dir))
                {
                    actuals.Add(AreaSupplyDemand.Merge(Directory.GetFiles(dir, "*.csv").Order(StringComparer.Ordinal).Select(f => AreaSupplyDemandImporter.ReadFile(f))));
                }
            }

            var mocks = Path.Combine(asd, "mocks");
            if (Directory.Exists(mocks))
            {
                ctx.Status("Importing sample days");
                samples.AddRange(Directory.GetFiles(mocks, "*.csv").Order(StringComparer.Ordinal)
                    .Where(f => Path.GetFileName(f).StartsWith("eria_jukyu_", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith("realtime_jukyu_", StringComparison.Ordinal))
                    .Select(f => AreaSupplyDemandImporter.ReadFile(f)));
            }

            var fy2025 = Path.Combine(dataDir, "japan", "jepx", "spot_summary_2025.csv");
            if (File.Exists(fy2025))
            {
                ctx.Status("Importing JEPX FY2025");
                spot = JepxSpotImporter.ReadFile(fy2025);
            }

            if (tablesDir is not null)
            {
                Directory.CreateDirectory(tablesDir);
                var tokyo = actuals.FirstOrDefault(a => a.Area.Code == "TK") ?? throw new CliException("--write-tables needs the Tokyo year (japan/area-supply-demand/tokyo).");
                var fy = new TimeWindow(new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset), new DateTimeOffset(2026, 4, 1, 0, 0, 0, Jst.Offset));
                using (var w = new StreamWriter(Path.Combine(tablesDir, "reference_shapes.csv")))
                {
                    ReferenceCalibration.WriteShapes(tokyo.Slice(fy), w);
                }

                if (spot is not null)
                {
                    using var w = new StreamWriter(Path.Combine(tablesDir, "reference_price_quantiles.csv"));
                    ReferenceCalibration.WritePriceQuantiles(spot, w);
                }

                AnsiConsole.MarkupLine($"Wrote the model tables to [bold]{Markup.Escape(tablesDir)}[/].");
                return;
            }

            report = ReferenceCalibration.Report(new CalibrationData(actuals, spot, samples), seed, progress: s => ctx.Status(s));
        });

        if (report is not null)
        {
            File.WriteAllText(output, report);
            AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(output)}[/] ({actuals.Count} area(s) with actuals{(spot is null ? "" : ", JEPX prices")}).");
        }

        return 0;
    }
}
