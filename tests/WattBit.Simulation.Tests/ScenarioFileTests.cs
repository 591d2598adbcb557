using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Sites;

namespace WattBit.Simulation.Tests;

public sealed class ScenarioFileTests
{
    [Fact]
    public void NationalScenario_HasTenAreasAndAllPolicies()
    {
        var s = NationalScenario.Load();
        Assert.Equal(10, s.Sites.Select(x => x.Area.Code).Distinct().Count());
        Assert.Equal(161, s.Sites.Count);
        Assert.Equal(5, s.Policies.Count);
        Assert.Equal(TimeSpan.FromHours(1), s.Step);
        Assert.Equal(8760, s.Steps);
        Assert.All(s.Sites.Where(x => x.Id.StartsWith("dc-", StringComparison.Ordinal)), x => Assert.True(x.ItMw < 2));
    }

    [Fact]
    public void DistributedGenerator_AssignsConnectionKindsInProportion()
    {
        var s = TestScenarios.Parse(TestScenarios.Yaml(sites: 20, firm: 0.5, provisional: 0.25, flexible: 0.25));
        Assert.Equal(10, s.Sites.Count(x => x.Connection.Kind == ConnectionKind.Firm));
        Assert.Equal(5, s.Sites.Count(x => x.Connection.Kind == ConnectionKind.ProvisionalProfile));
        Assert.Equal(5, s.Sites.Count(x => x.Connection.Kind == ConnectionKind.Flexible));
    }

    [Fact]
    public void DistributedGenerator_GivesEveryAreaTheStatedMix_NotOneKindPerArea()
    {
        // 40 sites over the ten areas in turn, 50/25/25: each area's four sites are two firm, one provisional, one flexible.
        var s = TestScenarios.Parse(TestScenarios.Yaml(sites: 40, firm: 0.5, provisional: 0.25, flexible: 0.25));
        Assert.All(s.Sites.GroupBy(x => x.Area.Code), area =>
        {
            Assert.Equal(2, area.Count(x => x.Connection.Kind == ConnectionKind.Firm));
            Assert.Equal(1, area.Count(x => x.Connection.Kind == ConnectionKind.ProvisionalProfile));
            Assert.Equal(1, area.Count(x => x.Connection.Kind == ConnectionKind.Flexible));
        });
    }

