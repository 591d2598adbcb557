using WattBit.Areas;
using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Simulation.Roadmap;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

/// <summary>The roadmap study (decision 0178) against hand-computed run-out years, shortfalls and reinforcements.</summary>
public sealed class RoadmapTests
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 0, 0, 0, Jst.Offset);

    private const string Yaml = """
        name: hand
        roadmap: {from: 2025, to: 2027, weeks: [2025-05-01], flexible_share: 0.3, peak_factor: 1.2}
        clusters:
          - {id: a, area: TK, lat: 35.7, lon: 139.7, mw: {2025: 30, 2026: 48, 2027: 70}, substation: "TK:one"}
        """;

    // Secure headroom 100 MW in JST hours 0-11 (line L-night), 40 MW in hours 12-23 (line L-day); N-0 one MW above.
    private static readonly HeadroomTable Layer = new(new HeadroomLayerInfo("hand-made", true, "test", Start, 168),
    [
        (new Substation("TK:one", "one", JapanAreas.Tokyo, 275, new GeoPoint(35.7, 139.7)), HeadroomSource.Model,
            Enumerable.Range(0, 168).Select(h => h % 24 < 12
                ? new HeadroomHour(Start.AddHours(h), 101, 100, "L-night", null)
                : new HeadroomHour(Start.AddHours(h), 41, 40, "L-day", null))),
    ]);

    [Fact]
    public void AClusterRunsOutWhenItsLoadPassesTheRoom_AndShiftingDefersIt()
    {
        var result = RoadmapStudy.Run(RoadmapFile.Parse(Yaml, "hand.yaml"), Layer, ["TK:one"]);
        var y = result.Years.ToDictionary(x => x.Year);
        // 2025: 30 MW fits 40 MW in every hour.
        Assert.Equal(0, y[2025].ShortMwh, 9);
        // 2026: 48 MW is 8 MW over in 12 h a day (672 MWh in the week); shifted: the firm 33.6 MW fits, and the day's
        // 345.6 MWh flexible energy fits the spare 12 × (57.6 − 33.6) + 12 × (40 − 33.6) = 364.8 MWh.
        Assert.Equal(672, y[2026].ShortMwh, 6);
        Assert.Equal(8, y[2026].PeakShortMw, 9);
        Assert.Equal(0, y[2026].ShortShiftedMwh, 9);
        // 2027: 70 MW is 30 MW over 12 h a day (2,520 MWh); shifted: the firm 49 MW is 9 MW over 12 h (108 MWh a day) and
        // of the 504 MWh flexible energy only 12 × (84 − 49) = 420 fits (84 MWh a day short): 1,344 MWh, 9 + 84/24 MW.
        Assert.Equal(2520, y[2027].ShortMwh, 6);
        Assert.Equal(1344, y[2027].ShortShiftedMwh, 6);
        Assert.Equal(12.5, y[2027].PeakShortShiftedMw, 9);
        var r = Assert.Single(result.RunOut);
        Assert.Equal(2026, r.FirstShortYear);
        Assert.Equal(2027, r.FirstShortShiftedYear);
        Assert.Equal(1, r.YearsDeferred(2027));
        Assert.Equal("L-day", r.Line);
        Assert.Equal(30, r.ReinforcementMw, 9);
    }

    [Fact]
    public void AReinforcement_AndTheN0Headroom_AddRoom()
    {
        var reinforced = RoadmapFile.Parse(Yaml + "\nreinforcements:\n  - {cluster: a, from: 2027, mw: 30}\n", "r.yaml");
        var r = RoadmapStudy.Run(reinforced, Layer, ["TK:one"]).Years.Single(x => x.Year == 2027);
        Assert.Equal(0, r.ShortMwh, 9); // 70 MW against 40 + 30 MW
        var n0 = RoadmapFile.Parse(Yaml.Replace("peak_factor: 1.2}", "peak_factor: 1.2, headroom: n0}", StringComparison.Ordinal), "n0.yaml");
        Assert.Equal(7 * 12 * 7.0, RoadmapStudy.Run(n0, Layer, ["TK:one"]).Years.Single(x => x.Year == 2026).ShortMwh, 6); // 48 − 41 MW
    }

    [Fact]
    public void AWeekOutsideTheBaseYear_AndAnUnknownCluster_AreErrorsWithTheLine()
    {
        var e = Assert.Throws<InputFormatException>(() => RoadmapFile.Parse(Yaml.Replace("2025-05-01", "2027-05-01", StringComparison.Ordinal), "w.yaml"));
        Assert.Contains("w.yaml:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("must lie inside the base fiscal year 2025", e.Message, StringComparison.Ordinal);
        var u = Assert.Throws<InputFormatException>(() => RoadmapFile.Parse(Yaml + "\nreinforcements:\n  - {cluster: b, from: 2027, mw: 30}\n", "u.yaml"));
        Assert.Contains("reinforcement: no cluster 'b'", u.Message, StringComparison.Ordinal);
    }
}
