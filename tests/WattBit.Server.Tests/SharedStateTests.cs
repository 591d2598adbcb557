using System.Net.Http.Json;
using WattBit.Testing;

namespace WattBit.Server.Tests;

/// <summary>
/// Two server processes on one PostgreSQL database serve the same state: what one records the other reads and acts on,
/// live events reach the clients of both, and after both restart everything is still there.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedStateTests(PostgresServer postgres)
{
    [Fact]
    public async Task TwoInstancesOnOnePostgres_OrderIssuedOnOneAcknowledgedOnTheOther_AllFoundAfterBothRestart()
    {
        var store = "postgres:" + await postgres.CreateDatabaseAsync();
        var folderA = Directory.CreateTempSubdirectory("wattbit-shared-a-").FullName;
        var folderB = Directory.CreateTempSubdirectory("wattbit-shared-b-").FullName;
        try
        {
            string orderId;
            await using (var a = await ServerProcess.StartAsync(store, folderA))
            await using (var b = await ServerProcess.StartAsync(store, folderB))
            {
                // A DC operator registers a connected site on A; B sees it (store) with its connection (shared journal).
                await (await a.Client("dc-alpha").PutJsonAsync("/api/sites/inzai-1",
                    new { area = "TK", itCapacityMw = 8.0, grid = new { kind = "firm", limitMw = 6.0, node = "inzai" } })).OkJsonAsync(201);
                var site = await (await b.Client("dc-alpha").GetAsync("/api/sites/inzai-1")).OkJsonAsync();
                Assert.Equal(6.0, site.GetProperty("grid").GetProperty("limitMw").GetDouble());

                // A client of B is subscribed to live events before the order is issued on A.
                using var events = b.Client("dc-alpha");
                using var stream = await events.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead);
                using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await ReadUntilAsync(reader, "event: ready", wait.Token);

                var order = await (await a.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/curtailment-orders",
                    new { @operator = "alpha", siteId = "inzai-1", reductionMw = 2.0, noticeMinutes = 30, expectedDurationMinutes = 60 })).OkJsonAsync(201);
                orderId = order.GetProperty("id").GetString()!;
                var data = await ReadUntilAsync(reader, "event: curtailment-order", wait.Token);
                Assert.Contains(orderId, data, StringComparison.Ordinal);

                // Acknowledged on B; A then sees it acknowledged and refuses a second acknowledgement.
                var acked = await (await b.Client("dc-alpha").PostAsync($"/api/curtailment-orders/{orderId}/acknowledgement", null)).OkJsonAsync();
                Assert.Equal("acknowledged", acked.GetProperty("state").GetString());
                Assert.Equal("acknowledged", (await (await a.Client("tso-tk").GetAsync($"/api/curtailment-orders/{orderId}")).OkJsonAsync())
                    .GetProperty("state").GetString());
                await (await a.Client("dc-alpha").PostAsync($"/api/curtailment-orders/{orderId}/acknowledgement", null)).ProblemAsync(409);

                // The dispatch order A computed is acknowledged on B.
                var dispatch = Assert.Single((await (await b.Client("dc-alpha").GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray());
                await (await b.Client("dc-alpha").PostAsync($"/api/dispatch-orders/{dispatch.GetProperty("id").GetString()}/acknowledgement", null)).OkJsonAsync();

                // A retried POST with the same Idempotency-Key sent to the other instance gets the first answer, once.
                using var first = new HttpRequestMessage(HttpMethod.Post, "/api/areas/TK/maintenance")
                {
                    Content = JsonContent.Create(new { node = "inzai", start = "2026-12-01T00:00:00Z", end = "2026-12-02T00:00:00Z", limitMw = 4.0 }),
                };
                first.Headers.Add("Idempotency-Key", "mt-2026-12-01");
                var m1 = await (await a.Client("tso-tk").SendAsync(first)).OkJsonAsync(201);
                using var retry = new HttpRequestMessage(HttpMethod.Post, "/api/areas/TK/maintenance")
                {
                    Content = JsonContent.Create(new { node = "inzai", start = "2026-12-01T00:00:00Z", end = "2026-12-02T00:00:00Z", limitMw = 4.0 }),
                };
                retry.Headers.Add("Idempotency-Key", "mt-2026-12-01");
                using var replayed = await b.Client("tso-tk").SendAsync(retry);
                var m2 = await replayed.OkJsonAsync(201);
                Assert.Equal("true", Assert.Single(replayed.Headers.GetValues("Idempotent-Replayed")));
                Assert.Equal(m1.GetProperty("id").GetString(), m2.GetProperty("id").GetString());
            }

            // Both restart (they were killed): everything is found on both.
            await using (var a = await ServerProcess.StartAsync(store, folderA))
            await using (var b = await ServerProcess.StartAsync(store, folderB))
            {
                foreach (var server in new[] { a, b })
                {
                    var order = await (await server.Client("dc-alpha").GetAsync($"/api/curtailment-orders/{orderId}")).OkJsonAsync();
                    Assert.Equal("acknowledged", order.GetProperty("state").GetString());
                    Assert.Equal("dc-alpha", order.GetProperty("acknowledgedBy").GetString());
                    var dispatch = Assert.Single((await (await server.Client("dc-alpha").GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray());
                    Assert.Equal("acknowledged", dispatch.GetProperty("state").GetString());
                    Assert.Equal(6.0, (await (await server.Client("dc-alpha").GetAsync("/api/sites/inzai-1")).OkJsonAsync())
                        .GetProperty("grid").GetProperty("limitMw").GetDouble());
                    Assert.Single((await (await server.Client("viewer").GetAsync("/api/areas/TK/maintenance")).OkJsonAsync()).EnumerateArray());
                    var audit = (await (await server.Client("tso-tk").GetAsync("/api/audit")).OkJsonAsync()).EnumerateArray()
                        .Select(e => e.GetProperty("action").GetString()).ToList();
                    Assert.Equal(["order-issued", "order-acknowledged", "maintenance-published"], audit);
                }
            }

            // Nothing was written to the journal files: with PostgreSQL the state lives in the database.
            Assert.Empty(Directory.GetFiles(folderA, "*.jsonl"));
            Assert.Empty(Directory.GetFiles(folderB, "*.jsonl"));
        }
        finally
        {
            Directory.Delete(folderA, recursive: true);
            Directory.Delete(folderB, recursive: true);
        }
    }

    /// <summary>Reads server-sent-event lines up to <paramref name="line"/>; returns the data line that follows it.</summary>
    private static async Task<string> ReadUntilAsync(StreamReader reader, string line, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } text)
        {
            if (text == line)
            {
                while (await reader.ReadLineAsync(ct) is { } next)
                {
                    if (next.StartsWith("data:", StringComparison.Ordinal))
                    {
                        return next;
                    }
                }
            }
        }

        throw new EndOfStreamException($"the event stream ended before '{line}'");
    }
}
