using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using WattBit.Data.Import;
using WattBit.Data.Storage;
using WattBit.Formats;
using WattBit.Forecasting;
using WattBit.Forecasting.Backtesting;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit forecast</c>: day-ahead forecasts with quantiles, and their rolling-origin backtest against baselines.</summary>
internal static class ForecastCommands
{
    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var forecast = new Command("forecast", "Day-ahead forecasts (P10/P50/P90, up to 48 h) of demand, solar, wind, curtailment or price, and their backtest.");
        forecast.Subcommands.Add(BacktestCommand());
        forecast.Subcommands.Add(RunCommand());
        return forecast;
    }

    /// <summary>The options that name the input series, shared by both subcommands.</summary>
    private sealed class InputOptions
    {
        public Option<string[]> Files { get; } = new("--file")
        {
            Description = "TSO area supply-demand CSV files or folders (eria_jukyu_*.csv...), merged into one series per column.",
            AllowMultipleArgumentsPerToken = true,
        };

        public Option<string[]> Jepx { get; } = new("--jepx")
        {
            Description = "JEPX spot summary files: forecast the price of --area (or the system price).",
            AllowMultipleArgumentsPerToken = true,
        };

        public Option<string?> Signal { get; } = new("--signal") { Description = "A signal file (timestamp,location,value) such as carbon intensity; pick --area." };

        public Option<string?> Store { get; } = new("--store") { Description = "Read the series from a store (SQLite path or postgres:...): --area, --metric, --source." };

        public Option<string?> Source { get; } = new("--source") { Description = "With --store: the series' source.", DefaultValueFactory = _ => "tso" };

        public Option<string?> Area { get; } = new("--area") { Description = "Area code or location (TK, KY...) for --jepx, --signal and --store." };

        public Option<string> Metric { get; } = new("--metric")
        {
            Description = "With --file: comma-separated columns (demand, solar, wind, curtailment = solar+wind curtailed, or any column key). With --store: the metric name.",
            DefaultValueFactory = _ => "demand,solar,wind",
        };

        public Option<string?> Weather { get; } = new("--weather") { Description = "Optional exogenous input, a signal file on the same grid (e.g. temperature); pick its location with --weather-location." };

        public Option<string?> WeatherLocation { get; } = new("--weather-location") { Description = "Location inside the --weather file (default: its only location)." };

        public void AddTo(Command command)
        {
            foreach (var o in new Option[] { Files, Jepx, Signal, Store, Source, Area, Metric, Weather, WeatherLocation })
            {
                command.Options.Add(o);
            }
        }

        public async Task<(List<TimeSeries> Series, IReadOnlyList<TimeSeries> Exogenous)> LoadAsync(ParseResult parse, CancellationToken ct)
        {
            var files = parse.GetValue(Files) ?? [];
            var jepx = parse.GetValue(Jepx) ?? [];
            var signal = parse.GetValue(Signal);
            var store = parse.GetValue(Store);
            var chosen = (files.Length > 0 ? 1 : 0) + (jepx.Length > 0 ? 1 : 0) + (signal is null ? 0 : 1) + (store is null ? 0 : 1);
            if (chosen != 1)
            {
                throw new CliException("name exactly one input: --file, --jepx, --signal or --store.");
            }

            var area = parse.GetValue(Area);
            var metrics = parse.GetValue(Metric)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            List<TimeSeries> series;
            if (files.Length > 0)
            {
                series = FromAreaFiles(files, metrics);
            }
            else if (jepx.Length > 0)
            {
                var spot = JepxSpotImporter.ReadFiles(ExpandFiles(jepx, _ => true));
                series = [area is null ? spot.SystemPrice : Pick(spot.AreaPrices, area, "--jepx")];
            }
            else if (signal is not null)
            {
                series = [Pick(SignalCsv.ReadFile(signal, SignalKind.Carbon), area, signal)];
            }
            else
            {
                series = [await FromStoreAsync(store!, area, metrics, parse.GetValue(Source)!, ct).ConfigureAwait(false)];
            }

            var weather = parse.GetValue(Weather);
            IReadOnlyList<TimeSeries> exogenous = weather is null ? [] : [Pick(SignalCsv.ReadFile(weather, SignalKind.Other), parse.GetValue(WeatherLocation), weather)];
            return (series, exogenous);
        }
    }

    private static Command BacktestCommand()
    {
        var input = new InputOptions();
        var originTime = new Option<string>("--origin-time") { Description = "JST time of day of every forecast origin (10:00 = JEPX day-ahead gate closure).", DefaultValueFactory = _ => "10:00" };
        var horizon = new Option<int>("--horizon") { Description = "Forecast horizon in hours (1-48).", DefaultValueFactory = _ => 48 };
        var warmup = new Option<int>("--warmup-days") { Description = "Days of history before the first origin.", DefaultValueFactory = _ => 70 };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the tables as Markdown to this file (docs/forecasting.md uses it)." };
        var command = new Command("backtest", "Rolling-origin backtest, one origin a day: MAE and pinball loss per horizon against persistence and seasonal-naive, and quantile calibration.")
        {
            originTime, horizon, warmup, markdown,
        };
        input.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            CheckHorizon(parse.GetValue(horizon));
            var (series, exogenous) = await input.LoadAsync(parse, ct).ConfigureAwait(false);
            var options = new BacktestOptions(Steps(series[0], parse.GetValue(horizon)), OriginTime(parse.GetValue(originTime)!), parse.GetValue(warmup));
            if (options.WarmupDays < 1)
            {
                throw new CliException("--warmup-days must be at least 1.");
            }

            var reports = new List<(BacktestReport Report, TimeSpan Elapsed)>();
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    foreach (var s in series)
                    {
                        var task = ctx.AddTask(Markup.Escape($"Backtesting {s.Name}"), maxValue: 1);
                        var progress = new Progress<BacktestProgress>(p =>
                        {
                            task.MaxValue = p.Total;
                            task.Value = Math.Max(task.Value, p.Done);
                        });
                        var watch = System.Diagnostics.Stopwatch.StartNew();
                        var report = await Task.Run(() => Backtest.Run(s, Forecasters(), options, exogenous, progress, ct), ct).ConfigureAwait(false);
                        reports.Add((report, watch.Elapsed));
                        task.Value = task.MaxValue;
                    }
                }).ConfigureAwait(false);

            var md = new StringBuilder();
            foreach (var (report, elapsed) in reports)
            {
                Print(report, elapsed);
                AppendMarkdown(md, report);
            }

            if (parse.GetValue(markdown) is { } path)
            {
                await File.WriteAllTextAsync(path, md.ToString(), ct).ConfigureAwait(false);
                AnsiConsole.MarkupLine($"Markdown written to [bold]{Markup.Escape(path)}[/].");
            }

            return 0;
        });
        return command;
    }

    private static Command RunCommand()
    {
        var input = new InputOptions();
        var origin = new Option<string?>("--origin") { Description = "When the forecast is made (ISO 8601 with offset); default: the end of the data." };
        var horizon = new Option<int>("--horizon") { Description = "Forecast horizon in hours (1-48).", DefaultValueFactory = _ => 48 };
        var output = new Option<string?>("--out") { Description = "Write the forecast as CSV: timestamp,location,metric,p10,p50,p90." };
        var save = new Option<string?>("--save-to") { Description = "Store the quantiles in a store (SQLite path or postgres:...) as source forecast.p10/p50/p90." };
        var command = new Command("run", "Forecast the next hours with P10/P50/P90 from the history before the origin.") { origin, horizon, output, save };
        input.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            CheckHorizon(parse.GetValue(horizon));
            var (series, exogenous) = await input.LoadAsync(parse, ct).ConfigureAwait(false);
            var csv = new StringBuilder("timestamp,location,metric,p10,p50,p90\n");
            var writes = new List<SeriesWrite>();
            foreach (var s in series)
            {
                var at = parse.GetValue(origin) is { } text ? Iso8601.Parse(text) : s.End;
                var forecast = new RegressionForecaster().Forecast(new ForecastRequest(s, at, Steps(s, parse.GetValue(horizon)), null, exogenous));
                PrintForecast(forecast);
                var (location, metric) = SplitName(s.Name);
                for (var k = 0; k < forecast.Steps; k++)
                {
                    csv.Append(CultureInfo.InvariantCulture,
                        $"{Iso8601.Format(forecast.Origin + (forecast.Step * k))},{Csv.Escape(location)},{Csv.Escape(metric)},{forecast.Value(0.1, k):0.###},{forecast.Value(0.5, k):0.###},{forecast.Value(0.9, k):0.###}\n");
                }

                foreach (var level in forecast.Levels)
                {
                    writes.Add(new SeriesWrite(new SeriesKey(location, metric, $"forecast.p{level * 100:0}"), forecast.Quantile(level)));
                }
            }

            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, csv.ToString(), ct).ConfigureAwait(false);
                AnsiConsole.MarkupLine($"Forecast written to [bold]{Markup.Escape(path)}[/].");
            }

            if (parse.GetValue(save) is { } storeOption)
            {
                await using var store = await WattBitStore.OpenAsync(WattBitStore.ResolveLocation(storeOption), ct).ConfigureAwait(false);
                var n = await store.UpsertSeriesAsync(writes, ct).ConfigureAwait(false);
                AnsiConsole.MarkupLine($"Stored {n:N0} forecast values in [bold]{Markup.Escape(store.Description)}[/].");
            }

            return 0;
        });
        return command;
    }

    private static IForecaster[] Forecasters() => [new RegressionForecaster(), new PersistenceForecaster(), new SeasonalNaiveForecaster()];

    private static void CheckHorizon(int hours)
    {
        if (hours is < 1 or > 48)
        {
            throw new CliException($"--horizon must be 1 to 48 hours (got {hours}).");
        }
    }

    private static int Steps(TimeSeries series, int hours) => (int)(TimeSpan.FromHours(hours) / series.Step);

    private static TimeSpan OriginTime(string text) =>
        TimeSpan.TryParseExact(text, ["h\\:mm", "hh\\:mm"], CultureInfo.InvariantCulture, out var t) && t < TimeSpan.FromDays(1)
            ? t
            : throw new CliException($"--origin-time must be HH:MM (got '{text}').");

    private static (string Location, string Metric) SplitName(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? (name[..slash], name[(slash + 1)..]) : (name, "value");
    }

    private static List<string> ExpandFiles(string[] inputs, Func<string, bool> accept)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(Directory.GetFiles(input, "*.csv").Where(accept).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                throw new FileNotFoundException($"file not found: {input}", input);
            }
        }

        return files.Count > 0 ? files : throw new CliException($"no CSV files in {string.Join(", ", inputs)}.");
    }

    private static List<TimeSeries> FromAreaFiles(string[] inputs, string[] metrics)
    {
        var files = ExpandFiles(inputs, AreaSupplyDemandImporter.LooksLikeAreaFile);
        var parts = new List<AreaSupplyDemand>();
        AnsiConsole.Status().Start("Reading", ctx =>
        {
            foreach (var f in files)
            {
                ctx.Status(Markup.Escape("Reading " + Path.GetFileName(f)));
                parts.Add(AreaSupplyDemandImporter.ReadFile(f));
            }
        });
        var data = AreaSupplyDemand.Merge(parts);
        AnsiConsole.MarkupLine($"{Markup.Escape(data.Area.ToString())}: {files.Count} file(s), {data.Count:N0} slots, {Markup.Escape(data.Window.ToString())}, {data.Warnings.Count} warning(s).");
        var list = new List<TimeSeries>();
        foreach (var m in metrics)
        {
            TimeSeries s;
            if (m == "curtailment")
            {
                var solar = data.Has(SupplyDemandKeys.SolarCurtailed) ? data[SupplyDemandKeys.SolarCurtailed] : null;
                var wind = data.Has(SupplyDemandKeys.WindCurtailed) ? data[SupplyDemandKeys.WindCurtailed] : null;
                s = (solar, wind) switch
                {
                    ({ } a, { } b) => a.Zip(b, (x, y) => x + y),
                    ({ } a, null) => a,
                    (null, { } b) => b,
                    _ => throw new CliException($"{data.Area.Code}: the files have no curtailment columns."),
                };
            }
            else if (data.Has(m))
            {
                s = data[m];
            }
            else
            {
                throw new CliException($"{data.Area.Code}: no column '{m}'; the files have {string.Join(", ", data.Series.Keys)} (and 'curtailment').");
            }

            list.Add(s.WithName($"{data.Area.Code}/{m}"));
        }

        return list;
    }

    private static TimeSeries Pick(SignalSet set, string? location, string what)
    {
        if (location is null)
        {
            return set.Locations.Count == 1
                ? set[set.Locations[0]].WithName(set.Locations[0] + "/value")
                : throw new CliException($"{what} has several locations ({string.Join(", ", set.Locations)}): pick one with --area.");
        }

        return set.Contains(location)
            ? set[location].WithName($"{location}/{(set.Kind == SignalKind.Price ? "price" : "value")}")
            : throw new CliException($"{what} has no location '{location}' (it has {string.Join(", ", set.Locations)}).");
    }

    private static async Task<TimeSeries> FromStoreAsync(string storeOption, string? area, string[] metrics, string source, CancellationToken ct)
    {
        if (area is null || metrics.Length != 1)
        {
            throw new CliException("with --store, name one --area and one --metric.");
        }

        await using var store = await WattBitStore.OpenAsync(WattBitStore.ResolveLocation(storeOption), ct).ConfigureAwait(false);
        var key = new SeriesKey(area, metrics[0], source);
        var info = await store.GetSeriesInfoAsync(key, ct).ConfigureAwait(false)
                   ?? throw new CliException($"{store.Description} has no series {key}.");
        var window = new TimeWindow(info.Window.Start.ToOffset(Jst.Offset), info.Window.End.ToOffset(Jst.Offset));
        var series = await store.ReadSeriesAsync(key, window, ct).ConfigureAwait(false);
        return series!.WithName($"{area}/{metrics[0]}");
    }

    private static void Print(BacktestReport r, TimeSpan elapsed)
    {
        AnsiConsole.MarkupLine(
            $"[bold]{Markup.Escape(r.Series)}[/] ({Markup.Escape(r.Unit.Symbol)}): {r.Origins} origins from {Iso8601.Format(r.FirstOrigin)} to {Iso8601.Format(r.LastOrigin)}" +
            $"{(r.SkippedOrigins > 0 ? $", {r.SkippedOrigins} skipped" : "")}, {elapsed.TotalSeconds:0.0} s.");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("horizon");
        foreach (var s in r.Scores)
        {
            table.AddColumn(new TableColumn(Markup.Escape($"{s.Forecaster} MAE / pinball / <P10 / <P90")).RightAligned());
        }

        foreach (var band in r.Bands())
        {
            table.AddRow([band.Label, .. r.Scores.Select((s, i) => Cell(r, s, band, i == 0))]);
        }

        AnsiConsole.Write(table);
        var shortfalls = r.Shortfalls();
        var losses = shortfalls.Where(s => !s.IsTie).ToList();
        if (shortfalls.Count == 0)
        {
            AnsiConsole.MarkupLine($"[green]{Markup.Escape(r.Scores[0].Forecaster)} beats every baseline on every metric and horizon band.[/]");
        }
        else
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(r.Scores[0].Forecaster)} does not beat a baseline in {losses.Count} case(s){(shortfalls.Count > losses.Count ? $" and ties in {shortfalls.Count - losses.Count}" : "")}:[/]");
            foreach (var s in shortfalls)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"  {s.Band,-9} {s.Metric,-16} {(s.IsTie ? "ties" : "loses to")} {s.Baseline}: {s.Value:0.###} vs {s.BaselineValue:0.###}"));
            }
        }
    }

    private static string Cell(BacktestReport r, ForecasterScore s, HorizonBand b, bool bold)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{Num(s.Mae(b.From, b.To))} / {Num(s.MeanPinball(b.From, b.To))} / {s.ShareBelow(0, b.From, b.To):0.00} / {s.ShareBelow(r.Levels.Count - 1, b.From, b.To):0.00}");
        return bold ? $"[bold]{text}[/]" : text;
    }

    private static void AppendMarkdown(StringBuilder md, BacktestReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Append(inv, $"### {r.Series} ({r.Unit.Symbol})\n\n");
        md.Append(inv, $"{r.Origins} daily origins, {Iso8601.Format(r.FirstOrigin)} to {Iso8601.Format(r.LastOrigin)}. MAE of P50 and mean pinball loss over P10/P50/P90 in {r.Unit.Symbol}; calibration = share of actuals below P10 / below P90 (ideal 0.10 / 0.90).\n\n");
        md.Append("| horizon |");
        foreach (var s in r.Scores)
        {
            md.Append(inv, $" {s.Forecaster} MAE | {s.Forecaster} pinball | {s.Forecaster} <P10 / <P90 |");
        }

        md.Append('\n').Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|---:|---:|", r.Scores.Count))).Append('\n');
        foreach (var b in r.Bands())
        {
            md.Append(inv, $"| {b.Label} |");
            foreach (var s in r.Scores)
            {
                md.Append(inv, $" {Num(s.Mae(b.From, b.To))} | {Num(s.MeanPinball(b.From, b.To))} | {s.ShareBelow(0, b.From, b.To):0.00} / {s.ShareBelow(r.Levels.Count - 1, b.From, b.To):0.00} |");
            }

            md.Append('\n');
        }

        var shortfalls = r.Shortfalls();
        md.Append('\n');
        if (shortfalls.Count == 0)
        {
            md.Append(inv, $"{r.Scores[0].Forecaster} beats both baselines on every metric in every band.\n\n");
        }
        else
        {
            md.Append(inv, $"Where {r.Scores[0].Forecaster} does **not** beat a baseline:\n\n");
            foreach (var s in shortfalls)
            {
                md.Append(inv, $"- {s.Band}, {s.Metric}: {(s.IsTie ? "ties with" : "loses to")} {s.Baseline} ({s.Value:0.###} vs {s.BaselineValue:0.###})\n");
            }

            md.Append('\n');
        }
    }

    /// <summary>Errors in MW read best as whole numbers, prices in JPY/kWh with two decimals.</summary>
    private static string Num(double v) => v.ToString(Math.Abs(v) >= 100 ? "N0" : "N2", CultureInfo.InvariantCulture);

    private static void PrintForecast(ProbabilisticForecast f)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{f.Name} ({f.Unit.Symbol}) from {Iso8601.Format(f.Origin)}"));
        foreach (var h in new[] { "time", "P10", "P50", "P90" })
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }

        var perHour = Math.Max(1, (int)(TimeSpan.FromHours(1) / f.Step));
        for (var k = 0; k < f.Steps; k += perHour * 3)
        {
            table.AddRow(Iso8601.Format(f.Origin + (f.Step * k)), F(f.Value(0.1, k)), F(f.Value(0.5, k)), F(f.Value(0.9, k)));
        }

        AnsiConsole.Write(table);

        static string F(double v) => double.IsNaN(v) ? "missing" : Num(v);
    }
}
