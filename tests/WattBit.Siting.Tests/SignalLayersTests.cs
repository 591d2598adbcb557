using WattBit.Areas;
using WattBit.Formats;
using WattBit.Signals;
using WattBit.Siting.Layers;
using WattBit.Siting.Ranking;
using WattBit.Time;

namespace WattBit.Siting.Tests;

public sealed class SignalLayersTests
{
    [Fact]
    public void Carbon_IsTimeMeanPerArea_IgnoringMissingSteps()
    {
        const string csv = """
            timestamp,location,value
            2025-04-01T00:00:00+09:00,KY,300
            2025-04-01T01:00:00+09:00,KY,500
            2025-04-01T02:00:00+09:00,KY,
            2025-04-01T00:00:00+09:00,TK,450
            2025-04-01T01:00:00+09:00,TK,450
            2025-04-01T02:00:00+09:00,TK,450
            """;
        var table = SignalLayers.Summarise(SignalCsv.Parse(csv, "carbon.csv", SignalKind.Carbon), "carbon.csv");
        Assert.Equal(ValueKey.Area, table.Key);
        var fukuoka = Prefectures.Get("Fukuoka");
        Assert.Equal(400, table.ValueFor(fukuoka, fukuoka.Area));
        Assert.Contains("coverage >= 66.7%", table.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Curtailment_OneDayOf1MwhPerHalfHour_Annualises()
    {
        // 48 half-hour steps of 1 MWh = 48 MWh in 24 h -> 48 * 365 MWh/yr = 17.52 GWh/yr.
        var rows = Enumerable.Range(0, 48).Select(i => $"{new DateTimeOffset(2025, 5, 1, 0, 0, 0, Jst.Offset).AddMinutes(30 * i):yyyy-MM-ddTHH:mm:sszzz},Aomori,1");
        var set = SignalCsv.Parse("timestamp,location,value\n" + string.Join("\n", rows) + "\n", "c.csv", SignalKind.Curtailment);
        var table = SignalLayers.Summarise(set, "c.csv");
        Assert.Equal(ValueKey.Prefecture, table.Key);
        var aomori = Prefectures.Get("青森県");
        Assert.Equal(17.52, table.ValueFor(aomori, aomori.Area)!.Value, 9);
    }

    [Fact]
    public void PriceSignal_IsRejected()
    {
        var set = SignalCsv.Parse("timestamp,location,value\n2025-04-01T00:00:00+09:00,TK,10\n2025-04-01T01:00:00+09:00,TK,12\n", "p.csv", SignalKind.Price);
        Assert.Throws<ArgumentException>(() => SignalLayers.Summarise(set, "p.csv"));
    }

    [Fact]
    public void Study_CarbonLayerAsSignalFile_RanksByAreaMean()
    {
        using var dir = new TempFolder();
        var areas = WattBit.Areas.JapanAreas.All;
        var lines = new List<string> { "timestamp,location,value" };
        foreach (var a in areas)
        {
            // Kyushu cleanest on average (100 and 300 -> 200); Tohoku next (250); everyone else 600.
            var (v1, v2) = a.Code switch { "KY" => (100, 300), "TH" => (250, 250), _ => (600, 600) };
            lines.Add($"2025-04-01T00:00:00+09:00,{a.Code},{v1}");
            lines.Add($"2025-04-01T01:00:00+09:00,{a.Code},{v2}");
        }

        dir.Write("carbon.csv", string.Join("\n", lines) + "\n");
        dir.Write("h.csv", "area,mw\n" + string.Join("\n", areas.Select(a => a.Code + ",1000")) + "\n");
        var config = SitingConfigReader.ReadFile(dir.Write("s.yaml", "layers: { carbon: carbon.csv, headroom_now: h.csv, headroom_potential: h.csv }\nweights: { carbon: 1 }\n"));
        var r = SitingStudy.Run(config);
        Assert.All(r.Ranked.Take(7), c => Assert.Equal("KY", c.Candidate.Area.Code));
        Assert.All(r.Ranked.Skip(7).Take(7), c => Assert.Equal("TH", c.Candidate.Area.Code));
        Assert.Contains("mean gCO2/kWh", r.LayerSources["carbon"], StringComparison.Ordinal);
    }

    [Fact]
    public void Study_SignalFileForSeismic_IsRejectedWithReason()
    {
        using var dir = new TempFolder();
        dir.Write("s.csv", "timestamp,location,value\n2025-04-01T00:00:00+09:00,TK,1\n2025-04-01T01:00:00+09:00,TK,1\n");
        dir.Write("h.csv", "area,mw\n" + string.Join("\n", WattBit.Areas.JapanAreas.All.Select(a => a.Code + ",1000")) + "\n");
        var config = SitingConfigReader.ReadFile(dir.Write("s.yaml", "layers: { seismic: s.csv, headroom_now: h.csv, headroom_potential: h.csv }\n"));
        var ex = Assert.Throws<InputFormatException>(() => SitingStudy.Run(config));
        Assert.Contains("can fill carbon or renewable_surplus", ex.Message, StringComparison.Ordinal);
    }
}
