using System.Net.Http.Json;
using System.Text.Json;

namespace WattBit.Server.Tests;

/// <summary>Each curtailment order is dispatched on the operator's plan: a dispatch order for its DC operator, applied to the plan.</summary>
[Collection(ServerCollection.Name)]
public sealed class DispatchOrderTests(TestServer server)
{
    private static async Task<JsonElement> NextAsync(LiveEventsTests.EventStream events, string type, Func<JsonElement, bool> until)
    {
        while (true)
        {
            var (t, data) = await events.NextAsync();
            if (t == type && until(data))
            {
                return data;
            }
        }
    }

    private static JsonElement RunOf(JsonElement plan, string workload) => Assert.Single(plan.GetProperty("runs").EnumerateArray(), r => r.GetProperty("workload").GetString() == workload);

    /// <summary>Registers a site and one workload, replans, and returns the workload's run.</summary>
    private async Task<JsonElement> PlannedAsync(HttpClient dc, string site, string workload, bool interruptible, DateTimeOffset deadline, object? grid = null)
    {
        await (await dc.PutJsonAsync($"/api/sites/{site}", new { area = "TK", itCapacityMw = 10.0, pue = 1.0, grid })).OkJsonAsync(201);
        await (await dc.PostAsJsonAsync("/api/workloads", new
        {
            id = workload, release = TestServer.Now.AddMinutes(-10), deadline, durationMinutes = 30, powerKw = 4000, interruptible, sites = new[] { site },
        })).OkJsonAsync(201);
        return RunOf(await (await dc.PostAsync("/api/plan", null)).OkJsonAsync(), workload);
    }

