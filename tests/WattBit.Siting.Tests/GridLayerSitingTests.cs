using System.Globalization;
using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Siting.Ranking;
using WattBit.Time;

namespace WattBit.Siting.Tests;

/// <summary>Siting reads its power screen from the one headroom layer (hand-made here, values computed by hand).</summary>
public sealed class GridLayerSitingTests
{
    private const string Sites = """
        {"type":"FeatureCollection","features":[
         {"type":"Feature","properties":{"id":"sapporo","name":"札幌"},"geometry":{"type":"Point","coordinates":[141.3508,43.0687]}},
         {"type":"Feature","properties":{"id":"sendai","name":"仙台"},"geometry":{"type":"Point","coordinates":[140.8822,38.2601]}},
         {"type":"Feature","properties":{"id":"fukuoka","name":"福岡"},"geometry":{"type":"Point","coordinates":[130.4017,33.5902]}}]}
        """;

    // 甲 0.05° north of Sendai (5.56 km): N-1 80 + 5h, N-0 200 + h, 甲線 1L limits hours 0-15 and 甲線 2L hours 16-23.
    // 乙 at Sapporo: no hours at all. 丙 0.1° east of Fukuoka (9.3 km): N-1 = N-0 = 150 every hour, no limiting line.
    private static HeadroomTable Layer() => TestLayers.Layer(
    [
        (TestLayers.At("TH:甲", 38.3101, 140.8822), [.. Enumerable.Range(0, 24).Select(h => TestLayers.Hour(h, 200 + h, 80 + (5 * h), h < 16 ? "甲線 1L" : "甲線 2L"))]),
        (TestLayers.At("HKD:乙", 43.0687, 141.3508), []),
        (TestLayers.At("KY:丙", 33.5902, 130.5017), [.. Enumerable.Range(0, 24).Select(h => TestLayers.Hour(h, 150, 150, null))]),
    ]);

    private static SitingConfig Config(TempFolder dir, string extra = "")
    {
        dir.Write("sites.geojson", Sites);
        return SitingConfigReader.ReadFile(dir.Write("study.yaml", "candidates: { kind: sites, file: sites.geojson }\ndemand_mw: 100\nweights: { cluster_distance: 1 }\n" + extra + "\n"));
    }

