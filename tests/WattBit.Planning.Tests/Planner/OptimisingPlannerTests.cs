using WattBit.Areas;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using static WattBit.Planning.Tests.Planner.TestProblems;

namespace WattBit.Planning.Tests.Planner;

public sealed class OptimisingPlannerTests
{
    private static readonly OptimisingPlanner Optimiser = new(TimeProvider.System, Timeout.InfiniteTimeSpan);

    [Fact]
    public void Solver_HighsLoads()
    {
        using var solver = SolverFactory.CreateLinear(out var backend);
        Assert.Equal("HIGHS", backend);
    }

    [Fact]
    public void InterruptibleJob_RunsInTheCheapestHours()
    {
        // Price 10 JPY/kWh except hours 5 and 9 (4 JPY/kWh): a 2 MW job of 2 h runs at 5 and 9; cost 2*2 MWh*4000.
        var site = Site("a", JapanAreas.Tokyo, 10, Firm(10));
        var p = Problem([site], [Batch("j", 2, 0, 12, 2)], 12, t => t is 5 or 9 ? 4 : 10);
        var plan = Optimiser.Plan(p);
        var job = Assert.Single(plan.Jobs);
        Assert.Equal([5, 9], job.Runs.Select(r => (int)(r.Start - Start).TotalHours).Order());
        Assert.Equal(16_000, plan.Summary.EnergyCost.Yen, 6);
        Assert.Equal(0, plan.Summary.Gap!.Value, 6);
    }

    [Fact]
    public void NonInterruptibleJob_TakesTheCheapestContiguousBlock()
    {
        // Cheap single hour at 2, cheap pair at 7-8 (5 JPY/kWh): a 2 h job that cannot pause takes 7-8.
        var site = Site("a", JapanAreas.Tokyo, 10, Firm(10));
        var p = Problem([site], [Batch("j", 1, 0, 12, 2, interruptible: false)], 12, t => t is 2 ? 1 : t is 7 or 8 ? 5 : 10);
        var job = Assert.Single(Optimiser.Plan(p).Jobs);
        Assert.Equal(new TimeWindow(Start.AddHours(7), Start.AddHours(9)), Assert.Single(job.Runs));
    }

    [Fact]
    public void Job_MovesToTheCheaperArea()
    {
        var a = Site("a", JapanAreas.Tokyo, 10, Firm(10));
        var b = Site("b", JapanAreas.Kyushu, 10, Firm(10), location: new WattBit.Sites.GeoPoint(33.6, 130.4));
        var prices = new Dictionary<string, Func<int, double>> { ["TK"] = _ => 20, ["KY"] = _ => 8 };
        var p = Problem([a, b], [Batch("j", 1, 0, 6, 3, home: "a")], 6, _ => 0, pricePerArea: prices);
        var job = Assert.Single(Optimiser.Plan(p).Jobs);
        Assert.Equal("b", job.Site!.Value.Value);
        Assert.Contains("moved", job.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, true, 8_000)]
    [InlineData(1, false, 44_000)]
    public void InterruptibleJob_MovesBetweenSites_OnlyWhenTheMoveFitsBetweenItsHours(int kyushuCheapHour, bool moves, double cost)
    {
        // Tokyo is cheap (2 JPY/kWh) only at hour 0, Kyushu only at the given hour, 20 elsewhere. A 2 MW job of 2 h at
        // one site pays 2 + 20 per kWh (44,000 JPY). With Kyushu cheap at hour 3 it runs hour 0 in Tokyo and hour 3 in
        // Kyushu (hours 1-2 leave time for the move) for 2 + 2 (8,000 JPY), the LP bound; cheap at hour 1, right after
        // Tokyo's, there is no time for the move (it takes part of an hour) and the job stays at one site.
        var (a, b) = (Site("a", JapanAreas.Tokyo, 10, Firm(10)), Site("b", JapanAreas.Kyushu, 10, Firm(10), location: new WattBit.Sites.GeoPoint(33.6, 130.4)));
        var prices = new Dictionary<string, Func<int, double>> { ["TK"] = t => t == 0 ? 2 : 20, ["KY"] = t => t == kyushuCheapHour ? 2 : 20 };
        var plan = Optimiser.Plan(Problem([a, b], [Batch("j", 2, 0, 4, 2, home: "a")], 4, _ => 0, pricePerArea: prices));
        var job = Assert.Single(plan.Jobs);
        Assert.Equal(moves, job.Moves);
        Assert.Equal(cost, plan.Summary.EnergyCost.Yen, 6);
        if (moves)
        {
            Assert.Equal([new TimeWindow(Start, Start.AddHours(1)), new TimeWindow(Start.AddHours(3), Start.AddHours(4))], job.Runs);
            Assert.Equal(["a", "b"], job.RunSites.Select(s => s.Value));
            Assert.Equal(0, plan.Summary.Gap!.Value, 6);
        }
    }

