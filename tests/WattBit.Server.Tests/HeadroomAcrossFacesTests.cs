using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using WattBit.Data.Storage;
using WattBit.Planning.Scenarios;
using WattBit.Server.Grid;
using WattBit.Server.Studies;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Siting.Ranking;

namespace WattBit.Server.Tests;

/// <summary>
/// One number per substation and hour on every face: the server's hourly route, the siting ranking, the planner's
/// connection limits, the simulator's site limits as a server simulation job composes them, and the grid engine run on
/// the exported japan.m (what `wattbit grid headroom japan.m --profile` computes) agree for 函館 (Hokkaido's only
/// substation of the test layer) and 上野 (Tokyo's); the server's quantiles route and the planner's flexible connection
/// on the forecast agree for 上野.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class HeadroomAcrossFacesTests(TestServer server)
{
    private static readonly string[] Ids = ["HKD:函館", "TK:上野"];

    [Fact]
    public async Task ServerSitingPlannerSimulatorAndTheEngineOnJapanM_GiveTheSameMw_AndThePlannerPlansOnTheQuantilesRoutesP10()
    {
        // Face 1: the server's hourly N-1 headroom.
        var list = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        var from = list.GetProperty("from").GetDateTimeOffset();
        var to = list.GetProperty("to").GetDateTimeOffset();
        var served = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var id in Ids)
        {
            var json = await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString(id)}/headroom")).OkJsonAsync();
            served[id] = [.. json.GetProperty("hours").EnumerateArray().Select(h => h.GetProperty("n1Mw").GetDouble())];
            Assert.Equal((int)(to - from).TotalHours, served[id].Length);
        }

        // Independent: the engine on japan.m as exported and read back, driven by the same demand.
        var engineN1 = ExportedModelEngine.Run(from, to, Ids).Hours.ToDictionary(kv => kv.Key, kv => kv.Value.N1Mw.ToArray(), StringComparer.Ordinal);
        foreach (var id in Ids)
        {
            for (var t = 0; t < served[id].Length; t++)
            {
                Assert.Equal(engineN1[id][t], served[id][t], 1e-5); // MW; the route rounds to 1e-6 MW
            }
        }

        // Face 2: the siting ranking (prefectures; Hokkaido and Tokyo are each served by their one substation).
        var layer = await server.Services.GetRequiredService<HeadroomLayerHost>().EffectiveLayerAsync(server.Services.GetRequiredService<IWattBitStore>(), default);
        var map = Testing.SharedData.Path("japan", "geo", "japan.topojson");
        var config = SitingConfigReader.Parse($"candidates: prefectures\ndemand_mw: 50\nmaps: {{ prefectures: '{map}' }}\nweights: {{ cluster_distance: 1 }}\n", "faces.yaml", Path.GetTempPath());
        var ranking = SitingStudy.Run(config, grid: layer);
        foreach (var (code, id) in new[] { (1, "HKD:函館"), (13, "TK:上野") })
        {
            var row = ranking.Candidates.Single(c => c.Candidate.Prefecture.Code == code);
            Assert.Equal(id, row.Power!.Substation.Id);
            Assert.Equal(engineN1[id].Min(), row.HeadroomNowMw, 1e-5); // firm = least N-1 hour
        }

        // Face 3: the planner's connections naming the substations (firm and flexible, hour by hour; negative clamps to 0).
        var scenario = ScenarioReader.Parse($$"""
            start: {{from.ToOffset(WattBit.Time.Jst.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)}}
            horizon_hours: {{(int)(to - from).TotalHours}}
            signals:
              HKD: { price_yen_per_kwh: 10, carbon_g_per_kwh: 500 }
              TK: { price_yen_per_kwh: 10, carbon_g_per_kwh: 450 }
            sites:
              - { id: h, area: HKD, it_capacity_mw: 10, connection: { kind: firm, substation: "HKD:函館" } }
              - { id: u, area: TK, it_capacity_mw: 10, connection: { kind: flexible, substation: "TK:上野" } }
            workloads:
              - { id: j, kind: batch, power_kw: 1000, duration_h: 2, release_h: 0, deadline_h: 4 }
            """, "faces-plan.yaml", layer);
        var firm = scenario.Problem.Sites[0].Connection;
        Assert.Equal(Math.Max(0, engineN1["HKD:函館"].Min()), firm.Firm.Megawatts, 1e-5);
        var flexible = scenario.Problem.Sites[1].Connection;
        for (var t = 0; t < served["TK:上野"].Length; t++)
        {
            Assert.Equal(Math.Max(0, engineN1["TK:上野"][t]), flexible.LimitAt(from.AddHours(t), 0.5, includeN1: false, WattBit.Time.Jst.Offset).Megawatts, 1e-5);
        }

        // Face 3b: the planner's flexible connection on the forecasting engine's quantiles (what `wattbit plan` composes:
        // BackboneHeadroomForecast from the scenario's start, seed 1) and the server's quantiles route agree hour by hour:
        // the limit at the default confidence 0.9 is the route's P10, at 0.5 its P50 (negative clamps to 0).
        var q = await (await server.Client().GetAsync(
            $"/api/grid/substations/{Uri.EscapeDataString("TK:上野")}/headroom/quantiles?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(from.AddHours(24).ToString("O"))}")).OkJsonAsync();
        var quantiles = q.GetProperty("hours").EnumerateArray().Select(h => (P10: h.GetProperty("p10Mw").GetDouble(), P50: h.GetProperty("p50Mw").GetDouble())).ToArray();
        Assert.Equal(24, quantiles.Length);
        var onForecast = ScenarioReader.Parse($$"""
            start: {{from.ToOffset(WattBit.Time.Jst.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)}}
            horizon_hours: 24
            signals:
              TK: { price_yen_per_kwh: 10, carbon_g_per_kwh: 450 }
            sites:
              - { id: u, area: TK, it_capacity_mw: 10, connection: { kind: flexible, substation: "TK:上野" } }
            workloads:
              - { id: j, kind: batch, power_kw: 1000, duration_h: 2, release_h: 0, deadline_h: 4 }
            """, "faces-plan-forecast.yaml", layer, new WattBit.Composition.BackboneHeadroomForecast(from, 1)).Problem.Sites[0].Connection;
        for (var t = 0; t < 24; t++)
        {
            Assert.Equal(Math.Max(0, quantiles[t].P10), onForecast.LimitAt(from.AddHours(t), 0.9, includeN1: false, WattBit.Time.Jst.Offset).Megawatts, 1e-5);
            Assert.Equal(Math.Max(0, quantiles[t].P50), onForecast.LimitAt(from.AddHours(t), 0.5, includeN1: false, WattBit.Time.Jst.Offset).Megawatts, 1e-5);
        }

        // Face 4: the simulator's limit of a site at each substation, as a server simulation job composes its grid (the
        // server's layer holds the scenario's day for its year and seed): a flexible connection larger than the room
        // gets the secure headroom hour by hour (negative clamps to 0).
        var day = from.ToOffset(WattBit.Time.Jst.Offset);
        var sim = ScenarioFile.Parse($$"""
            name: faces
            data: {synthetic: {{day.Year + (day.Month < 4 ? -1 : 0)}}}
            period: {start: {{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}}, end: {{day.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}}}
            step: 1h
            seed: 1
            forecast: ar1
            grid: {limits: layer}
            sites:
              - {id: h, area: HKD, lat: 41.77, lon: 140.73, it_mw: 5, connection: {kind: flexible, mw: 100000}, substation: "HKD:函館"}
              - {id: u, area: TK, lat: 35.71, lon: 139.77, it_mw: 5, connection: {kind: flexible, mw: 100000}, substation: "TK:上野"}
            workload: {target_mw: 1, jobs: 4}
            policies: [baseline]
            """, "faces-sim.yaml");
        var host = await SimulationJobs.HostAsync(server.Services.GetRequiredService<HeadroomLayerHost>(), server.Services.GetRequiredService<IWattBitStore>(), sim, default);
        var world = SimulationComposer.Run(sim, host, server.Time).World;
        for (var s = 0; s < Ids.Length; s++)
        {
            Assert.Equal(Ids[s], world.SiteSubstation[s]);
            Assert.Equal(24, world.PlannedLimitMw[s].Length);
            for (var t = 0; t < 24; t++)
            {
                Assert.Equal(Math.Max(0, engineN1[Ids[s]][t]), world.PlannedLimitMw[s][t], 1e-5);
            }
        }
    }
}
