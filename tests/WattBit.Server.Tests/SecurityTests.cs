using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Server.Orders;

namespace WattBit.Server.Tests;

/// <summary>Roles and scopes: DC operators see only their own things (others' ids read as 404), only the area's grid operator curtails.</summary>
[Collection(ServerCollection.Name)]
public sealed class SecurityTests(TestServer server)
{
    private static object Site(string area = "TK", double mw = 10) => new { name = "Inzai 1", area, itCapacityMw = mw, pue = 1.25, latitude = 35.83, longitude = 140.14 };

    private static object Job(string id, params string[] sites) => new
    {
        id, release = "2025-11-11T00:00:00+09:00", deadline = "2025-11-12T00:00:00+09:00", durationMinutes = 120, powerKw = 500, interruptible = true, sites,
    };

    [Fact]
    public async Task Sites_AreScopedToTheirOperator_OthersIdsAre404()
    {
        var alpha = server.Client("dc-alpha");
        var beta = server.Client("dc-beta");
        var created = await (await alpha.PutJsonAsync("/api/sites/sec-s1", Site())).OkJsonAsync(201);
        Assert.Equal("alpha", created.GetProperty("operator").GetString());
        Assert.Equal(1, created.GetProperty("version").GetInt64());

        await (await beta.GetAsync("/api/sites/sec-s1")).ProblemAsync(404);
        Assert.DoesNotContain((await (await beta.GetAsync("/api/sites")).OkJsonAsync()).EnumerateArray(), s => s.GetProperty("id").GetString() == "sec-s1");

        // Beta registering the same id makes its own site; alpha's is untouched.
        await (await beta.PutJsonAsync("/api/sites/sec-s1", Site("KN", 3))).OkJsonAsync(201);
        var again = await (await alpha.GetAsync("/api/sites/sec-s1")).OkJsonAsync();
        Assert.Equal("TK", again.GetProperty("area").GetString());
        Assert.Equal(10, again.GetProperty("itCapacityMw").GetDouble());

        // Update with a stale version is a conflict.
        await (await alpha.PutJsonAsync("/api/sites/sec-s1", Site(mw: 12))).OkJsonAsync();
        await (await alpha.PutJsonAsync("/api/sites/sec-s1", new { area = "TK", itCapacityMw = 13.0, version = 1 })).ProblemAsync(409);
    }

    [Fact]
    public async Task Workloads_AreScopedToTheirOperator_GuessingOrCancellingOthersIs404()
    {
        var alpha = server.Client("dc-alpha");
        var beta = server.Client("dc-beta");
        await (await alpha.PutJsonAsync("/api/sites/sec-s2", Site())).OkJsonAsync(201);
        var job = await (await alpha.PostAsJsonAsync("/api/workloads", Job("sec-w1", "sec-s2"))).OkJsonAsync(201);
        Assert.Equal(["sec-s2"], job.GetProperty("sites").EnumerateArray().Select(e => e.GetString()));

        await (await beta.GetAsync("/api/workloads/sec-w1")).ProblemAsync(404);
        await (await beta.DeleteAsync("/api/workloads/sec-w1")).ProblemAsync(404);
        Assert.DoesNotContain((await (await beta.GetAsync("/api/workloads")).OkJsonAsync()).EnumerateArray(), w => w.GetProperty("id").GetString() == "sec-w1");
        await (await alpha.GetAsync("/api/workloads/sec-w1")).OkJsonAsync();

        // Naming another operator's site reads as an unknown site.
        var problem = await (await beta.PostAsJsonAsync("/api/workloads", Job("sec-w2", "sec-s2"))).ProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("sites", out _));

