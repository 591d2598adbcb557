using System.Globalization;
using WattBit.Testing;

namespace WattBit.Cli.Tests;

/// <summary>Every command group run as a user runs it: the real program, real files, checked outputs and error lines.</summary>
public sealed class CommandGroupsEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wattbit-cli-groups-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Simulate_BuiltInNationalScenario_WritesTheReportAndKeepsWattbitWithinLimits()
    {
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "--out", "report");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Policies compared", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"│ wattbit\s+│[^\n]*│\s+0 │", r.Out);
        var html = await File.ReadAllTextAsync(Path.Combine(_dir, "report", "report.html"));
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "report", "summary.csv")));
        Assert.Contains("<svg", await File.ReadAllTextAsync(Path.Combine(_dir, "report", "plots", "map.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_ScenarioWithUnknownArea_FailsBeforeRunningWithTheLine()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "bad.yaml"), """
            name: bad
            sites:
              - { id: a, area: Narnia, it_mw: 1 }
            """);
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "bad.yaml");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Matches(@"bad\.yaml:\d+(:\d+)?: ", r.Error);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GridInfo_Case9_ReportsSizesAndBridges()
    {
        var r = await WattbitProcess.RunAsync(_dir, "grid", "info", SharedData.Path("grid", "matpower", "case9.m"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Matches(@"buses\s+│\s+9", r.Out);
        Assert.Contains("bridges (1-based branch index): 1 4 7", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GridInfo_MissingFile_IsOneLine()
    {
        var r = await WattbitProcess.RunAsync(_dir, "grid", "info", "nope.m");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task WhatIf_NewLineOnCase9_WritesBeforeAndAfterAndRaisesTheN1Headroom()
    {
        // case9 is a ring through bus 5 (4-5, 5-6): a line 5-8 gives bus 5 a third path, so an outage no longer limits it.
        var r = await WattbitProcess.RunAsync(_dir, "grid", "whatif", SharedData.Path("grid", "matpower", "case9.m"), "--bus", "5",
            "--add-line", "5:8:0.05:250", "--time", "2025-07-01T14:00+09:00", "--out", "whatif.csv");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("new line 5-8", r.Out, StringComparison.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(_dir, "whatif.csv"));
        Assert.Equal("timestamp,bus,n0_before_mw,n0_after_mw,n1_before_mw,n1_after_mw", rows[0]);
        var cells = rows[1].Split(',');
        Assert.Equal("5", cells[1]);
        Assert.True(double.Parse(cells[5], System.Globalization.CultureInfo.InvariantCulture) > double.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture) + 100);
    }

    [Fact]
    public async Task BatteryRelief_HandCheckedTriangle_RanksTheFarBatteryFirst_AndTheOneBesideTheGeneratorGivesNothing()
    {
        // Generator at bus 1, 90 MW at bus 2, line 1-2 rated 100: headroom 60; 30 MW at bus 3 -> 75, at bus 1 -> 60 (decision 0146).
        File.WriteAllText(Path.Combine(_dir, "triangle.m"), string.Join('\n',
            "function mpc = triangle", "mpc.version = '2';", "mpc.baseMVA = 100;", "mpc.bus = [",
            "1 3 0 0 0 0 1 1 0 230 1 1.1 0.9;", "2 1 90 0 0 0 1 1 0 230 1 1.1 0.9;", "3 1 0 0 0 0 1 1 0 230 1 1.1 0.9;", "];",
            "mpc.gen = [", "1 90 0 300 -300 1 100 1 500 0;", "];", "mpc.branch = [",
            "1 2 0 0.1 0 100 100 100 0 0 1 -360 360;", "1 3 0 0.1 0 1000 1000 1000 0 0 1 -360 360;", "3 2 0 0.1 0 1000 1000 1000 0 0 1 -360 360;", "];"));
        var r = await WattbitProcess.RunAsync(_dir, "grid", "battery-relief", "triangle.m", "--dc-bus", "2", "--battery", "near-gen:1:30:1000",
            "--battery", "far:3:30:3000000", "--contingency", "n-0", "--time", "2025-07-01T14:00+09:00");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("60.00 → 75.00", r.Out, StringComparison.Ordinal);
        Assert.Contains("60.00 → 60.00", r.Out, StringComparison.Ordinal);
        Assert.True(r.Out.IndexOf("far", StringComparison.Ordinal) < r.Out.IndexOf("near-gen", StringComparison.Ordinal), r.Out);

        var bad = await WattbitProcess.RunAsync(_dir, "grid", "battery-relief", "triangle.m", "--dc-bus", "2", "--battery", "x:9:30");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("bus 9 is not in", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIf_Uprate_IsAnsweredFromThePreparedBusWithoutASweep()
    {
        var r = await WattbitProcess.RunAsync(_dir, "grid", "whatif", SharedData.Path("grid", "pglib", "pglib_opf_case118_ieee.m"), "--bus", "10",
            "--uprate", "8:50", "--time", "2025-07-01T14:00+09:00");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("branch 8 (8-5) uprated by 50 MW", r.Out, StringComparison.Ordinal);
        var words = string.Join(' ', r.Out.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)); // the console wraps long lines
        Assert.Contains("1 of 1 answered without a sweep", words, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIf_BothChangesOrNeither_IsOneLineError()
    {
        var r = await WattbitProcess.RunAsync(_dir, "grid", "whatif", SharedData.Path("grid", "matpower", "case9.m"), "--bus", "5");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("exactly one of --uprate", r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task SiteCheck_Tomakomai_IsEligibleForHalfAndSmall()
    {
        var r = await WattbitProcess.RunAsync(_dir, "site", "check", "--lat", "42.63", "--lon", "141.6", "--mw", "1.9");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("北海道", r.Out, StringComparison.Ordinal);
        Assert.Contains("rate 1/2", r.Out, StringComparison.Ordinal);
        Assert.Contains("Nearest substation (headroom layer japan-backbone, synthetic): HKD:苫小牧", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiteCheck_FartherThanMaxKmFromTheLayer_FailsNamingTheNearestSubstation()
    {
        var r = await WattbitProcess.RunAsync(_dir, "site", "check", "--lat", "42.63", "--lon", "141.6", "--mw", "1.9", "--max-km", "1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("HKD:苫小牧", r.Error, StringComparison.Ordinal);
        Assert.Contains("--max-km", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiteCheck_Chiba_IsNotEligible()
    {
        var r = await WattbitProcess.RunAsync(_dir, "site", "check", "--lat", "35.78", "--lon", "140.22", "--mw", "30");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("千葉", r.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("rate 1/2", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signals_CarbonCsv_IsTheSignalFormat()
    {
        var r = await WattbitProcess.RunAsync(_dir, "signals", "--area", "TK", "--metric", "carbon",
            "--from", "2025-04-01T00:00:00+09:00", "--to", "2025-04-01T02:00:00+09:00", "--format", "csv");
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("timestamp,location,value", lines[0]);
        Assert.Equal(4, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Matches(@"^2025-04-01T0[01]:[03]0:00\+09:00,TK,\d+(\.\d+)?$", l));
    }

    [Fact]
    public async Task SignalsThenShift_ChainThroughTheSignalFormat()
    {
        var signal = await WattbitProcess.RunAsync(_dir, "signals", "--area", "TK,KY", "--metric", "carbon",
            "--from", "2025-05-01T00:00:00+09:00", "--to", "2025-05-03T00:00:00+09:00", "--format", "csv");
        Assert.True(signal.ExitCode == 0, signal.Error);
        await File.WriteAllTextAsync(Path.Combine(_dir, "s.csv"), signal.Out);
        await File.WriteAllTextAsync(Path.Combine(_dir, "j.csv"), """
            id,release,deadline,duration_minutes,power_kw,interruptible,locations
            a,2025-05-01T00:00:00+09:00,2025-05-02T00:00:00+09:00,180,500,false,
            b,2025-05-01T06:10:00+09:00,2025-05-02T20:00:00+09:00,95,200,true,TK
            """);
        var shift = await WattbitProcess.RunAsync(_dir, "shift", "--signal", "s.csv", "--jobs", "j.csv");
        Assert.True(shift.ExitCode == 0, shift.Error);
        Assert.Contains("2 of 2 jobs placed", shift.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_SampleDay_PrintsTheComparison()
    {
        var r = await WattbitProcess.RunAsync(_dir, "plan", "--scenario", Path.Combine(SharedData.RepoRoot, "samples", "planning", "watt-bit-day.yaml"),
            "--compare", "--out", "plan");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.DoesNotContain("Running HiGHS", r.Out, StringComparison.Ordinal);

        // One column per planner, in the order they ran.
        Assert.Equal(["optimiser", "no-shift", "greedy-carbon"], SummaryRow(r.Out, "metric"));

        // The optimiser's grid energy is what its caps.csv draws, summed here hour by hour (MW caps over one-hour steps).
        var caps = await File.ReadAllLinesAsync(Path.Combine(_dir, "plan", "caps.csv"));
        var capColumn = Array.IndexOf(caps[0].Split(','), "cap_mw");
        var drawnMwh = caps.Skip(1).Sum(l => double.Parse(l.Split(',')[capColumn], CultureInfo.InvariantCulture));
        Assert.Equal(drawnMwh, Numbers(SummaryRow(r.Out, "grid energy (MWh)"))[0], 0.05);

        // The LP's bound is below the objective of every feasible plan, the two heuristics' included.
        var bound = Numbers(SummaryRow(r.Out, "best bound (JPY)").Take(1))[0];
        var objectives = Numbers(SummaryRow(r.Out, "objective (JPY)"));
        Assert.Equal(3, objectives.Length);
        Assert.All(objectives, o => Assert.True(bound <= o + 1, $"bound {bound} above an objective {o}"));
        Assert.Equal(3, Numbers(SummaryRow(r.Out, "emissions (t CO2)")).Length);
    }

    // The cells after the metric name in the row of the plan summary table that starts with it (box or ASCII borders).
    private static string[] SummaryRow(string output, string metric)
    {
        char[] borders = ['│', '|'];
        var line = output.Split('\n').FirstOrDefault(l => l.TrimStart().Length > 0 && borders.Contains(l.TrimStart()[0]) &&
            l.Split(borders, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() == metric);
        Assert.True(line is not null, $"no summary row '{metric}' in:\n{output}");
        return [.. line.Split(borders, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1)];
    }

    private static double[] Numbers(IEnumerable<string> cells) =>
        [.. cells.Select(c => double.Parse(c.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Signals_WithoutSourceAfterAnImport_ReadsTheImportedData()
    {
        var file = SharedData.Path("japan", "area-supply-demand", "tokyo", "eria_jukyu_202504_03.csv");
        var import = await WattbitProcess.RunAsync(_dir, "data", "import", file, "--store", "signals.db");
        Assert.True(import.ExitCode == 0, import.Error + import.Out);
        string[] args = ["signals", "--area", "TK", "--metric", "carbon", "--from", "2025-04-10", "--store", "signals.db"];

        var chosen = await WattbitProcess.RunAsync(_dir, args);
        var store = await WattbitProcess.RunAsync(_dir, [.. args, "--source", "store"]);
        var reference = await WattbitProcess.RunAsync(_dir, [.. args, "--source", "reference"]);

        Assert.True(chosen.ExitCode == 0, chosen.Error);
        Assert.Equal(store.Out, chosen.Out);
        Assert.NotEqual(reference.Out, chosen.Out);
        Assert.Contains("reading the data imported into signals.db", chosen.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signals_WithoutFromOrImportedData_SaysItShowsTodayOfTheReferenceYear()
    {
        var r = await WattbitProcess.RunAsync(_dir, "signals", "--area", "TK", "--store", "empty.db");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("no imported data in empty.db; reading the synthetic reference year", r.Error, StringComparison.Ordinal);
        Assert.Contains("no --from; showing today (JST)", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "empty.db")), "looking for imported data must not create the store");
        Assert.Equal(1 + 48, r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + one JST day of half-hours
    }

    [Fact]
    public async Task DataImport_TokyoMonth_IsIdempotent()
    {
        var file = Directory.GetFiles(SharedData.Path("japan", "area-supply-demand", "tokyo"), "*.csv").Order(StringComparer.Ordinal).First();
        var first = await WattbitProcess.RunAsync(_dir, "data", "import", file, "--store", "store.db");
        Assert.True(first.ExitCode == 0, first.Error + first.Out);
        var again = await WattbitProcess.RunAsync(_dir, "data", "import", file, "--store", "store.db");
        Assert.True(again.ExitCode == 0, again.Error + again.Out);
        Assert.Contains("unchanged", again.Out, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Help_ListsEveryCommandGroup()
    {
        var r = await WattbitProcess.RunAsync(_dir, "--help");
        foreach (var command in new[] { "simulate", "plan", "grid", "site", "data", "signals", "forecast", "exec", "demo", "shift", "best" })
        {
            Assert.Matches($@"(?m)^\s+{command}\s+\S.+$", r.Out);
        }
    }
}
