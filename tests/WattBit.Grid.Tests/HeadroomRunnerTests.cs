using WattBit.Grid.Headroom;

namespace WattBit.Grid.Tests;

public sealed class HeadroomRunnerTests
{
    [Fact]
    public void Run_Parallel_DeliversBusesInOrderWithSequentialResults()
    {
        var engine = HeadroomTests.Engine(TestCases.Pglib("pglib_opf_case30_ieee.m"), 24, new HeadroomOptions());
        var buses = Enumerable.Range(0, 30).Reverse().ToArray();
        var seen = new List<int>();
        var single = new BusHeadroom(engine.Steps);
        var progress = new List<int>();
        HeadroomRunner.Run(engine, buses, r =>
        {
            seen.Add(r.Bus);
            engine.Compute(r.Bus, single);
            Assert.Equal(single.N1Mw, r.N1Mw);
        }, new SyncProgress(progress.Add), maxParallelism: 2);
        Assert.Equal(buses, seen);
        Assert.Equal(30, progress[^1]);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
