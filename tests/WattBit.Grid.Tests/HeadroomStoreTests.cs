using WattBit.Formats;
using WattBit.Grid.Headroom;

namespace WattBit.Grid.Tests;

public sealed class HeadroomStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wattbit-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Store_ReadsBackEveryBusAndWindowExactly()
    {
        var net = HeadroomTests.WithEmergencyRatings(TestCases.Pglib("pglib_opf_case30_ieee.m"), 1.3);
        var engine = HeadroomTests.Engine(net, 200, new HeadroomOptions());
        var times = engine.Series.Profile.Timestamps;
        var path = Path.Combine(_dir, "year.whr");
        var buses = new[] { 7, 0, 29 };
        var computed = new List<BusHeadroom>();
        using (var w = HeadroomStore.Create(path, [.. buses.Select(b => net.Buses[b].Number)], engine.Steps, times[0], times[1] - times[0]))
        {
            foreach (var b in buses)
            {
                var h = new BusHeadroom(engine.Steps);
                engine.Compute(b, h);
                w.Write(h);
                computed.Add(h);
            }
        }

        using var store = HeadroomStore.Open(path);
        Assert.Equal(times[0], store.First);
        Assert.Equal(times[57], store.Timestamp(57));
        for (var i = 0; i < buses.Length; i++)
        {
            var (first, count) = store.Window(times[50], times[80]);
            Assert.Equal((50, 30), (first, count));
            var r = store.Read(net.Buses[buses[i]].Number, first, count);
            Assert.Equal(computed[i].N0Mw[50..80], r.N0Mw);
            Assert.Equal(computed[i].N1Mw[50..80], r.N1Mw);
            Assert.Equal(computed[i].N0Branch[50..80], r.N0Branch);
            Assert.Equal(computed[i].N1Branch[50..80], r.N1Branch);
            Assert.Equal(computed[i].N1Contingency[50..80], r.N1Contingency);
        }

        Assert.Throws<ArgumentException>(() => store.Read(net.Buses[1].Number, 0, 1));
    }

    [Fact]
    public void Open_TruncatedFile_IsAClearError()
    {
        var path = Path.Combine(_dir, "cut.whr");
        using (var w = HeadroomStore.Create(path, [1, 2], 10, DateTimeOffset.UnixEpoch, TimeSpan.FromHours(1)))
        {
            w.Write(new BusHeadroom(10));
        }

        var e = Assert.Throws<InputFormatException>(() => HeadroomStore.Open(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RankLimitingBranches_CountsStepsPerBranchAndTheirContingency()
    {
        var h = new BusHeadroom(6);
        int[] branch = [4, 4, 2, 4, -1, 2];
        int[] cont = [9, 9, -1, 3, -1, -1];
        double[] mw = [10, 8, 5, 12, 10_000, 7];
        branch.CopyTo(h.N1Branch, 0);
        cont.CopyTo(h.N1Contingency, 0);
        mw.CopyTo(h.N1Mw, 0);
        var ranked = HeadroomQueries.RankLimitingBranches(h);
        Assert.Equal([new LimitingBranch(4, 3, 8, 9), new LimitingBranch(2, 2, 5, -1)], ranked);
    }
}
