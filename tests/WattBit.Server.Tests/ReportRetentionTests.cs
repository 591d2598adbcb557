using Microsoft.Extensions.DependencyInjection;
using WattBit.Data.Storage;
using WattBit.Server.Studies;
using WattBit.Testing;

namespace WattBit.Server.Tests;

/// <summary>
/// <c>WattBit:Jobs:ReportsKept</c>: only the newest finished reports of each kind stay, in memory and in the report stream
/// (a JSON-lines file beside the journal, or the shared store's stream), and the jobs whose reports were removed say so.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReportRetentionTests(PostgresServer postgres)
{
    /// <summary>Runs three tiny simulations one after another with one report kept; returns their ids, oldest first.</summary>
    private static async Task<string[]> RunThreeAsync(TestServer server)
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await JobRestartTests.StartYearAsync(server);
            Assert.True(await JobRestartTests.WorkEnded(server, id));
            ids.Add(id);
        }

        var planner = server.Client("planner");
        foreach (var old in ids.Take(2))
        {
            var job = await (await planner.GetAsync($"/api/simulations/{old}")).OkJsonAsync();
            Assert.Equal("done", job.GetProperty("state").GetString());
            Assert.Equal(JobRunner<object>.ReportRemoved(1), job.GetProperty("stage").GetString());
            await (await planner.GetAsync($"/api/simulations/{old}/report")).ProblemAsync(409);
        }

        using var newest = await planner.GetAsync($"/api/simulations/{ids[2]}/report");
        Assert.Equal(200, (int)newest.StatusCode);
        return [.. ids];
    }

    private static async Task<Dictionary<string, string>> TinyYearAsync(string folder)
    {
        var scenarios = Directory.CreateDirectory(Path.Combine(folder, "scenarios")).FullName;
        await File.WriteAllTextAsync(Path.Combine(scenarios, "year.yaml"), JobRestartTests.TinyAsYear);
        return new Dictionary<string, string> { ["WattBit:SimulationScenarios"] = scenarios, ["WattBit:Jobs:ReportsKept"] = "1" };
    }

    [Fact]
    public async Task WithOneReportKept_TheFileKeepsOnlyTheNewest_AndARestartServesIt()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-retention-files-").FullName;
        try
        {
            var settings = await TinyYearAsync(folder);
            string[] ids;
            string file;
            await using (var first = new StartedServer(settings, folder))
            {
                await first.StartAsync();
                ids = await RunThreeAsync(first.Server);
                file = Path.Combine(folder, "journal.simulation-reports.jsonl");
            }

            // The third report made three records, over the one kept plus its slack of one: the file was rewritten to one.
            Assert.Single(File.ReadAllLines(file), l => l.Length > 0);
            await using var second = new StartedServer(settings, folder);
            await second.StartAsync();
            var planner = second.Server.Client("planner");
            using var newest = await planner.GetAsync($"/api/simulations/{ids[2]}/report");
            Assert.Equal(200, (int)newest.StatusCode);
            Assert.Equal("done", (await (await planner.GetAsync($"/api/simulations/{ids[0]}")).OkJsonAsync()).GetProperty("state").GetString());
            await (await planner.GetAsync($"/api/simulations/{ids[0]}/report")).ProblemAsync(409);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task WithOneReportKept_TheSharedStreamKeepsOnlyTheNewest_OnEveryInstance()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-retention-shared-").FullName;
        try
        {
            var settings = await TinyYearAsync(folder);
            settings["WattBit:Store"] = "postgres:" + await postgres.CreateDatabaseAsync();
            await using var a = new StartedServer(settings);
            await a.StartAsync();
            var ids = await RunThreeAsync(a.Server);

            var store = (IJournalStore)a.Server.Services.GetRequiredService<IWattBitStore>();
            var kept = await store.ReadJournalAsync("simulation-reports", 0);
            Assert.Equal(3, (await store.JournalLengthAsync("simulation-reports")));
            Assert.Single(kept);

            // Another instance replays the stream: the newest report, the older jobs done without theirs.
            await using var b = new StartedServer(settings);
            await b.StartAsync();
            var planner = b.Server.Client("planner");
            using var newest = await planner.GetAsync($"/api/simulations/{ids[2]}/report");
            Assert.Equal(200, (int)newest.StatusCode);
            await (await planner.GetAsync($"/api/simulations/{ids[1]}/report")).ProblemAsync(409);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
