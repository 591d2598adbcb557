using System.Globalization;
using WattBit.Cluster.Sweeps;

namespace WattBit.Cluster.Tests;

/// <summary>Small, fast scenario files for sweeps: a few sites, a week, a few hundred jobs.</summary>
internal static class TestScenarios
{
    public static string Yaml(int seed, int year = 2025, int sites = 4, int jobs = 200, string policies = "baseline, time-shift, wattbit") =>
        string.Create(CultureInfo.InvariantCulture, $$"""
        name: sweep
        data:
          synthetic: {{year}}
        period:
          start: {{year}}-05-01
          end: {{year}}-05-08
        step: 1h
        seed: {{seed}}
        sites:
          - generate: distributed
            count: {{sites}}
            it_mw: [0.5, 1.9]
            grid_factor: 0.8
            connections: {firm: 0.4, provisional: 0.3, flexible: 0.3}
        workload:
          target_mw: 3
          jobs: {{jobs}}
        policies: [{{policies}}]
        """);

    /// <summary>A sweep varying seed, weather year, fleet size and policy set: <paramref name="count"/> cases.</summary>
    public static List<SweepCase> Sweep(int count)
    {
        string[] policySets = ["baseline, time-shift, wattbit", "baseline, greenest-site, capacity-caps"];
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var year = 2024 + (i % 3);
            var sites = 3 + (i % 2);
            var yaml = Yaml(seed: 100 + i, year: year, sites: sites, policies: policySets[i % 2]);
            return new SweepCase($"case-{i:00} seed {100 + i} FY{year} {sites} sites", yaml, $"sweep case {i}");
        })];
    }
}
