using WattBit.Dispatch;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Sites;
using WattBit.Units;
using static WattBit.Planning.Tests.Dispatch.Fleets;

namespace WattBit.Planning.Tests.Dispatch;

public sealed class DispatcherTests
{
    private static readonly Dispatcher Dispatcher = new(TimeProvider.System);

    [Fact]
    public void Curtailment_SmallEnoughForTheBattery_OnlyDischarges()
    {
        // 4 MWh battery from 50% (2 MWh usable above 0) holds 1 MW for 2 h; a 0.8 MW cut needs nothing else.
        var bat = new Battery(Energy.FromMegawattHours(4), Power.FromMegawatts(2), 1, 1, 0, 1, 0.5);
        var fleet = Fleet([SiteState("a", 20, battery: bat)], Batch("b", "a", 5, true, Now.AddHours(3), 2, "a"));
        var d = Dispatcher.Handle(Curtail("a", 0.8, 30), fleet);
        var action = Assert.Single(d.Actions);
        Assert.Equal(DispatchActionKind.DischargeBattery, action.Kind);
        Assert.Equal(0.8, action.GridRelief.Megawatts, 9);
        Assert.True(d.Met);
        Assert.False(d.UsedFallback);
    }

    [Fact]
    public void Curtailment_DefersBatchWhoseDeadlineAllows_BeforeTouchingTraining()
    {
        var fleet = Fleet([SiteState("a", 20), SiteState("b", 20)],
            Batch("batch", "a", 3, true, Now.AddHours(12), 2, "a"),
            Training("train", "a", 3, TimeSpan.FromMinutes(5), 100, "a", "b"));
        var d = Dispatcher.Handle(Curtail("a", 2.5, 30, hours: 2), fleet);
        var action = Assert.Single(d.Actions);
        Assert.Equal(DispatchActionKind.Defer, action.Kind);
        Assert.Equal("batch", action.WorkloadId);
        Assert.True(d.Met);
    }

    [Fact]
    public void Curtailment_MovesTrainingWhenItCanEvacuateWithinTheNotice()
    {
        // Checkpoint 10 min + 1000 GB at 100 Gbit/s (80 s) + latency: ~11.4 min, within a 30 min notice.
        var fleet = Fleet([SiteState("a", 20), SiteState("b", 20, location: new GeoPoint(35.8, 139.9))],
            Training("train", "a", 4, TimeSpan.FromMinutes(10), 1000, "a", "b"));
        var d = Dispatcher.Handle(Curtail("a", 4, 30), fleet);
        var action = Assert.Single(d.Actions);
        Assert.Equal(DispatchActionKind.CheckpointAndMove, action.Kind);
        Assert.Equal("b", action.To!.Value.Value);
        Assert.InRange((action.CompletesAt - Now).TotalMinutes, 11.3, 11.5);
        Assert.Equal(4, d.After.ItMw[1], 9);
    }

    [Fact]
    public void Curtailment_RefusesAMoveThatCannotFinishWithinTheNotice()
    {
        // A 20 min checkpoint cannot finish within a 5 min notice: the training job is stopped, not moved.
        var fleet = Fleet([SiteState("a", 20), SiteState("b", 20)], Training("train", "a", 4, TimeSpan.FromMinutes(20), 1000, "a", "b"));
        var d = Dispatcher.Handle(Curtail("a", 4, 5), fleet);
        var action = Assert.Single(d.Actions);
        Assert.Equal(DispatchActionKind.Stop, action.Kind);
        Assert.Contains("longer than the notice", action.Reason, StringComparison.Ordinal);
        Assert.True(d.Met);
        Assert.True(action.CompletesAt <= d.Deadline);
    }

    [Fact]
    public void Curtailment_MovesOnlyTheReplicasNeeded_ToSitesInReach()
    {
        // 10 replicas of 200 kW; 0.5 MW to shed -> 3 replicas move, and only to "c" (in reach), not "b".
        var fleet = Fleet([SiteState("a", 20), SiteState("b", 20, cost: 1), SiteState("c", 20, cost: 5)],
            Replicas("svc", "a", 10, 200, TimeSpan.FromMinutes(3), "a", "c"));
        var d = Dispatcher.Handle(Curtail("a", 0.5, 10), fleet);
        var action = Assert.Single(d.Actions);
        Assert.Equal(DispatchActionKind.MoveReplicas, action.Kind);
        Assert.Equal(3, action.Units);
        Assert.Equal("c", action.To!.Value.Value);
    }

