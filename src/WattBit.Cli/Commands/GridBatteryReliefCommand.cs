using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WattBit.Grid.Headroom;
using WattBit.Planning.Flexibility;
using WattBit.Units;

namespace WattBit.Cli.Commands;

/// <summary>
/// <c>wattbit grid battery-relief CASE --dc-bus K --battery ID:BUS:MW[:YEN] …</c>: for a data centre without its own
/// battery, which batteries elsewhere on the same grid relieve its limiting line and by how much (decision 0146): the
/// grid engine's sensitivities behind the Core contract, ranked by the planner's <see cref="GridBatteryContracts"/>.
/// </summary>
internal static class GridBatteryReliefCommand
{
    /// <summary>The command.</summary>
    public static Command Create(TimeProvider time)
    {
        var file = new Argument<FileInfo>("case") { Description = "Case file: MATPOWER (.m) or PSS/E RAW revision 33 (.raw)." };
        var dc = new Option<int>("--dc-bus") { Description = "Bus number of the data centre.", Required = true };
        var batteries = new Option<string[]>("--battery")
        {
            Description = "ID:BUS:MW[:YEN] — a battery elsewhere: its bus, the discharge it can hold, and optionally the contract's price (JPY). Repeat the option.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var contingency = new Option<string>("--contingency") { Description = "n-0 or n-1 (default n-1: the secure headroom).", DefaultValueFactory = _ => "n-1" };
        var command = new Command("battery-relief", "Which batteries elsewhere on the grid relieve a data centre's limiting line, decided by PTDF/LODF sensitivities (not distance), ranked by price per MW of headroom.")
        {
            file, dc, batteries, contingency,
        };
        var series = GridCommands.AddSeriesOptions(command);
        command.SetAction(parse =>
        {
            var ui = AnsiConsole.Console;
            var criterion = parse.GetValue(contingency)!.Trim().ToLowerInvariant() switch
            {
                "n-0" or "n0" => ContingencyCriterion.N0,
                "n-1" or "n1" => ContingencyCriterion.N1,
                var other => throw new CliException($"--contingency must be n-0 or n-1, not '{other}'."),
            };
            var (net, engine) = GridCommands.BuildEngine(time, ui, parse.GetValue(file)!, parse, series, criterion);
            var dcNode = parse.GetValue(dc).ToString(CultureInfo.InvariantCulture);
            if (!net.TryGetBusIndex(parse.GetValue(dc), out _))
            {
                throw new CliException($"--dc-bus: bus {dcNode} is not in {net.Name}.");
            }

            var offers = parse.GetValue(batteries)!.Select(t => Parse(t, net)).ToList();
            var grid = new BatteryReliefEngine(engine);
            var ranked = GridBatteryContracts.Rank(dcNode, offers, grid);
            var table = new Table().Title(Markup.Escape($"Batteries for the data centre at bus {dcNode} ({grid.Description})"))
                .AddColumn("battery").AddColumn("bus").AddColumn(new TableColumn("MW").RightAligned())
                .AddColumn(new TableColumn("headroom without → with").RightAligned()).AddColumn(new TableColumn("relief MW/MW").RightAligned())
                .AddColumn(new TableColumn("JPY per MW relief").RightAligned()).AddColumn("why");
            foreach (var c in ranked)
            {
                var r = c.Relief;
                table.AddRow(Markup.Escape(c.Offer.Id), c.Offer.Node, GridCommands.F(c.Offer.Power.Megawatts),
                    $"{GridCommands.F(r.Without.Megawatts)} → {GridCommands.F(r.With.Megawatts)}", r.ReliefPerMw.ToString("0.###", CultureInfo.InvariantCulture),
                    c.YenPerMwOfRelief is { } y ? y.ToString("N0", CultureInfo.InvariantCulture) : "—", Markup.Escape(c.Why));
            }

            ui.Write(table);
            return 0;
        });
        return command;
    }

    private static GridBatteryOffer Parse(string text, Grid.Network.PowerNetwork net)
    {
        var p = text.Split(':');
        if (p.Length is < 3 or > 4 || p[0].Length == 0 || !int.TryParse(p[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var bus)
            || !double.TryParse(p[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var mw) || !(mw > 0)
            || (p.Length == 4 && !(double.TryParse(p[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var yen0) && yen0 >= 0)))
        {
            throw new CliException($"--battery: expected ID:BUS:MW[:YEN] with MW > 0 (e.g. b1:7:20:5000000), not '{text}'.");
        }

        if (!net.TryGetBusIndex(bus, out _))
        {
            throw new CliException($"--battery {p[0]}: bus {bus} is not in {net.Name}.");
        }

        var yen = p.Length == 4 ? double.Parse(p[3], CultureInfo.InvariantCulture) : 0;
        return new GridBatteryOffer(p[0], bus.ToString(CultureInfo.InvariantCulture), Power.FromMegawatts(mw), Money.FromYen(yen));
    }
}
