using WattBit.Siting.Candidates;
using WattBit.Siting.Geo;
using WattBit.Testing;

namespace WattBit.Siting.Tests;

public sealed class CandidateSourcesTests
{
    [Fact]
    public void Prefectures_Are47AtTheirCapitals()
    {
        var all = CandidateSources.Prefectures();
        Assert.Equal(47, all.Count);
        Assert.Equal("東京都", all.Single(c => c.Id == "13").Name);
    }

    [Fact]
    public void Substations_RealFile_LocatedByPolygons()
    {
        var subs = CandidateSources.Substations(SharedData.Path("japan", "geo", "subs_275kv.geojson"), TestMaps.Locator);
        Assert.Equal(366, subs.Count);
        Assert.Equal(subs.Count, subs.Select(s => s.Id).Distinct().Count());
        // The file labels this Toyama substation "chubu" (the region), but it is in Hokuriku Electric's area.
        var jo = subs.Single(s => s.Id == "城変電所");
        Assert.Equal("Toyama", jo.Prefecture.NameEn);
        Assert.Equal("HR", jo.Area.Code);
        Assert.DoesNotContain(subs, s => s.Prefecture.Code == 47);
        Assert.All(subs, s => Assert.True(s.VoltageKv >= 275));
        Assert.Equal(subs.Count(s => s.VoltageKv >= 500), CandidateSources.Substations(SharedData.Path("japan", "geo", "subs_275kv.geojson"), TestMaps.Locator, 500).Count);
    }

    [Fact]
    public void UserSites_PointOutsideJapan_NamesFeature()
    {
        using var dir = new TempFolder();
        var file = dir.Write("s.geojson", """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","properties":{"id":"ok"},"geometry":{"type":"Point","coordinates":[139.7,35.7]}},
             {"type":"Feature","properties":{"id":"seoul"},"geometry":{"type":"Point","coordinates":[126.97,37.56]}}]}
            """);
        var ex = Assert.Throws<WattBit.Formats.InputFormatException>(() => CandidateSources.UserSites(file, TestMaps.Locator));
        Assert.Contains("feature 1 ('seoul')", ex.Message, StringComparison.Ordinal);
        Assert.Contains("outside Japan", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UserSites_LineString_IsRejected()
    {
        using var dir = new TempFolder();
        var file = dir.Write("s.geojson", """{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[139,35],[140,36]]}}""");
        var ex = Assert.Throws<WattBit.Formats.InputFormatException>(() => GeoJsonReader.ReadFile(file));
        Assert.Contains("LineString", ex.Message, StringComparison.Ordinal);
    }
}
