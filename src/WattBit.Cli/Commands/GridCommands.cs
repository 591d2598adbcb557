using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;
using WattBit.Formats;
using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit grid info|pf|headroom|connect</c>: the grid headroom engine (formats.md §1-4).</summary>
internal static class GridCommands
{
    public static Command Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var grid = new Command("grid", "Grid headroom (空き容量, the room the grid has for new load): MATPOWER or PSS/E RAW cases, DC power flow, N-0 headroom (② dynamic: follows the hourly flows) and N-1 headroom (③: what survives any single outage; above it a load is curtailed after one), provisional profiles, curtailment under ③.");
        grid.Subcommands.Add(Info());
        grid.Subcommands.Add(PowerFlow());
        grid.Subcommands.Add(Headroom(time));
        grid.Subcommands.Add(Connect(time));
        grid.Subcommands.Add(Query());
        grid.Subcommands.Add(GridWhatIfCommand.Create(time));
        grid.Subcommands.Add(GridBatteryReliefCommand.Create(time));
        grid.Subcommands.Add(JapanCommands.Create());
        grid.Subcommands.Add(LayerCommands.Create());
        return grid;
    }

    private static Argument<FileInfo> CaseArgument() => new("case") { Description = "Case file: MATPOWER (.m) or PSS/E RAW revision 33 (.raw)." };

    private static Command Info()
    {
        var file = CaseArgument();
        var command = new Command("info", "Sizes, islands, bridges and limits of a case (MATPOWER .m or PSS/E .raw).") { file };
        command.SetAction(parse => RunInfo(parse.GetValue(file)!));
        return command;
    }

    internal static int RunInfo(FileInfo file)
    {
        var net = CaseFile.Load(file.FullName);
        var model = new DcModel(net);
        var topo = model.Topology;
        var table = new Table().AddColumn("item").AddColumn(new TableColumn("value").RightAligned());
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("case", file.Name);
        Row("baseMVA", F(net.BaseMva));
        Row("buses", $"{net.Buses.Length} (isolated type 4: {net.Buses.Count(b => b.Type == BusType.Isolated)})");
        Row("reference bus", net.Buses[net.ReferenceBus].Number.ToString(CultureInfo.InvariantCulture));
        Row("generators", $"{net.Generators.Length} ({net.Generators.Count(g => g.InService)} in service)");
        Row("branches", $"{net.Branches.Length} ({net.Branches.Count(b => b.InService)} in service)");
        Row("transformers / phase shifters", $"{net.Branches.Count(b => b.Ratio != 0)} / {net.Branches.Count(b => b.ShiftDegrees != 0)}");
        Row("load Pd, MW", F(net.Buses.Sum(b => b.Pd)));
        Row("shunt Gs, MW", F(net.Buses.Sum(b => b.Gs)));
        Row("generation Pg in service, MW", F(net.Generators.Where(g => g.InService).Sum(g => g.Pg)));
        Row("branches with rateA > 0 (monitored N-0)", net.Branches.Count(b => b.InService && b.RateA > 0).ToString(CultureInfo.InvariantCulture));
        Row("branches with rateB > 0", net.Branches.Count(b => b.InService && b.RateB > 0).ToString(CultureInfo.InvariantCulture));
        Row("islands", topo.Islands.Length.ToString(CultureInfo.InvariantCulture));
        Row("bridges (skipped as N-1 contingencies)", topo.Bridges.Length.ToString(CultureInfo.InvariantCulture));
        Row("reduced B: size / L nonzeros", $"{model.ReducedSize} / {model.Factor.FactorNonzeros}");
        AnsiConsole.Write(table);
        for (var i = 1; i < topo.Islands.Length; i++)
        {
            var island = topo.Islands[i];
            var load = island.Buses.Sum(b => net.Buses[b].Pd + net.Buses[b].Gs);
            var names = string.Join(' ', island.Buses.Take(8).Select(b => net.Buses[b].Number));
            var more = island.Buses.Length > 8 ? " ..." : string.Empty;
            var status = !island.HasGenerator
                ? (load != 0 ? $"[yellow]island without a generator[/]: {F(load)} MW of load unserved, headroom reported as missing" : "no generator and no load: headroom missing")
                : island.ReferenceChosen ? $"no type-3 bus: reference chosen at bus {net.Buses[island.ReferenceBus].Number} (largest generator)" : "has a reference bus";
            AnsiConsole.MarkupLine($"island {i + 1}: buses {Markup.Escape(names + more)} — {status}");
        }

        if (topo.Bridges.Length > 0)
        {
            var list = string.Join(' ', topo.Bridges.Take(30).Select(b => (b + 1).ToString(CultureInfo.InvariantCulture)));
            AnsiConsole.MarkupLine($"bridges (1-based branch index): {Markup.Escape(list)}{(topo.Bridges.Length > 30 ? " ..." : string.Empty)}");
        }

        return 0;
    }

    private static Command PowerFlow()
    {
        var file = CaseArgument();
        var output = new Option<string?>("--out") { Description = "Write branch flows as CSV (branch,from_bus,to_bus,flow_mw,rate_a_mw,loading_pct); '-' for standard output." };
        var command = new Command("pf", "DC power flow of a case (MATPOWER conventions); prints the most loaded branches.") { file, output };
        command.SetAction(parse => RunPowerFlow(parse.GetValue(file)!, parse.GetValue(output)));
        return command;
    }

    internal static int RunPowerFlow(FileInfo file, string? output)
    {
        var net = CaseFile.Load(file.FullName);
        var model = new DcModel(net);
        var result = DcPowerFlow.Solve(model);
        if (output is not null)
        {
            using var writer = OpenWriter(output);
            writer.Write("branch,from_bus,to_bus,flow_mw,rate_a_mw,loading_pct\n");
            for (var l = 0; l < net.Branches.Length; l++)
            {
                var br = net.Branches[l];
                writer.Write(string.Join(',', (l + 1).ToString(CultureInfo.InvariantCulture), net.Buses[br.From].Number.ToString(CultureInfo.InvariantCulture),
                    net.Buses[br.To].Number.ToString(CultureInfo.InvariantCulture), HeadroomCsv.Mw(result.FlowsMw[l]), HeadroomCsv.Mw(br.RateA),
                    br.RateA > 0 ? HeadroomCsv.Mw(100 * Math.Abs(result.FlowsMw[l]) / br.RateA) : string.Empty));
                writer.Write('\n');
            }
        }

        if (output == "-")
        {
            return 0;
        }

        var table = new Table().Title("Most loaded branches (DC power flow)")
            .AddColumn("branch").AddColumn("from").AddColumn("to")
            .AddColumn(new TableColumn("flow MW").RightAligned()).AddColumn(new TableColumn("rateA MW").RightAligned()).AddColumn(new TableColumn("loading %").RightAligned());
        var order = Enumerable.Range(0, net.Branches.Length).Where(l => net.Branches[l].RateA > 0 && model.IsActive(l))
            .OrderByDescending(l => Math.Abs(result.FlowsMw[l]) / net.Branches[l].RateA).Take(15);
        foreach (var l in order)
        {
            var br = net.Branches[l];
            table.AddRow((l + 1).ToString(CultureInfo.InvariantCulture), net.Buses[br.From].Number.ToString(CultureInfo.InvariantCulture),
                net.Buses[br.To].Number.ToString(CultureInfo.InvariantCulture), F(result.FlowsMw[l]), F(br.RateA), F(100 * Math.Abs(result.FlowsMw[l]) / br.RateA));
        }

        AnsiConsole.Write(table);
        var overloaded = Enumerable.Range(0, net.Branches.Length).Count(l => net.Branches[l].RateA > 0 && Math.Abs(result.FlowsMw[l]) > net.Branches[l].RateA);
        AnsiConsole.MarkupLine($"{overloaded} branch(es) above rateA. Total generation (reference takes the imbalance): {F(result.GeneratorMw.Sum())} MW.");
        return 0;
    }

    internal sealed record SeriesOptions(Option<FileInfo?> Profile, Option<FileInfo?> Solar, Option<string> Balance, Option<double> Cap, Option<string?> Time,
        Option<string> Follow);

    internal static SeriesOptions AddSeriesOptions(Command command)
    {
        var o = new SeriesOptions(
            new Option<FileInfo?>("--profile") { Description = "Profile file timestamp,demand_scale,solar_pu (hourly or half-hourly, no gaps). Without it: one snapshot of the case." },
            new Option<FileInfo?>("--solar") { Description = "Solar file bus,capacity_mw (PV at each bus)." },
            new Option<string>("--balance") { Description = "Who meets the extra load: distributed (generators in proportion to Pg > 0) or reference.", DefaultValueFactory = _ => "distributed" },
            new Option<double>("--cap") { Description = "Headroom cap, MW; a capped value is reported as the cap.", DefaultValueFactory = _ => 10_000 },
            new Option<string?>("--time") { Description = "Timestamp of the snapshot when no --profile is given (default: the current hour, local time)." },
            new Option<string>("--follow") { Description = "How the generators follow the load from step to step: output (in proportion to Pg > 0, formats.md §2) or room (in proportion to Pmax − Pg, as the Japan layer does).", DefaultValueFactory = _ => "output" });
        command.Options.Add(o.Profile);
        command.Options.Add(o.Solar);
        command.Options.Add(o.Balance);
        command.Options.Add(o.Cap);
        command.Options.Add(o.Time);
        command.Options.Add(o.Follow);
        return o;
    }

    private static Balancing ParseBalance(string text) => text.Trim().ToLowerInvariant() switch
    {
        "distributed" => Balancing.Distributed,
        "reference" => Balancing.Reference,
        _ => throw new CliException($"--balance must be distributed or reference, not '{text}'."),
    };

    internal static GenerationFollowing ParseFollowing(string text) => text.Trim().ToLowerInvariant() switch
    {
        "output" => GenerationFollowing.Output,
        "room" => GenerationFollowing.Room,
        _ => throw new CliException($"--follow must be output or room, not '{text}'."),
    };

    private static ContingencyCriterion ParseCriterion(string text) => text.Trim().ToLowerInvariant() switch
    {
        "n-0" or "n0" => ContingencyCriterion.N0,
        "n-1" or "n1" => ContingencyCriterion.N1,
        _ => throw new CliException($"--contingency must be n-0 or n-1, not '{text}'."),
    };

    internal static (PowerNetwork Net, HeadroomEngine Engine) BuildEngine(TimeProvider time, IAnsiConsole ui, FileInfo file, ParseResult parse, SeriesOptions o,
        ContingencyCriterion criterion)
    {
        var balance = ParseBalance(parse.GetValue(o.Balance)!);
        var cap = parse.GetValue(o.Cap);
        if (!(cap > 0))
        {
            throw new CliException($"--cap must be a positive number of MW (got {cap}).");
        }

        var sw = Stopwatch.StartNew();
        var net = CaseFile.Load(file.FullName);
        var profileFile = parse.GetValue(o.Profile);
        GridProfile profile;
        if (profileFile is not null)
        {
            profile = GridProfile.Load(profileFile.FullName);
        }
        else
        {
            var text = parse.GetValue(o.Time);
            DateTimeOffset at;
            if (text is null)
            {
                var now = time.GetLocalNow();
                at = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, now.Offset);
            }
            else if (!Iso8601.TryParse(text, out at, out var reason))
            {
                throw new CliException($"--time: {reason}.");
            }

            profile = GridProfile.Snapshot(at);
        }

        var solarFile = parse.GetValue(o.Solar);
        IReadOnlyList<double>? solar = solarFile is null ? null : SolarCapacity.Load(solarFile.FullName, net);
        var model = new DcModel(net);
        var sens = Sensitivities.Build(model);
        NetworkTimeSeries series;
        try
        {
            series = new NetworkTimeSeries(model, profile, solar, ParseFollowing(parse.GetValue(o.Follow)!));
        }
        catch (ArgumentException e) when (e.ParamName == "following")
        {
            throw new CliException("--follow room: " + e.Message);
        }

        var engine = new HeadroomEngine(sens, series, new HeadroomOptions(balance, criterion, cap));
        ui.MarkupLine($"[grey]{Markup.Escape(file.Name)}: {net.Buses.Length} buses, {net.Branches.Length} branches, {engine.Contingencies.Length} contingencies " +
            $"({model.Topology.Bridges.Length} bridges skipped), {profile.Count} steps of {profile.Step}; PTDF+LODF in {sw.Elapsed.TotalSeconds:F2} s.[/]");
        foreach (var island in model.Topology.Islands.Where(i => !i.IsEnergised && i.Buses.Any(b => net.Buses[b].Pd + net.Buses[b].Gs != 0)))
        {
            ui.MarkupLine($"[yellow]warning:[/] island with bus {net.Buses[island.Buses[0]].Number} ({island.Buses.Length} buses) has load but no generator; its headroom is reported as missing.");
        }

        return (net, engine);
    }

    private static Command Headroom(TimeProvider time)
    {
        var file = CaseArgument();
        var contingency = new Option<string>("--contingency") { Description = "n-0 or n-1 (n-1 also writes n-0).", DefaultValueFactory = _ => "n-1" };
        var buses = new Option<string?>("--buses") { Description = "Bus numbers to report, comma-separated (default: all)." };
        var output = new Option<string>("--out") { Description = "Headroom CSV (timestamp,bus,n0_mw,n1_mw,n0_branch,n1_branch,n1_contingency); '-' for standard output; 'none' for no CSV.", DefaultValueFactory = _ => "headroom.csv" };
        var profileOut = new Option<string?>("--profile-out") { Description = "Write the provisional profile (bus,hour,n0_mw,n1_mw): minimum per hour of day." };
        var byMonth = new Option<bool>("--by-month") { Description = "Provisional profile per month and hour (bus,month,hour,n0_mw,n1_mw) and report what the annual profile wastes." };
        var zonesOut = new Option<string?>("--zones-out") { Description = "Write the welcome-zone CSV (firm, dynamic and ③ headroom per bus)." };
        var geojsonOut = new Option<string?>("--geojson-out") { Description = "Write the welcome zones as GeoJSON points (needs --coords)." };
        var coords = new Option<FileInfo?>("--coords") { Description = "Bus coordinates file bus,lat,lon (MATPOWER cases carry none)." };
        var zoneMw = new Option<double>("--zone-mw") { Description = "Connection size the welcome zones are drawn for, MW.", DefaultValueFactory = _ => 50 };
        var store = new Option<string?>("--store") { Description = "Also write the compact binary store (query it with 'grid query'); '--out none' skips the CSV." };
        var command = new Command("headroom", "Headroom per bus and step, N-0 and N-1, with limiting branch and contingency (formats.md §3-4).")
        {
            file, contingency, buses, output, profileOut, byMonth, zonesOut, geojsonOut, coords, zoneMw, store,
        };
        var series = AddSeriesOptions(command);
        command.SetAction(parse =>
        {
            var toStdout = parse.GetValue(output) == "-";
            var ui = toStdout ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }) : AnsiConsole.Console;
            var criterion = ParseCriterion(parse.GetValue(contingency)!);
            var geo = parse.GetValue(geojsonOut);
            var coordFile = parse.GetValue(coords);
            if (geo is not null && coordFile is null)
            {
                throw new CliException("--geojson-out needs --coords (a bus,lat,lon file): MATPOWER cases have no coordinates.");
            }

            var zoneSize = parse.GetValue(zoneMw);
            var zonesPath = parse.GetValue(zonesOut);
            if ((zonesPath is not null || geo is not null) && criterion == ContingencyCriterion.N0)
            {
                throw new CliException("welcome zones need --contingency n-1 (the firm headroom is the N-1 minimum).");
            }

            var (net, engine) = BuildEngine(time, ui, parse.GetValue(file)!, parse, series, criterion);
            var selected = SelectBuses(net, parse.GetValue(buses));
            var coordinates = coordFile is null ? null : WelcomeZones.LoadCoordinates(coordFile.FullName, net);
            return RunHeadroom(ui, net, engine, selected, parse.GetValue(output)!, parse.GetValue(profileOut), parse.GetValue(byMonth),
                zonesPath, geo, coordinates, zoneSize, parse.GetValue(store));
        });
        return command;
    }

    private static Command Query()
    {
        var storeArg = new Argument<FileInfo>("store") { Description = "A headroom store written by 'grid headroom --store'." };
        var bus = new Option<int>("--bus") { Description = "Bus number.", Required = true };
        var from = new Option<string?>("--from") { Description = "Window start (ISO 8601; default: the first step)." };
        var to = new Option<string?>("--to") { Description = "Window end, exclusive (ISO 8601; default: after the last step)." };
        var top = new Option<int>("--top") { Description = "How many limiting branches to rank.", DefaultValueFactory = _ => 10 };
        var command = new Command("query", "Headroom of one bus over a window from a store, and the branches that limit it most often (reinforcement candidates).")
        {
            storeArg, bus, from, to, top,
        };
        command.SetAction(parse => RunQuery(parse.GetValue(storeArg)!, parse.GetValue(bus), parse.GetValue(from), parse.GetValue(to), parse.GetValue(top)));
        return command;
    }

    internal static int RunQuery(FileInfo file, int bus, string? from, string? to, int top)
    {
        var sw = Stopwatch.StartNew();
        using var store = HeadroomStore.Open(file.FullName);
        if (!store.Contains(bus))
        {
            throw new CliException($"bus {bus} is not in {file.Name}.");
        }

        static DateTimeOffset Time(string text, string name) => Iso8601.TryParse(text, out var v, out var reason) ? v : throw new CliException($"{name}: {reason}");
        var a = from is null ? store.First : Time(from, "--from");
        var b = to is null ? store.Timestamp(store.Steps) : Time(to, "--to");
        var (first, count) = store.Window(a, b);
        var h = store.Read(bus, first, count);
        var ranked = HeadroomQueries.RankLimitingBranches(h, top);
        var ms = sw.Elapsed.TotalMilliseconds;
        var n1 = h.N1Mw.Where(v => !double.IsNaN(v)).ToArray();
        var n0 = h.N0Mw.Where(v => !double.IsNaN(v)).ToArray();
        var table = new Table().Title($"bus {bus}, {count} steps from {Iso8601.Format(store.Timestamp(first))}")
            .AddColumn("").AddColumn(new TableColumn("min MW").RightAligned()).AddColumn(new TableColumn("mean MW").RightAligned()).AddColumn(new TableColumn("max MW").RightAligned());
        if (n0.Length > 0)
        {
            table.AddRow("N-0", F(n0.Min()), F(n0.Average()), F(n0.Max()));
        }

        if (n1.Length > 0)
        {
            table.AddRow("N-1", F(n1.Min()), F(n1.Average()), F(n1.Max()));
        }

        AnsiConsole.Write(table);
        var rank = new Table().Title("Branches limiting N-1 most often (reinforcement candidates)")
            .AddColumn("branch").AddColumn(new TableColumn("steps").RightAligned()).AddColumn(new TableColumn("min MW").RightAligned()).AddColumn("with contingency");
        foreach (var r in ranked)
        {
            rank.AddRow((r.Branch + 1).ToString(CultureInfo.InvariantCulture), r.Steps.ToString(CultureInfo.InvariantCulture), F(r.MinMw),
                r.MostOftenContingency < 0 ? "base case" : (r.MostOftenContingency + 1).ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(rank);
        AnsiConsole.MarkupLine($"answered in {ms.ToString("F1", CultureInfo.InvariantCulture)} ms (branches are 1-based indexes of the case).");
        return 0;
    }

    internal static List<int> SelectBuses(PowerNetwork net, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [.. Enumerable.Range(0, net.Buses.Length)];
        }

        var list = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || !net.TryGetBusIndex(number, out var index))
            {
                throw new CliException($"--buses: '{part}' is not a bus number of {net.Name}.");
            }

            list.Add(index);
        }

        return list;
    }

    private static int RunHeadroom(IAnsiConsole ui, PowerNetwork net, HeadroomEngine engine, List<int> buses, string output, string? profileOut,
        bool byMonth, string? zonesOut, string? geoOut, IReadOnlyDictionary<int, WattBit.Sites.GeoPoint>? coordinates, double zoneMw,
        string? storePath = null)
    {
        var times = engine.Series.Profile.Timestamps;
        var sw = Stopwatch.StartNew();
        var profiles = new List<(int Bus, ProvisionalProfile Profile)>();
        var zones = new List<WelcomeZoneEntry>();
        double minH0 = double.PositiveInfinity, minH1 = double.PositiveInfinity;
        long candidates = 0;
        var steps = engine.Series.Profile;
        using var storeWriter = storePath is null ? null
            : HeadroomStore.Create(storePath, [.. buses.Select(b => net.Buses[b].Number)], times.Length, times[0], steps.Count > 1 ? times[1] - times[0] : TimeSpan.FromHours(1));
        // A case with branch names (the Japan backbone's japan.m: OCCTO line and circuit) gets them beside the indexes.
        var named = net.Branches.Any(b => b.Name is not null);
        var limiting = new Dictionary<int, long>();
        using (var writer = output == "none" ? StreamWriter.Null : OpenWriter(output))
        {
            writer.Write(HeadroomCsv.Header);
            writer.Write(named ? ",n0_line,n1_line,n1_outage\n" : "\n");
            ui.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"headroom, {buses.Count} buses x {times.Length} steps", maxValue: buses.Count);
                    HeadroomRunner.Run(engine, buses, h =>
                    {
                        if (output != "none" && named)
                        {
                            WriteNamedRows(writer, net, times, h);
                        }
                        else if (output != "none")
                        {
                            HeadroomCsv.WriteRows(writer, net, times, h);
                        }

                        foreach (var b in h.N1Branch)
                        {
                            if (b >= 0)
                            {
                                limiting[b] = limiting.GetValueOrDefault(b) + 1;
                            }
                        }

                        storeWriter?.Write(h);
                        candidates += h.N1Candidates;
                        foreach (var v in h.N0Mw)
                        {
                            minH0 = Math.Min(minH0, v);
                        }

                        foreach (var v in h.N1Mw)
                        {
                            minH1 = Math.Min(minH1, v);
                        }

                        if (profileOut is not null)
                        {
                            profiles.Add((h.Bus, ProvisionalProfile.Of(times, h.N0Mw, h.N1Mw, byMonth)));
                        }

                        if (zonesOut is not null || geoOut is not null)
                        {
                            zones.Add(WelcomeZones.Classify(engine, h, zoneMw));
                        }
                    }, new SyncProgress(done => task.Value = done));
                    task.Value = buses.Count;
                });
        }

        if (profileOut is not null)
        {
            using var writer = OpenWriter(profileOut);
            writer.Write(HeadroomCsv.ProfileHeader(byMonth));
            writer.Write('\n');
            foreach (var p in profiles)
            {
                HeadroomCsv.WriteProfile(writer, net, p.Bus, p.Profile, byMonth);
            }

            if (byMonth)
            {
                var gains = profiles.Select(p => p.Profile.MonthlyGainMw()).Where(g => !double.IsNaN(g)).ToArray();
                if (gains.Length > 0)
                {
                    ui.MarkupLine($"A monthly provisional profile would release on average {F(gains.Average())} MW per bus and hour over the annual one (largest bus: {F(gains.Max())} MW).");
                }
            }
        }

        if (zonesOut is not null)
        {
            using var writer = OpenWriter(zonesOut);
            WelcomeZones.WriteCsv(writer, net, zones, coordinates);
        }

        if (geoOut is not null && coordinates is not null)
        {
            using var stream = File.Create(geoOut);
            var written = WelcomeZones.WriteGeoJson(stream, net, zones, coordinates);
            ui.MarkupLine($"GeoJSON: {written} of {zones.Count} buses have coordinates.");
        }

        var table = new Table().AddColumn("result").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("rows written", (buses.Count * (long)times.Length).ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("smallest N-0 headroom, MW", F(minH0));
        if (engine.Options.Criterion == ContingencyCriterion.N1)
        {
            table.AddRow("smallest N-1 headroom, MW", F(minH1));
            table.AddRow("N-1 limits evaluated per bus (after pruning)", F(candidates / (double)Math.Max(1, buses.Count)));
            table.AddRow("N-1 limits per bus without pruning", ((long)engine.Contingencies.Length * net.Branches.Length).ToString("N0", CultureInfo.InvariantCulture));
            foreach (var (b, count) in limiting.OrderByDescending(x => x.Value).ThenBy(x => x.Key).Take(3))
            {
                table.AddRow(Markup.Escape($"limits N-1 most often: branch {b + 1}{(net.Branches[b].Name is { } name ? " " + name : string.Empty)}"),
                    $"{count.ToString("N0", CultureInfo.InvariantCulture)} bus-steps");
            }
        }

        if (zones.Count > 0)
        {
            foreach (var group in zones.GroupBy(z => z.Zone).OrderBy(g => g.Key))
            {
                table.AddRow($"zone {WelcomeZones.Name(group.Key)} ({F(zoneMw)} MW)", group.Count().ToString(CultureInfo.InvariantCulture));
            }
        }

        table.AddRow("elapsed", $"{sw.Elapsed.TotalSeconds:F1} s");
        ui.Write(table);
        if (output is not "-" and not "none")
        {
            ui.MarkupLine($"wrote [green]{Markup.Escape(output)}[/]");
        }

        if (storePath is not null)
        {
            ui.MarkupLine($"wrote [green]{Markup.Escape(storePath)}[/] (query it with 'wattbit grid query')");
        }

        return 0;
    }

    /// <summary>
    /// The §4 rows of one bus, then <paramref name="between"/> (a comma, or more columns ending in one), then the limiting
    /// branch, its N-1 branch and the outage by name (<see cref="Branch.Name"/>, e.g. the Japan backbone's OCCTO lines).
    /// </summary>
    internal static void WriteNamedRows(TextWriter writer, PowerNetwork net, IReadOnlyList<DateTimeOffset> times, BusHeadroom h, string between = ",")
    {
        using var rows = new StringWriter(CultureInfo.InvariantCulture);
        HeadroomCsv.WriteRows(rows, net, times, h);
        string Name(int branch) => branch < 0 ? string.Empty : Csv.Escape(net.Branches[branch].Name ?? string.Empty);
        var t = 0;
        foreach (var line in rows.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var n1 = !double.IsNaN(h.N1Mw[t]);
            writer.Write(line);
            writer.Write(between);
            writer.Write(Name(h.N0Branch[t]));
            writer.Write(',');
            writer.Write(n1 ? Name(h.N1Branch[t]) : string.Empty);
            writer.Write(',');
            writer.Write(n1 ? Name(h.N1Contingency[t]) : string.Empty);
            writer.Write('\n');
            t++;
        }
    }

    private static Command Connect(TimeProvider time)
    {
        var file = CaseArgument();
        var bus = new Option<int>("--bus") { Description = "Bus number of the proposed connection.", Required = true };
        var mw = new Option<double>("--mw") { Description = "Proposed load, MW.", Required = true };
        var rate = new Option<double>("--outage-rate") { Description = "Forced outages per branch per year (placeholder default, override with data).", DefaultValueFactory = _ => OutageModel.DefaultRatePerYear };
        var hours = new Option<double>("--outage-hours") { Description = "Mean outage duration, hours (placeholder default).", DefaultValueFactory = _ => OutageModel.DefaultDurationHours };
        var outages = new Option<FileInfo?>("--outages") { Description = "Per-branch outage statistics: branch,rate_per_year,duration_h (1-based branch)." };
        var maintenance = new Option<FileInfo?>("--maintenance") { Description = "Planned-maintenance windows: branch,start,end (a branch out over [start, end))." };
        var output = new Option<string?>("--out") { Description = "Write the contingency list as CSV (contingency,from_bus,to_bus,steps_curtailed,max_mw,mean_mw,rate_per_year,duration_h,expected_mwh_per_year)." };
        var command = new Command("connect", "Curtailment under ③ for a proposed connection: contingencies that force curtailment, MW and expected MWh per year.")
        {
            file, bus, mw, rate, hours, outages, maintenance, output,
        };
        var series = AddSeriesOptions(command);
        command.SetAction(parse =>
        {
            var ui = AnsiConsole.Console;
            var (net, engine) = BuildEngine(time, ui, parse.GetValue(file)!, parse, series, ContingencyCriterion.N1);
            var number = parse.GetValue(bus);
            if (!net.TryGetBusIndex(number, out var k))
            {
                throw new CliException($"--bus: {number} is not a bus of {net.Name}.");
            }

            var outageFile = parse.GetValue(outages);
            var model = outageFile is null
                ? new OutageModel(parse.GetValue(rate), parse.GetValue(hours))
                : OutageModel.Load(outageFile.FullName, net, parse.GetValue(rate), parse.GetValue(hours));
            var windowsFile = parse.GetValue(maintenance);
            var windows = windowsFile is null ? [] : MaintenanceWindow.Load(windowsFile.FullName, net);
            var report = ui.Status().Start("analysing contingencies", _ => Curtailment.Analyse(engine, k, parse.GetValue(mw), model, windows));
            PrintConnect(ui, net, report, engine.Series.Profile.Step);
            var path = parse.GetValue(output);
            if (path is not null)
            {
                using var writer = OpenWriter(path);
                writer.Write("contingency,from_bus,to_bus,steps_curtailed,max_mw,mean_mw,rate_per_year,duration_h,expected_mwh_per_year\n");
                foreach (var c in report.Contingencies)
                {
                    var br = net.Branches[c.Contingency];
                    writer.Write(string.Join(',', (c.Contingency + 1).ToString(CultureInfo.InvariantCulture), net.Buses[br.From].Number.ToString(CultureInfo.InvariantCulture),
                        net.Buses[br.To].Number.ToString(CultureInfo.InvariantCulture), c.StepsCurtailed.ToString(CultureInfo.InvariantCulture), HeadroomCsv.Mw(c.MaxMw),
                        HeadroomCsv.Mw(c.MeanMw), HeadroomCsv.Mw(c.Outage.RatePerYear), HeadroomCsv.Mw(c.Outage.DurationHours), HeadroomCsv.Mw(c.ExpectedMwhPerYear)));
                    writer.Write('\n');
                }
            }

            return 0;
        });
        return command;
    }

    private static void PrintConnect(IAnsiConsole ui, PowerNetwork net, CurtailmentReport r, TimeSpan step)
    {
        var busNumber = net.Buses[r.Bus].Number;
        ui.MarkupLine($"Proposed load [bold]{F(r.Mw)} MW[/] at bus {busNumber}{(net.Buses[r.Bus].Name is { } n ? $" ({Markup.Escape(n.Trim())})" : string.Empty)}: " +
            $"N-0 headroom ≥ {F(r.MinN0Mw)} MW, N-1 headroom ≥ {F(r.MinN1Mw)} MW over the period.");
        if (r.Mw <= r.MinN1Mw)
        {
            ui.MarkupLine("[green]Firm: within the N-1 headroom at every step; no curtailment.[/]");
        }

        if (r.StepsAboveN0 > 0)
        {
            ui.MarkupLine($"[red]Above the N-0 headroom at {r.StepsAboveN0} step(s) of {step}[/] ({F(r.N0ShortfallMwh)} MWh over the period): not connectable under ③ at those times.");
        }

        var table = new Table().Title("Contingencies forcing curtailment (largest expected energy first)")
            .AddColumn("outage").AddColumn("from-to").AddColumn(new TableColumn("steps").RightAligned()).AddColumn(new TableColumn("max MW").RightAligned())
            .AddColumn(new TableColumn("mean MW").RightAligned()).AddColumn(new TableColumn("/yr × h").RightAligned()).AddColumn(new TableColumn("MWh/yr").RightAligned());
        foreach (var c in r.Contingencies.Take(25))
        {
            var br = net.Branches[c.Contingency];
            table.AddRow((c.Contingency + 1).ToString(CultureInfo.InvariantCulture), $"{net.Buses[br.From].Number}-{net.Buses[br.To].Number}",
                c.StepsCurtailed.ToString(CultureInfo.InvariantCulture), F(c.MaxMw), F(c.MeanMw), $"{F(c.Outage.RatePerYear)} × {F(c.Outage.DurationHours)}", F(c.ExpectedMwhPerYear));
        }

        if (r.Contingencies.Length > 0)
        {
            ui.Write(table);
        }

        ui.MarkupLine($"{r.Contingencies.Length} contingenc(ies) force curtailment; expected curtailed energy [bold]{F(r.ExpectedMwhPerYear)} MWh/yr[/]. " +
            $"{r.Bridges.Length} bridge(s) not analysed as contingencies (their outage splits the network).");
        foreach (var m in r.Maintenance)
        {
            ui.MarkupLine($"maintenance of branch {m.Window.Branch + 1} {Iso8601.Format(m.Window.Start)} – {Iso8601.Format(m.Window.End)}: " +
                $"{m.StepsCurtailed} step(s) curtailed, up to {F(m.MaxMw)} MW, {F(m.EnergyMwh)} MWh.");
        }
    }

    private static StreamWriter OpenWriter(string path) => path == "-"
        ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false))
        : new StreamWriter(path, false, new UTF8Encoding(false));

    internal static string F(double v) => double.IsNaN(v) ? "—" : double.IsPositiveInfinity(v) ? "∞" : v.ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and lag behind).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
