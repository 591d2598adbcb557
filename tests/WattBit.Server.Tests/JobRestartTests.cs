using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WattBit.Server.Studies;
using WattBit.Testing;

namespace WattBit.Server.Tests;

/// <summary>
/// Background jobs lose nothing on restart: a simulation the stop cut off is resumed under its id and finishes, finished
/// reports are served after a restart, and (PostgreSQL) a cancel made on one instance stops the work the other runs.
/// </summary>
public sealed class JobRestartTests
{
    /// <summary>Two days of three sites and two policies, named <c>year</c>: what the resumed job finds under that name.</summary>
    internal static readonly string TinyAsYear = SimulationServer.TinyScenario.Replace("name: tiny", "name: year", StringComparison.Ordinal);

    internal static readonly TimeSpan WorkTimeout = TimeSpan.FromMinutes(3);

    internal static async Task<string> StartYearAsync(TestServer server)
    {
        var started = await (await server.Client("planner").PostAsJsonAsync("/api/simulations", new { scenario = "year" })).OkJsonAsync(202);
        return started.GetProperty("id").GetString()!;
    }

    /// <summary>Starts a server on <paramref name="folder"/> whose scenario <c>year</c> is the long year, starts it, and stops the server.</summary>
    private static async Task<(Dictionary<string, string> Settings, string Scenarios, string Id)> YearCutOffByAStopAsync(string folder)
    {
        var scenarios = Directory.CreateDirectory(Path.Combine(folder, "scenarios")).FullName;
        // A year of 200 sites and five policies: far longer than the time between starting it and stopping the server.
        await File.WriteAllTextAsync(Path.Combine(scenarios, "year.yaml"), SimulationServer.YearScenario);
        var settings = new Dictionary<string, string> { ["WattBit:SimulationScenarios"] = scenarios };
        await using var first = new StartedServer(settings, folder);
        await first.StartAsync();
        return (settings, scenarios, await StartYearAsync(first.Server));
    }

    internal static Task<bool> WorkEnded(TestServer server, string id) =>
        (server.Services.GetRequiredService<SimulationJobs>().WorkEnded(id) ?? throw new InvalidOperationException($"{id} does not run here")).WaitAsync(WorkTimeout);

