using System.Diagnostics;
using WattBit.Cluster.Sweeps;
using Xunit.Abstractions;

namespace WattBit.Cluster.Tests;

/// <summary>A sweep of 20 scenario runs (seed, weather year, fleet size and policies varied) fanned out over the three PostgreSQL silos.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class SweepTests(PostgresCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task Sweep_TwentyRunsOverSilos_SameMetricsAsOneProcess()
    {
        var cases = TestScenarios.Sweep(20);
        var clock = Stopwatch.StartNew();
        var outcomes = await ScenarioSweep.RunAsync(cluster.Grains, cases);
        var distributed = clock.Elapsed;
        clock.Restart();
        var local = cases.Select(c => c.Run(TimeProvider.System)).ToList();
        var inProcess = clock.Elapsed;

        var bySilo = outcomes.GroupBy(o => o.Silo).Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine($"{cases.Count} runs; cluster {distributed.TotalSeconds:0.0} s, one process (sequential) {inProcess.TotalSeconds:0.0} s; runs per silo: {string.Join(", ", bySilo)}");
        Assert.True(outcomes.Select(o => o.Silo).Distinct().Count() > 1, "every run landed on one silo");
        for (var i = 0; i < cases.Count; i++)
        {
            Assert.Equal(cases[i].Name, outcomes[i].Name);
            Assert.Equal(local[i].Length, outcomes[i].Policies.Length);
            for (var p = 0; p < local[i].Length; p++)
            {
                Assert.True(local[i][p].SameAs(outcomes[i].Policies[p]), $"{cases[i].Name}, {local[i][p].Policy}: cluster {outcomes[i].Policies[p]} differs from one process {local[i][p]}");
            }
        }

        // The cases differ, so equal metrics are not a coincidence of identical inputs.
        Assert.Equal(cases.Count, outcomes.Select(o => o.Policies[0].EnergyMwh).Distinct().Count());
    }
}