    [Fact]
    public void LateJob_GetsRoom_ByMovingAJobThatCannotPause()
    {
        // One site with room for 1 MW; prices 30, 10, 10, 30. A 1 MW job of 2 h that cannot pause (window 0-4) takes the
        // cheap hours 1-2 first, which leaves a 1 h job due in 1-3 no room. The repair places the short job at 1 or 2 and
        // the long one next to it: nothing late, cost 10 + 10 + 30 per kWh, the LP bound.
        var site = Site("a", JapanAreas.Tokyo, 1, Firm(1));
        var work = new[] { Batch("long", 1, 0, 4, 2, interruptible: false), Batch("short", 1, 1, 3, 1) };
        var plan = Optimiser.Plan(Problem([site], work, 4, t => t is 1 or 2 ? 10 : 30));
        Assert.Equal(0, plan.Summary.LateWork.MegawattHours, 9);
        var shortRun = Assert.Single(plan.Jobs.Single(j => j.JobId == "short").Runs);
        Assert.True(shortRun.Start >= Start.AddHours(1) && shortRun.End <= Start.AddHours(3));
        Assert.Equal(TimeSpan.FromHours(2), Assert.Single(plan.Jobs.Single(j => j.JobId == "long").Runs).Duration);
        Assert.Equal(50_000, plan.Summary.EnergyCost.Yen, 6);
        Assert.Equal(0, plan.Summary.Gap!.Value, 6);
    }

    [Fact]
    public void Battery_DischargesToFitAJobAboveTheConnection()
    {
        // Limit 1 MW, base 0.5 MW, a 0.8 MW job must run in its only hour: the battery gives the missing 0.3 MW.
        var battery = new Battery(Energy.FromMegawattHours(2), Power.FromMegawatts(1), 1, 1, 0, 1, 0.5);
        var site = Site("a", JapanAreas.Tokyo, 10, Firm(1), battery: battery, baseMw: 0.5);
        var p = Problem([site], [Batch("j", 0.8, 2, 3, 1)], 4, t => 10);
        var plan = Optimiser.Plan(p);
        var s = Assert.Single(plan.Sites);
        Assert.True(s.CapMw[2] <= 1 + 1e-6);
        Assert.Equal(0.3, s.DischargeMw[2] - s.ChargeMw[2], 6);
        Assert.Equal(0, plan.Summary.LateWork.MegawattHours, 6);
        Assert.Equal(0, plan.Summary.UnservedWork.MegawattHours, 6);
    }

    [Fact]
    public void FlexibleConnection_PlansAgainstTheLowQuantileOfHeadroom()
    {
        // Central headroom 10 MW, 10% quantile 3 MW: at 90% confidence a 5 MW job cannot fit (plans against 3 MW).
        var central = Hourly(4, _ => 10);
        var q10 = Hourly(4, _ => 3);
        var q50 = Hourly(4, _ => 10);
        var conn = GridConnection.FlexibleOf(new QuantileSeries(central, [new(0.1, q10), new(0.5, q50)]));
        var site = Site("a", JapanAreas.Tokyo, 10, conn);
        var risky = Optimiser.Plan(Problem([site], [Batch("j", 5, 0, 4, 1)], 4, _ => 10, confidence: 0.5));
        var safe = Optimiser.Plan(Problem([site], [Batch("j", 5, 0, 4, 1)], 4, _ => 10, confidence: 0.9));
        Assert.Equal(0, risky.Summary.UnservedWork.MegawattHours, 6);
        Assert.Equal(5, safe.Summary.UnservedWork.MegawattHours, 6);
        Assert.All(safe.Sites[0].LimitMw.Values.ToArray(), v => Assert.Equal(3, v, 6));
    }

    [Fact]
    public void DeadlinePressure_MakesWorkLateOnlyWhenThereIsNoRoom()
    {
        // One 1 MW site, two 1 MW jobs of 2 h both due at hour 3: 1 MWh must be late (hour 3), none unserved.
        var site = Site("a", JapanAreas.Tokyo, 1, Firm(1));
        var p = Problem([site], [Batch("x", 1, 0, 3, 2), Batch("y", 1, 0, 3, 2)], 6, _ => 10);
        var plan = Optimiser.Plan(p);
        Assert.Equal(1, plan.Summary.LateWork.MegawattHours, 6);
        Assert.Equal(0, plan.Summary.UnservedWork.MegawattHours, 6);
        Assert.True(plan.Summary.Gap < 1e-6);
    }
}
