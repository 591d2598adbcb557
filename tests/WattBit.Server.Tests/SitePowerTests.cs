using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WattBit.Server.Connections;
using WattBit.Sites;

namespace WattBit.Server.Tests;

/// <summary>A site's planned power against its grid limit: the plan's draw, the connection, curtailment orders and maintenance.</summary>
[Collection(ServerCollection.Name)]
public sealed class SitePowerTests(TestServer server)
{
    private static double?[] Limits(JsonElement power) =>
        [.. power.GetProperty("limitMw").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble())];

    private static double[] Planned(JsonElement power) => [.. power.GetProperty("plannedMw").EnumerateArray().Select(v => v.GetDouble())];

    [Fact]
    public async Task Power_FirmConnection_IsPlannedDrawTimesPue_AgainstTheLimitLessOrdersAndCappedByMaintenance()
    {
        var alpha = server.Client("dc-alpha");
        var site = await (await alpha.PutJsonAsync("/api/sites/p-firm", new
        {
            area = "TK", itCapacityMw = 10.0, pue = 1.5, grid = new { kind = "firm", limitMw = 20.0, node = "p-node" },
        })).OkJsonAsync(201);
        Assert.Equal("firm", site.GetProperty("grid").GetProperty("kind").GetString());

        // Now is 03:10 UTC: the slot 03:00 is the first the plan may use; a one-hour job due at 04:00 runs 03:00-04:00.
        await (await alpha.PostAsJsonAsync("/api/workloads", new
        {
            id = "p-w1", release = "2025-11-10T03:00:00Z", deadline = "2025-11-10T04:00:00Z", durationMinutes = 60, powerKw = 2000, sites = new[] { "p-firm" },
        })).OkJsonAsync(201);
        await (await alpha.PostAsync("/api/plan", null)).OkJsonAsync();

        var tso = server.Client("tso-tk");
        await (await tso.PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
        {
            @operator = "alpha", siteId = "p-firm", reductionMw = 5.0, noticeMinutes = 60, expectedDurationMinutes = 60,
        })).OkJsonAsync(201);
        await (await tso.PostAsJsonAsync("/api/areas/TK/maintenance", new
        {
            node = "p-node", start = "2025-11-10T06:00:00Z", end = "2025-11-10T07:00:00Z", limitMw = 12.0,
        })).OkJsonAsync(201);
        await (await tso.PostAsJsonAsync("/api/areas/TK/maintenance", new
        {
            node = "other-node", start = "2025-11-10T08:00:00Z", end = "2025-11-10T09:00:00Z", limitMw = 1.0,
        })).OkJsonAsync(201);

        var power = await (await alpha.GetAsync("/api/sites/p-firm/power")).OkJsonAsync();
        Assert.Equal("p-firm", power.GetProperty("siteId").GetString());
        Assert.Equal("TK", power.GetProperty("area").GetString());
        Assert.Equal(TestServer.Now.AddMinutes(-10), power.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(30, power.GetProperty("stepMinutes").GetInt32());
        var planned = Planned(power);
        Assert.Equal(48, planned.Length);
        Assert.Equal([3.0, 3.0, 0, 0], planned[..4]);
        Assert.All(planned[2..], v => Assert.Equal(0, v));

        // The order is effective 04:10-05:10, so it touches the steps 04:00, 04:30 and 05:00; maintenance 06:00-07:00.
        var limits = Limits(power);
        Assert.Equal([20.0, 20, 15, 15, 15, 20, 12, 12, 20, 20, 20], limits[..11]);
        Assert.All(limits[11..], v => Assert.Equal(20.0, v));

        // The area's grid operator sees the same when it names the operator; other callers see nothing there.
        var seen = await (await tso.GetAsync("/api/sites/p-firm/power?operator=alpha")).OkJsonAsync();
        Assert.Equal(limits, Limits(seen));
        var missing = await (await tso.GetAsync("/api/sites/p-firm/power")).ProblemAsync(400);
        Assert.True(missing.GetProperty("errors").TryGetProperty("operator", out _));
        await (await server.Client("tso-kn").GetAsync("/api/sites/p-firm/power?operator=alpha")).ProblemAsync(404);
        await (await server.Client("dc-beta").GetAsync("/api/sites/p-firm/power")).ProblemAsync(404);
        await (await server.Client("dc-beta").GetAsync("/api/sites/p-firm/power?operator=alpha")).ProblemAsync(404);
        await (await server.Client("viewer").GetAsync("/api/sites/p-firm/power")).ProblemAsync(403);
        await (await server.Client("planner").GetAsync("/api/sites/p-firm/power")).ProblemAsync(403);
    }

    [Fact]
    public async Task Power_ProvisionalProfile_FollowsTheJstHour_AndAWindowCanBeChosen()
    {
        var alpha = server.Client("dc-alpha");
        var profile = Enumerable.Range(0, 24).Select(h => 100.0 + h).ToArray();
        await (await alpha.PutJsonAsync("/api/sites/p-prov", new { area = "TK", itCapacityMw = 5.0, grid = new { kind = "provisionalProfile", profileMw = profile } }))
            .OkJsonAsync(201);

        // 2025-11-11 00:00 UTC is 09:00 JST.
        var power = await (await alpha.GetAsync("/api/sites/p-prov/power?from=2025-11-11T00:00:00Z&to=2025-11-11T02:00:00Z")).OkJsonAsync();
        Assert.Equal([109.0, 109, 110, 110], Limits(power));
        Assert.Equal([0.0, 0, 0, 0], Planned(power));
    }

    [Fact]
    public async Task Power_FlexibleConnection_IsTheNodesPublishedHeadroom_NullWhereNoneIsPublished()
    {
        var alpha = server.Client("dc-alpha");
        await (await alpha.PutJsonAsync("/api/sites/p-flex", new { area = "TK", itCapacityMw = 5.0, grid = new { kind = "flexible", node = TestServer.UploadNodeOf("TK:上尾") } }))
            .OkJsonAsync(201);
        var url = "/api/sites/p-flex/power?from=2025-11-12T00:00:00Z&to=2025-11-12T03:00:00Z";
        Assert.All(Limits(await (await alpha.GetAsync(url)).OkJsonAsync()), v => Assert.Null(v));

        // Hourly headroom from 00:00 with a gap at 01:00; 20-min values inside 02:00-03:00 give the least per step.
        await (await server.Client("tso-tk").PutJsonAsync($"/api/areas/TK/nodes/{TestServer.UploadNodeOf("TK:上尾")}/headroom",
            new { start = "2025-11-12T00:00:00Z", stepMinutes = 60, values = new double?[] { 40, null } })).OkJsonAsync();
        await (await server.Client("tso-tk").PutJsonAsync($"/api/areas/TK/nodes/{TestServer.UploadNodeOf("TK:上尾")}/headroom",
            new { start = "2025-11-12T02:00:00Z", stepMinutes = 60, values = new double?[] { 30 } })).OkJsonAsync();
        Assert.Equal([40.0, 40, null, null, 30, 30], Limits(await (await alpha.GetAsync(url)).OkJsonAsync()));
    }

    [Fact]
    public async Task PlanLimit_FlexibleAtALayerSubstation_IsTheForecastQuantiles_LessOrders_CappedByMaintenance_UploadsWin()
    {
        // Decision 0139: the operator's plans read the layer's forecast quantiles (as `wattbit plan` does, decision 0168).
        // Oracle: the served quantiles route for the same substation and origin, with the order, the maintenance and the
        // upload applied by hand. Now is 03:10 UTC; the window is 15:00-21:00 UTC, after the served layer's day (an upload
        // inside it would change the hours other tests compare).
        var alpha = server.Client("dc-alpha");
        var node = TestServer.UploadNodeOf("TK:上野");
        await (await alpha.PutJsonAsync("/api/sites/p-quant", new { area = "TK", itCapacityMw = 50.0, grid = new { kind = "flexible", node } })).OkJsonAsync(201);
        var start = new DateTimeOffset(2025, 11, 10, 15, 0, 0, TimeSpan.Zero);
        var q = await (await server.Client().GetAsync(
            $"/api/grid/substations/{Uri.EscapeDataString("TK:上野")}/headroom/quantiles?from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(start.AddHours(6).ToString("O"))}")).OkJsonAsync();
        var route = q.GetProperty("hours").EnumerateArray()
            .Select(h => new[] { Math.Max(0, h.GetProperty("p10Mw").GetDouble()), Math.Max(0, h.GetProperty("p50Mw").GetDouble()), Math.Max(0, h.GetProperty("p90Mw").GetDouble()) }).ToArray();
        Assert.Equal(6, route.Length);

        var tso = server.Client("tso-tk");
        // 2 MW less from 14:30 to 16:00 (hour 0 only); 1.5 MW at most 17:00-18:00; 7 MW published for 19:00.
        await (await tso.PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
        {
            @operator = "alpha", siteId = "p-quant", reductionMw = 2.0, noticeMinutes = 680, expectedDurationMinutes = 90,
        })).OkJsonAsync(201);
        await (await tso.PostAsJsonAsync("/api/areas/TK/maintenance", new { node, start = "2025-11-10T17:00:00Z", end = "2025-11-10T18:00:00Z", limitMw = 1.5 })).OkJsonAsync(201);
        await (await tso.PutJsonAsync($"/api/areas/TK/nodes/{node}/headroom", new { start = "2025-11-10T19:00:00Z", stepMinutes = 60, values = new double?[] { 7 } })).OkJsonAsync();

        var store = server.Services.GetRequiredService<WattBit.Data.Storage.IWattBitStore>();
        var site = (await store.ListSitesAsync(default)).Single(v => v.Value.Id.Value == "alpha/p-quant").Value;
        var limit = await server.Services.GetRequiredService<SiteLimits>().PlanningAsync(site, start, 6, default);
        Assert.NotNull(limit);
        Assert.Equal([0.1, 0.5, 0.9], limit.Levels);
        double[][] expected =
        [
            [.. route[0].Select(v => Math.Max(0, v - 2))], // the order (14:30-16:00)
            route[1],
            [.. route[2].Select(v => Math.Min(v, 1.5))],   // the maintenance
            route[3],
            [7.0, 7.0, 7.0],                               // the grid operator's upload
            route[5],
        ];
        for (var h = 0; h < 6; h++)
        {
            Assert.Equal(expected[h][0], limit.AtLevel(h, 0.1), 1e-5); // MW; the route rounds to 1e-6 MW
            Assert.Equal(expected[h][1], limit.AtLevel(h, 0.5), 1e-5);
            Assert.Equal(expected[h][2], limit.AtLevel(h, 0.9), 1e-5);
        }

        // The planner plans on P10 at its default confidence 0.9: what the plan's caps record.
        var planned = GridConnection.FlexibleOf(limit);
        for (var h = 0; h < 6; h++)
        {
            Assert.Equal(expected[h][0], planned.LimitAt(start.AddHours(h), 0.9, includeN1: false, WattBit.Time.Jst.Offset).Megawatts, 1e-5);
        }
    }

    [Theory]
    [InlineData("{\"kind\":\"firm\"}", "grid.limitMw")]
    [InlineData("{\"kind\":\"firm\",\"limitMw\":-1}", "grid.limitMw")]
    [InlineData("{\"kind\":\"firm\",\"limitMw\":5,\"profileMw\":[1]}", "grid.profileMw")]
    [InlineData("{\"kind\":\"provisionalProfile\",\"profileMw\":[1,2,3]}", "grid.profileMw")]
    [InlineData("{\"kind\":\"provisionalProfile\",\"profileMw\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,-24]}", "grid.profileMw[23]")]
    [InlineData("{\"kind\":\"flexible\"}", "grid.node")]
    [InlineData("{\"kind\":\"flexible\",\"node\":\"a b\"}", "grid.node")]
    [InlineData("{\"kind\":\"flexible\",\"node\":\"n\",\"limitMw\":3}", "grid.kind")]
    [InlineData("{\"kind\":7,\"limitMw\":3}", "grid.kind")]
    public async Task SiteGrid_Invalid_Is400NamingTheField_AndTheSiteIsNotWritten(string grid, string field)
    {
        var alpha = server.Client("dc-alpha");
        var response = await alpha.PutAsync("/api/sites/p-bad", new StringContent($"{{\"area\":\"TK\",\"itCapacityMw\":1,\"grid\":{grid}}}", System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.ProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        await (await alpha.GetAsync("/api/sites/p-bad")).ProblemAsync(404);
    }

    [Fact]
    public async Task SiteGrid_RemovedByAnUpdateWithout_GivesNoLimit()
    {
        var alpha = server.Client("dc-alpha");
        await (await alpha.PutJsonAsync("/api/sites/p-rm", new { area = "KY", itCapacityMw = 5.0, grid = new { kind = "firm", limitMw = 3.0 } })).OkJsonAsync(201);
        Assert.Equal(3.0, Limits(await (await alpha.GetAsync("/api/sites/p-rm/power")).OkJsonAsync())[0]);
        var updated = await (await alpha.PutJsonAsync("/api/sites/p-rm", new { area = "KY", itCapacityMw = 5.0 })).OkJsonAsync();
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("grid").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await (await alpha.GetAsync("/api/sites/p-rm/power")).OkJsonAsync()).GetProperty("limitMw").ValueKind);
    }

    [Theory]
    [InlineData("?from=2025-11-12T00:00:00Z&to=2025-11-11T00:00:00Z", "from")]
    [InlineData("?from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "to")]
    [InlineData("?from=yesterday", null)]
    [InlineData("?window=1", "window")]
    public async Task Power_BadWindow_Is400(string query, string? field)
    {
        var problem = await (await server.Client("dc-alpha").GetAsync("/api/sites/p-any/power" + query)).ProblemAsync(400);
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }
}
