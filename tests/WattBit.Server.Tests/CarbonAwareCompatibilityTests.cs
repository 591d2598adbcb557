using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WattBit.Server.Tests;

/// <summary>The Carbon Aware SDK WebAPI routes: same parameters, JSON shapes, status codes and semantics.</summary>
[Collection(ServerCollection.Name)]
public sealed class CarbonAwareCompatibilityTests(TestServer server)
{
    // Published values (they replace the reference year) make the expected answers exact.
    private static readonly DateTimeOffset Day = new(2025, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private async Task PublishCarbonAsync()
    {
        var tk = await server.Client("tso-tk").PutJsonAsync("/api/areas/TK/signals/carbon", new { start = Day, stepMinutes = 30, values = new double[] { 100, 50, 300, 400 } });
        Assert.Equal(HttpStatusCode.OK, tk.StatusCode);
        var kn = await server.Client("tso-kn").PutJsonAsync("/api/areas/KN/signals/carbon", new { start = Day, stepMinutes = 30, values = new double[] { 50, 200, 300, 400 } });
        Assert.Equal(HttpStatusCode.OK, kn.StatusCode);
    }

    private static string Q(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O"));

    [Fact]
    public async Task ByLocations_ReturnsEveryOverlappingSlot_InTheSdkShape()
    {
        await PublishCarbonAsync();
        var json = await (await server.Client().GetAsync($"/emissions/bylocations?location=Tokyo&location=KN&time={Q(Day)}&toTime={Q(Day.AddHours(1))}")).OkJsonAsync();
        Assert.Equal(4, json.GetArrayLength());
        var first = json[0];
        Assert.Equal(["location", "time", "rating", "duration"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Tokyo", first.GetProperty("location").GetString());
        Assert.Equal(Day, first.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(100, first.GetProperty("rating").GetDouble());
        Assert.Equal("00:30:00", first.GetProperty("duration").GetString());
        Assert.Equal([100.0, 50, 50, 200], json.EnumerateArray().Select(e => e.GetProperty("rating").GetDouble()));
    }

    [Fact]
    public async Task ByLocation_TimeOnly_ReturnsTheSlotContainingIt()
    {
        await PublishCarbonAsync();
        var json = await (await server.Client().GetAsync($"/emissions/bylocation?location=TK&time={Q(Day.AddMinutes(40))}")).OkJsonAsync();
        Assert.Equal(1, json.GetArrayLength());
        Assert.Equal(Day.AddMinutes(30), json[0].GetProperty("time").GetDateTimeOffset());
        Assert.Equal(50, json[0].GetProperty("rating").GetDouble());
    }

    [Fact]
    public async Task ByLocation_NoTime_ReturnsTheSlotContainingNow()
    {
        var json = await (await server.Client().GetAsync("/emissions/bylocation?location=TK")).OkJsonAsync();
        Assert.Equal(1, json.GetArrayLength());
        Assert.Equal(new DateTimeOffset(2025, 11, 10, 3, 0, 0, TimeSpan.Zero), json[0].GetProperty("time").GetDateTimeOffset());
        Assert.InRange(json[0].GetProperty("rating").GetDouble(), 50, 1200);
    }

    [Fact]
    public async Task Best_ReturnsAllTies()
    {
        await PublishCarbonAsync();
        var json = await (await server.Client().GetAsync($"/emissions/bylocations/best?location=TK&location=KN&time={Q(Day)}&toTime={Q(Day.AddHours(1))}")).OkJsonAsync();
        Assert.Equal(2, json.GetArrayLength());
        Assert.All(json.EnumerateArray(), e => Assert.Equal(50, e.GetProperty("rating").GetDouble()));
        Assert.Equal(["TK", "KN"], json.EnumerateArray().Select(e => e.GetProperty("location").GetString()));
    }

    [Theory]
    [InlineData("/emissions/bylocation?location=TK&toTime=2025-10-01T00:00:00Z", "time")]
    [InlineData("/emissions/bylocations?location=TK&toTime=2025-10-01T00:00:00Z", "time")]
    [InlineData("/emissions/bylocations/best?location=TK&toTime=2025-10-01T00:00:00Z", "time")]
    [InlineData("/emissions/bylocation?location=TK&time=2025-10-02T00:00:00Z&toTime=2025-10-01T00:00:00Z", "time")]
    [InlineData("/emissions/bylocation?location=Atlantis", "location")]
    [InlineData("/emissions/bylocations?location=TK&location=KN&location=KY&location=HKD&location=TH&location=CB&location=HR&location=CG&location=SK&location=ON&time=2025-04-01T00:00:00Z&toTime=2026-03-01T00:00:00Z", "toTime")]
    [InlineData("/emissions/bylocation", "location")]
    [InlineData("/emissions/bylocations/best", "location")]
    [InlineData("/emissions/bylocation?location=TK&durationMinutes=-5", "durationMinutes")]
    [InlineData("/emissions/forecasts/current", "location")]
    [InlineData("/emissions/forecasts/current?location=TK&windowSize=-1", "windowSize")]
    [InlineData("/emissions/forecasts/current?location=TK&dataStartAt=2025-11-10T06:00:00Z&dataEndAt=2025-11-10T05:00:00Z", "dataStartAt")]
    [InlineData("/emissions/forecasts/current?location=TK&dataStartAt=2025-12-01T00:00:00Z", "dataStartAt")]
    [InlineData("/emissions/average-carbon-intensity?location=TK&startTime=2025-10-01T00:00:00Z", "endTime")]
    [InlineData("/emissions/average-carbon-intensity?location=TK&endTime=2025-10-01T00:00:00Z", "startTime")]
    [InlineData("/emissions/average-carbon-intensity?location=TK&startTime=2025-10-01T02:00:00Z&endTime=2025-10-01T00:00:00Z", "startTime")]
    public async Task InvalidInput_Is400ValidationProblem_NamingTheParameter(string url, string field)
    {
        var problem = await (await server.Client().GetAsync(url)).ProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.True(messages.GetArrayLength() > 0);
    }

    [Fact]
    public async Task ByLocation_UnparsableTime_Is400Problem()
    {
        var problem = await (await server.Client().GetAsync("/emissions/bylocation?location=TK&time=yesterday")).ProblemAsync(400);
        Assert.Contains("time", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForecastsCurrent_HasSdkFields_AndRollingWindowIsMeanOfConsecutivePoints()
    {
        var client = server.Client();
        var plain = (await (await client.GetAsync("/emissions/forecasts/current?location=TK")).OkJsonAsync())[0];
        var rolled = (await (await client.GetAsync("/emissions/forecasts/current?location=TK&windowSize=60")).OkJsonAsync())[0];
        Assert.Equal(["generatedAt", "requestedAt", "location", "dataStartAt", "dataEndAt", "windowSize", "optimalDataPoints", "forecastData"],
            rolled.EnumerateObject().Select(p => p.Name));
        Assert.Equal(new DateTimeOffset(2025, 11, 10, 3, 0, 0, TimeSpan.Zero), plain.GetProperty("generatedAt").GetDateTimeOffset());
        Assert.Equal(TestServer.Now, plain.GetProperty("requestedAt").GetDateTimeOffset());
        Assert.Equal(30, plain.GetProperty("windowSize").GetInt32());
        Assert.Equal(60, rolled.GetProperty("windowSize").GetInt32());

        var p = plain.GetProperty("forecastData").EnumerateArray().Select(e => e.GetProperty("value").GetDouble()).ToArray();
        var r = rolled.GetProperty("forecastData").EnumerateArray().Select(e => e.GetProperty("value").GetDouble()).ToArray();
        Assert.Equal(48, p.Length);
        Assert.Equal(47, r.Length);
        for (var i = 0; i < r.Length; i++)
        {
            Assert.Equal((p[i] + p[i + 1]) / 2, r[i], 9);
        }

        Assert.Equal(["location", "timestamp", "duration", "value"], rolled.GetProperty("forecastData")[0].EnumerateObject().Select(x => x.Name));
        Assert.Equal(60, rolled.GetProperty("forecastData")[0].GetProperty("duration").GetInt32());
        var optimal = rolled.GetProperty("optimalDataPoints").EnumerateArray().Select(e => e.GetProperty("value").GetDouble()).ToArray();
        Assert.NotEmpty(optimal);
        Assert.All(optimal, v => Assert.Equal(r.Min(), v));
    }

    [Fact]
    public async Task ForecastsCurrent_DataWindow_ScopesThePoints()
    {
        var start = new DateTimeOffset(2025, 11, 10, 6, 0, 0, TimeSpan.Zero);
        var json = (await (await server.Client().GetAsync($"/emissions/forecasts/current?location=TK&dataStartAt={Q(start)}&dataEndAt={Q(start.AddHours(3))}&windowSize=60")).OkJsonAsync())[0];
        Assert.Equal(start, json.GetProperty("dataStartAt").GetDateTimeOffset());
        Assert.Equal(start.AddHours(3), json.GetProperty("dataEndAt").GetDateTimeOffset());
        var times = json.GetProperty("forecastData").EnumerateArray().Select(e => e.GetProperty("timestamp").GetDateTimeOffset()).ToArray();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => start.AddMinutes(30 * i)), times);
    }

    [Fact]
    public async Task ForecastsBatch_ReturnsTheForecastIssuedAtRequestedAt()
    {
        var requestedAt = new DateTimeOffset(2025, 11, 1, 12, 5, 0, TimeSpan.Zero);
        var body = new[] { new { location = "KN", requestedAt, dataStartAt = requestedAt.AddMinutes(55), dataEndAt = requestedAt.AddMinutes(235), windowSize = 30 } };
        var json = await (await server.Client().PostAsJsonAsync("/emissions/forecasts/batch", body)).OkJsonAsync();
        var f = json[0];
        Assert.Equal(new DateTimeOffset(2025, 11, 1, 12, 0, 0, TimeSpan.Zero), f.GetProperty("generatedAt").GetDateTimeOffset());
        Assert.Equal(requestedAt, f.GetProperty("requestedAt").GetDateTimeOffset());
        Assert.Equal("KN", f.GetProperty("location").GetString());
        Assert.Equal(6, f.GetProperty("forecastData").GetArrayLength());
    }

    [Theory]
    [InlineData("""[{"location":"TK"}]""")]
    [InlineData("""[{"location":"TK","requestedAt":"2030-01-01T00:00:00Z"}]""")]
    [InlineData("""[{"location":"Nowhere","requestedAt":"2025-11-01T00:00:00Z"}]""")]
    [InlineData("""[]""")]
    [InlineData("""{"location":"TK"}""")]
    public async Task ForecastsBatch_InvalidItems_Are400(string body)
    {
        await (await server.Client().PostRawAsync("/emissions/forecasts/batch", body)).ProblemAsync(400);
    }

    [Fact]
    public async Task AverageCarbonIntensity_IsTimeWeightedMean_InTheSdkShape()
    {
        await PublishCarbonAsync();
        var json = await (await server.Client().GetAsync($"/emissions/average-carbon-intensity?location=TK&startTime={Q(Day.AddMinutes(15))}&endTime={Q(Day.AddHours(1))}")).OkJsonAsync();
        Assert.Equal(["location", "startTime", "endTime", "carbonIntensity"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(((100 * 15) + (50 * 30)) / 45.0, json.GetProperty("carbonIntensity").GetDouble(), 9);
    }

    [Fact]
    public async Task AverageCarbonIntensityBatch_OneItemPerRange_AndRejectsMixedLocations()
    {
        await PublishCarbonAsync();
        var client = server.Client();
        var ok = await (await client.PostAsJsonAsync("/emissions/average-carbon-intensity/batch", new[]
        {
            new { location = "TK", startTime = Day, endTime = Day.AddHours(1) },
            new { location = "TK", startTime = Day.AddHours(1), endTime = Day.AddHours(2) },
        })).OkJsonAsync();
        Assert.Equal([75.0, 350.0], ok.EnumerateArray().Select(e => e.GetProperty("carbonIntensity").GetDouble()));

        var mixed = await (await client.PostAsJsonAsync("/emissions/average-carbon-intensity/batch", new[]
        {
            new { location = "TK", startTime = Day, endTime = Day.AddHours(1) },
            new { location = "KN", startTime = Day, endTime = Day.AddHours(1) },
        })).ProblemAsync(400);
        Assert.True(mixed.GetProperty("errors").TryGetProperty("location", out _));
    }

    [Fact]
    public async Task Locations_ListsTheTenAreasByCode()
    {
        var json = await (await server.Client().GetAsync("/locations")).OkJsonAsync();
        var codes = json.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["HKD", "TH", "TK", "CB", "HR", "KN", "CG", "SK", "KY", "ON"], codes);
        var tk = json.GetProperty("TK");
        Assert.Equal("TK", tk.GetProperty("name").GetString());
        Assert.InRange(tk.GetProperty("latitude").GetDouble(), 35, 36);
        Assert.Equal(JsonValueKind.Number, tk.GetProperty("longitude").ValueKind);
    }
}
