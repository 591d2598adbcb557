using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WattBit.Execution;
using WattBit.Server.Dispatch;

namespace WattBit.Server.Tests;

/// <summary>A dispatch order whose execution a stop cut off is carried out when the same instance starts again.</summary>
public sealed class DispatchExecutionRestartTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnExecutionCutOffByAStop_IsResumedAfterTheRestart()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-dispatch-restart-").FullName;
        try
        {
            var engine = new FakeJobEngine(TimeProvider.System);
            var job = engine.Add("r-w1", "tk", EngineJobState.Running);
            engine.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Services(IServiceCollection s) => s.AddSingleton(new JobEngines(new Dictionary<string, OperatorEngine>
            {
                ["beta"] = new(engine, QueueMap.Parse("r-site=tk"), CurtailmentMode.Suspend),
            }));

            string id;
            DateTimeOffset effectiveAt;
            var first = new TestServer([], folder, Services);
            await first.InitializeAsync();
            try
            {
                var beta = first.Client("dc-beta");
                var now = first.Time.GetUtcNow();
                await (await beta.PutJsonAsync("/api/sites/r-site", new { area = "TK", itCapacityMw = 10.0, pue = 1.0 })).OkJsonAsync(201);
                await (await beta.PostAsJsonAsync("/api/workloads", new
                {
                    id = "r-w1", release = now.AddMinutes(-10), deadline = now.AddHours(36), durationMinutes = 30, powerKw = 4000, interruptible = true, sites = new[] { "r-site" },
                })).OkJsonAsync(201);
                var start = Assert.Single((await (await beta.PostAsync("/api/plan", null)).OkJsonAsync()).GetProperty("runs").EnumerateArray()).GetProperty("start").GetDateTimeOffset();
                var issued = await (await first.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
                {
                    @operator = "beta", siteId = "r-site", reductionMw = 3.0, noticeMinutes = (int)Math.Max(10, (start.AddMinutes(10) - now).TotalMinutes), expectedDurationMinutes = 30,
                })).OkJsonAsync(201);
                id = issued.GetProperty("id").GetString()!;
                effectiveAt = issued.GetProperty("effectiveAt").GetDateTimeOffset();
                first.Time.Advance(effectiveAt - first.Time.GetUtcNow()); // the action's time

                // The engine is in the middle of the suspend when the server stops.
                await engine.Entered.Task.WaitAsync(Timeout);
            }
            finally
            {
                await first.DisposeAsync();
            }

            Assert.Equal(EngineJobState.Running, engine.Job(job.EngineJobId).State);
            engine.Gate = null;
            var second = new TestServer([], folder, Services);
            await second.InitializeAsync();
            try
            {
                var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                second.Services.GetRequiredService<DispatchExecutions>().Changed += o =>
                {
                    if (o.CurtailmentOrderId == id && o.Execution is { State: not ExecutionState.Executing })
                    {
                        finished.TrySetResult();
                    }
                };
                second.Time.Advance(effectiveAt - second.Time.GetUtcNow()); // the restarted instance's clock starts again at the tests' now
                JsonElement Order(JsonElement all) => Assert.Single(all.EnumerateArray(), d => d.GetProperty("curtailmentOrderId").GetString() == id);
                var order = Order(await (await second.Client("dc-beta").GetAsync("/api/dispatch-orders")).OkJsonAsync());
                if (order.GetProperty("execution").GetProperty("state").GetString() == "executing")
                {
                    await finished.Task.WaitAsync(Timeout);
                    order = Order(await (await second.Client("dc-beta").GetAsync("/api/dispatch-orders")).OkJsonAsync());
                }

                var execution = order.GetProperty("execution");
                Assert.Equal("done", execution.GetProperty("state").GetString());
                var done = Assert.Single(execution.GetProperty("actions").EnumerateArray());
                Assert.Equal(("defer", "done"), (done.GetProperty("action").GetString(), done.GetProperty("result").GetString()));
                Assert.Equal(EngineJobState.Suspended, engine.Job(job.EngineJobId).State);
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
