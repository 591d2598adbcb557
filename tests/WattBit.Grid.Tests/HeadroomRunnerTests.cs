using WattBit.Grid.Headroom;

namespace WattBit.Grid.Tests;

public sealed class HeadroomRunnerTests
{
    [Theory]
    [InlineData("pglib_opf_case30_ieee.m", 64)] // one window
    [InlineData("pglib_opf_case118_ieee.m", 4)] // windows of 16 buses on 2 workers: more than the runner holds at once
    [InlineData("pglib_opf_case30_ieee.m", 1)] // bus by bus
    public void Run_Parallel_DeliversBusesInOrderWithSequentialResults(string file, int groupSize)
    {
        var weekly = HeadroomTests.Engine(HeadroomTests.WithEmergencyRatings(TestCases.Pglib(file), 1.6), 24, new HeadroomOptions());
        var engine = new HeadroomEngine(weekly.Sensitivities, weekly.Series, weekly.Options) { GroupSize = groupSize };
        var n = engine.Sensitivities.Model.BusCount;
        var buses = Enumerable.Range(0, n).Select(i => (i * 37) % n).ToArray();
        var seen = new List<int>();
        var single = new BusHeadroom(engine.Steps);
        var progress = new List<int>();
        HeadroomRunner.Run(engine, buses, r =>
        {
            seen.Add(r.Bus);
            engine.Compute(r.Bus, single);
            HeadroomTests.AssertSame(single, r);
        }, new SyncProgress(progress.Add), maxParallelism: 2);
        Assert.Equal(buses, seen);
        Assert.Equal(n, progress[^1]);
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
