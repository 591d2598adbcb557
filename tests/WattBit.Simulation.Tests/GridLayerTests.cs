using WattBit.Areas;
using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Reporting;
using WattBit.Simulation.Scenarios;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

/// <summary>
/// Site limits from a headroom layer and moves between areas within the ties (decisions 0173, 0174): the limits are
/// checked against hand-computed values, and limits held, lines binding and tie flows are recomputed from the
/// simulator's per-site loads and job pieces, not its counters.
/// </summary>
public sealed class GridLayerTests
{
    private const int Days = 7;
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 0, 0, 0, Jst.Offset);

    private const string LayerYaml = """
        name: layer test
        period: {start: 2025-05-01, end: 2025-05-08}
        seed: 5
        grid: {limits: layer, max_km: 20}
        sites:
          - {id: a1, area: TK, lat: 35.70, lon: 139.70, it_mw: 1.5, pue: 1.2, connection: {kind: flexible, mw: 2}}
          - {id: a2, area: TK, lat: 35.71, lon: 139.71, it_mw: 0.8, pue: 1.25, connection: {kind: flexible, mw: 1}, substation: "TK:one"}
          - {id: b1, area: TK, lat: 36.00, lon: 139.50, it_mw: 1.2, pue: 1.25, connection: {kind: firm, mw: 1.5}}
          - {id: c1, area: TK, lat: 35.40, lon: 139.40, it_mw: 1.0, pue: 1.2, connection: {kind: provisional, mw: 1.3}}
        workload: {target_mw: 2.5, jobs: 300}
        policies: [baseline, greenest-site, wattbit, wattbit-planner]
        """;

    // Hand-made headroom (N-1; N-0 one MW above): "one" swings 0-3 MW every 12 h with two limiting lines, "two" never
    // falls below 0.9 MW (a firm site there keeps its 1.5 MW), "three" rises with the JST hour of day.
    private static double One(int h) => (0.3 * (h % 12)) - 0.3;

    private static double Two(int h) => 0.9 + (0.1 * (h % 5));

    private static double Three(int h) => 0.5 + (0.05 * (h % 24));

    private static string OneLine(int h) => h % 2 == 0 ? "L-even" : "L-odd";

    private static readonly Lazy<HeadroomTable> Layer = new(() =>
    {
        var hours = Days * 24;
        (Substation, HeadroomSource, IEnumerable<HeadroomHour>) Node(string id, GeoPoint at, Func<int, double> n1, Func<int, string> line) =>
            (new Substation(id, id, JapanAreas.Tokyo, 275, at), HeadroomSource.Model,
                Enumerable.Range(0, hours).Select(h => new HeadroomHour(Start.AddHours(h), n1(h) + 1, n1(h), line(h), null)));
        return new HeadroomTable(new HeadroomLayerInfo("hand-made", true, "test", Start, hours),
        [
            Node("TK:one", new GeoPoint(35.705, 139.705), One, OneLine),
            Node("TK:two", new GeoPoint(36.0, 139.5), Two, _ => "L-two"),
            Node("TK:three", new GeoPoint(35.4, 139.4), Three, _ => "L-three"),
        ]);
    });

    private static readonly Lazy<SimulationResult> LayerRun = new(() =>
        TestScenarios.Run(ScenarioFile.Parse(LayerYaml, "layer.yaml"), new SimulationGrid(Layer.Value, [])));

    [Fact]
    public void Limits_ComeFromTheLayerAtEachSitesSubstation_SharedByConnectionMw_CappedByTheConnection()
    {
        var world = LayerRun.Value.World;
        Assert.Equal(["TK:one", "TK:one", "TK:two", "TK:three"], world.SiteSubstation);
        for (var t = 0; t < world.Steps; t++)
        {
            var one = Math.Max(0, One(t));
            Assert.Equal(Math.Min(2, one * 2 / 3), world.PlannedLimitMw[0][t], 9);
            Assert.Equal(Math.Min(1, one / 3), world.PlannedLimitMw[1][t], 9);
            Assert.Equal(1.5, world.PlannedLimitMw[2][t], 9); // firm: the operator's guarantee stands
            Assert.Equal(-1, world.LimitLine[2][t]);
            // Provisional: its contract (per JST hour the least secure headroom, here Three of the hour) plus the hour's room.
            Assert.Equal(Math.Min(1.3, 2 * Three(t % 24)), world.PlannedLimitMw[3][t], 9);
            var lineOfA1 = world.LimitLine[0][t];
            Assert.Equal(one * 2 / 3 < 2 - 1e-9 ? OneLine(t) : null, lineOfA1 < 0 ? null : world.LineNames[lineOfA1]);
            Assert.Equal(2 * Three(t % 24) < 1.3 ? "L-three" : null, world.LimitLine[3][t] < 0 ? null : world.LineNames[world.LimitLine[3][t]]);
        }
    }

    [Fact]
    public void ANewFleet_GetsOnlyTheRoom_AndN1Curtailment_GivesTheNonFirmSitesTheN0Room()
    {
        // A new fleet comes on top of the base case: the provisional site gets the larger of its profile and the hour's
        // room (both Three of the hour here), not their sum.
        var fresh = SimulationWorld.Build(ScenarioFile.Parse(LayerYaml.Replace("max_km: 20}", "max_km: 20, fleet: new}", StringComparison.Ordinal), "new.yaml"),
            TestScenarios.Signals(ScenarioFile.Parse(LayerYaml, "layer.yaml")), new SimulationGrid(Layer.Value, []));
        // With the N-1 curtailment device the non-firm sites' room is the N-0 headroom (one MW above N-1 in the hand-made
        // layer); the provisional contract stays the secure profile.
        var curtailable = SimulationWorld.Build(ScenarioFile.Parse(LayerYaml.Replace("max_km: 20}", "max_km: 20, n1_curtailment: true}", StringComparison.Ordinal), "n1.yaml"),
            TestScenarios.Signals(ScenarioFile.Parse(LayerYaml, "layer.yaml")), new SimulationGrid(Layer.Value, []));
        for (var t = 0; t < fresh.Steps; t++)
        {
            Assert.Equal(Math.Min(1.3, Three(t % 24)), fresh.PlannedLimitMw[3][t], 9);
            Assert.Equal(Math.Min(2, Math.Max(0, One(t)) * 2 / 3), fresh.PlannedLimitMw[0][t], 9);
            var n0 = Math.Max(0, One(t) + 1);
            Assert.Equal(Math.Min(2, n0 * 2 / 3), curtailable.PlannedLimitMw[0][t], 9);
            Assert.Equal(Math.Min(1, n0 / 3), curtailable.PlannedLimitMw[1][t], 9);
            Assert.Equal(1.5, curtailable.PlannedLimitMw[2][t], 9);
            Assert.Equal(Math.Min(1.3, Three(t % 24) + Three(t % 24) + 1), curtailable.PlannedLimitMw[3][t], 9);
            var line = curtailable.LimitLine[0][t];
            Assert.Equal(n0 * 2 / 3 < 2 - 1e-9 ? "N-0 at TK:one (line not named by the layer)" : null, line < 0 ? null : curtailable.LineNames[line]);
        }
    }

    [Fact]
    public void GridFleetAndN1Curtailment_WithoutTheLayer_AreErrorsNamingTheLine()
    {
        var e = Assert.Throws<InputFormatException>(() => ScenarioFile.Parse(LayerYaml.Replace("limits: layer, max_km: 20}", "n1_curtailment: true}", StringComparison.Ordinal), "x.yaml"));
        Assert.Contains("x.yaml:4:", e.Message, StringComparison.Ordinal);
        Assert.Contains("grid.fleet and grid.n1_curtailment belong to grid.limits: layer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LimitHonouringPolicies_HoldTheLayersLimits_AndTheBindingLinesAreWhereTheBaselineDrewMore()
    {
        var result = LayerRun.Value;
        var world = result.World;
        var baseline = result.Policies.Single(p => p.Policy == PolicyKind.Baseline);
        foreach (var p in result.Policies.Where(p => p.Policy is PolicyKind.WattBit or PolicyKind.WattBitPlanner))
        {
            for (var s = 0; s < world.LimitMw.Count; s++)
            {
                for (var t = 0; t < world.Steps; t++)
                {
                    Assert.True(p.SiteGridMw[s][t] <= world.LimitMw[s][t] + 1e-5, $"{p.Policy} site {s} step {t}: {p.SiteGridMw[s][t]} > {world.LimitMw[s][t]}");
                }
            }
        }

        // Recomputed from the baseline's per-site draw and the hand-made limits: the hours each line is exceeded.
        var expected = new Dictionary<string, HashSet<int>>();
        var mwh = new Dictionary<string, double>();
        for (var t = 0; t < world.Steps; t++)
        {
            var one = Math.Max(0, One(t));
            (string? Line, double Limit)[] sites = [(one * 2 / 3 < 2 ? OneLine(t) : null, Math.Min(2, one * 2 / 3)), (one / 3 < 1 ? OneLine(t) : null, Math.Min(1, one / 3)), (null, 1.5), (2 * Three(t % 24) < 1.3 ? "L-three" : null, Math.Min(1.3, 2 * Three(t % 24)))];
            for (var s = 0; s < 4; s++)
            {
                var over = baseline.SiteGridMw[s][t] - sites[s].Limit;
                if (sites[s].Line is { } line && over > 1e-3)
                {
                    (expected.TryGetValue(line, out var set) ? set : expected[line] = []).Add(t);
                    mwh[line] = mwh.GetValueOrDefault(line) + over;
                }
            }
        }

        var rows = GridBinding.Lines(result).ToDictionary(r => r.Line);
        Assert.NotEmpty(expected);
        foreach (var (line, hours) in expected)
        {
            Assert.Equal(hours.Count, rows[line].HoursBinding);
            Assert.Equal(mwh[line], rows[line].MwhDeferred, 1e-3);
        }

        Assert.DoesNotContain(rows.Values, r => !expected.ContainsKey(r.Line) && r.HoursBinding > 0);
    }

    [Fact]
    public void ASiteBeyondReachOfEverySubstation_IsAnErrorNamingItAndTheNearest()
    {
        var scenario = ScenarioFile.Parse(LayerYaml.Replace("lat: 35.40, lon: 139.40", "lat: 34.40, lon: 139.40", StringComparison.Ordinal), "layer.yaml");
        var e = Assert.Throws<ArgumentException>(() => TestScenarios.World(scenario, new SimulationGrid(Layer.Value, [])));
        Assert.Contains("site 'c1' (line 9)", e.Message, StringComparison.Ordinal);
        Assert.Contains("nearest: TK:three", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALayerScenarioWithoutALayer_AndASubstationWithoutALayerScenario_AreErrors()
    {
        var scenario = ScenarioFile.Parse(LayerYaml, "layer.yaml");
        Assert.Contains("grid.limits: layer needs the headroom layer", Assert.Throws<ArgumentException>(() => TestScenarios.World(scenario)).Message, StringComparison.Ordinal);
        var e = Assert.Throws<InputFormatException>(() => ScenarioFile.Parse(LayerYaml.Replace("grid: {limits: layer, max_km: 20}", "grid: {limits: connection}", StringComparison.Ordinal), "layer.yaml"));
        Assert.Contains("site 'a2' names substation 'TK:one'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InputFormatException>(() => ScenarioFile.Parse(LayerYaml.Replace("max_km: 20", "max_kms: 20", StringComparison.Ordinal), "layer.yaml"));
        Assert.Equal(4, e.Line);
    }

    private static readonly AreaTie Tie = new("test tie", JapanAreas.Chugoku, JapanAreas.Kyushu, 0.3);

    private static readonly Lazy<SimulationResult> TieRun = new(() => TestScenarios.Run(ScenarioFile.Parse("""
        name: tie test
        period: {start: 2025-05-01, end: 2025-05-08}
        seed: 3
        grid: {ties: japan}
        sites:
          - {generate: distributed, count: 6, areas: [CG, KY], it_mw: [0.8, 1.6], grid_factor: 1.5}
        workload: {target_mw: 3, jobs: 400}
        policies: [baseline, greenest-site, wattbit, wattbit-planner]
        """, "ties.yaml"), new SimulationGrid(null, [Tie])));

    [Fact]
    public void MovedLoad_RecomputedFromTheJobPieces_FitsTheTieUnderLimitHonouringPolicies_AndNotUnderTheOthers()
    {
        var result = TieRun.Value;
        var world = result.World;
        var jobs = result.Workload.Jobs;
        var pue = result.Scenario.Sites.Select(s => s.Pue).ToArray();
        var area = result.Scenario.Sites.Select(s => s.Area.Code).ToArray();
        foreach (var p in result.Policies)
        {
            // Flows CG→KY and KY→CG from where each piece of work ran against where its job comes from.
            var toKy = new double[world.Steps];
            var toCg = new double[world.Steps];
            var jobIt = new double[pue.Length, world.Steps];
            foreach (var piece in p.JobPieces)
            {
                var home = area[jobs.Home[piece.Job]];
                for (var t = piece.From; t < piece.To; t++)
                {
                    jobIt[piece.Site, t] += jobs.PowerMw[piece.Job];
                    if (home != area[piece.Site])
                    {
                        (area[piece.Site] == "KY" ? toKy : toCg)[t] += jobs.PowerMw[piece.Job] * pue[piece.Site];
                    }
                }
            }

            // The pieces are what ran: with the inference each site served, they make its IT load.
            for (var s = 0; s < pue.Length; s++)
            {
                for (var t = 0; t < world.Steps; t++)
                {
                    Assert.True(jobIt[s, t] <= p.SiteItMw[s][t] + 1e-4, $"{p.Policy} site {s} step {t}");
                }
            }

            var peak = Math.Max(toKy.Max(), toCg.Max());
            if (p.Policy is PolicyKind.WattBit or PolicyKind.WattBitPlanner)
            {
                Assert.InRange(peak, 0.3 * 0.9, 0.3 + 1e-9); // it moves work, up to what the tie holds
            }
            else if (p.Policy == PolicyKind.GreenestSite)
            {
                Assert.True(peak > 0.3 + 1e-3, $"greenest-site peak {peak}");
            }
            else
            {
                Assert.Equal(0, peak);
            }

            // The run's own tie counters say the same.
            var lanes = world.Ties!;
            var lane = lanes.Ends[0] == (world.AreaCodes.ToList().IndexOf("CG"), world.AreaCodes.ToList().IndexOf("KY")) ? 0 : 1;
            for (var t = 0; t < world.Steps; t++)
            {
                Assert.Equal(toKy[t], p.TieFlowMw[lane][t], 1e-4);
                Assert.Equal(toCg[t], p.TieFlowMw[1 - lane][t], 1e-4);
            }
        }
    }

    [Fact]
    public void TieRoutes_TakeTheFewestTies_AndNoneWhereNoTieReaches()
    {
        var codes = JapanAreas.All.Select(a => a.Code).ToArray();
        int I(string c) => Array.IndexOf(codes, c);
        var routes = new TieRoutes(
        [
            new AreaTie("a", JapanAreas.Tokyo, JapanAreas.Chubu, 100),
            new AreaTie("b", JapanAreas.Chubu, JapanAreas.Kansai, 200),
            new AreaTie("c", JapanAreas.Chubu, JapanAreas.Hokuriku, 50),
            new AreaTie("d", JapanAreas.Hokuriku, JapanAreas.Kansai, 70),
        ], codes, 0.5);
        Assert.Equal([0, 2], routes.Path(I("TK"), I("KN"))!); // TK→CB then CB→KN (not via HR)
        Assert.Equal([3, 1], routes.Path(I("KN"), I("TK"))!);
        Assert.Equal([7], routes.Path(I("KN"), I("HR"))!); // lane 2·3 + 1: tie d against its direction
        Assert.Null(routes.Path(I("TK"), I("ON")));
        Assert.Equal(35, routes.LaneCapacity(6));
    }
}
