using WattBit.Areas;
using WattBit.Formats;
using WattBit.Siting.Ranking;
using WattBit.Testing;

namespace WattBit.Siting.Tests;

public sealed class SitingStudyTests
{
    // Three user sites in three regions; carbon given as a user layer keyed by candidate, cluster distance computed.
    private const string Sites = """
        {"type":"FeatureCollection","features":[
         {"type":"Feature","properties":{"id":"sapporo","name":"札幌"},"geometry":{"type":"Point","coordinates":[141.3508,43.0687]}},
         {"type":"Feature","properties":{"id":"sendai","name":"仙台"},"geometry":{"type":"Point","coordinates":[140.8822,38.2601]}},
         {"type":"Feature","properties":{"id":"fukuoka","name":"福岡"},"geometry":{"type":"Point","coordinates":[130.4017,33.5902]}}]}
        """;

    private static string Config(string weights, string carbonFile = "carbon.csv") => $"""
        name: three sites
        candidates:
          kind: sites
          file: sites.geojson
        demand_mw: 100
        layers:
          carbon: {carbonFile}
          headroom_now: headroom.csv
          headroom_potential: headroom.csv
        weights:
        {weights}
        sensitivity:
          samples: 100
          seed: 1
        """;

    private static SitingResult Run(TempFolder dir, string weights, string carbon)
    {
        dir.Write("sites.geojson", Sites);
        dir.Write("headroom.csv", "candidate,mw\nsapporo,500\nsendai,500\nfukuoka,500\n");
        dir.Write("carbon.csv", carbon);
        var config = SitingConfigReader.ReadFile(dir.Write("study.yaml", Config(weights)));
        return SitingStudy.Run(config);
    }

    private static string[] Order(SitingResult r) => [.. r.Ranked.Select(c => c.Candidate.Id)];

    [Fact]
    public void CarbonOnly_RanksByUserCarbonLayer()
    {
        using var dir = new TempFolder();
        var r = Run(dir, "  carbon: 1\n", "candidate,gco2\nsapporo,500\nsendai,300\nfukuoka,400\n");
        Assert.Equal(["sendai", "fukuoka", "sapporo"], Order(r));
        Assert.Equal("札幌", r.Ranked.Last().Candidate.Name);
        Assert.Equal(1.0, r.Ranked.First().Score, 12);
        Assert.Equal(0.5, r.Ranked.ElementAt(1).Score, 12);
    }

    [Fact]
    public void OneLayerValueChanges_OnlyThatCandidateMoves()
    {
        using var dir = new TempFolder();
        var r = Run(dir, "  carbon: 1\n", "candidate,gco2\nsapporo,200\nsendai,300\nfukuoka,400\n");
        Assert.Equal(["sapporo", "sendai", "fukuoka"], Order(r));
    }

    [Fact]
    public void ClusterDistanceWeight_FavoursFarthestFromTokyoAndOsaka()
    {
        // Distances to the nearest of Tokyo/Osaka: Sapporo ~830 km, Fukuoka ~480 km, Sendai ~300 km.
        using var dir = new TempFolder();
        var r = Run(dir, "  cluster_distance: 1\n", "candidate,gco2\nsapporo,500\nsendai,300\nfukuoka,400\n");
        Assert.Equal(["sapporo", "fukuoka", "sendai"], Order(r));
        var c = r.Ranked.First().Raw[(int)Criterion.ClusterDistance];
        Assert.InRange(c, 800, 860);
    }

