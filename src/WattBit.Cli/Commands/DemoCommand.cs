using System.CommandLine;
using System.Reflection;
using Spectre.Console;
using WattBit.Formats;
using WattBit.Planning.Shifting;
using WattBit.Signals;
using WattBit.Units;

namespace WattBit.Cli.Commands;

/// <summary><c>wattbit demo</c>: the built-in example — shifts the sample jobs against the sample carbon and price signals.</summary>
internal static class DemoCommand
{
    /// <summary>Branch-and-bound nodes each phase of the demo's joint MIP explores: the root only.</summary>
    internal const long DemoNodeLimit = 1;

    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the schedules.", DefaultValueFactory = _ => new DirectoryInfo("wattbit-demo") };
        var command = new Command("demo", "Run the built-in example: shift sample jobs against sample carbon and price signals for three areas.") { output };
        command.SetAction(parse => Run(parse.GetValue(output)!));
        return command;
    }

    private static int Run(DirectoryInfo output)
    {
        output.Create();
        var jobs = JobsCsv.Parse(Resource("jobs.csv"), "samples/shift/jobs.csv");
        Ui.Out.Write(new Rule("[bold]WattBit demo[/]: workload shifting on built-in sample data").LeftJustified());
        Ui.Out.MarkupLine($"{jobs.Jobs.Count} jobs (batch, AI training, backups) over one week in Hokkaido (HKD), Tokyo (TK) and Kyushu (KY).");
        foreach (var (objective, file, kind) in new[]
                 {
                     (ShiftObjective.Carbon, "signal-carbon.csv", SignalKind.Carbon),
                     (ShiftObjective.Cost, "signal-price.csv", SignalKind.Price),
                 })
        {
            var signal = SignalCsv.Parse(Resource(file), "samples/shift/" + file, kind);
            var result = Ui.WithProgress(Ui.Out, $"Shifting for {objective.ToString().ToLowerInvariant()}", jobs.Jobs.Count,
                p => Shifter.Shift(new ShiftRequest(jobs.Jobs, signal, objective), p));
            var path = Path.Combine(output.FullName, $"schedule-{objective.ToString().ToLowerInvariant()}.csv");
            using (var writer = new StreamWriter(path))
            {
                ScheduleCsv.Write(writer, result.Placements.ToScheduleRows());
            }

            ShiftCommand.Report(Ui.Out, result, path, jobs.Jobs);
        }

        // Unlimited, every job runs where the carbon is lowest (Kyushu's solar hours). Real sites have grid limits:
        // the same jobs under a 4 MW limit per location, placed jointly. Each MIP phase stops after its root node (presolve,
        // LP, cuts, heuristics; no branching): a limit of work, not of time, so every run prints the same placement
        // whatever the machine's speed or load; the time limit is only a backstop.
        var carbon = SignalCsv.Parse(Resource("signal-carbon.csv"), "samples/shift/signal-carbon.csv", SignalKind.Carbon);
        var limits = carbon.Locations.ToDictionary(l => l, _ => Power.FromMegawatts(4), StringComparer.Ordinal);
        Ui.Out.Write(new Rule($"[bold]With a 4 MW grid limit per location[/] (joint MIP, each phase stops after {DemoNodeLimit} node)").LeftJustified());
        var limited = Ui.WithProgress(Ui.Out, "Shifting under limits", jobs.Jobs.Count,
            p => Shifter.Shift(new ShiftRequest(jobs.Jobs, carbon, ShiftObjective.Carbon)
            {
                Capacity = limits,
                NodeLimit = DemoNodeLimit,
                TimeLimit = TimeSpan.FromMinutes(10),
            }, p));
        var limitedPath = Path.Combine(output.FullName, "schedule-carbon-limited.csv");
        using (var writer = new StreamWriter(limitedPath))
        {
            ScheduleCsv.Write(writer, limited.Placements.ToScheduleRows());
        }

        ShiftCommand.Report(Ui.Out, limited, limitedPath, jobs.Jobs);
        Ui.Out.MarkupLine("Try it on your own data: [blue]wattbit shift --signal S.csv --jobs J.csv --objective carbon[/] (see samples/shift).");
        return 0;
    }

    private static string Resource(string name)
    {
        var assembly = Assembly.GetExecutingAssembly();
        using var stream = assembly.GetManifestResourceStream("samples.shift." + name)
            ?? throw new InvalidOperationException($"The built-in sample '{name}' is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
