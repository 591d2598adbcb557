using System.Net.Http.Json;

namespace WattBit.Server.Tests;

/// <summary>Planners run siting rankings as background jobs: progress as live events, then the report.</summary>
[Collection(ServerCollection.Name)]
public sealed class SitingJobTests(TestServer server)
{
    [Fact]
    public async Task Ranking_RunsInTheBackground_ReportsProgress_ThenServesTheReport()
    {
        var planner = server.Client("planner");
        var studies = await (await planner.GetAsync("/api/siting/studies")).OkJsonAsync();
        Assert.Contains(studies.EnumerateArray(), s => s.GetString() == "cluster-300mw");

        await using var events = await LiveEventsTests.EventStream.OpenAsync(server.Client("planner"));
        var started = await (await planner.PostAsJsonAsync("/api/siting/rankings", new { study = "cluster-300mw" })).OkJsonAsync(202);
        var id = started.GetProperty("id").GetString()!;

        var stages = new List<string>();
        while (true)
        {
            var (type, data) = await events.NextAsync();
            if (type != "siting-job" || data.GetProperty("id").GetString() != id)
            {
                continue;
            }

            stages.Add(data.GetProperty("stage").GetString()!);
            var state = data.GetProperty("state").GetString();
            Assert.NotEqual("failed", state);
            if (state == "done")
            {
                break;
            }
        }

        Assert.True(stages.Count >= 2, string.Join(" | ", stages));
        var status = await (await planner.GetAsync($"/api/siting/rankings/{id}")).OkJsonAsync();
        Assert.Equal(47, status.GetProperty("candidates").GetInt32());

        var csv = await planner.GetAsync($"/api/siting/rankings/{id}/report");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(48, lines.Length);

        // The ranking reads the server's own headroom layer: Saitama is served by TK:上尾 (the only substation of the
        // test layer inside it), with the firm headroom the welcome zones give for the study's 300 MW.
        var header = lines[0].Split(',');
        var saitama = lines.Skip(1).Select(l => l.Split(',')).Single(f => f[Array.IndexOf(header, "id")] == "11");
        Assert.Equal("TK:上尾", saitama[Array.IndexOf(header, "substation")]);
        var zones = await (await planner.GetAsync("/api/grid/welcome-zones?mw=300")).OkJsonAsync();
        var ageo = zones.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("properties").GetProperty("id").GetString() == "TK:上尾").GetProperty("properties");
        // The CSV writes one decimal (half away from zero); the route keeps more. Compare within half a unit of that
        // decimal, not by rounding both sides (Math.Round's half-to-even would split an exact x.x5).
        Assert.Equal(ageo.GetProperty("firm_mw").GetDouble(), double.Parse(saitama[Array.IndexOf(header, "firm_mw")], System.Globalization.CultureInfo.InvariantCulture), 0.05 + 1e-9);
        Assert.Equal(ageo.GetProperty("zone").GetString(), saitama[Array.IndexOf(header, "welcome_zone")]);
        var geo = await (await planner.GetAsync($"/api/siting/rankings/{id}/report?format=geojson")).OkJsonAsync();
        Assert.Equal("FeatureCollection", geo.GetProperty("type").GetString());

        // Another key does not see the job; other roles cannot run studies; unknown or path-like study names are 404.
        await (await server.Client("viewer").GetAsync($"/api/siting/rankings/{id}")).ProblemAsync(403);
        await (await server.Client("dc-alpha").PostAsJsonAsync("/api/siting/rankings", new { study = "cluster-300mw" })).ProblemAsync(403);
        foreach (var name in (string[])["nope", "../siting/cluster-300mw", "/etc/passwd", "..", ""])
        {
            await (await planner.PostAsJsonAsync("/api/siting/rankings", new { study = name })).ProblemAsync(404);
        }
    }
}
