namespace WattBit.Cli.Tests;

/// <summary><c>wattbit simulate</c> on a roadmap file (decision 0178): the CLI composes the Japan backbone's layer at the clusters' substations.</summary>
public sealed class SimulateRoadmapTests : IDisposable
{
    private const string Roadmap = """
        name: small roadmap
        roadmap: {from: 2025, to: 2027, weeks: [2025-08-04], max_km: 60}
        clusters:
          - {id: inzai, area: TK, lat: 35.83, lon: 140.15, mw: {2025: 100, 2027: 20000}}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("wattbit-cli-roadmap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Simulate_ARoadmap_SaysWhenEachClusterRunsOut_AndWritesTheTables()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "roadmap.yaml"), Roadmap);
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "roadmap.yaml", "--out", "report");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("inzai (TK, TK:", r.Out, StringComparison.Ordinal);
        Assert.Contains("runs out in", r.Out, StringComparison.Ordinal); // 20 GW at one substation cannot fit
        var runOut = await File.ReadAllLinesAsync(Path.Combine(_dir, "report", "run_out.csv"));
        Assert.StartsWith("cluster,area,substation,runs_out", runOut[0], StringComparison.Ordinal);
        Assert.StartsWith("inzai,TK,TK:", runOut[1], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "report", "plots", "roadmap.svg")));
    }

    [Fact]
    public async Task Simulate_ARoadmapWithMoves_WritesTheTies_AndATieChangeNamingNoTieFailsNamingTheFile()
    {
        var moves = Roadmap.Replace("max_km: 60}", "max_km: 60, moves: true, tie_share: 0.5}", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(_dir, "moves.yaml"), moves + "\ntie_changes:\n  - {tie: 周波数変換設備, from: 2027, mw: 3000}\n");
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "moves.yaml", "--out", "moves");
        Assert.True(r.ExitCode == 0, r.Error);
        var ties = await File.ReadAllLinesAsync(Path.Combine(_dir, "moves", "ties.csv"));
        Assert.Equal("tie,from,to,year,capacity_mw,usable_mw,usable_from,peak_moved_mw,hours_binding", ties[0]);
        Assert.Contains(ties, l => l.StartsWith("周波数変換設備,TK,CB,2027,3000,1500,tie share,", StringComparison.Ordinal));
        // An AC tie's usable MW comes from its own flows in the grid model; a converter's from the tie share.
        Assert.Contains(ties, l => l.StartsWith("相馬双葉幹線,TH,TK,2025,5150,", StringComparison.Ordinal) && l.Contains(",model flows,", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(_dir, "moves", "plots", "run_out.svg")));

        await File.WriteAllTextAsync(Path.Combine(_dir, "bad.yaml"), moves + "\ntie_changes:\n  - {tie: nowhere, from: 2027, mw: 3000}\n");
        var bad = await WattbitProcess.RunAsync(_dir, "simulate", "bad.yaml");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("bad.yaml:6: tie_changes: 'nowhere' is not an OCCTO tie of the backbone", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_ARoadmapClusterFarFromEverySubstation_FailsNamingTheFileAndCluster()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "far.yaml"), Roadmap.Replace("lat: 35.83, lon: 140.15", "lat: 30.00, lon: 150.00", StringComparison.Ordinal));
        var r = await WattbitProcess.RunAsync(_dir, "simulate", "far.yaml");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("far.yaml: cluster 'inzai' (line 4): no substation of the headroom layer (japan-backbone) lies within 60 km", r.Error, StringComparison.Ordinal);
    }
}
