using WattBit.Areas;
using WattBit.Siting.Geo;
using WattBit.Sites;
using WattBit.Testing;

namespace WattBit.Siting.Tests;

public sealed class PrefectureMapTests
{
    [Fact]
    public void TopoJson_DecodesAll47Prefectures()
    {
        var features = TopoJsonReader.ReadFile(SharedData.Path("japan", "geo", "japan.topojson"));
        Assert.Equal(47, features.Count);
        Assert.Equal(47, features.Select(f => f.Property("id")).Distinct().Count());
        var tokyo = features.Single(f => f.Property("nam_ja") == "東京都");
        Assert.NotNull(tokyo.Polygons);
        // Tokyo's polygons span the main part around 139-140 E and the Ogasawara islands far to the south.
        Assert.InRange(tokyo.Polygons!.MinLatitude, 20, 28);
        Assert.InRange(tokyo.Polygons.MaxLatitude, 35.8, 36);
    }

    [Fact]
    public void Locate_EveryPrefecturalCapital_IsInItsOwnPrefecture()
    {
        // Oracle: the capital coordinates of dataofjapan/land (prefecturalCapital.csv), independent of the boundary file.
        var wrong = new List<string>();
        foreach (var p in Prefectures.All)
        {
            var hit = TestMaps.Locator.Locate(p.Capital);
            if (hit.Prefecture.Code != p.Code)
            {
                wrong.Add($"{p} -> {hit.Prefecture} ({hit.Basis})");
            }
        }

        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData(35.6812, 139.7671, 13, "TK")]  // Tokyo station
    [InlineData(34.7025, 135.4959, 27, "KN")]  // Osaka station
    [InlineData(43.0687, 141.3508, 1, "HKD")]  // Sapporo station
    [InlineData(26.2124, 127.6792, 47, "ON")]  // Naha
    [InlineData(35.7720, 140.3929, 12, "TK")]  // Narita airport
    [InlineData(34.3369, 136.8743, 24, "CB")]  // Shima landing
    [InlineData(35.0970, 138.8600, 22, "TK")]  // Numazu: Shizuoka east of the Fuji River is served by TEPCO
    public void Locate_KnownPlaces_GivesPrefectureAndArea(double lat, double lon, int code, string area)
    {
        var hit = TestMaps.Locator.Locate(new GeoPoint(lat, lon));
        Assert.Equal(code, hit.Prefecture.Code);
        Assert.Equal(JapanAreas.Get(area), hit.Area);
    }

    [Theory]
    [InlineData(37.5665, 126.9780)]   // Seoul
    [InlineData(30.0, 145.0)]         // Pacific Ocean
    [InlineData(-33.87, 151.21)]      // Sydney
    public void Locate_OutsideJapan_Throws(double lat, double lon)
    {
        var ex = Assert.Throws<ArgumentException>(() => TestMaps.Locator.Locate(new GeoPoint(lat, lon)));
        Assert.Contains("outside Japan", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CoarseLocator_OutsideJapan_Throws()
    {
        Assert.Throws<ArgumentException>(() => JapanLocator.Coarse.Locate(new GeoPoint(37.5665, 126.9780)));
        Assert.Equal(13, JapanLocator.Coarse.Locate(new GeoPoint(35.6812, 139.7671)).Prefecture.Code);
    }

    [Fact]
    public void PolygonSet_SquareWithHole_UsesEvenOddRule()
    {
        double[] outer = [0, 0, 10, 0, 10, 10, 0, 10];
        double[] hole = [4, 4, 6, 4, 6, 6, 4, 6];
        var set = new PolygonSet([[outer, hole]]);
        Assert.True(set.Contains(new GeoPoint(2, 2)));
        Assert.False(set.Contains(new GeoPoint(5, 5)));
        Assert.False(set.Contains(new GeoPoint(11, 5)));
        var c = set.Centroid();
        Assert.Equal(5, c.Latitude, 6);
        Assert.Equal(5, c.Longitude, 6);
    }

    [Fact]
    public void TopoJson_QuantizedDeltaArcs_DecodeToSquare()
    {
        // Hand-made topology: one arc (a closed unit square at scale 0.5, translated by (130, 30)), used reversed by a second polygon.
        const string json = """
        {"type":"Topology","transform":{"scale":[0.5,0.5],"translate":[130,30]},
         "objects":{"o":{"type":"GeometryCollection","geometries":[
           {"type":"Polygon","properties":{"id":1},"arcs":[[0]]},
           {"type":"MultiPolygon","properties":{"id":2},"arcs":[[[-1]]]}]}},
         "arcs":[[[0,0],[2,0],[0,2],[-2,0],[0,-2]]]}
        """;
        var features = TopoJsonReader.Parse(json, "test");
        Assert.Equal(2, features.Count);
        var square = features[0].Polygons!;
        Assert.Equal(130, square.MinLongitude, 9);
        Assert.Equal(131, square.MaxLongitude, 9);
        Assert.Equal(31, square.MaxLatitude, 9);
        Assert.True(square.Contains(new GeoPoint(30.5, 130.5)));
        Assert.True(features[1].Polygons!.Contains(new GeoPoint(30.5, 130.5)));
        Assert.False(square.Contains(new GeoPoint(31.5, 130.5)));
    }

    [Fact]
    public void TopoJson_Malformed_NamesLine()
    {
        var ex = Assert.Throws<WattBit.Formats.InputFormatException>(() => TopoJsonReader.Parse("{\"type\":\n\"Topology\",,}", "bad.topojson"));
        Assert.Equal(2, ex.Line);
        Assert.StartsWith("bad.topojson:2:", ex.Message, StringComparison.Ordinal);
    }
}
