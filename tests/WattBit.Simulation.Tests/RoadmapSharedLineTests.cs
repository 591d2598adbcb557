using WattBit.Areas;
using WattBit.Headroom;
using WattBit.Simulation.Roadmap;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

/// <summary>
/// Two clusters behind one line (decision 0210): with their loads in the grid each is judged on what the line leaves beside
/// the other, so they run out together, in a year neither reaches alone. Every figure by hand.
/// </summary>
public sealed class RoadmapSharedLineTests
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 0, 0, 0, Jst.Offset);

    // a grows 20 → 40 MW over 2025-2027 (30 in 2026), b 10 → 30 MW; both stay in 2028. No shifting (flexible_share 0).
    private const string Yaml = """
        name: shared line
        roadmap: {from: 2025, to: 2028, weeks: [2025-05-01], flexible_share: 0, peak_factor: 1, grid_loads: clusters}
        clusters:
          - {id: a, area: TK, lat: 35.7, lon: 139.7, mw: {2025: 20, 2027: 40}, substation: "S:a"}
          - {id: b, area: TK, lat: 35.8, lon: 139.8, mw: {2025: 10, 2027: 30}, substation: "S:b"}
        """;

    // The grid by hand: one line L with 60 MW of secure margin in every hour feeds both substations (1 MW at either loads it by
    // 1 MW), so a substation's room is 60 MW less the load at the other one, never below 0.
    private static HeadroomTable Grid(IReadOnlyList<double> inGrid, List<double[]> seen)
    {
        seen.Add([.. inGrid]);
        (Substation, HeadroomSource, IEnumerable<HeadroomHour>) Node(string id, double beside) =>
            (new Substation(id, id, JapanAreas.Tokyo, 275, new GeoPoint(35.7, 139.7)), HeadroomSource.Model,
                Enumerable.Range(0, 168).Select(h => new HeadroomHour(Start.AddHours(h), Math.Max(0, 80 - beside), Math.Max(0, 60 - beside), "L", null)));
        return new HeadroomTable(new HeadroomLayerInfo("hand-made", true, "test", Start, 168), [Node("S:a", inGrid[1]), Node("S:b", inGrid[0])]);
    }

    private static (RoadmapResult Result, List<double[]> Seen) Run(string yaml)
    {
        var seen = new List<double[]>();
        var result = RoadmapStudy.Run(RoadmapFile.Parse(yaml, "shared.yaml"), (_, inGrid) => Grid(inGrid, seen), ["S:a", "S:b"], []);
        return (result, seen);
    }

    [Fact]
    public void TwoClustersBehindOneLine_RunOutTogether_InTheYearTheirSumPassesIt()
    {
        var (result, seen) = Run(Yaml);
        // Sums: 2025 30, 2026 50 (fit 60), 2027 70 (10 over). a's room in 2027 is 60 − 30 = 30 against 40, b's 60 − 40 = 20 against
        // 30: each 10 MW over, in all 168 hours of the week (1,680 MWh).
        Assert.Equal([20.0, 10.0], seen[0]);
        Assert.Equal([30.0, 20.0], seen[1]);
        Assert.Equal([40.0, 30.0], seen[2]);
        foreach (var r in result.RunOut)
        {
            Assert.Equal(2027, r.FirstShortYear);
            Assert.Equal(2027, r.FirstShortShiftedYear);
            Assert.Equal("L", r.Line);
            Assert.Equal(10, r.ReinforcementMw, 9);
        }

        var a2027 = result.Years.Single(x => x.Cluster == "a" && x.Year == 2027);
        Assert.Equal(30, a2027.RoomMinMw, 9);
        Assert.Equal(1680, a2027.ShortMwh, 6);
        Assert.Equal(40, a2027.InGridMw, 9);
    }

    [Fact]
    public void WithoutTheLoadsInTheGrid_EachFitsAlone_AndNeverRunsOut()
    {
        var (result, seen) = Run(Yaml.Replace("grid_loads: clusters", "grid_loads: none", StringComparison.Ordinal));
        Assert.All(seen, s => Assert.Equal([0.0, 0.0], s));
        Assert.All(result.RunOut, r => Assert.Null(r.FirstShortYear)); // 40 and 30 MW each under 60
    }

    [Fact]
    public void AStatedReinforcementAtOne_RelievesTheLineForTheOther()
    {
        // 15 MW at a from 2027: a loads the line with 40 − 15 = 25 MW, so b's room is 35 ≥ 30; a's own room 60 − 30 + 15 = 45 ≥ 40.
        var (result, seen) = Run(Yaml + "\nreinforcements:\n  - {cluster: a, from: 2027, mw: 15}\n");
        Assert.Equal([25.0, 30.0], seen[2]);
        Assert.All(result.RunOut, r => Assert.Null(r.FirstShortYear));
    }

    [Fact]
    public void WithTheNeededReinforcements_ALaterYearIsJudgedOnTheLinesAsReinforced()
    {
        // 2027 as above (each 10 MW short, taken as built from 2028): in 2028 a loads the line with 30 MW and b with 20, so
        // a's room is 40 ≥ 40 and b's 30 ≥ 30: neither is short in 2028; both still ran out in 2027.
        var (result, seen) = Run(Yaml.Replace("grid_loads: clusters", "grid_loads: needed", StringComparison.Ordinal));
        Assert.Equal([30.0, 20.0], seen[3]);
        Assert.All(result.RunOut, r => Assert.Equal(2027, r.FirstShortYear));
        Assert.All(result.Years.Where(x => x.Year == 2028), x => Assert.Equal(0, x.ShortMwh, 9));
    }
}
