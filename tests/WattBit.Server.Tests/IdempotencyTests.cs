using System.Net.Http.Json;

namespace WattBit.Server.Tests;

/// <summary>An Idempotency-Key makes a retried POST return the first answer instead of acting twice, across a restart too.</summary>
[Collection(ServerCollection.Name)]
public sealed class IdempotencyTests(TestServer server)
{
    private static HttpRequestMessage Post(string url, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static object Order(string siteId, double mw = 1.0) =>
        new { @operator = "alpha", siteId, reductionMw = mw, noticeMinutes = 0, expectedDurationMinutes = 60 };

    [Fact]
    public async Task RetriedOrderWithTheSameKey_ReturnsTheFirstAnswer_AndMakesOneOrder()
    {
        await (await server.Client("dc-alpha").PutJsonAsync("/api/sites/idem-s1", new { area = "TK", itCapacityMw = 4.0 })).OkJsonAsync(201);
        var tso = server.Client("tso-tk");
        var first = await tso.SendAsync(Post("/api/areas/TK/curtailment-orders", Order("idem-s1"), "idem-order-1"));
        var a = await first.OkJsonAsync(201);
        var second = await tso.SendAsync(Post("/api/areas/TK/curtailment-orders", Order("idem-s1"), "idem-order-1"));
        var b = await second.OkJsonAsync(201);
        Assert.Equal(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        var orders = await (await server.Client("dc-alpha").GetAsync("/api/curtailment-orders")).OkJsonAsync();
        Assert.Single(orders.EnumerateArray(), o => o.GetProperty("siteId").GetString() == "idem-s1");
    }

    [Fact]
    public async Task TheSameKeyWithAnotherBody_Is422_AndAnotherCallersKeyIsItsOwn()
    {
        await (await server.Client("dc-alpha").PutJsonAsync("/api/sites/idem-s2", new { area = "TK", itCapacityMw = 4.0 })).OkJsonAsync(201);
        var tso = server.Client("tso-tk");
        await (await tso.SendAsync(Post("/api/areas/TK/curtailment-orders", Order("idem-s2", 1.0), "idem-order-2"))).OkJsonAsync(201);
        await (await tso.SendAsync(Post("/api/areas/TK/curtailment-orders", Order("idem-s2", 2.0), "idem-order-2"))).ProblemAsync(422);
        var workload = new { id = "idem-w1", release = "2025-11-12T00:00:00Z", deadline = "2025-11-13T00:00:00Z", durationMinutes = 60, powerKw = 100 };
        await (await server.Client("dc-beta").SendAsync(Post("/api/workloads", workload, "idem-order-2"))).OkJsonAsync(201);
        var again = await server.Client("dc-beta").SendAsync(Post("/api/workloads", workload, "idem-order-2"));
        await again.OkJsonAsync(201);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    public async Task MalformedKey_Is400(string key)
    {
        var request = Post("/api/areas/TK/curtailment-orders", Order("idem-none"), "x");
        request.Headers.Remove("Idempotency-Key");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        await (await server.Client("tso-tk").SendAsync(request)).ProblemAsync(400);
    }

    [Fact]
    public async Task KeysSurviveARestart()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-idem-").FullName;
        try
        {
            string? id = null;
            for (var run = 0; run < 2; run++)
            {
                var s = new TestServer([], folder);
                await s.InitializeAsync();
                try
                {
                    if (run == 0)
                    {
                        await (await s.Client("dc-alpha").PutJsonAsync("/api/sites/idem-r", new { area = "TK", itCapacityMw = 4.0 })).OkJsonAsync(201);
                    }

                    var answer = await (await s.Client("tso-tk").SendAsync(Post("/api/areas/TK/curtailment-orders", Order("idem-r"), "idem-restart"))).OkJsonAsync(201);
                    id ??= answer.GetProperty("id").GetString();
                    Assert.Equal(id, answer.GetProperty("id").GetString());
                    Assert.Single((await (await s.Client("dc-alpha").GetAsync("/api/curtailment-orders")).OkJsonAsync()).EnumerateArray());
                }
                finally
                {
                    await s.DisposeAsync();
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
