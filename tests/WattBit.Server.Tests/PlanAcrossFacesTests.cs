using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>
/// The server has one planning path, the planner `wattbit plan` runs: an operator's plan on the server and the CLI's plan
/// of a scenario file holding the same sites, connections, workloads and hourly signals place every run at the same
/// site, start and end.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PlanAcrossFacesTests(TestServer server)
{
    [Fact]
    public async Task ServerPlan_EqualsTheCliPlan_OfTheSameSitesWorkloadsAndSignals()
    {
        var delta = server.Client("dc-delta");
        // A Tokyo site on a provisional profile (1 MW in the JST afternoon), a Kansai site without a connection (IT × PUE).
        var profile = Enumerable.Repeat(12.0, 24).ToArray();
        for (var h = 13; h < 17; h++)
        {
            profile[h] = 1.0;
        }

        await (await delta.PutJsonAsync("/api/sites/x-tk", new { area = "TK", itCapacityMw = 10.0, pue = 1.2, grid = new { kind = "provisionalProfile", profileMw = profile } }))
            .OkJsonAsync(201);
        await (await delta.PutJsonAsync("/api/sites/x-kn", new { area = "KN", itCapacityMw = 4.0, pue = 1.1 })).OkJsonAsync(201);

        var start = new DateTimeOffset(2025, 11, 10, 4, 0, 0, TimeSpan.Zero); // 13:00 JST, after the test clock's now
        var jobs = new (string Id, int ReleaseH, int DeadlineH, int Minutes, double Kw, bool Interruptible, string[] Sites)[]
        {
            ("x-w1", 0, 10, 180, 4000, false, ["x-tk", "x-kn"]),
            ("x-w2", 1, 9, 90, 2000, true, ["x-tk", "x-kn"]),
            ("x-w3", 0, 12, 120, 6000, false, ["x-tk"]),
            ("x-w4", 2, 6, 30, 3000, false, ["x-kn"]),
        };
        foreach (var j in jobs)
        {
            await (await delta.PostAsJsonAsync("/api/workloads", new
            {
                id = j.Id, release = start.AddHours(j.ReleaseH), deadline = start.AddHours(j.DeadlineH), durationMinutes = j.Minutes, powerKw = j.Kw,
                interruptible = j.Interruptible, sites = j.Sites,
            })).OkJsonAsync(201);
        }

        var plan = await (await delta.PostAsync("/api/plan", null)).OkJsonAsync();
        Assert.Equal("optimiser", plan.GetProperty("summary").GetProperty("method").GetString());
        var from = plan.GetProperty("horizonStart").GetDateTimeOffset();
        var to = plan.GetProperty("horizonEnd").GetDateTimeOffset();
        Assert.Equal(start, from);
        var hours = (int)(to - from).TotalHours;
        var served = Runs(plan.GetProperty("runs").EnumerateArray()
            .Select(r => (r.GetProperty("workload").GetString()!, r.GetProperty("site").GetString()!, r.GetProperty("start").GetDateTimeOffset(), r.GetProperty("end").GetDateTimeOffset())));
        Assert.Equal(jobs.Select(j => j.Id).Order(StringComparer.Ordinal), served.Select(r => r.Job).Distinct().Order(StringComparer.Ordinal));

        // The same input as a scenario file: the areas' hourly signals as the server publishes them, the sites with their
        // connections as typed (the Kansai site firm at IT × PUE), the workloads at their hours from the start.
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"start: {from.ToOffset(Jst.Offset):yyyy-MM-dd'T'HH:mm:sszzz}\nhorizon_hours: {hours}\nsignals:\n");
        foreach (var area in new[] { "TK", "KN" })
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  {area}:\n    carbon_g_per_kwh: [{List(await HourlyAsync(area, "carbon", from, to))}]\n");
            yaml.Append(CultureInfo.InvariantCulture, $"    price_yen_per_kwh: [{List(await HourlyAsync(area, "price", from, to))}]\n");
        }

        // The sites in the order the server lists them (by id), so that each workload's first allowed site is the same.
        yaml.Append("sites:\n  - { id: x-kn, area: KN, it_capacity_mw: 4, pue: 1.1, connection: { kind: firm, mw: 4.4 } }\n");
        yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: x-tk, area: TK, it_capacity_mw: 10, pue: 1.2, connection: {{ kind: provisional, profile_mw: [{List(profile)}] }} }}\nworkloads:\n");
        foreach (var j in jobs)
        {
            yaml.Append(CultureInfo.InvariantCulture,
                $"  - {{ id: {j.Id}, kind: batch, power_kw: {j.Kw}, duration_h: {j.Minutes / 60.0}, release_h: {j.ReleaseH}, deadline_h: {j.DeadlineH}, interruptible: {(j.Interruptible ? "true" : "false")}, locations: [{string.Join(", ", j.Sites)}] }}\n");
        }

        var folder = Directory.CreateTempSubdirectory("wattbit-plan-faces-").FullName;
        try
        {
            var scenario = Path.Combine(folder, "plan.yaml");
            await File.WriteAllTextAsync(scenario, yaml.ToString());
            var cli = await WattBit.Cli.Tests.WattbitProcess.RunAsync(folder, "plan", "--scenario", scenario, "--out", Path.Combine(folder, "out"), "--time-limit", "10");
            Assert.True(cli.ExitCode == 0, cli.Out + cli.Error + "\n" + yaml);
            var lines = await File.ReadAllLinesAsync(Path.Combine(folder, "out", "placements.csv"));
            var planned = Runs(lines.Skip(1).Select(l => l.Split(',')).Where(c => c[4].Length > 0)
                .Select(c => (c[0], c[3], DateTimeOffset.Parse(c[4], CultureInfo.InvariantCulture), DateTimeOffset.Parse(c[5], CultureInfo.InvariantCulture))));
            Assert.Equal(planned, served);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // The work is done, run time for run time (the 30-min job is not stored as an hour).
        Assert.All(jobs, j => Assert.Equal(j.Minutes, served.Where(r => r.Job == j.Id).Sum(r => (r.End - r.Start).TotalMinutes), 9));
    }

    private static List<(string Job, string Site, DateTimeOffset Start, DateTimeOffset End)> Runs(IEnumerable<(string Job, string Site, DateTimeOffset Start, DateTimeOffset End)> runs) =>
        [.. runs.Select(r => (r.Job, r.Site, r.Start.ToUniversalTime(), r.End.ToUniversalTime())).OrderBy(r => r.Job, StringComparer.Ordinal).ThenBy(r => r.Item3)];

    private static string List(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private async Task<double[]> HourlyAsync(string area, string metric, DateTimeOffset from, DateTimeOffset to)
    {
        var url = $"/api/areas/{area}/signals/{metric}?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
        var values = (await (await server.Client().GetAsync(url)).OkJsonAsync()).GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal((int)(to - from).TotalHours * 2, values.Length);
        return [.. Enumerable.Range(0, values.Length / 2).Select(h => (values[2 * h] + values[(2 * h) + 1]) / 2)];
    }
}
