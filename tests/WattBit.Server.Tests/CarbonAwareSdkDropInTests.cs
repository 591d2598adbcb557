using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using WattBit.Server.Compat;

namespace WattBit.Server.Tests;

/// <summary>A server started with the Carbon Aware SDK's own settings, over a JSON emissions file and a location file written here.</summary>
public sealed class SdkDropInServer : IAsyncLifetime
{
    public const string Emissions = """
        {"Emissions": [
          {"Location": "eastus", "Time": "2022-01-01T00:00:00+00:00", "Rating": 100, "Duration": "08:00:00"},
          {"Location": "eastus", "Time": "2022-01-01T08:00:00+00:00", "Rating": 50, "Duration": "08:00:00"},
          {"Location": "eastus", "Time": "2022-01-01T16:00:00+00:00", "Rating": 70, "Duration": "08:00:00"},
          {"Location": "westus", "Time": "2022-01-01T00:00:00+00:00", "Rating": 50, "Duration": "08:00:00"},
          {"Location": "westus", "Time": "2022-01-01T08:00:00+00:00", "Rating": 90.5, "Duration": "08:00:00"},
          {"Location": "EastUS", "Time": "2022-01-01T00:00:00+00:00", "Rating": 1, "Duration": "08:00:00"},
          {"Location": "tokyo", "Time": "2022-01-01T09:00:00+09:00", "Rating": 400, "Duration": "00:30:00"}
        ]}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("wattbit-sdk-").FullName;

    public TestServer Server { get; private set; } = null!;

    public string Folder => _folder;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "emissions.json"), Emissions);
        await File.WriteAllTextAsync(Path.Combine(_folder, "regions.json"), """
            {"eastus": {"Latitude": "37.3719", "Longitude": "-79.8164", "Name": "eastus"}, "westus": {"Latitude": 37.783, "Longitude": -122.417, "Name": "westus"}}
            """);
        Server = new TestServer(new Dictionary<string, string>
        {
            ["DataSources:EmissionsDataSource"] = "Json",
            ["DataSources:Configurations:Json:DataFileLocation"] = Path.Combine(_folder, "emissions.json"),
            ["LocationDataSourcesConfiguration:LocationSourceFiles:0:DataFileLocation"] = Path.Combine(_folder, "regions.json"),
            ["LocationDataSourcesConfiguration:LocationSourceFiles:0:Prefix"] = "az",
            ["LocationDataSourcesConfiguration:LocationSourceFiles:0:Delimiter"] = "-",
        });
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>SDK-shaped queries replayed against the JSON file, with answers worked out by hand from the file and the SDK's rules.</summary>
public sealed class CarbonAwareSdkDropInTests(SdkDropInServer fixture) : IClassFixture<SdkDropInServer>
{
    private HttpClient Client => fixture.Server.Client();

    private static List<(string Location, string Time, double Rating, string Duration)> Points(JsonElement json) =>
        [.. json.EnumerateArray().Select(e => (e.GetProperty("location").GetString()!, e.GetProperty("time").GetString()!, e.GetProperty("rating").GetDouble(), e.GetProperty("duration").GetString()!))];

    [Fact]
    public async Task ByLocations_IncludesTheWindowsEnd_NotAPointEndingAtItsStart_InFileOrder_WithTheFilesOffsets()
    {
        var json = await (await Client.GetAsync("/emissions/bylocations?location=eastus&location=westus&time=2022-01-01T08:00:00Z&toTime=2022-01-01T16:00:00Z")).OkJsonAsync();
        // As the SDK's IntervalHelper.FilterByDuration (Time + Duration > time, Time <= toTime), and as the SDK answered the
        // same file side by side (bench/WattBit.Bench/Server/sdk-vs-wattbit.sh): eastus 16:00 starts at 16:00 (= toTime)
        // and is in; eastus and westus 00:00 end at 08:00 (= time) and are out.
        Assert.Equal(
            [
                ("eastus", "2022-01-01T08:00:00+00:00", 50.0, "08:00:00"), ("eastus", "2022-01-01T16:00:00+00:00", 70.0, "08:00:00"),
                ("westus", "2022-01-01T08:00:00+00:00", 90.5, "08:00:00"),
            ],
            Points(json));
        var tokyo = await (await Client.GetAsync("/emissions/bylocation?location=tokyo&time=2022-01-01T00:00:00Z&toTime=2022-01-01T00:10:00Z")).OkJsonAsync();
        Assert.Equal([("tokyo", "2022-01-01T09:00:00+09:00", 400.0, "00:30:00")], Points(tokyo));
    }

    [Fact]
    public async Task ARepeatedQuery_GetsTheSameStatusTypeAndBytes_AndAQueryDifferingInOneParameter_ItsOwnAnswer()
    {
        // The drop-in keeps each answer as the bytes sent (the file never changes); the second request is served from them.
        const string Query = "/emissions/bylocations?location=eastus&location=westus&time=2022-01-01T08:00:00Z&toTime=2022-01-01T16:00:00Z";
        var first = await Client.GetAsync(Query);
        var second = await Client.GetAsync(Query);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("application/json; charset=utf-8", second.Content.Headers.ContentType!.ToString());
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(
            [
                ("eastus", "2022-01-01T08:00:00+00:00", 50.0, "08:00:00"), ("eastus", "2022-01-01T16:00:00+00:00", 70.0, "08:00:00"),
                ("westus", "2022-01-01T08:00:00+00:00", 90.5, "08:00:00"),
            ],
            Points(await second.OkJsonAsync()));

        // toTime 12:00 instead of 16:00: eastus 16:00 starts after it and is out.
        var narrower = await (await Client.GetAsync(Query.Replace("16:00:00Z", "12:00:00Z", StringComparison.Ordinal))).OkJsonAsync();
        Assert.Equal([("eastus", "2022-01-01T08:00:00+00:00", 50.0, "08:00:00"), ("westus", "2022-01-01T08:00:00+00:00", 90.5, "08:00:00")], Points(narrower));

        // A 204 stays a 204 without a body; an average twice is the same value (eastus 04:00-12:00: 100 x 4 h + 50 x 4 h over 8 h).
        for (var i = 0; i < 2; i++)
        {
            var none = await Client.GetAsync("/emissions/bylocation?location=nowhere&time=2022-01-01T08:00:00Z");
            Assert.Equal(HttpStatusCode.NoContent, none.StatusCode);
            Assert.Empty(await none.Content.ReadAsByteArrayAsync());
            var average = await (await Client.GetAsync("/emissions/average-carbon-intensity?location=eastus&startTime=2022-01-01T04:00:00Z&endTime=2022-01-01T12:00:00Z")).OkJsonAsync();
            Assert.Equal(75.0, average.GetProperty("carbonIntensity").GetDouble(), 9);
        }
    }

    [Fact]
    public async Task Best_IsEveryTieOfTheLowestRating()
    {
        var json = await (await Client.GetAsync("/emissions/bylocations/best?location=eastus&location=westus&time=2022-01-01T08:00:00Z&toTime=2022-01-01T16:00:00Z")).OkJsonAsync();
        Assert.Equal([("eastus", "2022-01-01T08:00:00+00:00", 50.0, "08:00:00")], Points(json));
        var ties = await (await Client.GetAsync("/emissions/bylocations/best?location=eastus&location=westus&time=2022-01-01T07:00:00Z&toTime=2022-01-01T16:00:00Z")).OkJsonAsync();
        Assert.Equal([("eastus", "2022-01-01T08:00:00+00:00", 50.0, "08:00:00"), ("westus", "2022-01-01T00:00:00+00:00", 50.0, "08:00:00")], Points(ties));
    }

    [Fact]
    public async Task Names_AreCaseSensitive_AndAnUnknownLocationIs204()
    {
        var exact = await (await Client.GetAsync("/emissions/bylocation?location=EastUS&time=2022-01-01T01:00:00Z")).OkJsonAsync();
        Assert.Equal([("EastUS", "2022-01-01T00:00:00+00:00", 1.0, "08:00:00")], Points(exact));
        foreach (var query in (string[])["/emissions/bylocation?location=EASTUS&time=2022-01-01T01:00:00Z", "/emissions/bylocations?location=nowhere&time=2022-01-01T01:00:00Z",
                     "/emissions/bylocations/best?location=nowhere"])
        {
            var response = await Client.GetAsync(query);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
    }

    [Fact]
    public async Task TimeAlone_IsThePointsAtThatInstant_AndToTimeWithoutTimeIs400()
    {
        var json = await (await Client.GetAsync("/emissions/bylocation?location=westus&time=2022-01-01T10:00:00Z")).OkJsonAsync();
        Assert.Equal([("westus", "2022-01-01T08:00:00+00:00", 90.5, "08:00:00")], Points(json));
        await (await Client.GetAsync("/emissions/bylocations?location=westus&toTime=2022-01-01T10:00:00Z")).ProblemAsync(400);
        await (await Client.GetAsync("/emissions/bylocations?location=westus&time=2022-01-02T00:00:00Z&toTime=2022-01-01T10:00:00Z")).ProblemAsync(400);
    }

    [Fact]
    public async Task Average_IsOverlapWeighted_NeedsCoverage_AndHasNoMadeUpZero()
    {
        // 04:00-12:00: half of the 100 point, half of the 50 point.
        var json = await (await Client.GetAsync("/emissions/average-carbon-intensity?location=eastus&startTime=2022-01-01T04:00:00Z&endTime=2022-01-01T12:00:00Z")).OkJsonAsync();
        Assert.Equal(75.0, json.GetProperty("carbonIntensity").GetDouble(), 9);
        Assert.Equal("eastus", json.GetProperty("location").GetString());
        var batch = await (await Client.PostAsJsonAsync("/emissions/average-carbon-intensity/batch", new[]
        {
            new { location = "westus", startTime = "2022-01-01T06:00:00Z", endTime = "2022-01-01T10:00:00Z" },
            new { location = "westus", startTime = "2022-01-01T00:00:00Z", endTime = "2022-01-01T16:00:00Z" },
        })).OkJsonAsync();
        Assert.Equal([(50 * 2 + 90.5 * 2) / 4.0, (50 + 90.5) / 2], batch.EnumerateArray().Select(b => b.GetProperty("carbonIntensity").GetDouble()));
        await (await Client.GetAsync("/emissions/average-carbon-intensity?location=eastus&startTime=2022-01-01T20:00:00Z&endTime=2022-01-02T04:00:00Z")).ProblemAsync(400);
        await (await Client.GetAsync("/emissions/average-carbon-intensity?location=nowhere&startTime=2022-01-01T04:00:00Z&endTime=2022-01-01T12:00:00Z")).ProblemAsync(404);
    }

    [Fact]
    public async Task Locations_AreTheLocationFilesWithTheirPrefix_AndTheJapanAreasStayOnTheApi()
    {
        var json = await (await Client.GetAsync("/locations")).OkJsonAsync();
        Assert.Equal(["az-eastus", "az-westus"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var east = json.GetProperty("az-eastus");
        Assert.Equal((37.3719, -79.8164, "eastus"), (east.GetProperty("latitude").GetDouble(), east.GetProperty("longitude").GetDouble(), east.GetProperty("name").GetString()));
        var areas = await (await Client.GetAsync("/api/areas")).OkJsonAsync();
        Assert.Equal(10, areas.GetArrayLength());
    }

    [Fact]
    public void ABrokenDataFile_StopsTheStart_NamingTheFileLineAndColumn()
    {
        var file = Path.Combine(fixture.Folder, "broken.json");
        File.WriteAllText(file, "{\"Emissions\": [\n  {\"Location\": \"x\", \"Time\": oops}\n]}");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataSources:EmissionsDataSource"] = "Json",
            ["DataSources:Configurations:Json:DataFileLocation"] = file,
        }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => CarbonAwareSdkData.Load(configuration, fixture.Folder));
        Assert.StartsWith($"{file}:2:", error.Message, StringComparison.Ordinal);
    }
}
