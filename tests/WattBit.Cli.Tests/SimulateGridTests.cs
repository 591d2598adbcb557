namespace WattBit.Cli.Tests;

/// <summary><c>wattbit simulate</c> with a scenario's grid section: the CLI composes the Japan backbone's layer and ties.</summary>
public sealed class SimulateGridTests : IDisposable
{
    private const string Scenario = """
        name: grid
        period: {start: 2025-08-01, end: 2025-08-03}
        grid: {limits: layer, ties: japan}
        sites:
          - {id: tk, area: TK, lat: 35.85, lon: 139.60, it_mw: 1.5, connection: {kind: flexible, mw: 2}}
          - {id: kn, area: KN, lat: 34.70, lon: 135.50, it_mw: 1.5, connection: {kind: provisional, mw: 2}}
          - {id: ky, area: KY, lat: 33.60, lon: 130.40, it_mw: 1.5, connection: {kind: firm, mw: 2}}
        workload: {target_mw: 2, jobs: 60}
        policies: [baseline, wattbit]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("wattbit-cli-simgrid-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Simulate_WithTheLayerAndTies_SaysWhereLimitsComeFrom_AndWritesTheBindingTables()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "grid.yaml"), Scenario);
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "grid.yaml", "--out", "report");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Grid limits: headroom layer japan-backbone at 3 substations for 3 sites", r.Out, StringComparison.Ordinal);
        Assert.Matches(@"│ wattbit\s+│[^\n]*│\s+0 │", r.Out);
        Assert.True(File.Exists(Path.Combine(_dir, "report", "binding_lines.csv")));
        var ties = await File.ReadAllLinesAsync(Path.Combine(_dir, "report", "ties.csv"));
        Assert.Contains(ties, l => l.Contains("関門連系線", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Simulate_ASiteFarFromEverySubstation_FailsBeforeRunning_NamingTheFileAndSite()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "far.yaml"), Scenario.Replace("lat: 33.60, lon: 130.40", "lat: 30.00, lon: 150.00", StringComparison.Ordinal));
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "far.yaml");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("far.yaml: site 'ky' (line 7): no substation of the headroom layer (japan-backbone) lies within 30 km", r.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error, StringComparison.Ordinal);
    }
}
