namespace WattBit.Cli.Tests;

/// <summary><c>wattbit simulate --objective</c>: what the policies minimise, overriding the scenario's <c>objective</c>.</summary>
public sealed class SimulateObjectiveTests : IDisposable
{
    private const string Scenario = """
        name: objective
        period: {start: 2025-08-01, end: 2025-08-03}
        objective: carbon
        sites:
          - {id: tk, area: TK, lat: 35.85, lon: 139.60, it_mw: 1.5, connection: {kind: flexible, mw: 2}}
          - {id: ky, area: KY, lat: 33.60, lon: 130.40, it_mw: 1.5, connection: {kind: firm, mw: 2}}
        workload: {target_mw: 1, jobs: 40}
        policies: [baseline, wattbit]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("wattbit-cli-objective-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Simulate_ObjectiveCost_OverridesTheScenario_InTheHeaderAndTheReport()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "s.yaml"), Scenario);
        var carbon = await WattbitProcess.RunAsync(_dir, "simulate", "s.yaml", "--out", "carbon");
        var cost = await WattbitProcess.RunAsync(_dir, "simulate", "s.yaml", "--out", "cost", "--objective", "cost");

        Assert.True(carbon.ExitCode == 0, carbon.Error);
        Assert.True(cost.ExitCode == 0, cost.Error);
        Assert.Contains("seed 42, minimising carbon.", carbon.Out, StringComparison.Ordinal);
        Assert.Contains("seed 42, minimising cost.", cost.Out, StringComparison.Ordinal);
        Assert.Contains("policies minimise carbon", await File.ReadAllTextAsync(Path.Combine(_dir, "carbon", "report.html")), StringComparison.Ordinal);
        Assert.Contains("policies minimise cost", await File.ReadAllTextAsync(Path.Combine(_dir, "cost", "report.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_UnknownObjective_FailsNamingTheOptionAndTheChoices()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "s.yaml"), Scenario);
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "s.yaml", "--objective", "speed");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("speed", r.Error + r.Out, StringComparison.Ordinal);
        Assert.Contains("--objective", r.Error + r.Out, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "simulation-report")));
    }
}
