using System.Text.Json;

namespace WattBit.Server.Tests;

/// <summary>GET /api/grid/substations/{id}/limiting-lines on the test server's layer.</summary>
[Collection(ServerCollection.Name)]
public sealed class LimitingLinesApiTests(TestServer server)
{
    [Fact]
    public async Task LimitingLines_CountTheHoursTheHeadroomRouteNamesEachLine()
    {
        var id = Uri.EscapeDataString("TK:上野");
        var hours = (await (await server.Client().GetAsync($"/api/grid/substations/{id}/headroom")).OkJsonAsync()).GetProperty("hours").EnumerateArray().ToList();
        var json = await (await server.Client().GetAsync($"/api/grid/substations/{id}/limiting-lines")).OkJsonAsync();
        Assert.Equal(hours.Count, json.GetProperty("hours").GetInt32());

        // Oracle: the hours of the headroom route, grouped by their limiting line here.
        static string? Text(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetString();
        var expected = hours.Where(h => Text(h.GetProperty("limitingLine")) is not null)
            .GroupBy(h => Text(h.GetProperty("limitingLine"))!)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(10).ToList();
        var lines = json.GetProperty("lines").EnumerateArray().ToList();
        Assert.NotEmpty(lines);
        Assert.Equal(expected.Count, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            Assert.Equal(expected[i].Key, lines[i].GetProperty("line").GetString());
            Assert.Equal(expected[i].Count(), lines[i].GetProperty("hours").GetInt32());
            Assert.Equal((double)expected[i].Count() / hours.Count, lines[i].GetProperty("share").GetDouble(), 6);
            Assert.Equal(expected[i].Min(h => h.GetProperty("n1Mw").GetDouble()), lines[i].GetProperty("minSecureMw").GetDouble(), 6);
        }
    }

    [Fact]
    public async Task LimitingLines_UnknownSubstationIs404_BadTopIs400()
    {
        var unknown = await (await server.Client().GetAsync("/api/grid/substations/TK:nowhere/limiting-lines")).ProblemAsync(404);
        Assert.Contains("TK:nowhere", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("TK:上野")}/limiting-lines?top=0")).ProblemAsync(400);
    }
}
