using System.Net;
using System.Text;

namespace WattBit.Server.Tests;

/// <summary>OpenAPI document, ProblemDetails everywhere, camelCase JSON, unknown fields and oversized bodies refused.</summary>
[Collection(ServerCollection.Name)]
public sealed class ApiConventionsTests(TestServer server)
{
    [Fact]
    public async Task OpenApi_DocumentIsServed_WithEveryRoute()
    {
        var json = await (await server.Client().GetAsync("/openapi/v1.json")).OkJsonAsync();
        var paths = json.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var route in (string[])["/emissions/bylocation", "/emissions/bylocations", "/emissions/bylocations/best", "/emissions/forecasts/current",
                     "/emissions/forecasts/batch", "/emissions/average-carbon-intensity", "/emissions/average-carbon-intensity/batch", "/locations",
                     "/api/areas/{area}/signals/{metric}", "/api/areas/{area}/forecasts/{metric}", "/api/sites/{id}", "/api/workloads",
                     "/api/areas/{area}/curtailment-orders", "/api/curtailment-orders/{id}/acknowledgement", "/api/events", "/api/audit", "/api/plan",
                     "/api/sites/{id}/power", "/api/dispatch-orders", "/api/dispatch-orders/{id}", "/api/dispatch-orders/{id}/acknowledgement",
                     "/api/simulation/scenarios", "/api/simulations", "/api/simulations/{id}", "/api/simulations/{id}/report", "/api/simulations/{id}/report/{file}",
                     "/api/simulations/{id}/run-out",
                     "/api/grid/substations/{id}/limiting-lines", "/api/grid/substations/{id}/what-if",
                     "/api/grid/substations", "/api/grid/substations/{id}/headroom", "/api/grid/welcome-zones", "/api/grid/headroom"])
        {
            Assert.Contains(route, paths);
        }
    }

    [Fact]
    public async Task OpenApi_MarketClearingRun_DeclaresItsAnswers_IncludingTheClustersTimeout()
    {
        var json = await (await server.Client().GetAsync("/openapi/v1.json")).OkJsonAsync();
        var responses = json.GetProperty("paths").GetProperty("/api/market/clearings").GetProperty("post").GetProperty("responses")
            .EnumerateObject().Select(r => r.Name).ToHashSet();
        foreach (var code in (string[])["201", "400", "403", "409", "503"])
        {
            Assert.Contains(code, responses);
        }
    }

    [Fact]
    public async Task UnknownRoute_Is404Problem()
    {
        await (await server.Client().GetAsync("/api/nothing-here")).ProblemAsync(404);
    }

    [Fact]
    public async Task UnknownJsonField_Is400Problem_NamingThePath()
    {
        var response = await server.Client("dc-alpha").PutAsync("/api/sites/conv-1",
            new StringContent("""{"area":"TK","itCapacityMw":5,"colour":"green"}""", Encoding.UTF8, "application/json"));
        var problem = await response.ProblemAsync(400);
        Assert.Contains("colour", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client("dc-alpha").GetAsync("/api/sites/conv-1")).StatusCode);
    }

    [Fact]
    public async Task MissingRequiredField_Is400Problem_NamingTheField()
    {
        var response = await server.Client("dc-alpha").PutAsync("/api/sites/conv-2", new StringContent("""{"area":"TK"}""", Encoding.UTF8, "application/json"));
        var problem = await response.ProblemAsync(400);
        Assert.Contains("itCapacityMw", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedBody_Is413Problem()
    {
        var values = string.Join(',', Enumerable.Repeat("123.456", 20_000));
        var response = await server.Client("tso-tk").PutAsync("/api/areas/TK/signals/price",
            new StringContent($$"""{"start":"2025-09-01T00:00:00Z","stepMinutes":30,"values":[{{values}}]}""", Encoding.UTF8, "application/json"));
        await response.ProblemAsync(413);
    }

    [Fact]
    public async Task NoKey_Is401Problem_AndUnknownKeyToo()
    {
        await (await server.Client().GetAsync("/api/sites")).ProblemAsync(401);
        var client = server.Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", "key-that-nobody-has-0000");
        await (await client.GetAsync("/api/sites")).ProblemAsync(401);
    }

    [Fact]
    public async Task Json_IsCamelCase()
    {
        var json = await (await server.Client().GetAsync("/api/areas")).OkJsonAsync();
        Assert.Equal(["code", "number", "name", "nameJa", "frequencyHz", "tso"], json[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("東京", json[2].GetProperty("nameJa").GetString());
    }
}

/// <summary>Rate limiting per key, on its own server with a tiny budget.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly TestServer _server = new(new() { ["WattBit:RequestsPerSecond"] = "1", ["WattBit:Burst"] = "3" });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task ExceedingTheBurst_Is429Problem_PerKey()
    {
        var viewer = _server.Client("viewer");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var r = await viewer.GetAsync("/api/me");
            statuses.Add(r.StatusCode);
            limited = r.StatusCode == HttpStatusCode.TooManyRequests ? r : null;
        }

        Assert.NotNull(limited);
        await limited.ProblemAsync(429);

        // Another key has its own bucket.
        Assert.Equal(HttpStatusCode.OK, (await _server.Client("planner").GetAsync("/api/me")).StatusCode);
    }
}