    [Fact]
    public void AddingClusterWeight_FlipsTheLeaderExactlyAtHandComputedPoint()
    {
        // carbon normalised: sendai 1, fukuoka 0.5, sapporo 0; cluster normalised: sapporo 1, sendai 0, fukuoka f = (dF - dS)/(dP - dS).
        // With weights carbon 1 and cluster 2: sendai 1/3, sapporo 2/3, fukuoka (0.5 + 2f)/3.
        using var dir = new TempFolder();
        var r = Run(dir, "  carbon: 1\n  cluster_distance: 2\n", "candidate,gco2\nsapporo,500\nsendai,300\nfukuoka,400\n");
        var byId = r.Candidates.ToDictionary(c => c.Candidate.Id);
        double dP = byId["sapporo"].Raw[(int)Criterion.ClusterDistance], dS = byId["sendai"].Raw[(int)Criterion.ClusterDistance], dF = byId["fukuoka"].Raw[(int)Criterion.ClusterDistance];
        var f = (dF - dS) / (dP - dS);
        Assert.Equal(1.0 / 3, byId["sendai"].Score, 12);
        Assert.Equal(2.0 / 3, byId["sapporo"].Score, 12);
        Assert.Equal((0.5 + (2 * f)) / 3, byId["fukuoka"].Score, 12);
        Assert.Equal("sapporo", Order(r)[0]);
    }

    [Fact]
    public void WelcomeZoneStyleTable_KeyAndSummedColumns_FeedTheScreen()
    {
        // The grid engine's welcome-zone CSV: potential = firm + dynamic extra + curtailable (③) extra.
        using var dir = new TempFolder();
        dir.Write("sites.geojson", Sites);
        dir.Write("welcome.csv", """
            bus,name,zone,firm_mw,dynamic_extra_mw,curtailable_extra_mw
            1,sapporo,dynamic,20,40,50
            2,sendai,firm,150,0,0
            3,fukuoka,none,10,10,10
            """);
        var config = SitingConfigReader.ReadFile(dir.Write("s.yaml", """
            candidates: { kind: sites, file: sites.geojson }
            demand_mw: 100
            layers:
              headroom_now: { file: welcome.csv, key: name, value: firm_mw }
              headroom_potential: { file: welcome.csv, key: name, value: firm_mw + dynamic_extra_mw + curtailable_extra_mw }
            weights: { cluster_distance: 1 }
            """));
        var r = SitingStudy.Run(config);
        Assert.Equal(["sapporo", "sendai"], Order(r)); // fukuoka's 30 MW potential fails the 100 MW screen
        var sapporo = r.Candidates.Single(c => c.Candidate.Id == "sapporo");
        Assert.Equal((20, 110), (sapporo.HeadroomNowMw, sapporo.HeadroomPotentialMw));
        Assert.Contains("firm_mw + dynamic_extra_mw + curtailable_extra_mw", r.LayerSources["headroom_potential"], StringComparison.Ordinal);
        Assert.Contains("power screen", r.Candidates.Single(c => c.Candidate.Id == "fukuoka").Excluded, StringComparison.Ordinal);
    }

