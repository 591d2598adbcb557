using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WattBit.Execution;
using WattBit.Server.Dispatch;

namespace WattBit.Server.Tests;

/// <summary>A server whose DC operator beta runs its sites' work on an in-memory job engine.</summary>
public sealed class JobEngineServer : IAsyncLifetime
{
    public JobEngineServer()
    {
        Server = new TestServer([], services: s => s.AddSingleton(new JobEngines(new Dictionary<string, OperatorEngine>
        {
            ["beta"] = new(Engine!, QueueMap.Parse("e-defer=tk,e-fail=tk,e-idle=tk,e-status=tk,e-timed=tk"), CurtailmentMode.Suspend),
        })));
        Engine = new FakeJobEngine(Server.Time);
    }

    internal FakeJobEngine Engine { get; }

    public TestServer Server { get; }

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// Dispatch orders for a site whose operator's job engine is configured are carried out on it: each action's outcome
/// (done, failed with the engine's message) is on the order, sent live and in the audit log, and what was suspended is
/// resumed when the curtailment ends.
/// </summary>
public sealed class DispatchExecutionTests(JobEngineServer fixture) : IClassFixture<JobEngineServer>
{
    private TestServer Server => fixture.Server;

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

    private static bool Executed(JsonElement d, string curtailmentId) =>
        d.GetProperty("curtailmentOrderId").GetString() == curtailmentId && d.GetProperty("execution") is { ValueKind: JsonValueKind.Object } e
        && e.GetProperty("state").GetString() != "executing";

