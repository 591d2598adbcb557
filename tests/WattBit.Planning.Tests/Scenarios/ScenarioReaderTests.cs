using WattBit.Formats;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Scenarios;
using WattBit.Sites;

namespace WattBit.Planning.Tests.Scenarios;

public sealed class ScenarioReaderTests
{
    internal static readonly string SamplePath = Path.Combine(WattBit.Testing.SharedData.RepoRoot, "samples", "planning", "watt-bit-day.yaml");

    private const string Minimal = """
        start: 2026-04-15T00:00:00+09:00
        horizon_hours: 4
        signals:
          TK: { price_yen_per_kwh: 10, carbon_g_per_kwh: 450 }
        sites:
          - id: a
            area: TK
            lat: 35.7
            lon: 139.7
            it_capacity_mw: 10
            gpus: 100
            battery: { energy_mwh: 4, power_mw: 2, charge_efficiency: 0.9 }
            connection: { kind: firm, mw: 12 }
        workloads:
          - { id: j, kind: batch, power_kw: 1000, duration_h: 2, release_h: 0, deadline_h: 4 }
          - id: svc
            kind: inference
            replica_kw: 10
            requests_per_replica: 10
            latency_ms: 5
            demand:
              - { region: tokyo, lat: 35.68, lon: 139.77, rps: 100 }
        """;

    [Fact]
    public void Sample_ReadsEverySection()
    {
        var s = ScenarioReader.Read(SamplePath);
        Assert.Equal(6, s.Problem.Sites.Count);
        Assert.Equal(9, s.Problem.Workloads.Count);
        Assert.Equal(5, s.Events.Count);
        Assert.Equal(ConnectionKind.Flexible, s.Problem.Sites[0].Connection.Kind);
        Assert.Equal("印西キャンパス", s.Problem.Sites[0].Site.Name);
        Assert.Equal(ConnectionKind.ProvisionalProfile, s.Problem.Sites[2].Connection.Kind);
        Assert.NotNull(s.Problem.Sites[3].Connection.N1);
        Assert.IsType<CurtailmentOrder>(s.Events[0]);
        // Inzai and Otemachi are ~40 km apart: one region group. Kitakyushu is alone.
        Assert.Equal(s.Problem.Network.RegionOf(s.Problem.Sites[0].Id), s.Problem.Network.RegionOf(s.Problem.Sites[1].Id));
        Assert.NotEqual(s.Problem.Network.RegionOf(s.Problem.Sites[0].Id), s.Problem.Network.RegionOf(s.Problem.Sites[3].Id));
    }

    [Fact]
    public void Minimal_Parses()
    {
        var s = ScenarioReader.Parse(Minimal, "m.yaml");
        Assert.Equal(4, s.Problem.Steps);
        Assert.Equal(0.9, s.Problem.Sites[0].Battery!.ChargeEfficiency);
    }

    [Theory]
    [InlineData("it_capacity_mw: 10", "it_capacity_mw: -5", 10, "it_capacity_mw")]
    [InlineData("charge_efficiency: 0.9", "charge_efficiency: 1.2", 12, "charge_efficiency")]
    [InlineData("duration_h: 2, release_h: 0, deadline_h: 4", "duration_h: 6, release_h: 0, deadline_h: 4", 15, "longer than its window")]
    [InlineData("latency_ms: 5", "latency_ms: 0.1", 20, "cannot be met")]
    [InlineData("area: TK", "area: XX", 7, "unknown area 'XX'")]
    [InlineData("gpus: 100", "gpus: 100\n    colour: red", 12, "unknown key 'colour'")]
    [InlineData("kind: firm, mw: 12", "kind: firm, mw: -1", 13, "connection.mw")]
    [InlineData("price_yen_per_kwh: 10", "price_yen_per_kwh: [1, 2, 3]", 4, "has 3 values")]
    [InlineData("horizon_hours: 4", "horizon_hours: four", 2, "whole number")]
    public void BadScenario_ErrorNamesTheLineAndField(string from, string to, int line, string expected)
    {
        Assert.Contains(from, Minimal, StringComparison.Ordinal);
        var text = Minimal.Replace(from, to, StringComparison.Ordinal);
        var ex = Assert.Throws<InputFormatException>(() => ScenarioReader.Parse(text, "bad.yaml"));
        Assert.Equal(line, ex.Line);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"bad.yaml:{line}:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generator_ParsesWithItsDefaults_AndAMissingFuelNamesTheField()
    {
        const string block = "battery: { energy_mwh: 4, power_mw: 2, charge_efficiency: 0.9 }";
        var text = Minimal.Replace(block, block + "\n    generator: { power_mw: 5, fuel_hours: 60, emissions_g_per_kwh: 680, use_for_dr: true }", StringComparison.Ordinal);
        var g = ScenarioReader.Parse(text, "g.yaml").Problem.Sites[0].Generator!;
        Assert.Equal(5, g.MaxPower.Megawatts);
        Assert.Equal(TimeSpan.FromHours(60), g.FuelHours);
        Assert.Equal(TimeSpan.FromMinutes(10), g.StartupTime);
        Assert.Equal(680, g.Emissions.GramsPerKilowattHour);
        Assert.True(g.UseForDemandResponse);

        var bad = Minimal.Replace(block, block + "\n    generator: { power_mw: 5, emissions_g_per_kwh: 680 }", StringComparison.Ordinal);
        var ex = Assert.Throws<InputFormatException>(() => ScenarioReader.Parse(bad, "bad.yaml"));
        Assert.Equal(13, ex.Line);
        Assert.Contains("fuel_hours", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("start: 2026\nsites: a: b: c", 2)]
    [InlineData("start: [1, 2\nsites: x", 2)]
    public void BrokenYaml_ReportsItsPosition(string text, int line)
    {
        var ex = Assert.Throws<InputFormatException>(() => ScenarioReader.Parse(text, "broken.yaml"));
        Assert.Equal(line, ex.Line);
        Assert.Contains("not valid YAML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownHomeSite_PointsAtTheWorkload()
    {
        var text = Minimal.Replace("deadline_h: 4 }", "deadline_h: 4, home: nowhere }", StringComparison.Ordinal);
        var ex = Assert.Throws<InputFormatException>(() => ScenarioReader.Parse(text, "bad.yaml"));
        Assert.Equal(15, ex.Line);
        Assert.Contains("home site 'nowhere'", ex.Message, StringComparison.Ordinal);
    }
}
