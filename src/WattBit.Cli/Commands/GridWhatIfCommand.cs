using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using WattBit.Grid.Headroom;
using WattBit.Grid.Network;

namespace WattBit.Cli.Commands;

/// <summary>
/// <c>wattbit grid whatif CASE --bus N[,M…] (--uprate BRANCH:MW | --add-line FROM:TO:X:MW)</c>: headroom of buses before
/// and after a reinforcement, from the base network's sensitivities updated by rank one (decision 0114).
/// </summary>
internal static class GridWhatIfCommand
{
    /// <summary>The command.</summary>
    public static Command Create(TimeProvider time)
    {
        var file = new Argument<FileInfo>("case") { Description = "Case file: MATPOWER (.m) or PSS/E RAW revision 33 (.raw)." };
        var buses = new Option<string>("--bus") { Description = "Bus numbers to answer for, comma-separated.", Required = true };
        var uprate = new Option<string?>("--uprate") { Description = "BRANCH:MW — raise rateA and the emergency rating of a branch (1-based index) by MW." };
        var addLine = new Option<string?>("--add-line") { Description = "FROM:TO:X:MW — a new line between two bus numbers, reactance x (p.u.), rating MW." };
        var output = new Option<string?>("--out") { Description = "Write timestamp,bus,n0_before_mw,n0_after_mw,n1_before_mw,n1_after_mw per step." };
        var command = new Command("whatif", "Headroom of buses before and after uprating a branch or adding a line (rank-one update of PTDF/LODF, no rebuild).")
        {
            file, buses, uprate, addLine, output,
        };
        var series = GridCommands.AddSeriesOptions(command);
        command.SetAction(parse =>
        {
            var up = parse.GetValue(uprate);
            var add = parse.GetValue(addLine);
            if ((up is null) == (add is null))
            {
                throw new CliException("give exactly one of --uprate BRANCH:MW or --add-line FROM:TO:X:MW.");
            }

            var ui = AnsiConsole.Console;
            var (net, engine) = GridCommands.BuildEngine(time, ui, parse.GetValue(file)!, parse, series, ContingencyCriterion.N1);
            var selected = GridCommands.SelectBuses(net, parse.GetValue(buses));
            NetworkChange change = up is not null ? ParseUprate(up, net) : ParseLine(add!, net);
            var sw = Stopwatch.StartNew();
            HeadroomWhatIf whatIf;
            try
            {
                whatIf = new HeadroomWhatIf(engine, change);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message.Split(" (Parameter")[0]);
            }

            var prepareMs = sw.Elapsed.TotalMilliseconds;
            var table = new Table().Title(Markup.Escape(change.Describe(net)))
                .AddColumn("bus").AddColumn(new TableColumn("N-1 min before → after").RightAligned()).AddColumn(new TableColumn("N-1 mean before → after").RightAligned())
                .AddColumn(new TableColumn("N-0 min before → after").RightAligned()).AddColumn(new TableColumn("steps N-1 rose").RightAligned()).AddColumn(new TableColumn("ms").RightAligned());
            var before = new BusHeadroom(engine.Steps);
            var after = new BusHeadroom(engine.Steps);
            var path = parse.GetValue(output);
            using var writer = path is null ? null : new StreamWriter(path);
            writer?.Write("timestamp,bus,n0_before_mw,n0_after_mw,n1_before_mw,n1_after_mw\n");
            var profile = engine.Series.Profile;
            var swept = 0;
            foreach (var k in selected)
            {
                bool noSweep;
                if (change is BranchUprate)
                {
                    // The bus prepared once (decisions 0116, 0117): its base year is "before", and an uprate of a branch
                    // that limits it is then answered from the kept limits without a sweep.
                    var prepared = HeadroomWhatIf.Prepare(engine, k);
                    prepared.Base.CopyTo(before);
                    sw.Restart();
                    noSweep = whatIf.Compute(prepared, after);
                }
                else
                {
                    engine.Compute(k, before);
                    sw.Restart();
                    whatIf.Compute(k, after);
                    noSweep = false;
                }

                var ms = sw.Elapsed.TotalMilliseconds;
                swept += noSweep ? 0 : 1;
                var rose = Enumerable.Range(0, engine.Steps).Count(t => after.N1Mw[t] > before.N1Mw[t] + 1e-6);
                table.AddRow(net.Buses[k].Number.ToString(CultureInfo.InvariantCulture), Pair(before.N1Mw.Min(), after.N1Mw.Min()),
                    Pair(before.N1Mw.Average(), after.N1Mw.Average()), Pair(before.N0Mw.Min(), after.N0Mw.Min()),
                    rose.ToString(CultureInfo.InvariantCulture), ms.ToString("F0", CultureInfo.InvariantCulture));
                for (var t = 0; writer is not null && t < engine.Steps; t++)
                {
                    writer.Write(string.Join(',', WattBit.Formats.Iso8601.Format(profile.Timestamps[t]), net.Buses[k].Number.ToString(CultureInfo.InvariantCulture),
                        HeadroomCsv.Mw(before.N0Mw[t]), HeadroomCsv.Mw(after.N0Mw[t]), HeadroomCsv.Mw(before.N1Mw[t]), HeadroomCsv.Mw(after.N1Mw[t])));
                    writer.Write('\n');
                }
            }

            ui.Write(table);
            ui.MarkupLine($"[grey]update prepared in {prepareMs.ToString("F0", CultureInfo.InvariantCulture)} ms; ms = the what-if answer for one bus over {engine.Steps} steps " +
                $"({whatIf.Contingencies.Length} contingencies after the change); {selected.Count - swept} of {selected.Count} answered without a sweep " +
                $"(an uprate from the bus's kept limits, decision 0117), {swept} with one.[/]");
            return 0;
        });
        return command;
    }

    private static string Pair(double a, double b) => $"{GridCommands.F(a)} → {GridCommands.F(b)}";

    private static BranchUprate ParseUprate(string text, PowerNetwork net)
    {
        var parts = text.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var branch)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var mw))
        {
            throw new CliException($"--uprate: expected BRANCH:MW (e.g. 17:50), not '{text}'.");
        }

        if (branch < 1 || branch > net.Branches.Length)
        {
            throw new CliException($"--uprate: branch {branch} is not in {net.Name} (1..{net.Branches.Length}).");
        }

        return new BranchUprate(branch - 1, mw);
    }

    private static NewLine ParseLine(string text, PowerNetwork net)
    {
        var parts = text.Split(':');
        if (parts.Length != 4 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var from)
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var to)
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            || !double.TryParse(parts[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var mw))
        {
            throw new CliException($"--add-line: expected FROM:TO:X:MW (e.g. 10:12:0.05:150), not '{text}'.");
        }

        if (!net.TryGetBusIndex(from, out var i) || !net.TryGetBusIndex(to, out var j))
        {
            throw new CliException($"--add-line: bus {(net.TryGetBusIndex(from, out _) ? to : from)} is not in {net.Name}.");
        }

        return new NewLine(i, j, x, mw);
    }
}