    /// <summary>
    /// Registers a site and one workload for beta, plans, and curtails the site 10 minutes into the workload's run; then
    /// (unless told not to) moves the clock to when the curtailment takes effect, when every action is due.
    /// </summary>
    private async Task<JsonElement> CurtailPlannedAsync(string site, string workload, bool interruptible, double reductionMw, bool advanceToEffect = true)
    {
        var beta = Server.Client("dc-beta");
        var now = Server.Time.GetUtcNow();
        await (await beta.PutJsonAsync($"/api/sites/{site}", new { area = "TK", itCapacityMw = 10.0, pue = 1.0 })).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/workloads", new
        {
            id = workload, release = now.AddMinutes(-10), deadline = now.AddHours(36), durationMinutes = 30, powerKw = 4000, interruptible, sites = new[] { site },
        })).OkJsonAsync(201);
        var plan = await (await beta.PostAsync("/api/plan", null)).OkJsonAsync();
        var start = Assert.Single(plan.GetProperty("runs").EnumerateArray(), r => r.GetProperty("workload").GetString() == workload).GetProperty("start").GetDateTimeOffset();
        var order = await (await Server.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
        {
            @operator = "beta", siteId = site, reductionMw, noticeMinutes = (int)Math.Max(10, (start.AddMinutes(10) - now).TotalMinutes), expectedDurationMinutes = 30,
        })).OkJsonAsync(201);
        if (advanceToEffect)
        {
            // Actions are carried out at their time, at the latest when the curtailment takes effect.
            Server.Time.Advance(order.GetProperty("effectiveAt").GetDateTimeOffset() - Server.Time.GetUtcNow());
        }

        return order;
    }

    [Fact]
    public async Task Actions_AreCarriedOutAtEffectiveAtLessTheirLeadTime_NotWhenTheOrderIsIssued()
    {
        var job = fixture.Engine.Add("x-w5", "tk", EngineJobState.Running);
        var executions = Server.Services.GetRequiredService<DispatchExecutions>();
        var order = await CurtailPlannedAsync("e-timed", "x-w5", interruptible: true, reductionMw: 3.0, advanceToEffect: false);
        var id = order.GetProperty("id").GetString()!;
        var effectiveAt = order.GetProperty("effectiveAt").GetDateTimeOffset();
        var dispatch = Assert.Single((await (await Server.Client("dc-beta").GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray(),
            d => d.GetProperty("curtailmentOrderId").GetString() == id);
        var step = Assert.Single(dispatch.GetProperty("actions").EnumerateArray());
        // A deferral needs the checkpoint time (5 min): it starts 5 min before the curtailment and is in place when it begins.
        Assert.Equal("defer", step.GetProperty("action").GetString());
        var startsAt = step.GetProperty("startsAt").GetDateTimeOffset();
        Assert.Equal(effectiveAt - DispatchService.CheckpointTime, startsAt);
        Assert.Equal(effectiveAt, step.GetProperty("completesAt").GetDateTimeOffset());

        // Until then the job runs on, whatever pass looks (one is run here by hand one second before its time).
        Server.Time.Advance(startsAt - Server.Time.GetUtcNow() - TimeSpan.FromSeconds(1));
        await executions.RunDueAsync(CancellationToken.None);
        Assert.Equal(EngineJobState.Running, fixture.Engine.Job(job.EngineJobId).State);
        Assert.Equal(0, (await (await Server.Client("dc-beta").GetAsync($"/api/dispatch-orders/{dispatch.GetProperty("id").GetString()}")).OkJsonAsync())
            .GetProperty("execution").GetProperty("actions").GetArrayLength());

        // At its time, its own timer carries it out.
        var executed = new TaskCompletionSource<DispatchOrder>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(DispatchOrder o)
        {
            if (o.CurtailmentOrderId == id && o.Execution is { State: not ExecutionState.Executing })
            {
                executed.TrySetResult(o);
            }
        }

        executions.Changed += OnChanged;
        try
        {
            Server.Time.Advance(TimeSpan.FromSeconds(1));
            var done = await executed.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var action = Assert.Single(done.Execution!.Actions);
            Assert.Equal((ActionResult.Done, startsAt), (action.Result, action.At));
            Assert.Equal(EngineJobState.Suspended, fixture.Engine.Job(job.EngineJobId).State);
        }
        finally
        {
            executions.Changed -= OnChanged;
        }
    }

    [Fact]
    public async Task Defer_SuspendsTheEngineJob_ReportsItDoneOnTheOrderLiveAndInTheAudit_AndResumesItWhenTheCurtailmentEnds()
    {
        var job = fixture.Engine.Add("x-w1", "tk", EngineJobState.Running);
        await using var events = await LiveEventsTests.EventStream.OpenAsync(Server.Client("dc-beta"));
        var order = await CurtailPlannedAsync("e-defer", "x-w1", interruptible: true, reductionMw: 3.0);
        var id = order.GetProperty("id").GetString()!;

        var streamed = await NextAsync(events, "dispatch-order", d => Executed(d, id));
        var dispatch = await (await Server.Client("dc-beta").GetAsync($"/api/dispatch-orders/{streamed.GetProperty("id").GetString()}")).OkJsonAsync();
        var execution = dispatch.GetProperty("execution");
        Assert.Equal("done", execution.GetProperty("state").GetString());
        Assert.Equal("fake", execution.GetProperty("engine").GetString());
        var done = Assert.Single(execution.GetProperty("actions").EnumerateArray());
        Assert.Equal(("defer", "x-w1", "done"), (done.GetProperty("action").GetString(), done.GetProperty("workload").GetString(), done.GetProperty("result").GetString()));
        var touched = Assert.Single(done.GetProperty("jobs").EnumerateArray());
        Assert.Equal((job.EngineJobId, "suspended"), (touched.GetProperty("engineJobId").GetString(), touched.GetProperty("kind").GetString()));
        Assert.Equal(EngineJobState.Suspended, fixture.Engine.Job(job.EngineJobId).State);

        // The audit log, for the DC operator and for the area's grid operator.
        foreach (var key in (string[])["dc-beta", "tso-tk"])
        {
            var audit = await (await Server.Client(key).GetAsync("/api/audit")).OkJsonAsync();
            var entry = Assert.Single(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "dispatch-executed" && e.GetProperty("order").GetProperty("id").GetString() == id);
            Assert.Equal("job-engine:fake", entry.GetProperty("actor").GetString());
            Assert.Contains("1 done", entry.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Once the curtailment has ended, the suspended job runs again.
        Server.Time.Advance(order.GetProperty("expectedEndAt").GetDateTimeOffset() - Server.Time.GetUtcNow() + DispatchExecutions.LiftInterval);
        var lifted = await NextAsync(events, "dispatch-order", d => d.GetProperty("curtailmentOrderId").GetString() == id && d.GetProperty("execution").GetProperty("liftedAt").ValueKind != JsonValueKind.Null);
        Assert.StartsWith("1 job(s) resumed", lifted.GetProperty("execution").GetProperty("lift").GetString(), StringComparison.Ordinal);
        Assert.Equal(EngineJobState.Running, fixture.Engine.Job(job.EngineJobId).State);
    }

    [Fact]
    public async Task AreasGridOperator_SeesTheDispatchStatusLive_WithoutTheOperatorsWorkloads()
    {
        fixture.Engine.Add("x-w4", "tk", EngineJobState.Running);
        await using var tso = await LiveEventsTests.EventStream.OpenAsync(Server.Client("tso-tk"));
        var order = await CurtailPlannedAsync("e-status", "x-w4", interruptible: true, reductionMw: 3.0);
        var id = order.GetProperty("id").GetString()!;

        // First the order as dispatched, then its execution on the engine: counts, never the workload ids.
        var issued = await NextAsync(tso, "dispatch-status", d => d.GetProperty("curtailmentOrderId").GetString() == id);
        Assert.Equal(("TK", "beta", "e-status"), (issued.GetProperty("area").GetString(), issued.GetProperty("operator").GetString(), issued.GetProperty("siteId").GetString()));
        Assert.Equal(JsonValueKind.Number, issued.GetProperty("actions").ValueKind);
        Assert.DoesNotContain("x-w4", issued.GetRawText(), StringComparison.Ordinal);
        var executed = await NextAsync(tso, "dispatch-status", d => d.GetProperty("curtailmentOrderId").GetString() == id
            && d.GetProperty("execution").GetProperty("state").GetString() != "executing");
        Assert.Equal(issued.GetProperty("actions").GetInt32(), executed.GetProperty("execution").GetProperty("done").GetInt32());
        Assert.Equal(0, executed.GetProperty("execution").GetProperty("failed").GetInt32());
        Assert.DoesNotContain("x-w4", executed.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_RefusedByTheEngine_IsReportedFailedWithTheEnginesMessage()
    {
        var job = fixture.Engine.Add("x-w2", "tk", EngineJobState.Running);
        fixture.Engine.Refusing[job.EngineJobId] = "Access/permission denied";
        await using var events = await LiveEventsTests.EventStream.OpenAsync(Server.Client("dc-beta"));
        var order = await CurtailPlannedAsync("e-fail", "x-w2", interruptible: false, reductionMw: 10.0);
        var id = order.GetProperty("id").GetString()!;

        var execution = (await NextAsync(events, "dispatch-order", d => Executed(d, id))).GetProperty("execution");
        Assert.Equal("failed", execution.GetProperty("state").GetString());
        var failed = Assert.Single(execution.GetProperty("actions").EnumerateArray());
        Assert.Equal(("stop", "failed"), (failed.GetProperty("action").GetString(), failed.GetProperty("result").GetString()));
        Assert.Contains($"cancel {job.EngineJobId}", failed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Access/permission denied", failed.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(EngineJobState.Running, fixture.Engine.Job(job.EngineJobId).State);
        var audit = await (await Server.Client("dc-beta").GetAsync("/api/audit")).OkJsonAsync();
        var entry = Assert.Single(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "dispatch-executed" && e.GetProperty("order").GetProperty("id").GetString() == id);
        Assert.Contains("1 failed", entry.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Access/permission denied", entry.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASiteWithoutAnEngine_KeepsItsDispatchOrderAsInstructionsOnly_AndAnIdleSiteWithOneIsDoneAtOnce()
    {
        var beta = Server.Client("dc-beta");
        var tso = Server.Client("tso-tk");
        await using var events = await LiveEventsTests.EventStream.OpenAsync(beta);
        var ids = new List<string>();
        foreach (var site in (string[])["e-none", "e-idle"])
        {
            await (await beta.PutJsonAsync($"/api/sites/{site}", new { area = "TK", itCapacityMw = 10.0 })).OkJsonAsync(201);
            ids.Add((await (await tso.PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
            {
                @operator = "beta", siteId = site, reductionMw = 1.0, noticeMinutes = 30, expectedDurationMinutes = 60,
            })).OkJsonAsync(201)).GetProperty("id").GetString()!);
        }

        var idle = await NextAsync(events, "dispatch-order", d => Executed(d, ids[1]));
        Assert.Equal("done", idle.GetProperty("execution").GetProperty("state").GetString());
        Assert.Equal(0, idle.GetProperty("execution").GetProperty("actions").GetArrayLength());
        var none = Assert.Single((await (await beta.GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray(), d => d.GetProperty("curtailmentOrderId").GetString() == ids[0]);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("execution").ValueKind);
    }
}