    [Fact]
    public async Task ASimulationCutOffByTheStop_IsResumedAfterTheRestart_AndItsReportOutlivesTheNextRestart()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-restart-jobs-").FullName;
        try
        {
            var (settings, scenarios, id) = await YearCutOffByAStopAsync(folder);

            // The restarted instance resumes the job from its scenario, read again by name: two days now, so it finishes.
            await File.WriteAllTextAsync(Path.Combine(scenarios, "year.yaml"), TinyAsYear);
            byte[] report;
            await using (var second = new StartedServer(settings, folder))
            {
                await second.StartAsync();
                Assert.True(await WorkEnded(second.Server, id));
                var job = await (await second.Server.Client("planner").GetAsync($"/api/simulations/{id}")).OkJsonAsync();
                Assert.Equal("done", job.GetProperty("state").GetString());
                Assert.Equal(2, job.GetProperty("summary").GetArrayLength());
                Assert.Equal([id], (await (await second.Server.Client("planner").GetAsync("/api/simulations")).OkJsonAsync()).EnumerateArray()
                    .Select(j => j.GetProperty("id").GetString()));
                using var answer = await second.Server.Client("planner").GetAsync($"/api/simulations/{id}/report");
                Assert.Equal(200, (int)answer.StatusCode);
                report = await answer.Content.ReadAsByteArrayAsync();
            }

            // Another restart: the job is done with its summary, report and CSVs, byte for byte.
            await using (var third = new StartedServer(settings, folder))
            {
                await third.StartAsync();
                var planner = third.Server.Client("planner");
                var job = await (await planner.GetAsync($"/api/simulations/{id}")).OkJsonAsync();
                Assert.Equal("done", job.GetProperty("state").GetString());
                Assert.Equal("done", job.GetProperty("stage").GetString());
                Assert.Equal(2, job.GetProperty("summary").GetArrayLength());
                Assert.Equal(report, await planner.GetByteArrayAsync($"/api/simulations/{id}/report"));
                var summary = await planner.GetStringAsync($"/api/simulations/{id}/report/summary.csv");
                Assert.StartsWith("policy", summary, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AJobWhoseScenarioIsGoneAfterTheRestart_IsFailedWithTheReason()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-restart-gone-").FullName;
        try
        {
            var (settings, scenarios, id) = await YearCutOffByAStopAsync(folder);
            File.Delete(Path.Combine(scenarios, "year.yaml"));
            await using var second = new StartedServer(settings, folder);
            await second.StartAsync();
            var job = await (await second.Server.Client("planner").GetAsync($"/api/simulations/{id}")).OkJsonAsync();
            Assert.Equal("failed", job.GetProperty("state").GetString());
            Assert.Equal(JobRunner<object>.StoppedBeforeFinishing, job.GetProperty("error").GetString());
            await (await second.Server.Client("planner").GetAsync($"/api/simulations/{id}/report")).ProblemAsync(409);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AFinishedRankingsReport_IsServedAfterARestart()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-restart-siting-").FullName;
        try
        {
            string id;
            string csv;
            await using (var first = new StartedServer([], folder))
            {
                await first.StartAsync();
                var planner = first.Server.Client("planner");
                id = (await (await planner.PostAsJsonAsync("/api/siting/rankings", new { study = "cluster-300mw" })).OkJsonAsync(202)).GetProperty("id").GetString()!;
                await using var events = await LiveEventsTests.EventStream.OpenAsync(first.Server.Client("planner"));
                while ((await (await planner.GetAsync($"/api/siting/rankings/{id}")).OkJsonAsync()).GetProperty("state").GetString() == "running")
                {
                    _ = await events.NextAsync(); // every stage and the end are events to this key
                }

                csv = await planner.GetStringAsync($"/api/siting/rankings/{id}/report");
            }

            await using var second = new StartedServer([], folder);
            await second.StartAsync();
            var again = second.Server.Client("planner");
            var status = await (await again.GetAsync($"/api/siting/rankings/{id}")).OkJsonAsync();
            Assert.Equal("done", status.GetProperty("state").GetString());
            Assert.Equal(47, status.GetProperty("candidates").GetInt32());
            Assert.Equal(csv, await again.GetStringAsync($"/api/siting/rankings/{id}/report"));
            var geo = await (await again.GetAsync($"/api/siting/rankings/{id}/report?format=geojson")).OkJsonAsync();
            Assert.Equal("FeatureCollection", geo.GetProperty("type").GetString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>The same, with two server instances on one PostgreSQL database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedJobTests(PostgresServer postgres)
{
    [Fact]
    public async Task ACancelMadeOnOneInstance_StopsTheWorkTheOtherRuns()
    {
        var store = "postgres:" + await postgres.CreateDatabaseAsync();
        var scenarios = Directory.CreateTempSubdirectory("wattbit-shared-scenarios-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(scenarios, "year.yaml"), SimulationServer.YearScenario);
            var settings = new Dictionary<string, string> { ["WattBit:Store"] = store, ["WattBit:SimulationScenarios"] = scenarios };
            await using var a = new StartedServer(settings);
            await using var b = new StartedServer(settings);
            await a.StartAsync();
            await b.StartAsync();

            var id = await JobRestartTests.StartYearAsync(a.Server);
            Assert.Equal("running", (await (await b.Server.Client("planner").GetAsync($"/api/simulations/{id}")).OkJsonAsync()).GetProperty("state").GetString());
            var cancelled = await (await b.Server.Client("planner").DeleteAsync($"/api/simulations/{id}")).OkJsonAsync();
            Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());

            // A's work stops (it does not run the year to its end) and A says cancelled too; a second cancel is 409 on either.
            Assert.False(await JobRestartTests.WorkEnded(a.Server, id));
            Assert.Equal("cancelled", (await (await a.Server.Client("planner").GetAsync($"/api/simulations/{id}")).OkJsonAsync()).GetProperty("state").GetString());
            await (await a.Server.Client("planner").DeleteAsync($"/api/simulations/{id}")).ProblemAsync(409);
            await (await b.Server.Client("planner").DeleteAsync($"/api/simulations/{id}")).ProblemAsync(409);
        }
        finally
        {
            Directory.Delete(scenarios, recursive: true);
        }
    }

    [Fact]
    public async Task AJobCutOffByARestart_IsResumedByItsInstance_AndTheOtherServesItsReport()
    {
        var store = "postgres:" + await postgres.CreateDatabaseAsync();
        var scenarios = Directory.CreateTempSubdirectory("wattbit-shared-scenarios-").FullName;
        var folderA = Directory.CreateTempSubdirectory("wattbit-shared-a-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(scenarios, "year.yaml"), SimulationServer.YearScenario);
            var settings = new Dictionary<string, string> { ["WattBit:Store"] = store, ["WattBit:SimulationScenarios"] = scenarios };
            await using var b = new StartedServer(settings);
            await b.StartAsync();
            string id;
            await using (var a = new StartedServer(settings, folderA))
            {
                await a.StartAsync();
                id = await JobRestartTests.StartYearAsync(a.Server);
            }

            await File.WriteAllTextAsync(Path.Combine(scenarios, "year.yaml"), JobRestartTests.TinyAsYear);
            await using (var again = new StartedServer(settings, folderA))
            {
                await again.StartAsync();
                Assert.True(await JobRestartTests.WorkEnded(again.Server, id));
            }

            var job = await (await b.Server.Client("planner").GetAsync($"/api/simulations/{id}")).OkJsonAsync();
            Assert.Equal("done", job.GetProperty("state").GetString());
            Assert.Equal(2, job.GetProperty("summary").GetArrayLength());
            using var report = await b.Server.Client("planner").GetAsync($"/api/simulations/{id}/report");
            Assert.Equal(200, (int)report.StatusCode);
        }
        finally
        {
            Directory.Delete(scenarios, recursive: true);
            Directory.Delete(folderA, recursive: true);
        }
    }
    [Fact]
    public async Task TheJobsOfAKilledInstanceThatNeverReturns_AreTakenOverByTheOther_OrFailedWhenTheirInputIsGone()
    {
        var store = "postgres:" + await postgres.CreateDatabaseAsync();
        var scenarios = Directory.CreateTempSubdirectory("wattbit-orphan-scenarios-").FullName;
        var folderA = Directory.CreateTempSubdirectory("wattbit-orphan-a-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(scenarios, "year.yaml"), SimulationServer.YearScenario);
            await File.WriteAllTextAsync(Path.Combine(scenarios, "gone.yaml"), SimulationServer.YearScenario);
            var a = await ServerProcess.StartAsync(store, folderA, new Dictionary<string, string>
            {
                ["WattBit__SimulationScenarios"] = scenarios,
                ["WattBit__InstanceId"] = "a",
            });
            string resumed, gone;
            await using (a)
            {
                using var planner = a.Client("planner");
                resumed = (await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "year" })).OkJsonAsync(202)).GetProperty("id").GetString()!;
                gone = (await (await planner.PostAsJsonAsync("/api/simulations", new { scenario = "gone" })).OkJsonAsync(202)).GetProperty("id").GetString()!;
            }

            // A is killed (the process, at once) and never returns; of its two running jobs, one's input is gone.
            await File.WriteAllTextAsync(Path.Combine(scenarios, "year.yaml"), JobRestartTests.TinyAsYear);
            File.Delete(Path.Combine(scenarios, "gone.yaml"));
            var expiry = TimeSpan.FromSeconds(30);
            await using var b = new StartedServer(new Dictionary<string, string>
            {
                ["WattBit:Store"] = store,
                ["WattBit:SimulationScenarios"] = scenarios,
                ["WattBit:InstanceId"] = "b",
                ["WattBit:Jobs:LeaseExpiry"] = expiry.ToString(),
            });
            await b.StartAsync();
            var client = b.Server.Client("planner");
            Assert.Equal("running", (await (await client.GetAsync($"/api/simulations/{resumed}")).OkJsonAsync()).GetProperty("state").GetString());

            // B's clock moves one heartbeat at a time: A's lease does not move, so after the expiry B takes both over.
            var jobs = b.Server.Services.GetRequiredService<SimulationJobs>();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            Task<bool>? work = null;
            JsonElement failed = default;
            while ((work ??= jobs.WorkEnded(resumed)) is null
                || (failed = await (await client.GetAsync($"/api/simulations/{gone}")).OkJsonAsync()).GetProperty("state").GetString() == "running")
            {
                Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "B did not take over A's jobs.");
                b.Server.Time.Advance(JobRunner<SimulationReportFiles>.CancelPoll);
                await Task.Delay(20);
            }

            // Not before the lease expired on B's clock.
            Assert.True(b.Server.Time.GetUtcNow() - TestServer.Now >= expiry);
            Assert.True(await work!.WaitAsync(JobRestartTests.WorkTimeout));
            var done = await (await client.GetAsync($"/api/simulations/{resumed}")).OkJsonAsync();
            Assert.Equal("done", done.GetProperty("state").GetString());
            Assert.Equal(2, done.GetProperty("summary").GetArrayLength());
            Assert.Equal("failed", failed.GetProperty("state").GetString());
            Assert.StartsWith("Its server instance (a) stopped: no heartbeat for ", failed.GetProperty("error").GetString());
        }
        finally
        {
            Directory.Delete(scenarios, recursive: true);
            Directory.Delete(folderA, recursive: true);
        }
    }
}

/// <summary>A <see cref="TestServer"/> started and stopped with <c>await using</c>.</summary>
internal sealed class StartedServer(Dictionary<string, string> settings, string? folder = null, Action<IServiceCollection>? services = null) : IAsyncDisposable
{
    public TestServer Server { get; } = new(settings, folder, services);

    public Task StartAsync() => Server.InitializeAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
