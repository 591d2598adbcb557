using System.Globalization;
using WattBit.Data.Reference;
using WattBit.Signals;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

/// <summary>Small scenarios written as scenario files, so the tests exercise the reader too.</summary>
internal static class TestScenarios
{
    public static string Yaml(int seed = 7, int sites = 12, double gridFactor = 1.0, string step = "1h", int days = 14, double targetMw = 6,
        int jobs = 1500, double forecastError = 0, string start = "2025-05-01", double firm = 0.4, double provisional = 0.3, double flexible = 0.3, string events = "", string batteries = "") =>
        string.Create(CultureInfo.InvariantCulture, $"""
        name: test
        data:
          synthetic: 2025
        period:
          start: {start}
          end: {DateOnly.ParseExact(start, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days):yyyy-MM-dd}
        step: {step}
        seed: {seed}
        forecast_error: {forecastError}
        sites:
          - generate: distributed
            count: {sites}
            it_mw: [0.5, 1.9]
            grid_factor: {gridFactor}
            connections: {"{"}firm: {firm}, provisional: {provisional}, flexible: {flexible}{"}"}
            {batteries}
        workload:
          target_mw: {targetMw}
          jobs: {jobs}
        {events}
        policies: [baseline, time-shift, greenest-site, capacity-caps, wattbit, wattbit-planner]
        """);

    public static SimulationScenario Parse(string yaml) => ScenarioFile.Parse(yaml, "test.yaml");

    /// <summary>
    /// A hand-computed case's world: two days of May 2025 at hourly steps, perfect forecasts, the written-out
    /// <paramref name="sites"/> (flow-style YAML mappings), <c>wattbit</c> and <c>wattbit-planner</c>.
    /// </summary>
    public static SimulationWorld HandWorld(string name, int jobs, params string[] sites) => World(Parse(string.Create(CultureInfo.InvariantCulture, $$"""
        name: {{name}}
        period: {start: 2025-05-01, end: 2025-05-03}
        step: 1h
        forecast_error: 0
        sites:
        {{string.Join("\n", sites.Select(x => "  - " + x))}}
        workload: {target_mw: 1, jobs: {{jobs}}}
        policies: [wattbit, wattbit-planner]
        """)));

    /// <summary>The signals a host composes for the scenario (the reference year, real series where the scenario asks).</summary>
    public static SignalYear Signals(SimulationScenario s) => SignalYears.Compose(s.FiscalYear, s.Seed, new TimeWindow(s.Start, s.End), s.Step, s.RealDataDir);

    public static SimulationWorld World(SimulationScenario s, SimulationGrid? grid = null) => SimulationWorld.Build(s, Signals(s), grid);

    public static SimulationResult Run(SimulationScenario s, SimulationGrid? grid = null) => Simulator.Run(s, Signals(s), grid, TimeProvider.System);
}
