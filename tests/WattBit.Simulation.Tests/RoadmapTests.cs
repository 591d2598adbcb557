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
    public void WeeksAll_IsEveryWholeWeekOfTheBaseYear()
    {
        var all = RoadmapFile.Parse(Yaml.Replace("weeks: [2025-05-01]", "weeks: all", StringComparison.Ordinal), "all.yaml");
        Assert.Equal(52, all.Weeks.Count);
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset), all.Weeks[0]);
        Assert.Equal(new DateTimeOffset(2026, 3, 24, 0, 0, 0, Jst.Offset), all.Weeks[^1]); // it ends at 31 March 00:00: that last day is left out
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

/// <summary>
/// The roadmap with moves between areas (decision 0184) on a hand-checked two-area, two-year case: a tie that grows in the
/// second year and a base demand that grows (the second year's layer has 10 MW less room at both substations).
/// </summary>
public sealed class RoadmapMovesTests
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 0, 0, 0, Jst.Offset);

    private const string Yaml = """
        name: two areas
        roadmap: {from: 2025, to: 2026, weeks: [2025-05-01], flexible_share: 0.5, peak_factor: 1.2, moves: true, tie_share: 1}
        clusters:
          - {id: a, area: TK, lat: 35.7, lon: 139.7, mw: {2025: 60}, substation: "TK:a"}
          - {id: b, area: CB, lat: 35.2, lon: 136.9, mw: {2025: 100}, substation: "CB:b"}
        """;

    private const string TieGrows = "\ntie_changes:\n  - {tie: FC, from: 2026, mw: 10}\n";

    private static readonly AreaTie[] Ties = [new("FC", JapanAreas.Tokyo, JapanAreas.Chubu, 5)];

    // a: 100 MW of secure room in JST hours 0-11 (line L-night), 40 MW in hours 12-23 (L-day); b: 200 MW every hour.
    // The base demand grows by 2026: 10 MW less at both.
    private static HeadroomTable Layer(int year)
    {
        var less = year >= 2026 ? 10 : 0;
        return new(new HeadroomLayerInfo("hand-made", true, "test", Start, 168),
        [
            (new Substation("TK:a", "a", JapanAreas.Tokyo, 275, new GeoPoint(35.7, 139.7)), HeadroomSource.Model,
                Enumerable.Range(0, 168).Select(h => h % 24 < 12
                    ? new HeadroomHour(Start.AddHours(h), 200, 100 - less, "L-night", null)
                    : new HeadroomHour(Start.AddHours(h), 200, 40 - less, "L-day", null))),
            (new Substation("CB:b", "b", JapanAreas.Chubu, 275, new GeoPoint(35.2, 136.9)), HeadroomSource.Model,
                Enumerable.Range(0, 168).Select(h => new HeadroomHour(Start.AddHours(h), 300, 200 - less, "L-b", null))),
        ]);
    }

    [Fact]
    public void MovesOverAGrowingTie_DeferTheRunOut_ByHand()
    {
        // a: 60 MW, firm 30 MW, flexible 30 × 24 = 720 MWh a day, at most 1.2 × 60 = 72 MW in an hour.
        // 2025: without shifting 20 MW over in 12 h (240 MWh a day, 1,680 in the week); at home the day's spare is
        // 12 × (72 − 30) + 12 × (40 − 30) = 624 MWh, 96 short (672 in the week); the 5 MW tie carries 5 × 24 = 120 ≥ 96 to b,
        // whose spare 24 × (min(200, 120) − 50) = 1,680 MWh holds its own 1,200 and the 96: it fits with moves.
        // 2026: the room is 90 / 30 MW: 30 MW over in 12 h (360 a day, 2,520); at home the firm 30 MW just fits the day
        // hours and the spare is 12 × (72 − 30) + 12 × 0 = 504, 216 short (1,512); without the tie's growth it moves 120
        // and 96 a day stay short (672 MWh, 96 / 24 = 4 MW); with the tie at 10 MW it moves 240 ≥ 216 and fits.
        var same = RoadmapStudy.Run(RoadmapFile.Parse(Yaml, "two.yaml"), Layer, ["TK:a", "CB:b"], Ties);
        var y = same.Years.Where(x => x.Cluster == "a").ToDictionary(x => x.Year);
        // MWh over without shifting, shifting at home, shifting and moves; MWh moved to b.
        Assert.Equal((1680.0, 672.0, 0.0, 672.0), Mwh(y[2025]));
        Assert.Equal((2520.0, 1512.0, 672.0, 840.0), Mwh(y[2026]));
        Assert.Equal((30.0, 4.0), (Math.Round(y[2026].PeakShortMw, 9), Math.Round(y[2026].PeakShortShiftedMw, 9)));
        var a = same.RunOut.Single(r => r.Cluster == "a");
        Assert.Equal(2025, a.FirstShortYear);
        Assert.Equal(2025, a.FirstShortInDayYear);
        Assert.Equal(2026, a.FirstShortShiftedYear);
        Assert.Equal(1, a.YearsDeferred(2026));
        Assert.Equal("L-day", a.Line);
        Assert.Equal(26, a.RoomGainedMw, 9);
        Assert.Null(same.RunOut.Single(r => r.Cluster == "b").FirstShortYear);
        // The tie binds in every hour of the 2026 week (full, and the only way out of a's short room); not in 2025.
        var tk = same.TieYears.Where(t => t.From == "TK").ToDictionary(t => t.Year);
        Assert.Equal(0, tk[2025].HoursBinding);
        Assert.Equal(168, tk[2026].HoursBinding);
        Assert.Equal(5, tk[2026].PeakMovedMw, 9);

        var grown = RoadmapStudy.Run(RoadmapFile.Parse(Yaml + TieGrows, "grows.yaml"), Layer, ["TK:a", "CB:b"], Ties);
        var g = grown.RunOut.Single(r => r.Cluster == "a");
        Assert.Null(g.FirstShortShiftedYear);
        Assert.Equal(2, g.YearsDeferred(2026)); // at least 2: shifting keeps it inside to the last year
        var g26 = grown.Years.Single(x => x.Cluster == "a" && x.Year == 2026);
        Assert.Equal(0, g26.ShortShiftedMwh, 6);
        Assert.Equal(1512, g26.MovedMwh, 6);
        Assert.Equal(10, grown.TieYears.Single(t => t.From == "TK" && t.Year == 2026).CapacityMw, 9);
    }

    private static (double, double, double, double) Mwh(RoadmapYear x) =>
        (Math.Round(x.ShortMwh, 6), Math.Round(x.ShortInDayMwh, 6), Math.Round(x.ShortShiftedMwh, 6), Math.Round(x.MovedMwh, 6));

    [Fact]
    public void ATiesOwnFlow_LeavesMovedWorkTheRestOfItsCapacity_ByHand()
    {
        // The tie already carries 3 MW from TK to CB every hour: a's moved work may use 5 − 3 = 2 MW that way (48 MWh a day),
        // so of the 96 MWh a day it cannot place at home in 2025, 48 stay short (336 in the week); in 2026 216 − 48 = 168 a
        // day (1,176). Against the flow, 5 + 3 = 8 MW.
        var flows = new Dictionary<string, double[]> { ["FC"] = [.. Enumerable.Repeat(3.0, 168)] };
        var result = RoadmapStudy.Run(RoadmapFile.Parse(Yaml, "two.yaml"), Layer, ["TK:a", "CB:b"], Ties, _ => flows);
        var y = result.Years.Where(x => x.Cluster == "a").ToDictionary(x => x.Year);
        Assert.Equal((1680.0, 672.0, 336.0, 336.0), Mwh(y[2025]));
        Assert.Equal((2520.0, 1512.0, 1176.0, 336.0), Mwh(y[2026]));
        var lanes = result.TieYears.Where(t => t.Year == 2025).ToDictionary(t => t.From);
        Assert.Equal((2.0, true), (Math.Round(lanes["TK"].UsableMw, 9), lanes["TK"].OwnFlows));
        Assert.Equal(8, lanes["CB"].UsableMw, 9);
        Assert.Equal(2025, result.RunOut.Single(r => r.Cluster == "a").FirstShortShiftedYear);
    }

    [Fact]
    public void MovesNeverMakeAClusterShort_ThatFitsAtHome()
    {
        // b fits at home in both years; sharing its room with a's moved work must not make it short.
        var result = RoadmapStudy.Run(RoadmapFile.Parse(Yaml, "two.yaml"), Layer, ["TK:a", "CB:b"], Ties);
        Assert.All(result.Years.Where(x => x.Cluster == "b"), x => Assert.Equal(0, x.ShortShiftedMwh, 9));
    }

    [Fact]
    public void TheReport_MarksATieChangeAsStatedInTheScenario_NotFromData()
    {
        // The tie change is the file's own statement (decision 0228): marked in the list of the grid's changes and in the tie table.
        var result = RoadmapStudy.Run(RoadmapFile.Parse(Yaml + TieGrows, "two.yaml"), Layer, ["TK:a", "CB:b"], Ties);
        var dir = Directory.CreateTempSubdirectory("wattbit-roadmap-ties-").FullName;
        try
        {
            var html = File.ReadAllText(RoadmapReport.Write(result, dir));
            Assert.Contains("FC: 10 MW from 2026 (stated in the scenario, not from data)", html, StringComparison.Ordinal);
            Assert.Contains("<td>5 → 10 *</td>", html, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheReport_SaysWhyMovesHelp_AndWhichTieBindsFirst_AndWritesRoundedTables()
    {
        var result = RoadmapStudy.Run(RoadmapFile.Parse(Yaml, "two.yaml"), Layer, ["TK:a", "CB:b"], Ties);
        var why = RoadmapReport.Why(result);
        Assert.Contains(why, w => w.StartsWith("moves between areas help a: shifting within the day alone runs out in 2025, with moves in 2026; its work run in other areas adds up to 1,512 MWh", StringComparison.Ordinal));
        Assert.Contains("the first tie to limit the moves is FC TK→CB in 2026 (168 h at its usable 5 MW)", why[^1], StringComparison.Ordinal);
        var line = Assert.Single(RoadmapReport.BindingLines(result)); // a is over in the day hours of both years, b never
        Assert.Equal(("L-day", 2025), (line.Line, line.FirstYear));
        Assert.Equal([("a", 2025, 2026)], line.Clusters);
        var dir = Directory.CreateTempSubdirectory("wattbit-roadmap-report-").FullName;
        try
        {
            RoadmapReport.Write(result, dir);
            var runOut = File.ReadAllLines(Path.Combine(dir, "run_out.csv"));
            Assert.Equal("a,TK,TK:a,2025,2025,2026,1,L-day,30,4,26,,false,L-day,", runOut[1]);
            Assert.Contains("FC,TK,CB,2026,5,5,tie share,5,168", File.ReadAllLines(Path.Combine(dir, "ties.csv")));
            Assert.True(File.Exists(Path.Combine(dir, "plots", "run_out.svg")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ATieChangeNamingNoTie_IsAnErrorWithTheLine()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            RoadmapStudy.Run(RoadmapFile.Parse(Yaml + "\ntie_changes:\n  - {tie: nowhere, from: 2026, mw: 10}\n", "x.yaml"), Layer, ["TK:a", "CB:b"], Ties));
        Assert.Contains("tie_changes (line 7): no tie 'nowhere'", e.Message, StringComparison.Ordinal);
    }
}
