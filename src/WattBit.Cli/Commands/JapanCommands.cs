using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using WattBit.Formats;
using Spectre.Console;
using WattBit.Grid.Japan;
using WattBit.Grid.PowerFlow;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit grid japan build|replay|accuracy|calibrate</c>: the Japan backbone model (docs/japan-model.md, formats.md §8).</summary>
internal static class JapanCommands
{
    public static Command Create()
    {
        var japan = new Command("japan", "The Japan backbone model: build it from OCCTO and OSM data, replay OCCTO days on it, measure its accuracy.");
        japan.Subcommands.Add(Build());
        japan.Subcommands.Add(Replay());
        japan.Subcommands.Add(Accuracy());
        return japan;
    }

    private static Option<string?> DataOption() => new("--data")
    {
        Description = "The Japan data folder (occto/, geo/, facts/); default: ../shared/data/japan beside the repository or $WATTBIT_SHARED_DATA/japan.",
    };

    private static Option<string?> ModelOption() => new("--model")
    {
        Description = "A model folder written by 'grid japan build' (default: the embedded model).",
    };

    private static Command Build()
    {
        var data = DataOption();
        var output = new Option<string>("--out") { Description = "Folder for japan.m, the CSV metadata and japan.geojson.", Required = true };
        var command = new Command("build", "Build the backbone (japan.m, japan-buses.csv, japan-branches.csv, japan-plants.csv, japan-links.csv, japan-left-out.csv, japan.geojson).")
        {
            data, output,
        };
        command.SetAction(parse =>
        {
            var sw = Stopwatch.StartNew();
            var sources = JapanModelSources.Load(DataDir(parse.GetValue(data)));
            var model = JapanModelBuilder.Build(sources, JapanModelParameters.Default);
            var dir = parse.GetValue(output)!;
            model.WriteTo(dir);
            PrintSummary(model, sources);
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(dir)}[/] in {sw.Elapsed.TotalSeconds:F1} s.");
            return 0;
        });
        return command;
    }

    private static void PrintSummary(JapanBackbone model, JapanModelSources sources)
    {
        var lines = sources.Days.SelectMany(d => d.Lines).Select(l => (l.Area.Code, l.Name)).Distinct().Count();
        var matched = sources.Days.SelectMany(d => d.Lines).Select(l => (l.Area.Code, l.Name)).Distinct().Count(k => model.TryGetBranches(k.Code, k.Name, out _));
        var table = new Table().AddColumn("item").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("buses", model.Buses.Length.ToString(CultureInfo.InvariantCulture));
        table.AddRow("branches (line circuits / tie circuits / equivalents)",
            $"{model.Branches.Count(b => b.Kind == JapanBranchKind.Line)} / {model.Branches.Count(b => b.Kind == JapanBranchKind.Tie)} / {model.Branches.Count(b => b.Kind == JapanBranchKind.Equivalent)}");
        table.AddRow("OCCTO lines matched to branches", $"{matched} of {lines} ({100.0 * matched / Math.Max(1, lines):F1} %)");
        table.AddRow("generators (plants placed)", model.Plants.Length.ToString(CultureInfo.InvariantCulture));
        table.AddRow("controllable links", model.Links.Length.ToString(CultureInfo.InvariantCulture));
        foreach (var g in model.Buses.GroupBy(b => b.Placement).OrderBy(g => g.Key))
        {
            table.AddRow($"buses placed by {g.Key}", g.Count().ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        foreach (var x in model.LeftOut.Where(x => x.What != "plant"))
        {
            AnsiConsole.MarkupLine($"[yellow]left out[/] {x.What} {Markup.Escape(x.Area)} {Markup.Escape(x.Name)}: {Markup.Escape(x.Reason)}");
        }

        var plants = model.LeftOut.Count(x => x.What == "plant");
        if (plants > 0)
        {
            AnsiConsole.MarkupLine($"{plants} plant(s) without a place (their output stays in the area's net load); see japan-left-out.csv.");
        }
    }

    private static Command Replay()
    {
        var occto = new Option<FileInfo>("--occto") { Description = "An OCCTO day file (dashboard-YYYYMMDD.json).", Required = true };
        var output = new Option<string>("--out") { Description = "Output CSV (line,area,voltage_kv,slot,observed_mw,modelled_mw); '-' for standard output.", Required = true };
        var model = ModelOption();
        var command = new Command("replay", "Run the backbone on one OCCTO day and compare every observed line and tie (formats.md §8).") { occto, output, model };
        command.SetAction(parse =>
        {
            var backbone = LoadModel(parse.GetValue(model));
            var day = OcctoDay.Load(parse.GetValue(occto)!.FullName);
            var result = JapanReplay.Run(backbone, day);
            var path = parse.GetValue(output)!;
            using (var writer = path == "-" ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) : new StreamWriter(path, false, new UTF8Encoding(false)))
            {
                JapanReplay.WriteCsv(writer, result);
            }

            if (path != "-")
            {
                PrintMetrics([result.Metrics], JapanModelParameters.Default);
                AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(path)}[/]");
            }

            return 0;
        });
        return command;
    }

    private static Command Accuracy()
    {
        var data = DataOption();
        var model = ModelOption();
        var output = new Option<string?>("--out") { Description = "Write the per-day figures as CSV (day,set,lines,matched,r2,direction_share,tie_error,ac_tie_error)." };
        var command = new Command("accuracy", "Replay every OCCTO day and report lines matched, R², direction share and tie error, calibration and held-out days apart.")
        {
            data, model, output,
        };
        command.SetAction(parse =>
        {
            var sw = Stopwatch.StartNew();
            var backbone = LoadModel(parse.GetValue(model));
            var dir = Path.Combine(DataDir(parse.GetValue(data)), "occto");
            var files = Directory.GetFiles(dir, "dashboard-*.json").OrderBy(f => f, StringComparer.Ordinal).ToArray();
            var dc = new DcModel(backbone.Network);
            var metrics = new ReplayMetrics[files.Length];
            Parallel.For(0, files.Length, i => metrics[i] = JapanReplay.Run(backbone, dc, OcctoDay.Load(files[i])).Metrics);
            PrintMetrics(metrics, JapanModelParameters.Default);
            var path = parse.GetValue(output);
            if (path is not null)
            {
                var sb = new StringBuilder("day,set,lines,matched,r2,direction_share,tie_error,ac_tie_error\n");
                foreach (var m in metrics)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"{m.Day:yyyy-MM-dd},{(JapanModelParameters.Default.IsCalibration(m.Day) ? "calibration" : "held-out")},{m.Lines},{m.LinesMatched},{m.RSquared:0.####},{m.DirectionShare:0.####},{m.TieError:0.####},{m.AcTieError:0.####}\n");
                }

                File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
            }

            AnsiConsole.MarkupLine($"{files.Length} days in {sw.Elapsed.TotalSeconds:F1} s.");
            return 0;
        });
        return command;
    }

    private static void PrintMetrics(IReadOnlyList<ReplayMetrics> metrics, JapanModelParameters parameters)
    {
        var table = new Table().AddColumn("day").AddColumn("set").AddColumn(new TableColumn("lines matched").RightAligned()).AddColumn(new TableColumn("R²").RightAligned())
            .AddColumn(new TableColumn("direction (|obs|>100 MW)").RightAligned()).AddColumn(new TableColumn("tie error").RightAligned()).AddColumn(new TableColumn("AC tie error").RightAligned());
        foreach (var m in metrics)
        {
            table.AddRow(m.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), parameters.IsCalibration(m.Day) ? "calibration" : "held-out",
                $"{m.LinesMatched}/{m.Lines} ({100 * m.MatchedShare:F1} %)", m.RSquared.ToString("F3", CultureInfo.InvariantCulture),
                $"{100 * m.DirectionShare:F1} %", $"{100 * m.TieError:F1} %", $"{100 * m.AcTieError:F1} %");
        }

        foreach (var (name, set) in (ReadOnlySpan<(string, bool)>)[("calibration mean", true), ("held-out mean", false)])
        {
            var s = metrics.Where(m => parameters.IsCalibration(m.Day) == set).ToArray();
            if (s.Length > 0 && metrics.Count > 1)
            {
                table.AddRow($"[bold]{name}[/]", $"{s.Length} days", $"{100 * s.Average(m => m.MatchedShare):F1} %", s.Average(m => m.RSquared).ToString("F3", CultureInfo.InvariantCulture),
                    $"{100 * s.Average(m => m.DirectionShare):F1} %", $"{100 * s.Average(m => m.TieError):F1} %", $"{100 * s.Average(m => m.AcTieError):F1} %");
            }
        }

        AnsiConsole.Write(table);
    }

    private static JapanBackbone LoadModel(string? dir) => dir is null ? JapanBackbone.LoadDefault() : JapanBackbone.Load(dir);

    /// <summary>The Japan data folder: the option, $WATTBIT_SHARED_DATA/japan, or ../shared/data/japan above the working folder.</summary>
    internal static string DataDir(string? option)
    {
        if (option is not null)
        {
            return Directory.Exists(option) ? option : throw new CliException($"--data: folder '{option}' does not exist.");
        }

        var env = Environment.GetEnvironmentVariable("WATTBIT_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(Path.Combine(env, "japan")))
        {
            return Path.Combine(env, "japan");
        }

        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "data", "japan");
            if (Directory.Exists(Path.Combine(candidate, "occto")))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new CliException("the Japan data folder was not found: give --data (the folder with occto/, geo/ and facts/) or set WATTBIT_SHARED_DATA.");
    }
}
