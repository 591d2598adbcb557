using WattBit.Areas;
using WattBit.Composition;
using WattBit.Formats;
using WattBit.Grid.Layer;
using WattBit.Grid.Network;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;
using WattBit.Simulation.Roadmap;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

/// <summary>
/// A roadmap reinforcement that is a line (decision 0226): the year's grid model is changed before its headroom is computed, so N-0
/// and every N-1 flow see it; the run-out table says by how much the binding line would need uprating. Every figure by hand.
/// </summary>
public sealed class RoadmapLineReinforcementTests
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 0, 0, 0, Jst.Offset);

    // A triangle: bus 1 generates 60 MW for bus 2's 60 MW load; the cluster is at bus 3. Lines A (1-2), B (2-3), C (1-3), x = 0.1 each;
    // C is rated 100 MW (normal and emergency), A and B 1,000. N-1, by hand: with A out, bus 2 is fed over C and B, so C carries 60 + L
    // and the cluster's room is 40 MW, C under the outage of A, 1 MW on C per MW of cluster (with B out C carries L: 100; with C out,
    // A carries 60 + L: 940; N-0: C carries 20 + 2L/3: 120).
    private static string Triangle(string extraBranches = "") => Case(
        "1 3 0 0 0 0 1 1 0 275 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 275 1 1.1 0.9;\n3 1 0 0 0 0 1 1 0 275 1 1.1 0.9;",
        "1 60 0 300 -300 1 100 1 450 0;",
        "1 2 0 0.1 0 1000 1000 0 0 0 1;\n2 3 0 0.1 0 1000 1000 0 0 0 1;\n1 3 0 0.1 0 100 100 0 0 0 1;" + extraBranches);

    // Two buses and one line A (x = 0.1, 100 MW) carrying bus 2's 40 MW: the cluster at bus 2 has 60 MW of N-0 room, 1 MW on A per MW.
    private static string TwoBuses() => Case(
        "1 3 0 0 0 0 1 1 0 275 1 1.1 0.9;\n2 1 40 0 0 0 1 1 0 275 1 1.1 0.9;",
        "1 40 0 300 -300 1 100 1 450 0;",
        "1 2 0 0.1 0 100 100 0 0 0 1;");

    private static string Case(string bus, string gen, string branch) => WattBit.Testing.MatpowerText.Of(bus, gen, branch);

    private static string Yaml(string headroom, string cluster, string reinforcements) => $$"""
        name: lines by hand
        roadmap: {from: 2025, to: 2035, weeks: [2025-05-01], flexible_share: 0, peak_factor: 1, headroom: {{headroom}}}
        clusters:
          - {id: dc, area: TK, lat: 35.7, lon: 139.7, mw: {{cluster}}, substation: "S3"}
        {{reinforcements}}
        """;

    // The host's path (as BackboneRoadmap): each year the line reinforcements in service change the network by the what-if's records,
    // then the layer is computed on the changed network with the limiting lines' sensitivities.
    private static RoadmapResult Run(string caseText, string yaml, int clusterBus)
    {
        var roadmap = RoadmapFile.Parse(yaml, "hand.yaml");
        var net = MatpowerCase.Parse(caseText, "hand.m");
        var times = Enumerable.Range(0, 168).Select(t => Start.AddHours(t)).ToArray();
        var profile = new GridProfile(times, [.. Enumerable.Repeat(1.0, 168)], new double[168]);
        var node = new LayerNode(new Substation("S3", "S3", JapanAreas.Tokyo, 275, new GeoPoint(35.7, 139.7)), clusterBus);
        string Name(PowerNetwork n, int b) => b < net.Branches.Length ? ((char)('A' + b)).ToString() : "new";
        IHeadroomLayer Layer(int year)
        {
            var changes = RoadmapLines.Changes(roadmap, year, net, b => Name(net, b), id => id == "S1" ? 0 : id == "S3" ? clusterBus - 1 : null, null, "hand.yaml");
            var changed = RoadmapLines.Apply(net, changes.Select(c => c.Change));
            return ModelHeadroomLayer.Compute(changed, [node], profile, "hand.m", synthetic: true, "flat", b => Name(changed, b), lineFactors: true);
        }

        return RoadmapStudy.Run(roadmap, (int y) => Layer(y), ["S3"], []);
    }

    // N-1: 20 MW in 2025, 10 MW more each year: 50 MW in 2028 passes the 40 MW of room, 10 MW over on C (1 MW per MW).
    // N-0: C carries 20 + 2L/3 (bus 2's 60 MW splits 1/3 over C; the cluster's L 2/3 over C, 1/3 over A and B), room 120 MW. 10 MW a
    // year from 100 in 2025: 2027's 120 fits, 2028's 130 is 10 MW over, 20/3 MW over C's rating.
    [Theory]
    [InlineData("n1", "{2025: 20, 2035: 120}", 40, 10.0)]
    [InlineData("n0", "{2025: 100, 2035: 200}", 120, 20.0 / 3)]
    public void TheBindingLine_AndTheUprateThatDefersRunOutOneYear_AreTheHandComputedOnes(string headroom, string cluster, double room, double uprate)
    {
        var result = Run(Triangle(), Yaml(headroom, cluster, ""), 3);
        var r = Assert.Single(result.RunOut);
        Assert.Equal(2028, r.FirstShortYear);
        Assert.Equal("C", r.Line);
        Assert.Equal("C", r.UprateLine);
        Assert.Equal(uprate, r.LineUprateMw, 6);
        Assert.False(r.LineUprateAtLeast);
        Assert.All(result.Years, y => Assert.Equal(room, y.RoomMinMw, 6));
    }

    [Fact]
    public void UpratingTheBindingLineBy50MWFrom2027_MovesTheRunOutFrom2028To2033()
    {
        // C at 150 MW: with A out C carries 60 + L, room 90 MW (the other limits stay above: B out 150, N-0 195, C out 940); 2032's
        // 90 MW fits, 2033's 100 MW does not. Before 2027 the room is 40.
        var result = Run(Triangle(), Yaml("n1", "{2025: 20, 2035: 120}", "reinforcements:\n  - {uprate: C, from: 2027, mw: 50, note: by hand}"), 3);
        var r = Assert.Single(result.RunOut);
        Assert.Equal(2033, r.FirstShortYear);
        Assert.Equal(40, result.Years.Single(y => y.Year == 2026).RoomMinMw, 6);
        Assert.Equal(90, result.Years.Single(y => y.Year == 2027).RoomMinMw, 6);
        Assert.Equal(10, r.LineUprateMw, 6);
    }

    [Fact]
    public void UpratingToARating_IsTheSameAsUpratingByTheDifference()
    {
        var by = Run(Triangle(), Yaml("n1", "{2025: 20, 2035: 120}", "reinforcements:\n  - {uprate: C, from: 2027, mw: 50}"), 3);
        var to = Run(Triangle(), Yaml("n1", "{2025: 20, 2035: 120}", "reinforcements:\n  - {uprate: C, from: 2027, to_mw: 150}"), 3);
        Assert.Equal(by.Years.Select(y => y.RoomMinMw), to.Years.Select(y => y.RoomMinMw));
    }

    [Fact]
    public void ANewParallelLineOfTheSameReactance_HalvesTheFlow_SoTheN0RoomAndTheUprateNeededFollow()
    {
        // One line: 40 + L on A, N-0 room 60. A new line 1-2 of x = 0.1 (100 MW) from 2030: each carries (40 + L)/2, room 160, and the line
        // that binds carries 0.5 MW per MW of cluster. 30 MW a year from 0 in 2025: 2027's 60 fits, 2028's 90 is 30 over (30 MW on A);
        // with the new line 2030's 150 fits, 2031's 180 is 20 over, 10 MW on the line.
        const string cluster = "{2025: 0, 2035: 300}";
        var alone = Run(TwoBuses(), Yaml("n0", cluster, ""), 2);
        var a = Assert.Single(alone.RunOut);
        Assert.Equal(2028, a.FirstShortYear);
        Assert.Equal(30, a.LineUprateMw, 6);
        var doubled = Run(TwoBuses(), Yaml("n0", cluster, "reinforcements:\n  - {new_line: {name: D, from: S1, to: S3, x: 0.1, mw: 100}, from: 2028}"), 2);
        var d = Assert.Single(doubled.RunOut);
        Assert.Equal(60, doubled.Years.Single(y => y.Year == 2027).RoomMinMw, 6);
        Assert.Equal(160, doubled.Years.Single(y => y.Year == 2028).RoomMinMw, 6);
        Assert.Equal(2031, d.FirstShortYear);
        Assert.Equal(10, d.LineUprateMw, 6);
    }

    [Fact]
    public void AnUprateOfALineTheModelDoesNotHave_IsAnErrorNamingTheFileLineAndName()
    {
        var e = Assert.Throws<ArgumentException>(() => Run(Triangle(), Yaml("n1", "{2025: 20}", "reinforcements:\n  - {uprate: Z, from: 2027, mw: 50}"), 3));
        Assert.Contains("hand.yaml:6", e.Message, StringComparison.Ordinal);
        Assert.Contains("'Z'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  - {uprate: C, from: 2027}", "mw")]
    [InlineData("  - {uprate: C, cluster: dc, from: 2027, mw: 5}", "exactly one")]
    [InlineData("  - {new_line: {from: S1, to: S3, mw: 100}, from: 2027}", "reactance")]
    public void ABadLineReinforcement_IsRefusedWithItsPlace(string row, string expected)
    {
        var e = Assert.Throws<InputFormatException>(() => RoadmapFile.Parse(Yaml("n1", "{2025: 20}", "reinforcements:\n" + row), "hand.yaml"));
        Assert.Contains("hand.yaml", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReport_SaysWhichKindEachReinforcementIs()
    {
        var roadmap = RoadmapFile.Parse(Yaml("n1", "{2025: 20}", "reinforcements:\n  - {uprate: C, from: 2027, mw: 50}\n  - {cluster: dc, from: 2030, mw: 10}"), "hand.yaml");
        Assert.Contains("a line of the grid model", roadmap.Reinforcements[0].Describe(), StringComparison.Ordinal);
        Assert.Contains("not a line of the grid model", roadmap.Reinforcements[1].Describe(), StringComparison.Ordinal);
    }
}