    [Fact]
    public void Sites_TakeFirmAndCurtailableExtraOfTheNearestSubstation_AndNameItsLimitingLine()
    {
        using var dir = new TempFolder();
        var r = SitingStudy.Run(Config(dir), grid: Layer());
        var byId = r.Candidates.ToDictionary(c => c.Candidate.Id);

        var sendai = byId["sendai"];
        Assert.Equal("TH:甲", sendai.Power!.Substation.Id);
        Assert.Equal(0.05 * Math.PI / 180 * 6371.0088, sendai.Power.DistanceKm, 1); // 0.05° of latitude
        Assert.Equal(80, sendai.HeadroomNowMw);            // firm: least N-1 (hour 0)
        Assert.Equal(200, sendai.HeadroomPotentialMw);     // firm 80 + ③ extra (least N-0 200 - 80)
        Assert.Equal(20, sendai.Power.Offer.HoursWithRoom); // 80 + 5h >= 100 from hour 4: 20 of 24 hours
        Assert.Equal(24, sendai.Power.Offer.Hours);
        Assert.Equal("甲線 1L", sendai.Power.Offer.LimitingLine); // 16 of 24 hours
        Assert.Equal(WelcomeZone.Dynamic, sendai.Power.Offer.Zone); // median N-1 137.5 >= 100 > firm 80

        var fukuoka = byId["fukuoka"];
        Assert.Equal("KY:丙", fukuoka.Power!.Substation.Id);
        Assert.Equal((150, 150), (fukuoka.HeadroomNowMw, fukuoka.HeadroomPotentialMw));
        Assert.Null(fukuoka.Power.Offer.LimitingLine);

        var sapporo = byId["sapporo"];
        Assert.Equal("power screen: no headroom data at HKD:乙 in the layer's hours", sapporo.Excluded);
        Assert.True(double.IsNaN(sapporo.HeadroomNowMw));
        Assert.Equal(["fukuoka", "sendai"], r.Ranked.Select(c => c.Candidate.Id).Order(StringComparer.Ordinal));
        Assert.Contains("headroom layer test-layer (synthetic)", r.LayerSources["headroom_now"], StringComparison.Ordinal);
        Assert.Contains("nearest substation within 30 km", r.LayerSources["headroom_potential"], StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_And_GeoJson_CarryTheSubstationAndItsLimitingLine()
    {
        using var dir = new TempFolder();
        var r = SitingStudy.Run(Config(dir), grid: Layer());
        var csv = CsvTable.Parse(RankingWriter.Csv(r), "ranking.csv");
        var header = csv.Header.ToList();
        var row = csv.Rows.Single(x => x.Fields[header.IndexOf("id")] == "sendai");
        Assert.Equal("TH:甲", row.Fields[header.IndexOf("substation")]);
        Assert.Equal("80", row.Fields[header.IndexOf("firm_mw")]);
        Assert.Equal("120", row.Fields[header.IndexOf("curtailable_extra_mw")]);
        Assert.Equal("20", row.Fields[header.IndexOf("hours_with_room")]);
        Assert.Equal("甲線 1L", row.Fields[header.IndexOf("limiting_line")]);
        Assert.Equal("dynamic", row.Fields[header.IndexOf("welcome_zone")]);
        Assert.Equal("model", row.Fields[header.IndexOf("headroom_source")]);
        var geo = Geo.GeoJsonReader.Parse(RankingWriter.GeoJson(r), "ranking.geojson");
        Assert.Equal("甲線 1L", geo.Single(g => g.Property("id") == "sendai").Property("limiting_line"));
    }

    [Fact]
    public void SiteFartherThanMaxKm_IsAnErrorNamingTheSiteAndTheNearestSubstation()
    {
        using var dir = new TempFolder();
        var ex = Assert.Throws<ArgumentException>(() => SitingStudy.Run(Config(dir, "grid_layer: { max_km: 3 }"), grid: Layer()));
        Assert.Contains("sendai", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TH:甲", ex.Message, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{0.05 * Math.PI / 180 * 6371.0088:0.#} km"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("grid_layer.max_km", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prefectures_TakeTheBestSubstationInside_AndOthersAreExcludedWithTheReason()
    {
        using var dir = new TempFolder();
        var config = SitingConfigReader.ReadFile(dir.Write("study.yaml", "candidates: prefectures\ndemand_mw: 100\nweights: { cluster_distance: 1 }\n"));
        var r = SitingStudy.Run(config, grid: Layer());
        Assert.Equal(["Fukuoka", "Miyagi"], r.Ranked.Select(c => c.Candidate.Prefecture.NameEn).Order(StringComparer.Ordinal));
        var miyagi = r.Candidates.Single(c => c.Candidate.Prefecture.Code == 4);
        Assert.Equal((80, 200), (miyagi.HeadroomNowMw, miyagi.HeadroomPotentialMw));
        Assert.Equal(1, miyagi.Power!.Considered);
        Assert.Equal("power screen: no substation of the headroom layer (test-layer) in Osaka",
            r.Candidates.Single(c => c.Candidate.Prefecture.Code == 27).Excluded);
        Assert.Contains("best substation in the prefecture", r.LayerSources["headroom_now"], StringComparison.Ordinal);
    }

    [Fact]
    public void NoLayerAndNoTables_IsAnErrorSayingWhatToGive()
    {
        using var dir = new TempFolder();
        var ex = Assert.Throws<InputFormatException>(() => SitingStudy.Run(Config(dir)));
        Assert.Contains("no headroom layer", ex.Message, StringComparison.Ordinal);
        Assert.Contains("layers.headroom_now", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OldPowerDefaultSection_IsRejectedPointingAtTheLayer()
    {
        using var dir = new TempFolder();
        var ex = Assert.Throws<InputFormatException>(() => SitingConfigReader.ReadFile(dir.Write("s.yaml", "power_default: { radius_km: 30 }\n")));
        Assert.Equal(1, ex.Line);
        Assert.Contains("grid_layer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GridLayerSection_IsRead_AndBadValuesNameTheField()
    {
        using var dir = new TempFolder();
        var c = SitingConfigReader.ReadFile(dir.Write("s.yaml", "grid_layer: { fiscal_year: 2024, seed: 3, from: 2024-08-01T00:00:00+09:00, days: 2, max_km: 12.5 }\n"));
        Assert.Equal(new GridLayerSpec(2024, 3, new DateTimeOffset(2024, 8, 1, 0, 0, 0, Jst.Offset), 2, 12.5), c.GridLayer);
        var bad = Assert.Throws<InputFormatException>(() => SitingConfigReader.ReadFile(dir.Write("b.yaml", "grid_layer: { days: 400 }\n")));
        Assert.Contains("grid_layer.days", bad.Message, StringComparison.Ordinal);
        var far = Assert.Throws<InputFormatException>(() => SitingConfigReader.ReadFile(dir.Write("f.yaml", "grid_layer: { max_km: -1 }\n")));
        Assert.Contains("grid_layer.max_km", far.Message, StringComparison.Ordinal);
    }
}