    [Fact]
    public void GridLimitLabels_NameTheScenarioTypedContracts_AndTheModelOrUploadForTheRest()
    {
        // Tokyo: a firm site and a provisional one with a written-out profile (scenario-typed), a provisional one without a
        // profile and a flexible one (the layer's, or the connection model's without a layer).
        var s = TestScenarios.Parse(TestScenarios.Yaml(sites: 1).Replace("sites:\n", """
        sites:
          - {id: f, area: TK, lat: 35.60, lon: 139.60, it_mw: 1, connection: {kind: firm, mw: 1.3}}
          - {id: p, area: TK, lat: 35.70, lon: 139.70, it_mw: 1, connection: {kind: provisional, profile_mw: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}}
          - {id: q, area: TK, lat: 35.80, lon: 139.80, it_mw: 1, connection: {kind: provisional, mw: 1.3}}
          - {id: x, area: TK, lat: 35.90, lon: 139.90, it_mw: 1, connection: {kind: flexible, mw: 1.3}}

        """, StringComparison.Ordinal));
        var first = new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.FromHours(9));
        Assert.Equal("synthetic 2 sites, scenario-typed 2 sites", SimulationWorld.LimitOrigin(s, "TK", null));
        Assert.Equal("Japan model layer 2 sites, scenario-typed 2 sites", SimulationWorld.LimitOrigin(s, "TK", new HeadroomLayerInfo("japan-backbone", true, "reference year", first, 24)));
        Assert.Equal("TSO upload 2 sites, scenario-typed 2 sites", SimulationWorld.LimitOrigin(s, "TK", new HeadroomLayerInfo("tepco-upload", false, "TSO table", first, 24)));
        Assert.Equal("no sites", SimulationWorld.LimitOrigin(s, "ON", null));
    }

    [Fact]
    public void Cluster_SplitsCapacityAndConnectionOverBuildings()
    {
        var yaml = TestScenarios.Yaml().Replace("sites:\n", """
        sites:
          - generate: cluster
            id: gw
            area: HKD
            lat: 42.63
            lon: 141.6
            it_mw: 1000
            buildings: 4
            connection: {kind: firm, mw: 1200}

        """, StringComparison.Ordinal);
        var s = TestScenarios.Parse(yaml);
        var cluster = s.Sites.Where(x => x.Id.StartsWith("gw-", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, cluster.Count);
        Assert.All(cluster, x => Assert.Equal(250, x.ItMw, 9));
        Assert.All(cluster, x => Assert.Equal(300, x.ConnectionMw, 9));
    }

    [Fact]
    public void CheckpointKinds_DefaultToTrainingAndBackup_AndAreReadFromTheWorkload()
    {
        var byDefault = TestScenarios.Parse(TestScenarios.Yaml()).Workload;
        Assert.True(byDefault.Checkpoints(WattBit.Workloads.WorkloadKind.Training));
        Assert.True(byDefault.Checkpoints(WattBit.Workloads.WorkloadKind.Backup));
        Assert.False(byDefault.Checkpoints(WattBit.Workloads.WorkloadKind.Batch));

        var batchOnly = TestScenarios.Parse(TestScenarios.Yaml().Replace("workload:\n", "workload:\n  checkpoint: [batch]\n", StringComparison.Ordinal)).Workload;
        Assert.True(batchOnly.Checkpoints(WattBit.Workloads.WorkloadKind.Batch));
        Assert.False(batchOnly.Checkpoints(WattBit.Workloads.WorkloadKind.Training));
    }

    [Fact]
    public void UnknownCheckpointKind_FailsWithItsLine()
    {
        var yaml = TestScenarios.Yaml().Replace("workload:\n", "workload:\n  checkpoint: [training, inference]\n", StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Equal(LineOf(yaml, "checkpoint:"), e.Line);
        Assert.Contains("'inference' is not a job kind", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownArea_FailsWithItsLine()
    {
        var yaml = TestScenarios.Yaml().Replace("sites:\n", "sites:\n  - {id: x, area: Narnia, lat: 35, lon: 139, it_mw: 1, connection: {kind: firm, mw: 1}}\n", StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Equal(LineOf(yaml, "Narnia"), e.Line);
        Assert.Contains("unknown area 'Narnia'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlappingSites_FailWithTheLineOfTheSecond()
    {
        var yaml = TestScenarios.Yaml().Replace("sites:\n", """
        sites:
          - {id: a, area: TK, lat: 35.8, lon: 140.1, it_mw: 1, connection: {kind: firm, mw: 1}}
          - {id: b, area: TK, lat: 35.8001, lon: 140.1, it_mw: 1, connection: {kind: firm, mw: 1}}

        """, StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Equal(LineOf(yaml, "id: b"), e.Line);
        Assert.Contains("overlaps site 'a'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateSiteId_Fails()
    {
        var yaml = TestScenarios.Yaml().Replace("sites:\n", """
        sites:
          - {id: a, area: TK, lat: 35.8, lon: 140.1, it_mw: 1, connection: {kind: firm, mw: 1}}
          - {id: a, area: KY, lat: 33.6, lon: 130.4, it_mw: 1, connection: {kind: firm, mw: 1}}

        """, StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Equal(LineOf(yaml, "area: KY"), e.Line);
    }

    [Fact]
    public void BatteryWithMinSocAboveMaxSoc_FailsWithItsLineAndTheKey()
    {
        var yaml = TestScenarios.Yaml(batteries: "batteries: {share: 0.5}").Replace("batteries: {share: 0.5}",
            "batteries: {share: 0.5}\n  - {id: b1, area: TK, lat: 35.6, lon: 139.7, it_mw: 2, connection: {kind: firm}, battery: {energy_mwh: 4, power_mw: 1, min_soc: 0.8, max_soc: 0.5}}",
            StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Equal(LineOf(yaml, "b1"), e.Line);
        Assert.Contains("min_soc", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DistributedBatteries_GoToTheGivenShareOfSites_SizedByItCapacity()
    {
        var scenario = TestScenarios.Parse(TestScenarios.Yaml(sites: 12, batteries: "batteries: {share: 0.5, power_share: 0.25, hours: 4}"));
        var withBattery = scenario.Sites.Where(x => x.Battery is not null).ToList();
        Assert.Equal(6, withBattery.Count);
        Assert.All(withBattery, x => Assert.Equal(x.ItMw * 0.25 * 4, x.Battery!.EnergyCapacity.MegawattHours, 9));
        Assert.All(withBattery, x => Assert.Equal(x.ItMw * 0.25, x.Battery!.MaxPower.Megawatts, 9));
    }

    [Fact]
    public void UnknownPolicy_FailsWithItsLine()
    {
        var yaml = TestScenarios.Yaml().Replace("policies: [baseline, time-shift, greenest-site, capacity-caps, wattbit, wattbit-planner]",
            "policies:\n  - baseline\n  - teleport", StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Equal(LineOf(yaml, "teleport"), e.Line);
        Assert.Contains("unknown policy 'teleport'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("step: 1h", "step: 15min", "step must be 30min or 1h")]
    [InlineData("seed: 7", "seed: seven", "'seed' must be a whole number")]
    [InlineData("name: test", "name: test\ncolour: red", "unknown key 'colour'")]
    [InlineData("kind: firm", "kind: firmest", "unknown connection kind")]
    public void BadValues_FailWithTheLine(string from, string to, string message)
    {
        var yaml = TestScenarios.Yaml().Replace("connections: {firm: 0.4, provisional: 0.3, flexible: 0.3}",
            "connections: {firm: 0.4, provisional: 0.3, flexible: 0.3}\n  - {id: z, area: ON, lat: 26.2, lon: 127.7, it_mw: 1, connection: {kind: firm, mw: 1}}", StringComparison.Ordinal)
            .Replace(from, to, StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, to.Split('\n')[^1].Split(':')[0]), e.Line);
    }

    [Fact]
    public void PeriodOutsideTheFiscalYear_Fails()
    {
        var yaml = TestScenarios.Yaml(start: "2026-03-25");
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Contains("fiscal year 2025", e.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, "start:"), e.Line);
    }

    [Fact]
    public void ProvisionalProfile_NeedsTwentyFourValues()
    {
        var yaml = TestScenarios.Yaml().Replace("sites:\n", "sites:\n  - {id: p, area: TK, lat: 35.8, lon: 140.1, it_mw: 1, connection: {kind: provisional, profile_mw: [1, 2]}}\n", StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Contains("needs 24 values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EventInUnknownArea_FailsWithItsLine()
    {
        var yaml = TestScenarios.Yaml(events: "events:\n  - {kind: blackout, area: Atlantis, start: 2025-05-02, end: 2025-05-03}");
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Equal(LineOf(yaml, "Atlantis"), e.Line);
    }

    [Fact]
    public void Events_AreRead()
    {
        var s = TestScenarios.Parse(TestScenarios.Yaml(events: "events:\n  - {kind: faults, rate_per_year: 2, hours: 8}\n  - {kind: maintenance, area: TK, start: 2025-05-02, end: 2025-05-09, limit_share: 0.5}"));
        Assert.Equal(2, s.GridEvents.Count);
        Assert.Equal(GridEventKind.Faults, s.GridEvents[0].Kind);
        Assert.Equal(0.5, s.GridEvents[0].LimitShare);
        Assert.Equal("TK", s.GridEvents[1].Area);
    }

    private static int LineOf(string text, string fragment)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Contains(fragment, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        throw new InvalidOperationException($"'{fragment}' not in the text");
    }
}
