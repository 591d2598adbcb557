using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WattBit.Formats;
using WattBit.Planning.Shifting;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit best</c>: the Carbon-Aware-SDK-style "best location and time" query on a signal file.</summary>
internal static class BestCommand
{
    public static Command Create()
    {
        var signal = new Option<FileInfo>("--signal") { Description = "Signal file (timestamp,location,value).", Required = true };
        var locations = new Option<string[]>("--location") { Description = "A location to compare (repeat the option for several).", Required = true, AllowMultipleArgumentsPerToken = false };
        var from = new Option<string>("--from") { Description = "Earliest start, ISO 8601 with offset (e.g. 2025-04-01T00:00:00+09:00).", Required = true };
        var to = new Option<string>("--to") { Description = "Latest end, ISO 8601 with offset.", Required = true };
        var window = new Option<double?>("--window") { Description = "Window length in minutes (default: one signal step)." };
        var price = new Option<bool>("--price") { Description = "Read the signal as a price (JPY/kWh) instead of carbon intensity (gCO2/kWh)." };
        var command = new Command("best", "Find the location and start time with the lowest average signal over a window (Carbon Aware SDK style).")
        {
            signal, locations, from, to, window, price,
        };
        command.SetAction(parse => Run(parse.GetValue(signal)!, parse.GetValue(locations)!, parse.GetValue(from)!, parse.GetValue(to)!,
            parse.GetValue(window), parse.GetValue(price)));
        return command;
    }

    private static int Run(FileInfo signalFile, string[] locations, string fromText, string toText, double? windowMinutes, bool price)
    {
        var from = Iso8601.TryParse(fromText, out var f, out var r1) ? f : throw new CliException($"--from: {r1}.");
        var to = Iso8601.TryParse(toText, out var t, out var r2) ? t : throw new CliException($"--to: {r2}.");
        if (to <= from)
        {
            throw new CliException($"--to ({toText}) must be after --from ({fromText}).");
        }

        if (windowMinutes is { } wm && (!double.IsFinite(wm) || wm <= 0))
        {
            throw new CliException($"--window must be a positive number of minutes (got {wm}).");
        }

        var kind = price ? SignalKind.Price : SignalKind.Carbon;
        var signal = SignalCsv.ReadFile(signalFile.FullName, kind);
        var distinct = locations.Distinct(StringComparer.Ordinal).ToArray();
        var result = BestWindow.Find(signal, distinct, new TimeWindow(from, to), windowMinutes is { } m ? TimeSpan.FromMinutes(m) : null);

        var unit = price ? "JPY/kWh" : "gCO2/kWh";
        var table = new Table().Border(TableBorder.Rounded).Title(result.Best.Count > 1 ? $"[bold]Best windows ({result.Best.Count} tied)[/]" : "[bold]Best window[/]");
        table.AddColumn("location");
        table.AddColumn("start");
        table.AddColumn("end");
        table.AddColumn(new TableColumn($"average ({unit})").RightAligned());
        foreach (var c in result.Best)
        {
            table.AddRow(Markup.Escape(c.Location), Iso8601.Format(c.Window.Start), Iso8601.Format(c.Window.End),
                c.Average.ToString("0.###", CultureInfo.InvariantCulture));
        }

        Ui.Out.Write(table);
        Ui.Out.MarkupLine($"{result.Evaluated} candidate windows evaluated over {Markup.Escape(result.Range.ToString())}" +
            (result.SkippedMissing > 0 ? $"; {result.SkippedMissing} skipped for missing values." : "."));
        return 0;
    }
}
