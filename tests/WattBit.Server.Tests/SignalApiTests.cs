using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>Areas, signals (current, history, publishing), forecasts with quantiles, headroom and provisional profiles.</summary>
[Collection(ServerCollection.Name)]
public sealed class SignalApiTests(TestServer server)
{
    private static readonly DateTimeOffset Day = new(2025, 9, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("carbon", "gCO2/kWh")]
    [InlineData("price", "JPY/kWh")]
    [InlineData("curtailment", "MWh")]
    public async Task Current_IsTheSlotContainingNow(string metric, string unit)
    {
        var json = await (await server.Client().GetAsync($"/api/areas/kyushu/signals/{metric}/current")).OkJsonAsync();
        Assert.Equal("KY", json.GetProperty("area").GetString());
        Assert.Equal(unit, json.GetProperty("unit").GetString());
        Assert.Equal(new DateTimeOffset(2025, 11, 10, 3, 0, 0, TimeSpan.Zero), json.GetProperty("start").GetDateTimeOffset());
        Assert.True(json.GetProperty("value").GetDouble() >= 0);
    }

    [Fact]
    public async Task History_DefaultsToTheLast24Hours()
    {
        var json = await (await server.Client().GetAsync("/api/areas/TK/signals/price")).OkJsonAsync();
        Assert.Equal(48, json.GetProperty("values").GetArrayLength());
        Assert.Equal(new DateTimeOffset(2025, 11, 9, 3, 30, 0, TimeSpan.Zero), json.GetProperty("start").GetDateTimeOffset());
    }

    [Fact]
    public async Task Publish_ByTheAreasGridOperator_ReplacesReferenceValues_OnlyWhereGiven()
    {
        var before = await (await server.Client().GetAsync($"/api/areas/CB/signals/price?from={Q(Day)}&to={Q(Day.AddHours(2))}")).OkJsonAsync();
        var wrongArea = server.Client("tso-tk");
        await (await wrongArea.PutJsonAsync("/api/areas/CB/signals/price", new { start = Day, stepMinutes = 30, values = new double?[] { 1, null } })).ProblemAsync(403);

        var tk = server.Client("tso-tk");
        await (await tk.PutJsonAsync("/api/areas/TK/signals/price", new { start = Day, stepMinutes = 30, values = new double?[] { 7.5, null, 9 } })).OkJsonAsync();
        var after = await (await server.Client().GetAsync($"/api/areas/TK/signals/price?from={Q(Day)}&to={Q(Day.AddHours(2))}")).OkJsonAsync();
        var v = after.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(7.5, v[0]);
        Assert.Equal(9, v[2]);
        Assert.NotEqual(7.5, v[1]);
        Assert.Equal(4, before.GetProperty("values").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"start":"2025-09-01T00:10:00Z","stepMinutes":30,"values":[1]}""", "start")]
    [InlineData("""{"start":"2025-09-01T00:00:00Z","stepMinutes":60,"values":[1]}""", "stepMinutes")]
    [InlineData("""{"start":"2025-09-01T00:00:00Z","stepMinutes":30,"values":[]}""", "values")]
    [InlineData("""{"start":"2025-09-01T00:00:00Z","stepMinutes":30,"values":[1, 1e300]}""", "values[1]")]
    public async Task Publish_InvalidSeries_Is400_AndWritesNothing(string body, string field)
    {
        var tk = server.Client("tso-tk");
        var response = await tk.PutAsync("/api/areas/TK/signals/carbon", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.ProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var now = await (await server.Client().GetAsync("/api/areas/TK/signals/carbon?from=2025-09-01T00:00:00Z&to=2025-09-01T00:30:00Z")).OkJsonAsync();
        Assert.NotEqual(1, now.GetProperty("values")[0].GetDouble());
    }

    [Fact]
    public async Task Publish_WithoutKey_Is401()
    {
        await (await server.Client().PutJsonAsync("/api/areas/TK/signals/carbon", new { start = Day, stepMinutes = 30, values = new[] { 1.0 } })).ProblemAsync(401);
    }

    [Fact]
    public async Task Forecast_HasOrderedQuantiles_ForTheRequestedHours()
    {
        var json = await (await server.Client().GetAsync("/api/areas/TK/forecasts/carbon?hours=6")).OkJsonAsync();
        Assert.Equal(new DateTimeOffset(2025, 11, 10, 3, 0, 0, TimeSpan.Zero), json.GetProperty("origin").GetDateTimeOffset());
        var q = json.GetProperty("quantiles");
        var p10 = q.GetProperty("p10").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var p50 = q.GetProperty("p50").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var p90 = q.GetProperty("p90").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(12, p50.Length);
        for (var i = 0; i < p50.Length; i++)
        {
            Assert.True(p10[i] <= p50[i] && p50[i] <= p90[i], $"step {i}: {p10[i]} {p50[i]} {p90[i]}");
        }
    }

    [Theory]
    [InlineData("/api/areas/XX/signals/carbon")]
    [InlineData("/api/areas/TK/signals/wind")]
    [InlineData("/api/areas/TK/signals/carbon?from=2025-09-02T00:00:00Z&to=2025-09-01T00:00:00Z")]
    [InlineData("/api/areas/TK/signals/carbon?from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z")]
    [InlineData("/api/areas/TK/forecasts/carbon?hours=0")]
    [InlineData("/api/areas/TK/forecasts/carbon?hours=49")]
    public async Task InvalidSignalQueries_Are400(string url)
    {
        await (await server.Client().GetAsync(url)).ProblemAsync(400);
    }

    [Fact]
    public async Task Headroom_PublishedByGridOperator_IsServed_WithItsProvisionalProfile()
    {
        // Two days of hourly headroom: day 1 = 100 + hour, day 2 = 50 + hour (JST) → profile = 50 + hour.
        var start = new DateTimeOffset(2025, 8, 1, 0, 0, 0, Jst.Offset);
        var values = Enumerable.Range(0, 48).Select(i => (double)((i < 24 ? 100 : 50) + (i % 24))).ToArray();
        var tk = server.Client("tso-tk");
        var node = TestServer.UploadNodeOf("TK:上野"); // a substation of the test server's headroom layer
        await (await tk.PutJsonAsync($"/api/areas/TK/nodes/{node}/headroom", new { start, stepMinutes = 60, values })).OkJsonAsync();
        await (await server.Client("tso-kn").PutJsonAsync($"/api/areas/TK/nodes/{node}/headroom", new { start, stepMinutes = 60, values })).ProblemAsync(403);

        // Read back over the uploaded window: other tests of the collection publish other hours for the same node.
        var window = $"from={Q(start)}&to={Q(start.AddHours(48))}";
        var series = await (await server.Client().GetAsync($"/api/areas/TK/nodes/{node}/headroom?{window}")).OkJsonAsync();
        Assert.Equal(values, series.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(60, series.GetProperty("stepMinutes").GetInt32());

        var profile = await (await server.Client().GetAsync($"/api/areas/TK/nodes/{node}/provisional-profile?{window}")).OkJsonAsync();
        Assert.Equal(Enumerable.Range(0, 24).Select(h => 50.0 + h), profile.GetProperty("hourlyMw").EnumerateArray().Select(e => e.GetDouble()));
        await (await server.Client().GetAsync("/api/areas/TK/nodes/bus-unknown/headroom")).ProblemAsync(404);
    }

    private static string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O"));
}
