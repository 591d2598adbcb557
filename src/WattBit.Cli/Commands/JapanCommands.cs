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
        japan.Subcommands.Add(Calibrate());
        japan.Subcommands.Add(Profile());
        japan.Subcommands.Add(Headroom());
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
        var output = new Option<string>("--out") { Description = "Folder for japan.m, the CSV metadata, japan.geojson and the map japan.svg.", Required = true };
        var typical = new Option<bool>("--uncalibrated") { Description = "Build with the stated per-class values before calibration (the baseline of docs/japan-model.md)." };
        var ridge = new Option<double?>("--ridge") { Description = "The allocation fit's pull towards the prior shares (decision 0104; default as embedded)." };
        var candidates = new Option<int?>("--plant-candidates") { Description = "Buses a plant may feed in the allocation fit (default as embedded)." };
        var iterations = new Option<int?>("--fit-iterations") { Description = "Iterations of each solve of the allocation fit (default as embedded)." };
        var noFit = new Option<bool>("--no-fit") { Description = "Keep the prior shares and plant buses (no allocation fit)." };
        var fitDays = new Option<string?>("--calibration-days") { Description = "Comma-separated days (yyyy-MM-dd) to fit on instead of the default calibration days (for validation inside them)." };
        var command = new Command("build", "Build the backbone (japan.m, japan-buses.csv, japan-branches.csv, japan-plants.csv, japan-links.csv, japan-left-out.csv, japan.geojson, japan.svg).")
        {
            data, output, typical, ridge, candidates, iterations, noFit, fitDays,
        };
        command.SetAction(parse =>
        {
            var sw = Stopwatch.StartNew();
            var sources = JapanModelSources.Load(DataDir(parse.GetValue(data)));
            var parameters = parse.GetValue(typical) ? JapanModelParameters.Typical : JapanModelParameters.Default;
            parameters = parameters with
            {
                AllocationRidge = parse.GetValue(ridge) ?? parameters.AllocationRidge,
                PlantCandidates = parse.GetValue(candidates) ?? parameters.PlantCandidates,
                FitIterations = parse.GetValue(iterations) ?? parameters.FitIterations,
                FitAllocation = parameters.FitAllocation && !parse.GetValue(noFit),
            };
            if (parse.GetValue(fitDays) is { } list)
            {
                var chosen = new List<DateOnly>();
                foreach (var text in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    chosen.Add(DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                        ? d : throw new CliException($"--calibration-days: '{text}' is not a yyyy-MM-dd day."));
                }

                parameters = parameters with { CalibrationDays = chosen };
            }

            var model = JapanModelBuilder.Build(sources, parameters);
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

        foreach (var b in model.Branches.Where(b => b.OcctoSign < 0 && b.Circuit == 1))
        {
            table.AddRow(Markup.Escape($"OCCTO values against their positive direction: {b.OcctoName}"), Markup.Escape(b.PositiveDirection));
        }

        AnsiConsole.Write(table);
        foreach (var x in model.LeftOut.Where(x => x.What is not "plant" and not "open"))
        {
            AnsiConsole.MarkupLine($"[yellow]left out[/] {x.What} {Markup.Escape(x.Area)} {Markup.Escape(x.Name)}: {Markup.Escape(x.Reason)}");
        }

        foreach (var x in model.LeftOut.Where(x => x.What == "open"))
        {
            AnsiConsole.MarkupLine($"[grey]open line[/] {Markup.Escape(x.Area)} {Markup.Escape(x.Name)}: {Markup.Escape(x.Reason)}");
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
        var errors = new Option<string?>("--errors")
        {
            Description = "Write where the squared error of the held-out days (or, with --errors-on calibration, of the calibration days) comes from, per line (area,line,voltage_kv,samples,sse_share,bias_mw,observed_mean_mw,modelled_mean_mw,r2,correlation,direction_share), and print it per area.",
        };
        var errorDays = new Option<string>("--errors-on")
        {
            Description = "With --errors: profile the held-out days (default, the measurement) or the calibration days (what to look at when looking for a cause, so the held-out days stay unseen).",
            DefaultValueFactory = _ => "held-out",
        };
        var freeTies = new Option<bool>("--free-ties")
        {
            Description = "Do not use the observed AC tie flows in the area balances: split each AC island's other generation by its areas' calibration-day shares, so the AC ties carry the model's own flows (decision 0105).",
        };
        var tieSplit = new Option<string>("--tie-split")
        {
            Description = "With --free-ties: how each AC island's other generation is split over its areas: regression (on the island's total and each area's demand less its units, decision 0109) or share (the calibration days' mean shares, decision 0105).",
            DefaultValueFactory = _ => "regression",
        };
        var tieFitDays = new Option<string?>("--tie-fit-days")
        {
            Description = "With --free-ties: fit the split on these calibration days only (comma-separated yyyy-MM-dd), to score it on the other calibration days; 'all' fits it on every day, held-out days included: an in-sample bound on what the split can reach (decision 0129), never a measurement.",
        };
        var ownActuals = new Option<string>("--own-actuals")
        {
            Description = "With --free-ties and the regression split: the areas' own TSO actuals read as further regressors where an area has them on the day (area-supply-demand/: Tokyo, Chubu): none, solar, solar-wind, or solar-wind-thermal (close to reading the ties by subtraction; measured, not the default) (decision 0125).",
            DefaultValueFactory = _ => "none",
        };
        var command = new Command("accuracy", "Replay every OCCTO day and report lines matched, R², direction share and tie error, calibration and held-out days apart.")
        {
            data, model, output, errors, errorDays, freeTies, tieSplit, tieFitDays, ownActuals,
        };
        command.SetAction(parse =>
        {
            var sw = Stopwatch.StartNew();
            var backbone = LoadModel(parse.GetValue(model));
            var dir = Path.Combine(DataDir(parse.GetValue(data)), "occto");
            var files = Directory.GetFiles(dir, "dashboard-*.json").OrderBy(f => f, StringComparer.Ordinal).ToArray();
            var dc = new DcModel(backbone.Network);
            var days = new OcctoDay[files.Length];
            Parallel.For(0, files.Length, i => days[i] = OcctoDay.Load(files[i]));
            var fitDays = days.Where(d => JapanModelParameters.Default.IsCalibration(d.Day)).ToArray();
            if (parse.GetValue(tieFitDays) is "all")
            {
                fitDays = days;
                AnsiConsole.MarkupLine("[yellow]--tie-fit-days all: the split is fitted on every day, the held-out days included: the held-out figures below are an in-sample bound, not a measurement (decision 0129).[/]");
            }
            else if (parse.GetValue(tieFitDays) is { } only)
            {
                var chosen = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(x => DateOnly.TryParseExact(x, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new CliException($"--tie-fit-days: '{x}' is not a date (yyyy-MM-dd)."))
                    .ToHashSet();
                if (chosen.FirstOrDefault(d => !JapanModelParameters.Default.IsCalibration(d)) is var bad && bad != default)
                {
                    throw new CliException($"--tie-fit-days: {bad:yyyy-MM-dd} is not a calibration day.");
                }

                fitDays = [.. fitDays.Where(d => chosen.Contains(d.Day))];
            }

            var split = parse.GetValue(tieSplit)!.Trim().ToLowerInvariant();
            var what = parse.GetValue(ownActuals)!.Trim().ToLowerInvariant() switch
            {
                "none" => OwnActuals.None,
                "solar" => OwnActuals.Solar,
                "solar-wind" => OwnActuals.SolarWind,
                "solar-wind-thermal" => OwnActuals.SolarWindThermal,
                var x => throw new CliException($"--own-actuals must be none, solar, solar-wind or solar-wind-thermal, not '{x}'."),
            };
            var own = parse.GetValue(freeTies) && split == "regression" && what != OwnActuals.None
                ? OwnGeneration(DataDir(parse.GetValue(data)), days.Select(d => d.Day))
                : null;
            var shares = !parse.GetValue(freeTies) ? null : split switch
            {
                "regression" => FreeTieShares.FitRegression(backbone, fitDays, own, what),
                "share" => FreeTieShares.Fit(backbone, fitDays),
                _ => throw new CliException($"--tie-split must be regression or share, not '{split}'."),
            };
            if (own is not null)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"own actuals ({what}): " + string.Join("; ", own.Areas.Select(a => $"{a} on {own.DaysOf(a).Count} of the {days.Length} days"))));
            }

            if (shares is not null)
            {
                AnsiConsole.MarkupLine(shares.IsRegression
                    ? "[grey]free ties: the observed AC tie flows are not used; each AC island's other generation is split by a regression on the day's demands, units and island total (fitted on calibration days, decision 0109); links follow their observed set-points.[/]"
                    : "[grey]free ties: the observed AC tie flows are not used; each AC island's other generation is split by the calibration days' area shares; links follow their observed set-points.[/]");
            }

            var results = new ReplayResult[files.Length];
            Parallel.For(0, files.Length, i => results[i] = JapanReplay.Run(backbone, dc, days[i], shares));
            var metrics = results.Select(r => r.Metrics).ToArray();
            PrintMetrics(metrics, JapanModelParameters.Default);
            var errorPath = parse.GetValue(errors);
            if (errorPath is not null)
            {
                var onCalibration = parse.GetValue(errorDays)!.Trim().ToLowerInvariant() switch
                {
                    "held-out" => false,
                    "calibration" => true,
                    var x => throw new CliException($"--errors-on must be held-out or calibration, not '{x}'."),
                };
                WriteErrors(backbone, results.Where(r => JapanModelParameters.Default.IsCalibration(r.Metrics.Day) == onCalibration), errorPath, onCalibration ? "calibration" : "held-out");
            }

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

    /// <summary>The areas' own solar and wind actuals on the given OCCTO days (48 half-hours from 00:00 JST), where they cover the day.</summary>
    internal static AreaOwnGeneration OwnGeneration(string japanDir, IEnumerable<DateOnly> days)
    {
        var rows = new List<(string, DateOnly, double[], double[], double[])>();
        foreach (var (code, actuals) in WattBit.Data.Reference.AreaActuals.Read(japanDir))
        {
            foreach (var day in days)
            {
                var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), WattBit.Time.Jst.Offset);
                var window = new WattBit.Time.TimeWindow(start, start.AddDays(1));
                if (!actuals.Window.Contains(window) || !actuals.Has(WattBit.Data.Import.SupplyDemandKeys.Solar))
                {
                    continue;
                }

                var slice = actuals.Slice(window);
                var solar = slice[WattBit.Data.Import.SupplyDemandKeys.Solar].Values.ToArray();
                var wind = slice.Has(WattBit.Data.Import.SupplyDemandKeys.Wind) ? slice[WattBit.Data.Import.SupplyDemandKeys.Wind].Values.ToArray() : new double[solar.Length];
                double[] Column(string key) => slice.Has(key) ? slice[key].Values.ToArray() : new double[solar.Length];
                var thermal = slice.Has(WattBit.Data.Import.SupplyDemandKeys.Thermal)
                    ? Column(WattBit.Data.Import.SupplyDemandKeys.Thermal)
                    : [.. Column(WattBit.Data.Import.SupplyDemandKeys.ThermalLng).Zip(Column(WattBit.Data.Import.SupplyDemandKeys.ThermalCoal), (a, b) => a + b)
                        .Zip(Column(WattBit.Data.Import.SupplyDemandKeys.ThermalOil), (a, b) => a + b).Zip(Column(WattBit.Data.Import.SupplyDemandKeys.ThermalOther), (a, b) => a + b)];
                rows.Add((code, day, solar, wind, thermal));
            }
        }

        return new AreaOwnGeneration(rows);
    }

    private static void WriteErrors(JapanBackbone backbone, IEnumerable<ReplayResult> replayed, string path, string set)
    {
        var (lines, areas) = JapanErrorProfile.Compute(backbone, replayed);
        var table = new Table().Title($"Where the squared error of the {set} days comes from").AddColumn("area")
            .AddColumn(new TableColumn("share of SSE").RightAligned()).AddColumn(new TableColumn("R² in area").RightAligned())
            .AddColumn(new TableColumn("correlation").RightAligned()).AddColumn(new TableColumn("direction").RightAligned())
            .AddColumn("lines carrying most of it");
        foreach (var a in areas)
        {
            var top = string.Join(", ", lines.Where(l => l.Area == a.Area).Take(3).Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Line} {100 * l.ShareOfError:F1} %")));
            table.AddRow(a.Area, $"{100 * a.ShareOfError:F1} %", a.RSquared.ToString("F3", CultureInfo.InvariantCulture), a.Correlation.ToString("F3", CultureInfo.InvariantCulture),
                $"{100 * a.DirectionShare:F1} %", Markup.Escape(top));
        }

        AnsiConsole.Write(table);
        var sb = new StringBuilder("area,line,voltage_kv,samples,sse_share,bias_mw,observed_mean_mw,modelled_mean_mw,r2,correlation,direction_share\n");
        foreach (var l in lines)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"{l.Area},{Csv.Escape(l.Line)},{l.VoltageKv:0.###},{l.Samples},{l.ShareOfError:0.######},{l.BiasMw:0.#},{l.ObservedMeanMw:0.#},{l.ModelledMeanMw:0.#},{l.RSquared:0.####},{l.Correlation:0.####},{l.DirectionShare:0.####}\n");
        }

        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
        var top10 = lines.Take(10).Sum(l => l.ShareOfError);
        var biasShare = lines.Sum(l => l.Samples * l.BiasMw * l.BiasMw) / Math.Max(1e-9, lines.Sum(l => l.SquaredError));
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"the 10 worst lines carry {100 * top10:F1} % of the squared error; constant offsets (bias per line) {100 * biasShare:F1} %. wrote [green]{Markup.Escape(path)}[/]"));
    }

    private static Command Calibrate()
    {
        var data = DataOption();
        var rounds = new Option<int>("--rounds") { Description = "Passes of the coordinate search.", DefaultValueFactory = _ => 2 };
        var command = new Command("calibrate", "Fit reactances, load allocation and equivalents on the calibration days only (decision 0102); prints the best parameters.")
        {
            data, rounds,
        };
        command.SetAction(parse =>
        {
            var sw = Stopwatch.StartNew();
            var sources = JapanModelSources.Load(DataDir(parse.GetValue(data)));
            var best = JapanCalibration.Fit(sources, JapanModelParameters.Typical, parse.GetValue(rounds), step =>
            {
                var p = step.Parameters;
                AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"x500 {p.Reactance500} xlow {p.ReactanceLower} load {p.LoadUniformShare} other {p.OtherUniformShare} eq {p.EquivalentFactor} large {p.LargePlantMw}: R² {step.MeanRSquared:F4}, direction {100 * step.MeanDirectionShare:F1} %")));
            });
            var b = best.Parameters;
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"best: Reactance500 {b.Reactance500}, ReactanceLower {b.ReactanceLower}, LoadUniformShare {b.LoadUniformShare}, OtherUniformShare {b.OtherUniformShare}, EquivalentFactor {b.EquivalentFactor}, LargePlantMw {b.LargePlantMw}: mean R² {best.MeanRSquared:F4} on {b.CalibrationDays.Count} calibration days ({sw.Elapsed.TotalSeconds:F0} s).")));
            return 0;
        });
        return command;
    }

    private static Command Profile()
    {
        var data = DataOption();
        var from = new Option<string>("--from") { Description = "First day (JST), e.g. 2025-04-01.", DefaultValueFactory = _ => "2025-04-01" };
        var days = new Option<int>("--days") { Description = "Number of days.", DefaultValueFactory = _ => 365 };
        var output = new Option<string>("--out") { Description = "Profile file (timestamp,demand_scale,solar_pu), hourly.", Required = true };
        var command = new Command("profile", "Write an hourly profile for the backbone from the Tokyo area actuals: demand over its mean, solar over its peak (formats.md §2).")
        {
            data, from, days, output,
        };
        command.SetAction(parse =>
        {
            var dir = Path.Combine(DataDir(parse.GetValue(data)), "area-supply-demand", "tokyo");
            var parts = Directory.GetFiles(dir, "eria_jukyu_*.csv").OrderBy(f => f, StringComparer.Ordinal).Select(f => WattBit.Data.Import.AreaSupplyDemandImporter.ReadFile(f)).ToList();
            var all = WattBit.Data.Import.AreaSupplyDemand.Merge(parts);
            if (!DateOnly.TryParse(parse.GetValue(from), CultureInfo.InvariantCulture, out var first))
            {
                throw new CliException($"--from: '{parse.GetValue(from)}' is not a date.");
            }

            var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), WattBit.Time.Jst.Offset);
            var window = new WattBit.Time.TimeWindow(start, start.AddDays(parse.GetValue(days)));
            if (window.Start < all.Window.Start || window.End > all.Window.End)
            {
                throw new CliException($"the Tokyo actuals cover {Iso8601.Format(all.Window.Start)} .. {Iso8601.Format(all.Window.End)}, not the whole period asked for.");
            }

            var slice = all.Slice(window);
            var demand = slice[WattBit.Data.Import.SupplyDemandKeys.Demand].Resample(TimeSpan.FromHours(1));
            var solar = slice[WattBit.Data.Import.SupplyDemandKeys.Solar].Resample(TimeSpan.FromHours(1));
            // A missing hour takes the same hour of the day before (said below): the profile format has no gaps.
            var filled = 0;
            double[] Fill(ReadOnlySpan<double> values)
            {
                var v = values.ToArray();
                for (var t = 0; t < v.Length; t++)
                {
                    if (!double.IsFinite(v[t]))
                    {
                        v[t] = t >= 24 ? v[t - 24] : v.FirstOrDefault(double.IsFinite);
                        filled++;
                    }
                }

                return v;
            }

            var d = Fill(demand.Values);
            var pv = Fill(solar.Values);
            var mean = d.Average();
            var peak = pv.Max();
            var sb = new StringBuilder("timestamp,demand_scale,solar_pu\n");
            for (var t = 0; t < d.Length; t++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{Iso8601.Format(demand.TimeAt(t))},{d[t] / mean:0.######},{Math.Max(0, pv[t]) / peak:0.######}\n");
            }

            if (filled > 0)
            {
                AnsiConsole.MarkupLine($"[yellow]{filled} missing hour value(s) filled with the same hour of the day before.[/]");
            }

            File.WriteAllText(parse.GetValue(output)!, sb.ToString(), new UTF8Encoding(false));
            AnsiConsole.MarkupLine($"wrote [green]{Markup.Escape(parse.GetValue(output)!)}[/]: {demand.Count} hours from the Tokyo area actuals.");
            return 0;
        });
        return command;
    }

    private static Command Headroom()
    {
        var model = ModelOption();
        var profile = new Option<FileInfo>("--profile") { Description = "Profile file timestamp,demand_scale,solar_pu (e.g. from 'grid japan profile').", Required = true };
        var contingency = new Option<string>("--contingency") { Description = "n-0 or n-1.", DefaultValueFactory = _ => "n-1" };
        var output = new Option<string>("--out") { Description = "Headroom CSV: formats.md §4 columns, then substation, name, area, n0_line, n1_line, n1_outage (OCCTO line names).", DefaultValueFactory = _ => "japan-headroom.csv" };
        var command = new Command("headroom", "Hourly N-0/N-1 headroom at every real substation of the backbone, limiting branch named by its OCCTO line.")
        {
            model, profile, contingency, output,
        };
        command.SetAction(parse =>
        {
            var sw = Stopwatch.StartNew();
            var backbone = LoadModel(parse.GetValue(model));
            var net = backbone.Network;
            var criterion = parse.GetValue(contingency)!.Trim().ToLowerInvariant() switch
            {
                "n-0" or "n0" => WattBit.Grid.Headroom.ContingencyCriterion.N0,
                "n-1" or "n1" => WattBit.Grid.Headroom.ContingencyCriterion.N1,
                var other => throw new CliException($"--contingency must be n-0 or n-1, not '{other}'."),
            };
            var gridProfile = WattBit.Grid.TimeSeries.GridProfile.Load(parse.GetValue(profile)!.FullName);
            var dc = new DcModel(net);
            var engine = new WattBit.Grid.Headroom.HeadroomEngine(Sensitivities.Build(dc), new WattBit.Grid.TimeSeries.NetworkTimeSeries(dc, gridProfile, following: WattBit.Grid.Layer.JapanLayer.Following),
                new WattBit.Grid.Headroom.HeadroomOptions(WattBit.Grid.Headroom.Balancing.Distributed, criterion, 10_000));
            var buses = Enumerable.Range(0, net.Buses.Length).Where(b => IsSubstation(backbone.Buses[b])).ToList();
            var setup = sw.Elapsed;
            var times = gridProfile.Timestamps;
            var path = parse.GetValue(output)!;
            using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
            {
                writer.Write(WattBit.Grid.Headroom.HeadroomCsv.Header + ",substation,name,area,n0_line,n1_line,n1_outage\n");
                WattBit.Grid.Headroom.HeadroomRunner.Run(engine, buses, h =>
                {
                    var meta = backbone.Buses[h.Bus];
                    GridCommands.WriteNamedRows(writer, net, times, h, $",{Csv.Escape(meta.SubstationId)},{Csv.Escape(meta.Name)},{meta.Area.Code},");
                });
            }

            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"{buses.Count} substations × {times.Length} steps, {engine.Contingencies.Length} contingencies: set-up {setup.TotalSeconds:F1} s, total {sw.Elapsed.TotalSeconds:F1} s. wrote [green]{Markup.Escape(path)}[/]"));
            return 0;
        });
        return command;
    }

    /// <summary>A real substation: a named station, not a tower junction, a tee or a plant.</summary>
    private static bool IsSubstation(JapanBus bus) =>
        !bus.SubstationId.Contains(":#", StringComparison.Ordinal) && !bus.SubstationId.Contains(":~", StringComparison.Ordinal) && !JapanStationNames.IsPlant(bus.Name);

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
