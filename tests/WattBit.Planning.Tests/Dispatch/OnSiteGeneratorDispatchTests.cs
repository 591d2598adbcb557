using WattBit.Dispatch;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Sites;
using WattBit.Units;
using static WattBit.Planning.Tests.Dispatch.Fleets;

namespace WattBit.Planning.Tests.Dispatch;

/// <summary>The on-site generator in the dispatcher: after deferral, before disrupting work; fuel, start-up and DR permission respected.</summary>
public sealed class OnSiteGeneratorDispatchTests
{
    private static readonly Dispatcher Dispatcher = new(TimeProvider.System);

    private static OnSiteGenerator Generator(double mw = 3, double fuelHours = 60, double startupMin = 10, bool forDr = false) =>
        new(Power.FromMegawatts(mw), TimeSpan.FromHours(fuelHours), TimeSpan.FromMinutes(startupMin), CarbonIntensity.FromGramsPerKilowattHour(700),
            EnergyPrice.FromYenPerKilowattHour(30), forDr);

    // Site a: 2 MW of batch that can wait and 4 MW of training with nowhere to go.
    private static FleetState FleetWith(OnSiteGenerator generator) =>
        Fleet([SiteState("a", 20, generator: generator)],
            Batch("batch", "a", 2, true, Now.AddHours(12), 2, "a"),
            Training("train", "a", 4, TimeSpan.FromMinutes(5), 100, "a"));

    [Fact]
    public void EmergencyCurtailment_DefersBatch_ThenStartsTheGenerator_AndLeavesTrainingRunning()
    {
        // 4 MW for 2 h at 30 min notice: defer 2 MW of batch, the generator carries 2 MW after its 10 min start.
        var d = Dispatcher.Handle(Curtail("a", 4, 30, hours: 2), FleetWith(Generator()));
        Assert.True(d.Met);
        Assert.False(d.UsedFallback);
        Assert.Equal([DispatchActionKind.Defer, DispatchActionKind.StartGenerator], d.Actions.Select(a => a.Kind));
        var start = d.Actions[1];
        Assert.Equal(2, start.GridRelief.Megawatts, 9);
        Assert.Equal(Now.AddMinutes(10), start.CompletesAt);
        Assert.Contains("2.8 t CO2", start.Reason, StringComparison.Ordinal); // 2 MW x 2 h x 700 g/kWh
        Assert.Equal(2, d.After.Sites[0].GeneratorOutput.Megawatts, 9);
        Assert.Equal(180 - 4, d.After.Sites[0].FuelLeft.MegawattHours, 9); // a 3 MW x 60 h tank less 2 MW x 2 h
        Assert.Contains(d.After.Running, w => w.Id == "train");
    }

    [Fact]
    public void Fuel_LimitsTheGeneratorToWhatItHoldsForTheWholeEvent()
    {
        // 3 MW with 1 h of fuel (3 MWh) holds 1 MW for a 3 h event; the rest comes from pausing training.
        var d = Dispatcher.Handle(Curtail("a", 4, 30, hours: 3), FleetWith(Generator(fuelHours: 1)));
        Assert.True(d.Met);
        var start = Assert.Single(d.Actions, a => a.Kind == DispatchActionKind.StartGenerator);
        Assert.Equal(1, start.GridRelief.Megawatts, 9);
        Assert.Contains(d.Actions, a => a.WorkloadId == "train");
    }

    [Fact]
    public void AGeneratorSlowerThanTheNotice_IsNotUsed()
    {
        var d = Dispatcher.Handle(Curtail("a", 4, 5, hours: 2), FleetWith(Generator(startupMin: 15)));
        Assert.DoesNotContain(d.Actions, a => a.Kind == DispatchActionKind.StartGenerator);
        Assert.True(d.Met);
    }

    [Fact]
    public void DemandResponse_UsesTheGeneratorOnlyWhenTheOperatorAllowsIt()
    {
        CurtailmentOrder Dr() => new(Now, new SiteId("a"), Power.FromMegawatts(4), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), CurtailmentPurpose.DemandResponse);

        var kept = Dispatcher.Handle(Dr(), FleetWith(Generator(forDr: false)));
        Assert.DoesNotContain(kept.Actions, a => a.Kind == DispatchActionKind.StartGenerator);

        var allowed = Dispatcher.Handle(Dr(), FleetWith(Generator(forDr: true)));
        Assert.Equal(2, Assert.Single(allowed.Actions, a => a.Kind == DispatchActionKind.StartGenerator).GridRelief.Megawatts, 9);
    }

    [Fact]
    public void Fallback_StartsTheGeneratorBeforeStoppingWork()
    {
        var fleet = FleetWith(Generator());
        var order = Curtail("a", 4, 30, hours: 2);
        var actions = Dispatcher.Fallback(order, fleet, Requirement.Of(order, fleet));
        Assert.Equal(DispatchActionKind.StartGenerator, actions[0].Kind);
        Assert.Equal(3, actions[0].GridRelief.Megawatts, 9);
        Assert.Equal(DispatchActionKind.Stop, actions[1].Kind);
    }
}
