namespace WattBit.Cli.Tests;

/// <summary>
/// <c>wattbit simulate</c> on a roadmap with line reinforcements (decision 0226): the backbone of each year is changed by the uprate
/// before its layer is computed, and a line or substation the backbone lacks is refused with the file and line.
/// </summary>
public sealed class SimulateRoadmapLinesTests : IDisposable
{
    private const string Roadmap = """
        name: small roadmap
        roadmap: {from: 2025, to: 2027, weeks: [2025-08-04], max_km: 60}
        clusters:
          - {id: inzai, area: TK, lat: 35.83, lon: 140.15, mw: {2025: 100, 2027: 20000}}
        reinforcements:

        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("wattbit-cli-roadmap-lines-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Simulate_TheBindingLineUprated_HandsTheLimitToTheNextLineFromItsYear_AndTheReportSaysItIsALine()
    {
        // Without the uprate 新京葉's worst hour is set by 西北線 2L (its room is below 0 there, and that line is the one most over per
        // MW at 新京葉: decision 0234); with each circuit +3,000 MW from 2026 the next line limits from 2026, and 2025 is as before.
        await File.WriteAllTextAsync(Path.Combine(_dir, "up.yaml"), Roadmap + "  - {uprate: 西北線, from: 2026, mw: 3000}\n");
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "up.yaml", "--out", "up");
        Assert.True(r.ExitCode == 0, r.Error);
        var years = (await File.ReadAllLinesAsync(Path.Combine(_dir, "up", "roadmap.csv"))).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal("西北線 2L", years[0][11]);
        Assert.All(years.Skip(1), y => Assert.NotEqual("西北線 2L", y[11]));
        var runOut = await File.ReadAllLinesAsync(Path.Combine(_dir, "up", "run_out.csv"));
        Assert.EndsWith(",line_uprate_mw,line_uprate_at_least,uprate_line,other_lines", runOut[0], StringComparison.Ordinal);
        Assert.Contains(",false,西北線,", runOut[1], StringComparison.Ordinal); // the room below 0 is known: exact, each circuit
        var html = await File.ReadAllTextAsync(Path.Combine(_dir, "up", "report.html"));
        Assert.Contains("西北線 uprated by 3,000 MW from 2026 (a line of the grid model)", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  - {uprate: nowhere 2L, from: 2026, mw: 3000}\n", "bad.yaml:6: reinforcement: uprate: no line 'nowhere 2L' in the grid model")]
    [InlineData("  - {new_line: {from: \"TK:新京葉\", to: \"TK:nowhere\", kv: 500, km: 60, mw: 3000}, from: 2026}\n",
        "bad.yaml:6: reinforcement: new line: 'TK:nowhere' is not a substation of the grid model")]
    public async Task Simulate_ALineReinforcementTheBackboneLacks_FailsNamingTheFileAndLine(string row, string expected)
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "bad.yaml"), Roadmap + row);
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "bad.yaml");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(expected, r.Error, StringComparison.Ordinal);
    }
}
