using System.Globalization;

namespace WattBit.Server.Tests;

/// <summary>Forecast quantiles of a substation's headroom under /api/grid (decision 0124).</summary>
[Collection(ServerCollection.Name)]
public sealed class HeadroomQuantilesApiTests(TestServer server)
{
    private static string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture));

    [Fact]
    public async Task Quantiles_OfTheLayersDay_AreOrderedNonNegativeHours_FromTheModelsHistoryBeforeIt()
    {
        var list = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        var from = list.GetProperty("from").GetDateTimeOffset();
        var json = await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("TK:上尾")}/headroom/quantiles")).OkJsonAsync();
        Assert.Equal("TK:上尾", json.GetProperty("id").GetString());
        Assert.Contains("forecasting engine", json.GetProperty("forecaster").GetString(), StringComparison.Ordinal);
        Assert.Contains("reference year", json.GetProperty("history").GetString(), StringComparison.Ordinal);
        var hours = json.GetProperty("hours").EnumerateArray().ToList();
        Assert.Equal(24, hours.Count);
        for (var t = 0; t < hours.Count; t++)
        {
            Assert.Equal(from.AddHours(t), hours[t].GetProperty("start").GetDateTimeOffset());
            var (p10, p50, p90) = (hours[t].GetProperty("p10Mw").GetDouble(), hours[t].GetProperty("p50Mw").GetDouble(), hours[t].GetProperty("p90Mw").GetDouble());
            Assert.True(p10 >= 0 && p10 <= p50 && p50 <= p90, $"hour {t}: {p10} {p50} {p90}");
        }

        // A later window of the same origin's forecast is cut from it, not made up.
        var part = await (await server.Client().GetAsync(
            $"/api/grid/substations/{Uri.EscapeDataString("TK:上尾")}/headroom/quantiles?from={Q(from.AddHours(3))}&to={Q(from.AddHours(5))}")).OkJsonAsync();
        Assert.Equal(2, part.GetProperty("hours").GetArrayLength());
    }

    [Fact]
    public async Task Quantiles_UnknownSubstation_LongWindow_OrOffTheHour_AreProblemsThatSaySo()
    {
        var unknown = await (await server.Client().GetAsync("/api/grid/substations/TK:nowhere/headroom/quantiles")).ProblemAsync(404);
        Assert.Contains("TK:nowhere", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var from = new DateTimeOffset(2025, 11, 10, 0, 0, 0, TimeSpan.FromHours(9));
        await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("TK:上尾")}/headroom/quantiles?from={Q(from)}&to={Q(from.AddDays(8))}")).ProblemAsync(400);
        await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("TK:上尾")}/headroom/quantiles?from={Q(from.AddMinutes(30))}")).ProblemAsync(400);
    }

    [Fact]
    public async Task OpenApi_DeclaresTheQuantilesRoute_AndItsAnswers()
    {
        var json = await (await server.Client().GetAsync("/openapi/v1.json")).OkJsonAsync();
        var responses = json.GetProperty("paths").GetProperty("/api/grid/substations/{id}/headroom/quantiles").GetProperty("get").GetProperty("responses")
            .EnumerateObject().Select(r => r.Name).ToHashSet();
        foreach (var code in (string[])["200", "400", "404"])
        {
            Assert.Contains(code, responses);
        }
    }
}