    /// <summary>Issues an order for <paramref name="site"/> that takes effect 10 minutes into <paramref name="run"/> (and at least 10 minutes from now).</summary>
    private async Task<JsonElement> CurtailAsync(string site, JsonElement run, double reductionMw, int durationMinutes = 30)
    {
        var start = run.GetProperty("start").GetDateTimeOffset();
        var notice = (int)Math.Max(10, (start.AddMinutes(10) - TestServer.Now).TotalMinutes);
        return await (await server.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
        {
            @operator = "beta", siteId = site, reductionMw, noticeMinutes = notice, expectedDurationMinutes = durationMinutes,
        })).OkJsonAsync(201);
    }

    [Fact]
    public async Task Curtailment_OfInterruptibleWorkWithSlack_DefersIt_TheOrderIsStreamed_AndThePlanResumesItAfterTheCurtailment()
    {
        var beta = server.Client("dc-beta");
        var run = await PlannedAsync(beta, "d-defer", "d-w1", interruptible: true, TestServer.Now.AddHours(36));
        await using var events = await LiveEventsTests.EventStream.OpenAsync(server.Client("dc-beta"));
        var order = await CurtailAsync("d-defer", run, 3.0);
        var id = order.GetProperty("id").GetString();

        var streamed = await NextAsync(events, "dispatch-order", d => d.GetProperty("curtailmentOrderId").GetString() == id);
        var dispatch = await (await beta.GetAsync($"/api/dispatch-orders/{streamed.GetProperty("id").GetString()}")).OkJsonAsync();
        Assert.True(dispatch.GetProperty("met").GetBoolean());
        Assert.False(dispatch.GetProperty("usedFallback").GetBoolean());
        Assert.Equal(3.0, dispatch.GetProperty("requiredMw").GetDouble(), 9);
        Assert.Equal(4.0, dispatch.GetProperty("achievedMw").GetDouble(), 9);
        var step = Assert.Single(dispatch.GetProperty("actions").EnumerateArray());
        Assert.Equal("defer", step.GetProperty("action").GetString());
        Assert.Equal("d-w1", step.GetProperty("workload").GetString());
        Assert.Equal("d-defer", step.GetProperty("site").GetString());
        Assert.True(step.GetProperty("completesAt").GetDateTimeOffset() <= order.GetProperty("effectiveAt").GetDateTimeOffset());
        Assert.DoesNotContain("beta/", dispatch.ToString(), StringComparison.Ordinal);

        // The plan announces the change; the work no longer overlaps the curtailment and resumes at the site when it ends.
        await NextAsync(events, "plan", _ => true);
        var end = order.GetProperty("expectedEndAt").GetDateTimeOffset();
        var effective = order.GetProperty("effectiveAt").GetDateTimeOffset();
        var runs = (await (await beta.GetAsync("/api/plan")).OkJsonAsync()).GetProperty("runs").EnumerateArray().Where(r => r.GetProperty("workload").GetString() == "d-w1").ToList();
        Assert.All(runs, r => Assert.Equal("d-defer", r.GetProperty("site").GetString()));
        Assert.DoesNotContain(runs, r => r.GetProperty("start").GetDateTimeOffset() < end && r.GetProperty("end").GetDateTimeOffset() > effective);
        Assert.Equal(30, runs.Sum(r => (r.GetProperty("end").GetDateTimeOffset() - r.GetProperty("start").GetDateTimeOffset()).TotalMinutes), 9);
        Assert.Contains(runs, r => r.GetProperty("start").GetDateTimeOffset() >= end);

        // The site's power now shows no draw while curtailed.
        var power = await (await beta.GetAsync($"/api/sites/d-defer/power?from={Uri.EscapeDataString(effective.ToString("O"))}&to={Uri.EscapeDataString(end.ToString("O"))}")).OkJsonAsync();
        Assert.All(power.GetProperty("plannedMw").EnumerateArray(), v => Assert.True(v.GetDouble() < 4.0 - 1e-9, power.ToString()));
    }

    [Fact]
    public async Task Curtailment_OfWorkThatCannotPauseOrMove_StopsIt_AndThePlanListsItAsStopped()
    {
        var beta = server.Client("dc-beta");
        var run = await PlannedAsync(beta, "d-stop", "d-w2", interruptible: false, TestServer.Now.AddHours(36));
        var order = await CurtailAsync("d-stop", run, 10.0);
        var dispatch = Assert.Single((await (await beta.GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray(),
            d => d.GetProperty("curtailmentOrderId").GetString() == order.GetProperty("id").GetString());

        // The order asks for 10 MW; the site is planned to draw 4 MW then, so 4 MW is what must go.
        Assert.Equal(10.0, dispatch.GetProperty("reductionMw").GetDouble());
        Assert.Equal(4.0, dispatch.GetProperty("requiredMw").GetDouble(), 9);
        Assert.True(dispatch.GetProperty("met").GetBoolean());
        var step = Assert.Single(dispatch.GetProperty("actions").EnumerateArray());
        Assert.Equal("stop", step.GetProperty("action").GetString());
        Assert.Equal("d-w2", step.GetProperty("workload").GetString());

        var plan = await (await beta.GetAsync("/api/plan")).OkJsonAsync();
        Assert.Contains(plan.GetProperty("summary").GetProperty("unplaced").EnumerateArray(),
            u => u.GetProperty("workload").GetString() == "d-w2" && u.GetProperty("reason").GetString()!.Contains(dispatch.GetProperty("id").GetString()!, StringComparison.Ordinal));
    }

    /// <summary>Registers a site without work, curtails it, and returns the dispatch order the curtailment produced.</summary>
    private async Task<JsonElement> IdleSiteDispatchAsync(string site, double reductionMw)
    {
        var beta = server.Client("dc-beta");
        await (await beta.PutJsonAsync($"/api/sites/{site}", new { area = "TK", itCapacityMw = 10.0 })).OkJsonAsync(201);
        var order = await (await server.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
        {
            @operator = "beta", siteId = site, reductionMw, noticeMinutes = 30, expectedDurationMinutes = 60,
        })).OkJsonAsync(201);
        return Assert.Single((await (await beta.GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray(),
            d => d.GetProperty("curtailmentOrderId").GetString() == order.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Curtailment_OfAnIdleSite_NeedsNothing_AndIsMet()
    {
        var dispatch = await IdleSiteDispatchAsync("d-idle", 2.0);
        Assert.Equal(0, dispatch.GetProperty("requiredMw").GetDouble());
        Assert.True(dispatch.GetProperty("met").GetBoolean());
        Assert.Equal(0, dispatch.GetProperty("actions").GetArrayLength());
    }

    [Fact]
    public async Task DispatchOrders_AreTheAddressedOperatorsOnly_AndAcknowledgedOnce()
    {
        var beta = server.Client("dc-beta");
        var id = (await IdleSiteDispatchAsync("d-ack", 1.0)).GetProperty("id").GetString();

        // Another operator: not there (404, like a guessed id); other roles: 403.
        var alpha = server.Client("dc-alpha");
        await (await alpha.GetAsync($"/api/dispatch-orders/{id}")).ProblemAsync(404);
        await (await alpha.PostAsync($"/api/dispatch-orders/{id}/acknowledgement", null)).ProblemAsync(404);
        Assert.DoesNotContain((await (await alpha.GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray(), d => d.GetProperty("id").GetString() == id);
        await (await beta.GetAsync("/api/dispatch-orders/do-00000000000000000000000000000000")).ProblemAsync(404);
        foreach (var key in (string[])["tso-tk", "planner", "viewer"])
        {
            await (await server.Client(key).GetAsync("/api/dispatch-orders")).ProblemAsync(403);
            await (await server.Client(key).GetAsync($"/api/dispatch-orders/{id}")).ProblemAsync(403);
            await (await server.Client(key).PostAsync($"/api/dispatch-orders/{id}/acknowledgement", null)).ProblemAsync(403);
        }

        var acked = await (await beta.PostAsync($"/api/dispatch-orders/{id}/acknowledgement", null)).OkJsonAsync();
        Assert.Equal("acknowledged", acked.GetProperty("state").GetString());
        Assert.Equal("dc-beta", acked.GetProperty("acknowledgedBy").GetString());
        await (await beta.PostAsync($"/api/dispatch-orders/{id}/acknowledgement", null)).ProblemAsync(409);
    }
}
