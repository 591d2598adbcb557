using System.Net.Http.Json;

namespace WattBit.Server.Tests;

/// <summary>Nothing is lost across a restart: sites, workloads, published signals (store) and orders (journal).</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task AfterRestart_OrdersSitesWorkloadsAndPublishedSignalsAreAllThere()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-restart-").FullName;
        try
        {
            string id;
            var first = new TestServer([], folder);
            await first.InitializeAsync();
            try
            {
                var alpha = first.Client("dc-alpha");
                await (await alpha.PutJsonAsync("/api/sites/r-s1", new { area = "KY", itCapacityMw = 4.0, grid = new { kind = "firm", limitMw = 3.5, node = "r-n" } }))
                    .OkJsonAsync(201);
                await (await alpha.PostAsJsonAsync("/api/workloads", new
                {
                    id = "r-w1", release = "2025-11-12T00:00:00Z", deadline = "2025-11-13T00:00:00Z", durationMinutes = 60, powerKw = 100, sites = new[] { "r-s1" },
                })).OkJsonAsync(201);
                await (await first.Client("tso-tk").PutJsonAsync("/api/areas/TK/signals/price",
                    new { start = "2025-07-01T00:00:00Z", stepMinutes = 30, values = new[] { 42.5 } })).OkJsonAsync();
                var order = await (await first.Client("tso-kn").PostAsJsonAsync("/api/areas/KY/curtailment-orders",
                    new { @operator = "alpha", siteId = "r-s1", reductionMw = 2.0, noticeMinutes = 0, expectedDurationMinutes = 60 })).ProblemAsync(403);
                Assert.Contains("KY", order.GetProperty("detail").GetString(), StringComparison.Ordinal);
                await (await first.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/maintenance",
                    new { node = "n1", start = "2025-12-01T00:00:00Z", end = "2025-12-02T00:00:00Z", limitMw = 10.0 })).OkJsonAsync(201);
                await (await alpha.PutJsonAsync("/api/sites/r-s2", new { area = "TK", itCapacityMw = 4.0 })).OkJsonAsync(201);
                var issued = await (await first.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/curtailment-orders",
                    new { @operator = "alpha", siteId = "r-s2", reductionMw = 2.0, noticeMinutes = 0, expectedDurationMinutes = 60 })).OkJsonAsync(201);
                id = issued.GetProperty("id").GetString()!;
                await (await alpha.PostAsync($"/api/curtailment-orders/{id}/acknowledgement", null)).OkJsonAsync();
                var dispatch = Assert.Single((await (await alpha.GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray());
                await (await alpha.PostAsync($"/api/dispatch-orders/{dispatch.GetProperty("id").GetString()}/acknowledgement", null)).OkJsonAsync();
            }
            finally
            {
                await first.DisposeAsync();
            }

            var second = new TestServer([], folder);
            await second.InitializeAsync();
            try
            {
                var alpha = second.Client("dc-alpha");
                var order = await (await alpha.GetAsync($"/api/curtailment-orders/{id}")).OkJsonAsync();
                Assert.Equal("acknowledged", order.GetProperty("state").GetString());
                var site = await (await alpha.GetAsync("/api/sites/r-s1")).OkJsonAsync();
                Assert.Equal(3.5, site.GetProperty("grid").GetProperty("limitMw").GetDouble());
                Assert.Equal(3.5, (await (await alpha.GetAsync("/api/sites/r-s1/power")).OkJsonAsync()).GetProperty("limitMw")[0].GetDouble());
                await (await alpha.GetAsync("/api/workloads/r-w1")).OkJsonAsync();
                var price = await (await second.Client().GetAsync("/api/areas/TK/signals/price?from=2025-07-01T00:00:00Z&to=2025-07-01T00:30:00Z")).OkJsonAsync();
                Assert.Equal(42.5, price.GetProperty("values")[0].GetDouble());
                var maintenance = await (await second.Client("viewer").GetAsync("/api/areas/TK/maintenance")).OkJsonAsync();
                Assert.Equal(1, maintenance.GetArrayLength());
                await (await alpha.PostAsync($"/api/curtailment-orders/{id}/acknowledgement", null)).ProblemAsync(409);
                var dispatch = Assert.Single((await (await alpha.GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray());
                Assert.Equal(id, dispatch.GetProperty("curtailmentOrderId").GetString());
                Assert.Equal("acknowledged", dispatch.GetProperty("state").GetString());
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
