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

    [Fact]
    public void Runner_ManyWindows_DeliversInOrderEqualToOneBusAtATime()
    {
        // Groups of 4 on 2 workers: windows of 16 buses, more windows than the runner holds at once.
        var weekly = HeadroomTests.Engine(HeadroomTests.WithEmergencyRatings(TestCases.Pglib("pglib_opf_case118_ieee.m"), 1.6), 24, new HeadroomOptions());
        var engine = new HeadroomEngine(weekly.Sensitivities, weekly.Series, weekly.Options) { GroupSize = 4 };
        var buses = Enumerable.Range(0, 118).Select(i => (i * 37) % 118).ToArray();
        var seen = new List<int>();
        var single = new BusHeadroom(engine.Steps);
        var progress = new List<int>();
        HeadroomRunner.Run(engine, buses, r =>
        {
            seen.Add(r.Bus);
            engine.Compute(r.Bus, single);
            Assert.Equal(single.N1Mw, r.N1Mw);
            Assert.Equal(single.N1Contingency, r.N1Contingency);
        }, new SyncProgress(progress.Add), maxParallelism: 2);
        Assert.Equal(buses, seen);
        Assert.Equal(118, progress[^1]);
    }

    [Fact]
    public void Runner_SinkThrows_TheErrorReachesTheCallerAndTheWorkersStop()
    {
        var weekly = HeadroomTests.Engine(TestCases.Pglib("pglib_opf_case118_ieee.m"), 24, new HeadroomOptions());
        var engine = new HeadroomEngine(weekly.Sensitivities, weekly.Series, weekly.Options) { GroupSize = 4 };
        var calls = 0;
        var e = Assert.Throws<InvalidOperationException>(() => HeadroomRunner.Run(engine, [.. Enumerable.Range(0, 118)], _ =>
        {
            if (++calls == 20)
            {
                throw new InvalidOperationException("disk full");
            }
        }, maxParallelism: 2));
        Assert.Equal("disk full", e.Message);
        Assert.Equal(20, calls);
    }

    [Fact]
    public void Runner_Cancelled_ThrowsOperationCanceled()
    {
        var weekly = HeadroomTests.Engine(TestCases.Pglib("pglib_opf_case118_ieee.m"), 24, new HeadroomOptions());
        var engine = new HeadroomEngine(weekly.Sensitivities, weekly.Series, weekly.Options) { GroupSize = 4 };
        using var cts = new CancellationTokenSource();
        var calls = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => HeadroomRunner.Run(engine, [.. Enumerable.Range(0, 118)], _ =>
        {
            if (++calls == 16)
            {
                cts.Cancel();
            }
        }, maxParallelism: 2, cancellationToken: cts.Token));
        Assert.Equal(16, calls);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
