using WattBit.Areas;
using WattBit.Siting.Geo;
using WattBit.Sites;

namespace WattBit.Server.Tests;

/// <summary>GET /api/map/areas: Japan's ten TSO areas for the dashboard map, from the Electricity Maps file or built in.</summary>
public sealed class AreaMapTests
{
    [Fact]
    public async Task AreaMap_FromElectricityMapsFile_HasTheTenAreasWithWattBitCodesAndNames()
    {
        var (features, json) = await ReadAsync(Testing.SharedData.Path("japan", "geo", "areas.geojson"));

        Assert.False(json.GetProperty("coarse").GetBoolean());
        Assert.Equal(JapanAreas.All.Select(a => a.Code), features.Select(f => f.Property("code")));
        foreach (var f in features)
        {
            var area = JapanAreas.Get(f.Property("code")!);
            Assert.Equal(area.NameEn, f.Property("name"));
            Assert.Equal(area.NameJa, f.Property("nameJa"));
        }

        // Real boundaries: Shinjuku is in Tokyo's area, Fukuoka in Kyushu's, Naha in Okinawa's, and not in any other.
        AssertOnlyIn(features, "TK", new GeoPoint(35.6895, 139.6917));
        AssertOnlyIn(features, "KY", new GeoPoint(33.5902, 130.4017));
        AssertOnlyIn(features, "ON", new GeoPoint(26.2124, 127.6809));
    }

    [Fact]
    public async Task AreaMap_BuiltIn_PutsEveryPrefectureCapitalInItsOwnAreaOnly()
    {
        var (features, json) = await ReadAsync(Dashboard.AreaMap.BuiltIn);

        Assert.True(json.GetProperty("coarse").GetBoolean());
        Assert.Equal(JapanAreas.All.Select(a => a.Code), features.Select(f => f.Property("code")));
        foreach (var p in Prefectures.All)
        {
            AssertOnlyIn(features, p.Area.Code, p.Capital);
        }
    }

    [Fact]
    public async Task AreaMap_ConfiguredFileMissing_FailsStartUpNamingTheFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-folder", "areas.geojson");
        var server = new TestServer(new Dictionary<string, string> { ["WattBit:AreaMap"] = missing });
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(server.InitializeAsync);
            Assert.Contains(missing, error.Message, StringComparison.Ordinal);
            Assert.Contains("WattBit:AreaMap", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task AreaMap_FeatureOfNoArea_FailsStartUpNamingFileAndFeature()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-areamap-").FullName;
        var file = Path.Combine(folder, "areas.geojson");
        await File.WriteAllTextAsync(file, """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"zoneName":"JP-TK"},"geometry":{"type":"Polygon","coordinates":[[[139,35],[140,35],[140,36],[139,35]]]}},
              {"type":"Feature","properties":{"zoneName":"KR"},"geometry":{"type":"Polygon","coordinates":[[[127,37],[128,37],[128,38],[127,37]]]}}]}
            """);
        var server = new TestServer(new Dictionary<string, string> { ["WattBit:AreaMap"] = file });
        try
        {
            var error = await Assert.ThrowsAsync<WattBit.Formats.InputFormatException>(server.InitializeAsync);
            Assert.Contains(file, error.Message, StringComparison.Ordinal);
            Assert.Contains("feature 1", error.Message, StringComparison.Ordinal);
            Assert.Contains("'KR'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(IReadOnlyList<GeoFeature> Features, System.Text.Json.JsonElement Json)> ReadAsync(string areaMap)
    {
        var server = new TestServer(new Dictionary<string, string> { ["WattBit:AreaMap"] = areaMap });
        await server.InitializeAsync();
        try
        {
            using var client = server.Client();
            var response = await client.GetAsync("/api/map/areas");
            Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
            var text = await response.Content.ReadAsStringAsync();
            return (GeoJsonReader.Parse(text, "/api/map/areas"), System.Text.Json.JsonDocument.Parse(text).RootElement.Clone());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static void AssertOnlyIn(IReadOnlyList<GeoFeature> features, string code, GeoPoint point)
    {
        var containing = features.Where(f => f.Polygons!.Contains(point)).Select(f => f.Property("code")).ToList();
        Assert.True(containing.SequenceEqual([code]), $"({point}) should be inside {code} only, but is inside [{string.Join(", ", containing)}]");
    }
}