        await (await alpha.PostAsJsonAsync("/api/workloads", Job("sec-w1", "sec-s2"))).ProblemAsync(409);
        Assert.Equal(HttpStatusCode.NoContent, (await alpha.DeleteAsync("/api/workloads/sec-w1")).StatusCode);
        await (await alpha.GetAsync("/api/workloads/sec-w1")).ProblemAsync(404);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("planner")]
    [InlineData("tso-tk")]
    public async Task NonDcOperators_HaveNoSitesOrWorkloads_403(string key)
    {
        var client = server.Client(key);
        await (await client.GetAsync("/api/sites")).ProblemAsync(403);
        await (await client.PostAsJsonAsync("/api/workloads", Job("x", "y"))).ProblemAsync(403);
        await (await client.PutJsonAsync("/api/sites/x", Site())).ProblemAsync(403);
    }

    [Fact]
    public async Task Curtailment_OnlyTheAreasGridOperatorIssues_AndOnlyTheAddressedOperatorAcknowledges()
    {
        var alpha = server.Client("dc-alpha");
        var beta = server.Client("dc-beta");
        var tsoTk = server.Client("tso-tk");
        var tsoKn = server.Client("tso-kn");
        await (await alpha.PutJsonAsync("/api/sites/sec-s3", Site(mw: 8))).OkJsonAsync(201);
        var request = new { @operator = "alpha", siteId = "sec-s3", reductionMw = 5.0, noticeMinutes = 120, expectedDurationMinutes = 180, reason = "N-1 fault" };

        await (await tsoKn.PostAsJsonAsync("/api/areas/TK/curtailment-orders", request)).ProblemAsync(403);
        await (await alpha.PostAsJsonAsync("/api/areas/TK/curtailment-orders", request)).ProblemAsync(403);
        await (await server.Client("planner").PostAsJsonAsync("/api/areas/TK/curtailment-orders", request)).ProblemAsync(403);
        await (await tsoKn.PostAsJsonAsync("/api/areas/KN/curtailment-orders", request)).ProblemAsync(404);
        await (await tsoTk.PostAsJsonAsync("/api/areas/TK/curtailment-orders", request with { reductionMw = 50.0 })).ProblemAsync(400);

        var order = await (await tsoTk.PostAsJsonAsync("/api/areas/TK/curtailment-orders", request)).OkJsonAsync(201);
        var id = order.GetProperty("id").GetString()!;
        Assert.Equal("issued", order.GetProperty("state").GetString());
        Assert.Equal(TestServer.Now.AddMinutes(120), order.GetProperty("effectiveAt").GetDateTimeOffset());
        Assert.Equal(TestServer.Now.AddMinutes(300), order.GetProperty("expectedEndAt").GetDateTimeOffset());

        await (await beta.GetAsync($"/api/curtailment-orders/{id}")).ProblemAsync(404);
        await (await beta.PostAsync($"/api/curtailment-orders/{id}/acknowledgement", null)).ProblemAsync(404);
        await (await tsoKn.GetAsync($"/api/curtailment-orders/{id}")).ProblemAsync(404);
        await (await tsoTk.PostAsync($"/api/curtailment-orders/{id}/acknowledgement", null)).ProblemAsync(403);
        Assert.DoesNotContain((await (await beta.GetAsync("/api/curtailment-orders")).OkJsonAsync()).EnumerateArray(), o => o.GetProperty("id").GetString() == id);
        await (await server.Client("viewer").GetAsync("/api/curtailment-orders")).ProblemAsync(403);

        var acked = await (await alpha.PostAsync($"/api/curtailment-orders/{id}/acknowledgement", null)).OkJsonAsync();
        Assert.Equal("acknowledged", acked.GetProperty("state").GetString());
        Assert.Equal("dc-alpha", acked.GetProperty("acknowledgedBy").GetString());
        await (await alpha.PostAsync($"/api/curtailment-orders/{id}/acknowledgement", null)).ProblemAsync(409);
        var seen = await (await tsoTk.GetAsync($"/api/curtailment-orders/{id}")).OkJsonAsync();
        Assert.Equal("acknowledged", seen.GetProperty("state").GetString());

        // The journal is the audit log: both actions, by key id, never a key.
        var lines = (await File.ReadAllLinesAsync(server.JournalPath)).Where(l => l.Contains(id, StringComparison.Ordinal)).ToArray();
        Assert.Equal(["order-issued", "order-acknowledged"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("action").GetString()));
        Assert.Equal(["tso-tk", "dc-alpha"], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("actor").GetString()));
        var journal = await File.ReadAllTextAsync(server.JournalPath);

        // The same trail through the API, to the two parties only.
        foreach (var key in (string[])["tso-tk", "dc-alpha"])
        {
            var audit = await (await server.Client(key).GetAsync("/api/audit?limit=1000")).OkJsonAsync();
            Assert.Equal(["order-issued", "order-acknowledged"], audit.EnumerateArray()
                .Where(e => e.TryGetProperty("order", out var o) && o.ValueKind == JsonValueKind.Object && o.GetProperty("id").GetString() == id)
                .Select(e => e.GetProperty("action").GetString()));
        }

        foreach (var key in (string[])["tso-kn", "dc-beta"])
        {
            var audit = await (await server.Client(key).GetAsync("/api/audit?limit=1000")).OkJsonAsync();
            Assert.DoesNotContain(id, audit.ToString(), StringComparison.Ordinal);
        }

        await (await server.Client("viewer").GetAsync("/api/audit")).ProblemAsync(403);
        await (await server.Client("tso-tk").GetAsync("/api/audit?limit=0")).ProblemAsync(400);
        Assert.All(TestServer.Keys, k => Assert.DoesNotContain(k.Key, journal, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GuessedOrderIds_Are404()
    {
        foreach (var id in (string[])["co-00000000000000000000000000000000", "1", "../etc/passwd", "co-" + Guid.NewGuid().ToString("N")])
        {
            await (await server.Client("dc-alpha").GetAsync($"/api/curtailment-orders/{Uri.EscapeDataString(id)}")).ProblemAsync(404);
        }
    }

    [Fact]
    public async Task GridOperator_ListsOnlyItsAreasSites()
    {
        await (await server.Client("dc-alpha").PutJsonAsync("/api/sites/sec-s4", Site("KN", 2))).OkJsonAsync(201);
        var tk = await (await server.Client("tso-tk").GetAsync("/api/areas/TK/sites")).OkJsonAsync();
        Assert.All(tk.EnumerateArray(), s => Assert.Equal("TK", s.GetProperty("area").GetString()));
        var kn = await (await server.Client("tso-kn").GetAsync("/api/areas/KN/sites")).OkJsonAsync();
        Assert.Contains(kn.EnumerateArray(), s => s.GetProperty("id").GetString() == "sec-s4" && s.GetProperty("operator").GetString() == "alpha");
        await (await server.Client("tso-tk").GetAsync("/api/areas/KN/sites")).ProblemAsync(403);
        await (await server.Client("dc-alpha").GetAsync("/api/areas/KN/sites")).ProblemAsync(403);
    }

    [Fact]
    public async Task Maintenance_PublishedByTheAreasGridOperatorOnly()
    {
        var body = new { node = "bank-2", start = "2025-12-01T00:00:00+09:00", end = "2026-01-15T00:00:00+09:00", limitMw = 100.0, description = "bank 2 renewal" };
        await (await server.Client("tso-kn").PostAsJsonAsync("/api/areas/TK/maintenance", body)).ProblemAsync(403);
        var m = await (await server.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/maintenance", body)).OkJsonAsync(201);
        var list = await (await server.Client("viewer").GetAsync("/api/areas/TK/maintenance")).OkJsonAsync();
        Assert.Contains(list.EnumerateArray(), x => x.GetProperty("id").GetString() == m.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Keys_NeverAppearInTheLog()
    {
        const string Wrong = "wrong-key-nobody-has-42424242";
        foreach (var (id, _, _, _, _) in TestServer.Keys)
        {
            await server.Client(id).GetAsync("/api/me");
            await server.Client(id).PutAsync("/api/sites/log-1", new StringContent("{bad", System.Text.Encoding.UTF8, "application/json"));
        }

        var wrong = server.Client();
        wrong.DefaultRequestHeaders.Add("X-Api-Key", Wrong);
        await (await wrong.GetAsync("/api/me")).ProblemAsync(401);
        wrong.DefaultRequestHeaders.Remove("X-Api-Key");
        wrong.DefaultRequestHeaders.Add("Authorization", "ApiKey " + Wrong);
        await (await wrong.GetAsync("/api/me")).ProblemAsync(401);

        var log = string.Join("\n", server.Log.Lines);
        Assert.NotEmpty(server.Log.Lines);
        Assert.All(TestServer.Keys, k => Assert.DoesNotContain(k.Key, log, StringComparison.Ordinal));
        Assert.DoesNotContain(Wrong, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrderBook_ReplaysItsJournal()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-journal-").FullName;
        try
        {
            var journals = new Infrastructure.Journals(Path.Combine(folder, "j.jsonl"), null);
            var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestServer.Now);
            string id;
            using (var book = new OrderBook(journals, time))
            {
                var order = book.Draft("tso-tk", "TK", "alpha", "s1", 3, TimeSpan.FromHours(2), TimeSpan.FromHours(3), null);
                Assert.Null(await book.FindAsync(order.Id));
                await book.RecordAsync(order);
                id = order.Id;
                await book.AcknowledgeAsync("dc-alpha", (await book.FindAsync(id))!);
            }

            using var reopened = new OrderBook(journals, time);
            Assert.Equal(OrderState.Acknowledged, (await reopened.FindAsync(id))!.State);
            Assert.Equal("dc-alpha", (await reopened.FindAsync(id))!.AcknowledgedBy);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
