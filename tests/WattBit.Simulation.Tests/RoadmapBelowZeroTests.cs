using WattBit.Areas;
using WattBit.Composition;
using WattBit.Grid.Layer;
using WattBit.Grid.Network;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;
using WattBit.Simulation.Roadmap;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

/// <summary>
/// The roadmap where the grid is already short (decision 0234): with the layer's headroom below 0, the run-out names the line that sets
/// it and sizes its uprate exactly; uprating by that much lets the load fit. Every figure by hand.
/// </summary>
public sealed class RoadmapBelowZeroTests
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 0, 0, 0, Jst.Offset);

    // A triangle of equal reactances: bus 1 generates bus 2's 60 MW; the cluster is at bus 3. Branches A (1-3), B (1-2), C (2-3). With L MW
    // at bus 3: A carries 20 + 2L/3, B 40 + L/3; with A out B carries 60 + L (1 MW per MW). Ratings: A 25 (emergency 1,000), B 30
    // (emergency 20), C 1,000. Limits: A 1.5·(25 − 20) = 7.5, B 3·(30 − 40) = −30, B under the outage of A 20 − 60 = −40 MW (the rest above
    // 900). So the room is 0 and 40 MW below it, set by B under the outage of A; a layer that stops at 0 names B's N-0 limit (1/3 MW per MW).
    private static readonly string Triangle = WattBit.Testing.MatpowerText.Of(
        "1 3 0 0 0 0 1 1 0 275 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 275 1 1.1 0.9;\n3 1 0 0 0 0 1 1 0 275 1 1.1 0.9;",
        "1 60 0 300 -300 1 100 1 450 0;",
        "1 3 0 0.1 0 25 1000 0 0 0 1;\n1 2 0 0.1 0 30 20 0 0 0 1;\n2 3 0 0.1 0 1000 1000 0 0 0 1;");

    // 5 MW in 2025, 10 MW more each year.
    private static string Yaml(string reinforcements) => $$"""
        name: below zero by hand
        roadmap: {from: 2025, to: 2035, weeks: [2025-05-01], flexible_share: 0, peak_factor: 1, headroom: n1}
        clusters:
          - {id: dc, area: TK, lat: 35.7, lon: 139.7, mw: {2025: 5, 2035: 105}, substation: "S3"}
        {{reinforcements}}
        """;

    // The same triangle with A at 15 MW (emergency 1,000) and B at 100 (emergency 45), bus 2 at 60 MW × s with s 1 in even hours and 0.5 in odd
    // ones. Limits at s = 1: A 1.5·(15 − 20) = −7.5, B under the outage of A 45 − 60 = −15, B 3·(100 − 40) = 180; at s = 0.5: A 7.5, B under the
    // outage of A 15, B 240. So B (under A's outage, 1 MW per MW) sets the room in the 84 even hours, A (2/3 MW per MW) in the 84 odd ones.
    private static readonly string TwoLines = WattBit.Testing.MatpowerText.Of(
        "1 3 0 0 0 0 1 1 0 275 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 275 1 1.1 0.9;\n3 1 0 0 0 0 1 1 0 275 1 1.1 0.9;",
        "1 60 0 300 -300 1 100 1 450 0;",
        "1 3 0 0.1 0 15 1000 0 0 0 1;\n1 2 0 0.1 0 100 45 0 0 0 1;\n2 3 0 0.1 0 1000 1000 0 0 0 1;");

    private static RoadmapResult Run(string yaml, bool belowZero, string? caseText = null, Func<int, double>? scale = null)
    {
        var roadmap = RoadmapFile.Parse(yaml, "hand.yaml");
        var net = MatpowerCase.Parse(caseText ?? Triangle, "hand.m");
        var times = Enumerable.Range(0, 168).Select(t => Start.AddHours(t)).ToArray();
        var profile = new GridProfile(times, [.. Enumerable.Range(0, 168).Select(t => scale?.Invoke(t) ?? 1.0)], new double[168]);
        var node = new LayerNode(new Substation("S3", "S3", JapanAreas.Tokyo, 275, new GeoPoint(35.7, 139.7)), 3);
        string Name(int b) => ((char)('A' + b)).ToString();
        IHeadroomLayer Layer(int year)
        {
            var changes = RoadmapLines.Changes(roadmap, year, net, Name, id => id == "S1" ? 0 : id == "S3" ? 2 : null, null, "hand.yaml");
            var changed = RoadmapLines.Apply(net, changes.Select(c => c.Change));
            return ModelHeadroomLayer.Compute(changed, [node], profile, "hand.m", synthetic: true, "flat", Name, lineFactors: true, belowZero: belowZero);
        }

        return RoadmapStudy.Run(roadmap, (int y) => Layer(y), ["S3"], []);
    }

    [Fact]
    public void WhereTheRoomIsAlreadyZero_TheLineThatSetsItIsNamed_AndItsUprateIsExact()
    {
        // 5 MW over a room 40 MW below 0, on a line that carries 1 MW per MW: B needs (5 + 40) × 1 = 45 MW, exactly.
        var result = Run(Yaml(""), belowZero: true);
        var r = Assert.Single(result.RunOut);
        Assert.Equal(2025, r.FirstShortYear);
        Assert.Equal(-40, result.Years.Single(y => y.Year == 2025).RoomSignedMinMw, 6);
        Assert.Equal(40, result.Years.Single(y => y.Year == 2025).LineOverMw, 6); // 60 MW on B against its 20 MW emergency rating
        Assert.Contains(RoadmapReport.Why(result), n => n.Contains("B is already 40 MW over its limit there before any load at the substation", StringComparison.Ordinal));
        Assert.Equal("B", r.Line);
        Assert.Equal("B", r.UprateLine);
        Assert.Equal(45, r.LineUprateMw, 6);
        Assert.False(r.LineUprateAtLeast);

        // A layer that stops at 0 names B's N-0 limit and gives a lower bound: 5 MW × 1/3.
        var oldResult = Run(Yaml(""), belowZero: false);
        Assert.True(double.IsNaN(oldResult.Years[0].RoomSignedMinMw));
        var old = Assert.Single(oldResult.RunOut);
        Assert.Equal(5.0 / 3, old.LineUprateMw, 6);
        Assert.True(old.LineUprateAtLeast);
    }

    [Fact]
    public void UpratingTheNamedLineByThatMuch_LetsTheLoadFit_AndTheNextYearRunsOutOnTheNextLimit()
    {
        // B at 75 MW (emergency 65): B under the outage of A leaves 65 − 60 = 5 MW, A 7.5 MW, B's N-0 limit 3·(75 − 40) = 105: the room is
        // 5 MW, the cluster's 2025 load; 2026's 15 MW is over it. The engine computes the changed grid again.
        var result = Run(Yaml("reinforcements:\n  - {uprate: B, from: 2025, mw: 45, note: by hand}"), belowZero: true);
        var y2025 = result.Years.Single(y => y.Year == 2025);
        Assert.True(y2025.RoomMinMw >= y2025.LoadMw - 1e-6, $"room {y2025.RoomMinMw} MW for a load of {y2025.LoadMw} MW");
        Assert.Equal(5, y2025.RoomMinMw, 6);
        var r = Assert.Single(result.RunOut);
        Assert.Equal(2026, r.FirstShortYear);
        Assert.Equal("B", r.Line);
        Assert.Equal(10, r.LineUprateMw, 6);
    }

    [Theory]
    [InlineData(327.02, 327.1, 328)]
    [InlineData(45.0000000001, 45, 45)]
    [InlineData(44.96, 45, 45)]
    public void TheUprate_RoundedUpToTheFilesTenthAndTheReportsMW_Agree(double exact, double tenth, double whole)
    {
        // The report says 1 MW rounded up; run_out.csv and the server's JSON 0.1 MW rounded up; the dashboard rounds the JSON's figure up to
        // 1 MW again and must say what the report says. Float noise above a step (1e-10 MW) does not add a step.
        var r = new RoadmapRunOut("dc", "TK", "S3", 2025, 2025, "B", 0, 0, LineUprateMw: exact);
        Assert.Equal(tenth, r.LineUprateRoundedUp(1));
        Assert.Equal(whole, r.LineUprateRoundedUp(0));
        Assert.Equal(whole, Math.Ceiling(r.LineUprateRoundedUp(1) - 1e-6));
    }

    [Fact]
    public void WhereAnotherLineSetsTheRoomInOtherHoursOver_TheRunOutNamesIt_AndTheUprateAloneDoesNotDeferIt()
    {
        // 10 MW: over in every hour, the room 15 MW below 0 in the even hours (B) and 7.5 MW in the odd ones (A).
        const string yaml = """
            name: two lines by hand
            roadmap: {from: 2025, to: 2026, weeks: [2025-05-01], flexible_share: 0, peak_factor: 1, headroom: n1}
            clusters:
              - {id: dc, area: TK, lat: 35.7, lon: 139.7, mw: {2025: 10, 2026: 10}, substation: "S3"}

            """;
        static double Scale(int t) => t % 2 == 0 ? 1.0 : 0.5;
        var r = Assert.Single(Run(yaml, belowZero: true, TwoLines, Scale).RunOut);
        Assert.Equal(2025, r.FirstShortYear);
        Assert.Equal("B", r.Line);
        Assert.Equal(25, r.LineUprateMw, 6); // (10 + 15) × 1, over the even hours B limits
        Assert.Equal(new[] { new RoadmapLineHours("A", 84) }, r.OtherLinesOrEmpty);

        // Uprated by those 25 MW, B leaves 70 − 60 = 10 MW in the even hours, but A still leaves −7.5 there and 7.5 in the odd ones: short.
        var uprated = Run(yaml + "reinforcements:\n  - {uprate: B, from: 2025, mw: 25}", belowZero: true, TwoLines, Scale);
        Assert.Equal(2025, Assert.Single(uprated.RunOut).FirstShortYear);
        Assert.Equal("A", Assert.Single(uprated.RunOut).Line);
    }
}
