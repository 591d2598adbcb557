using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WattBit.Execution;
using WattBit.Server.Dispatch;
using WattBit.Testing;

namespace WattBit.Server.Tests;

/// <summary>
/// Dispatch actions and their lift happen on time from either instance: when the instance that issued an order is
/// gone, the other carries its actions out and lifts them once they are overdue (each instance on its own fake clock).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedDispatchTests(PostgresServer postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TheOtherInstance_CarriesOutAndLiftsTheActionsOfAnInstanceThatIsGone()
    {
        var store = "postgres:" + await postgres.CreateDatabaseAsync();
        var engine = new FakeJobEngine(TimeProvider.System);
        var job = engine.Add("p-w1", "tk", EngineJobState.Running);
        void Services(IServiceCollection s) => s.AddSingleton(new JobEngines(new Dictionary<string, OperatorEngine>
        {
            ["beta"] = new(engine, QueueMap.Parse("p-site=tk"), CurtailmentMode.Suspend),
        }));
        var settings = new Dictionary<string, string> { ["WattBit:Store"] = store };

        await using var b = new StartedServer(settings, services: Services);
        await b.StartAsync();
        System.Text.Json.JsonElement order;
        await using (var a = new StartedServer(settings, services: Services))
        {
            await a.StartAsync();
            var beta = a.Server.Client("dc-beta");
            var now = a.Server.Time.GetUtcNow();
            await (await beta.PutJsonAsync("/api/sites/p-site", new { area = "TK", itCapacityMw = 10.0, pue = 1.0 })).OkJsonAsync(201);
            await (await beta.PostAsJsonAsync("/api/workloads", new
            {
                id = "p-w1", release = now.AddMinutes(-10), deadline = now.AddHours(36), durationMinutes = 30, powerKw = 4000, interruptible = true, sites = new[] { "p-site" },
            })).OkJsonAsync(201);
            var start = Assert.Single((await (await beta.PostAsync("/api/plan", null)).OkJsonAsync()).GetProperty("runs").EnumerateArray()).GetProperty("start").GetDateTimeOffset();
            order = await (await a.Server.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
            {
                @operator = "beta", siteId = "p-site", reductionMw = 3.0, noticeMinutes = (int)Math.Max(10, (start.AddMinutes(10) - now).TotalMinutes), expectedDurationMinutes = 30,
            })).OkJsonAsync(201);
            // A stops before the action's time: nothing was carried out.
        }

        Assert.Equal(EngineJobState.Running, engine.Job(job.EngineJobId).State);
        var id = order.GetProperty("id").GetString()!;
        var executions = b.Server.Services.GetRequiredService<DispatchExecutions>();
        var executed = new TaskCompletionSource<DispatchOrder>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lifted = new TaskCompletionSource<DispatchOrder>(TaskCreationOptions.RunContinuationsAsynchronously);
        executions.Changed += o =>
        {
            if (o.CurtailmentOrderId == id && o.Execution is { State: not ExecutionState.Executing } e)
            {
                executed.TrySetResult(o);
                if (e.LiftedAt is not null)
                {
                    lifted.TrySetResult(o);
                }
            }
        };

        // B takes the order over once its action is overdue, and carries it out.
        var effectiveAt = order.GetProperty("effectiveAt").GetDateTimeOffset();
        b.Server.Time.Advance(effectiveAt + DispatchExecutions.TakeOverAfter - b.Server.Time.GetUtcNow());
        var done = await executed.Task.WaitAsync(Timeout);
        Assert.Equal(ExecutionState.Done, done.Execution!.State);
        Assert.Equal(ActionResult.Done, Assert.Single(done.Execution.Actions).Result);
        Assert.Equal(EngineJobState.Suspended, engine.Job(job.EngineJobId).State);

        // And lifts it once the curtailment has ended (and the lift is overdue on the instance that is gone).
        b.Server.Time.Advance(order.GetProperty("expectedEndAt").GetDateTimeOffset() + DispatchExecutions.TakeOverAfter - b.Server.Time.GetUtcNow());
        var end = await lifted.Task.WaitAsync(Timeout);
        Assert.StartsWith("1 job(s) resumed", end.Execution!.Lift, StringComparison.Ordinal);
        Assert.Equal(EngineJobState.Running, engine.Job(job.EngineJobId).State);
        var audit = (await (await b.Server.Client("dc-beta").GetAsync("/api/audit")).OkJsonAsync()).EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("dispatch-executed", audit);
        Assert.Contains("dispatch-lifted", audit);
    }
}
