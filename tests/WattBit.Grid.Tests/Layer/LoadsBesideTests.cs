using WattBit.Areas;
using WattBit.Grid.Layer;
using WattBit.Grid.Network;
using WattBit.Grid.TimeSeries;
using WattBit.Headroom;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Grid.Tests.Layer;

/// <summary>Headroom beside other flat loads (decision 0210): two substations behind one pair of lines share it.</summary>
public sealed class LoadsBesideTests
{
    private static readonly DateTimeOffset s_start = new(2024, 4, 1, 0, 0, 0, Jst.Offset);

    // Bus 1 generates; two identical lines A and B (rateA 100, rateB 120) feed bus 2 (60 MW × s(t)); line C (rate 500) runs
    // on from bus 2 to bus 3. S2 (bus 2) and S3 (bus 3) both sit behind A and B. By hand, x MW added at either bus: each of A
    // and B carries (60·s + x + beside)/2, so N-0 = 200 − 60·s − beside (A limits, the lower index), N-1 = 120 − 60·s − beside
    // (A out, B at its emergency rating); C carries only what is at bus 3 (≤ 500: never limits here).
    private static readonly string s_case = TestCases.Text(
        "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 345 1 1.1 0.9;\n3 1 0 0 0 0 1 1 0 345 1 1.1 0.9;",
        "1 60 0 300 -300 1 100 1 450 10;",
        "1 2 0 0.1 0 100 120 0 0 0 1;\n1 2 0 0.1 0 100 120 0 0 0 1;\n2 3 0 0.1 0 500 500 0 0 0 1;");

    private static double Scale(int t) => 0.5 + (0.5 * (t % 24) / 23.0);

    private static ModelHeadroomLayer Layer(Func<LayerNode, IReadOnlyList<(int BusNumber, double Mw)>>? beside)
    {
        var net = MatpowerCase.Parse(s_case, "behind-one-line.m");
        var times = Enumerable.Range(0, 24).Select(t => s_start.AddHours(t)).ToArray();
        var profile = new GridProfile(times, [.. Enumerable.Range(0, 24).Select(Scale)], new double[24]);
        LayerNode Node(string id, int bus) => new(new Substation(id, id, JapanAreas.Tokyo, 275, new GeoPoint(35.6, 139.9)), bus);
        return ModelHeadroomLayer.Compute(net, [Node("S2", 2), Node("S3", 3)], profile, "behind-one-line.m", synthetic: true, "test profile",
            b => "Line " + (char)('A' + b), loadsBeside: beside);
    }

    [Fact]
    public void Compute_FlatLoadAtAnotherSubstationBehindTheSameLines_TakesItsMWFromTheRoom_AndNamesBothLines()
    {
        // 30 MW at S3 while S2 is computed, 45 MW at S2 while S3 is computed.
        var layer = Layer(n => n.BusNumber == 2 ? [(3, 30.0)] : [(2, 45.0)]);
        var alone = Layer(null);
        var day = new TimeWindow(s_start, s_start.AddHours(24));
        var s2 = layer.Hourly("S2", day);
        var s3 = layer.Hourly("S3", day);
        var s2Alone = alone.Hourly("S2", day);
        for (var t = 0; t < 24; t++)
        {
            Assert.Equal(200 - (60 * Scale(t)), s2Alone[t].N0Mw, 9);
            Assert.Equal(120 - (60 * Scale(t)), s2Alone[t].N1Mw, 9);
            Assert.Equal(200 - (60 * Scale(t)) - 30, s2[t].N0Mw, 9);
            Assert.Equal(120 - (60 * Scale(t)) - 30, s2[t].N1Mw, 9);
            Assert.Equal(120 - (60 * Scale(t)) - 45, s3[t].N1Mw, 9);
            Assert.Equal("Line B", s2[t].LimitingLine);
            Assert.Equal("Line A", s2[t].Contingency);
            Assert.Equal("Line A", s2[t].N0Line);
        }
    }

    [Fact]
    public void Compute_LoadsBesideLeaveNoRoom_TheHeadroomIsZero_NotNegative()
    {
        var layer = Layer(n => n.BusNumber == 2 ? [(3, 500.0)] : []);
        Assert.All(layer.Hourly("S2", new TimeWindow(s_start, s_start.AddHours(24))), h => Assert.Equal(0, h.N1Mw));
    }

    [Fact]
    public void Compute_LoadBesideAtABusNotInTheCase_IsAnErrorNamingTheSubstationAndBus()
    {
        var e = Assert.Throws<ArgumentException>(() => Layer(n => [(99, 10.0)]));
        Assert.Contains("S2", e.Message, StringComparison.Ordinal);
        Assert.Contains("99", e.Message, StringComparison.Ordinal);
    }
}