    [Fact]
    public void LayerMissingACandidate_ErrorListsIt()
    {
        using var dir = new TempFolder();
        var ex = Assert.Throws<InputFormatException>(() => Run(dir, "  carbon: 1\n", "candidate,gco2\nsapporo,500\nsendai,300\n"));
        Assert.Contains("no value for 1 candidates: fukuoka", ex.Message, StringComparison.Ordinal);
        Assert.Contains("carbon.csv", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrefectureLayerMissingPrefectures_ErrorNamesThemInJapanese()
    {
        using var dir = new TempFolder();
        var rows = string.Join("\n", Prefectures.All.Where(p => p.Code is not (13 or 47)).Select(p => $"{p.Code},0.5"));
        dir.Write("seismic.csv", "prefecture,exposure\n" + rows + "\n");
        dir.Write("headroom.csv", "area,mw\n" + string.Join("\n", WattBit.Areas.JapanAreas.All.Select(a => a.Code + ",1000")) + "\n");
        var config = SitingConfigReader.ReadFile(dir.Write("study.yaml", """
            candidates: prefectures
            layers:
              seismic: seismic.csv
              headroom_now: headroom.csv
              headroom_potential: headroom.csv
            """));
        var ex = Assert.Throws<InputFormatException>(() => SitingStudy.Run(config));
        Assert.Contains("no value for 2 prefectures: 13 東京都 (Tokyo), 47 沖縄県 (Okinawa)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AreaHeadroomTable_AppliesToEveryPrefectureOfTheArea()
    {
        using var dir = new TempFolder();
        dir.Write("headroom.csv", "area,mw\nHKD,1000\nTH,1000\nTK,0\nCB,0\nHR,0\nKN,0\nCG,0\nSK,0\nKY,1000\nON,0\n");
        var config = SitingConfigReader.ReadFile(dir.Write("study.yaml", """
            candidates: prefectures
            screen: { basis: now, min_mw: 300 }
            layers: { headroom_now: headroom.csv, headroom_potential: headroom.csv }
            weights: { carbon: 1 }
            """));
        var r = SitingStudy.Run(config);
        Assert.Equal(1 + 7 + 7, r.Ranked.Count()); // Hokkaido, the 7 Tohoku-area prefectures, the 7 Kyushu ones
        Assert.All(r.Ranked, c => Assert.Contains(c.Candidate.Area.Code, new[] { "HKD", "TH", "KY" }));
        Assert.Equal("KY", r.Ranked.First().Candidate.Area.Code); // lowest default carbon of the three areas
    }

    [Fact]
    public void SampleCluster_All47Prefectures_RankedWithRealData()
    {
        var config = SitingConfigReader.ReadFile(Path.Combine(SharedData.RepoRoot, "samples", "siting", "cluster-300mw.yaml"));
        var r = SitingStudy.Run(config, grid: TestLayers.Osm);
        Assert.Equal(47, r.Candidates.Count);
        Assert.True(r.Ranked.Count() >= 5);
        // The seismic constraint (max 0.9) removes Tokyo, Kanagawa, Saitama, Chiba and the Nankai core.
        foreach (var code in new[] { 11, 12, 13, 14, 22, 23, 24, 30, 36, 39, 45 })
        {
            Assert.DoesNotContain(r.Ranked, c => c.Candidate.Prefecture.Code == code);
        }

        Assert.All(r.Ranked, c => Assert.True(c.HeadroomPotentialMw >= 300));
        Assert.All(r.Candidates, c => Assert.Equal(
            c.Candidate.Prefecture.Code is 11 or 12 or 13 or 14 or 26 or 27 or 28 ? 0 : 0.5, c.Raw[(int)Criterion.Subsidy]));
        Assert.All(r.Ranked, c => Assert.InRange(c.Range!.Value.MinRank, 1, c.Rank));
        var csv = CsvTable.Parse(RankingWriter.Csv(r), "ranking.csv");
        Assert.Equal(47, csv.Rows.Count);
        var geo = Geo.GeoJsonReader.Parse(RankingWriter.GeoJson(r), "ranking.geojson");
        Assert.Equal(47, geo.Count);
        Assert.Equal(r.Ranked.First().Candidate.Name, geo.First(g => g.Property("rank") == "1").Property("name"));
    }

    [Fact]
    public void Study_SameSeed_IsDeterministic()
    {
        var path = Path.Combine(SharedData.RepoRoot, "samples", "siting", "fleet-1.9mw.yaml");
        var a = RankingWriter.Csv(SitingStudy.Run(SitingConfigReader.ReadFile(path), grid: TestLayers.Osm));
        var b = RankingWriter.Csv(SitingStudy.Run(SitingConfigReader.ReadFile(path), grid: TestLayers.Osm));
        Assert.Equal(a, b);
    }

    [Fact]
    public void UserSitesSample_WithPolygonAndLandLayer_Runs()
    {
        var r = SitingStudy.Run(SitingConfigReader.ReadFile(Path.Combine(SharedData.RepoRoot, "samples", "siting", "my-sites.yaml")), grid: TestLayers.Osm);
        Assert.Equal(5, r.Candidates.Count);
        var matsue = r.Candidates.Single(c => c.Candidate.Id == "matsue");
        Assert.Equal("Shimane", matsue.Candidate.Prefecture.NameEn);
        Assert.Equal(30, matsue.Raw[(int)Criterion.Land]);
        Assert.Equal("Chiba", r.Candidates.Single(c => c.Candidate.Id == "inzai").Candidate.Prefecture.NameEn);
    }
}