    [Fact]
    public void Strategy_Throws_FallbackStillMeetsTheCurtailment()
    {
        var dispatcher = new Dispatcher(TimeProvider.System, new ThrowingStrategy());
        var fleet = Fleet([SiteState("a", 20, baseMw: 2)], Training("t", "a", 6, TimeSpan.FromMinutes(20), 10, "a"));
        var d = dispatcher.Handle(Curtail("a", 7, 0), fleet);
        Assert.True(d.UsedFallback);
        Assert.True(d.Met);
        Assert.Contains(d.Refused, r => r.Contains("boom", StringComparison.Ordinal));
        Assert.Contains(d.Actions, a => a.Kind == DispatchActionKind.PowerDownSite);
        Assert.All(d.Actions, a => Assert.True(a.CompletesAt <= d.Deadline));
    }

    [Fact]
    public void Strategy_TimesOut_FallbackDecides()
    {
        var dispatcher = new Dispatcher(TimeProvider.System, new HangingStrategy(), TimeSpan.FromMilliseconds(1));
        var fleet = Fleet([SiteState("a", 20)], Batch("b", "a", 5, false, Now.AddHours(2), 2, "a"));
        var d = dispatcher.Handle(Curtail("a", 5, 10), fleet);
        Assert.True(d.UsedFallback);
        Assert.True(d.Met);
        Assert.Contains(d.Refused, r => r.Contains("time budget", StringComparison.Ordinal));
    }

    [Fact]
    public void Strategy_ProposingALateAction_IsRefused()
    {
        var dispatcher = new Dispatcher(TimeProvider.System, new LateStrategy());
        var fleet = Fleet([SiteState("a", 20)], Batch("b", "a", 5, true, Now.AddHours(2), 2, "a"));
        var d = dispatcher.Handle(Curtail("a", 5, 10), fleet);
        Assert.True(d.UsedFallback);
        Assert.Contains(d.Refused, r => r.Contains("after the notice", StringComparison.Ordinal));
        Assert.True(d.Met);
    }

    [Fact]
    public void SiteFailure_RestartsWorkElsewhere()
    {
        var fleet = Fleet([SiteState("a", 20), SiteState("b", 20)], Training("t", "a", 4, TimeSpan.FromMinutes(5), 10, "a", "b"),
            Replicas("svc", "a", 4, 100, TimeSpan.FromMinutes(2), "a", "b"));
        var d = Dispatcher.Handle(new SiteFailure(Now, new SiteId("a")), fleet);
        Assert.False(d.UsedFallback);
        Assert.All(d.After.Running, w => Assert.Equal("b", w.Site.Value));
        Assert.Equal(4.4, d.After.ItMw[1], 9);
    }

    [Fact]
    public void Surge_AddsReplicasAtReachableSitesWithRoom()
    {
        // 250 extra requests/s at 100 per replica: 3 replicas, at the cheaper reachable site.
        var fleet = Fleet([SiteState("a", 20, cost: 9), SiteState("b", 20, cost: 2), SiteState("c", 20, cost: 1)],
            Replicas("svc", "a", 2, 100, TimeSpan.FromMinutes(2), "a", "b"));
        var d = Dispatcher.Handle(new InferenceSurge(Now, "svc", 250, TimeSpan.FromHours(1)), fleet);
        var action = Assert.Single(d.Actions);
        Assert.Equal(DispatchActionKind.AddReplicas, action.Kind);
        Assert.Equal(3, action.Units);
        Assert.Equal("b", action.From.Value);
        Assert.True(d.Met);
    }

    [Fact]
    public void HeadroomChange_BelowTheDraw_ShedsTheDifference()
    {
        var fleet = Fleet([SiteState("a", 20)], Batch("b", "a", 6, true, Now.AddHours(20), 2, "a"));
        var d = Dispatcher.Handle(new HeadroomChange(Now, new SiteId("a"), Power.FromMegawatts(2), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1)), fleet);
        Assert.Equal(4, d.Required.Megawatts, 9);
        Assert.True(d.Met);
        Assert.Equal(2, d.After.Sites[0].Limit.Megawatts, 9);
    }

    private sealed class ThrowingStrategy : IDispatchStrategy
    {
        public string Name => "throwing";

        public IReadOnlyList<DispatchAction> Propose(DispatchEvent dispatchEvent, FleetState state, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("boom");
    }

    private sealed class HangingStrategy : IDispatchStrategy
    {
        public string Name => "hanging";

        public IReadOnlyList<DispatchAction> Propose(DispatchEvent dispatchEvent, FleetState state, CancellationToken cancellationToken)
        {
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException("the budget did not cancel the strategy");
        }
    }

    private sealed class LateStrategy : IDispatchStrategy
    {
        public string Name => "late";

        public IReadOnlyList<DispatchAction> Propose(DispatchEvent dispatchEvent, FleetState state, CancellationToken cancellationToken) =>
            [new DispatchAction(DispatchActionKind.Pause, "b", new SiteId("a"), null, 1, Power.FromMegawatts(5), Now.AddHours(1), "too slow")];
    }
}
