namespace WattBit.Simulation.Scenarios;

/// <summary>
/// The built-in national scenario that <c>wattbit simulate</c> runs with no argument: 10 areas, the synthetic default
/// year, a fleet of distributed DCs, all policies. It is samples/simulation/national.yaml, embedded in this assembly.
/// </summary>
public static class NationalScenario
{
    /// <summary>Name used for the built-in file in messages.</summary>
    public const string Source = "national.yaml (built in)";

    /// <summary>The scenario file's text.</summary>
    public static string Yaml()
    {
        using var stream = typeof(NationalScenario).Assembly.GetManifestResourceStream("samples.simulation.national.yaml")
            ?? throw new InvalidOperationException("The built-in national scenario is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The parsed scenario.</summary>
    public static SimulationScenario Load() => ScenarioFile.Parse(Yaml(), Source);
}
