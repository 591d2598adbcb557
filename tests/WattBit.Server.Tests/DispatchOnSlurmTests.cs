using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Execution;
using WattBit.Execution.Tests;
using WattBit.Server.Dispatch;

namespace WattBit.Server.Tests;

/// <summary>A real single-node Slurm cluster and a server configured (by its settings) to carry beta's dispatch orders out on it.</summary>
public sealed class SlurmServer : IAsyncLifetime
{
    public SlurmCluster Cluster { get; } = new();

    public TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Cluster.InitializeAsync();
        Server = new TestServer(new Dictionary<string, string>
        {
            ["WattBit:JobEngines:0:Operator"] = "beta",
            ["WattBit:JobEngines:0:Kind"] = "slurm",
            ["WattBit:JobEngines:0:Queues"] = "s-tokyo=tk,s-kansai=kn",
            ["WattBit:JobEngines:0:SlurmConf"] = Cluster.ConfigFile,
        });
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        await Cluster.DisposeAsync();
    }
}

/// <summary>The server's dispatch orders reach a real Slurm: a deferred job is suspended there, and resumed when the curtailment ends.</summary>
public sealed class DispatchOnSlurmTests(SlurmServer fixture) : IClassFixture<SlurmServer>
{
    [Fact]
    public async Task Defer_SuspendsTheSlurmJob_AndTheLiftResumesIt()
    {
        var server = fixture.Server;
        var slurm = fixture.Cluster.Engine;
        var job = await slurm.SubmitAsync(new JobSubmission("s-w1", "tk", "sleep 120"));
        try
        {
            await SlurmCluster.Eventually(() => slurm.GetAsync(job.EngineJobId), j => j.State == EngineJobState.Running, TimeSpan.FromSeconds(30), "the job to run");
            var beta = server.Client("dc-beta");
            var now = server.Time.GetUtcNow();
            await (await beta.PutJsonAsync("/api/sites/s-tokyo", new { area = "TK", itCapacityMw = 10.0, pue = 1.0 })).OkJsonAsync(201);
            await (await beta.PostAsJsonAsync("/api/workloads", new
            {
                id = "s-w1", release = now.AddMinutes(-10), deadline = now.AddHours(36), durationMinutes = 30, powerKw = 4000, interruptible = true, sites = new[] { "s-tokyo" },
            })).OkJsonAsync(201);
            var plan = await (await beta.PostAsync("/api/plan", null)).OkJsonAsync();
            var start = Assert.Single(plan.GetProperty("runs").EnumerateArray()).GetProperty("start").GetDateTimeOffset();
            await using var events = await LiveEventsTests.EventStream.OpenAsync(beta);
            var order = await (await server.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
            {
                @operator = "beta", siteId = "s-tokyo", reductionMw = 3.0, noticeMinutes = (int)Math.Max(10, (start.AddMinutes(10) - now).TotalMinutes), expectedDurationMinutes = 30,
            })).OkJsonAsync(201);
            var id = order.GetProperty("id").GetString();
            server.Time.Advance(order.GetProperty("effectiveAt").GetDateTimeOffset() - server.Time.GetUtcNow()); // the actions' time

            JsonElement data;
            do
            {
                (_, data) = await events.NextAsync();
            }
            while (!(data.TryGetProperty("curtailmentOrderId", out var c) && c.GetString() == id && data.GetProperty("execution").GetProperty("state").GetString() != "executing"));

            var execution = data.GetProperty("execution");
            Assert.Equal("slurm", execution.GetProperty("engine").GetString());
            Assert.Equal("done", execution.GetProperty("state").GetString());
            var done = Assert.Single(execution.GetProperty("actions").EnumerateArray());
            Assert.Equal(("defer", "done"), (done.GetProperty("action").GetString(), done.GetProperty("result").GetString()));
            Assert.Equal(job.EngineJobId, Assert.Single(done.GetProperty("jobs").EnumerateArray()).GetProperty("engineJobId").GetString());
            Assert.Equal(EngineJobState.Suspended, (await slurm.GetAsync(job.EngineJobId)).State);

            server.Time.Advance(order.GetProperty("expectedEndAt").GetDateTimeOffset() - server.Time.GetUtcNow() + DispatchExecutions.LiftInterval);
            await SlurmCluster.Eventually(() => slurm.GetAsync(job.EngineJobId), j => j.State == EngineJobState.Running, TimeSpan.FromSeconds(30), "the job to be resumed");
        }
        finally
        {
            await slurm.CancelAsync(job.EngineJobId);
        }
    }
}
