using WattBit.Dispatch;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Flexibility;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Planning.Scenarios;
using WattBit.Planning.Tests.Scenarios;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;
using static WattBit.Planning.Tests.Planner.TestProblems;

namespace WattBit.Planning.Tests.Flexibility;

/// <summary>Flexibility offers against a plan written by hand, and delivered by the dispatcher on a planned day.</summary>
public sealed class FlexibilityOffersTests
{
    private static readonly FlexibilityTerms Terms = new() { Duration = TimeSpan.FromHours(1), Notice = TimeSpan.FromMinutes(15), PremiumYenPerKwh = 3 };

    // One site (PUE 1.25, base 1 MW, firm 10 MW, battery 4 MWh / 2 MW starting at 50 %), two batch jobs planned over
    // [0, 2): j1 2 MW due at 4 h (slack), j2 3 MW due at 3 h (no slack for a 1 h pause). The plan discharges 1 MW in hour 1.
    private static (PlanningProblem Problem, Plan Plan) HandPlan(OnSiteGenerator? generator = null)
    {
        var battery = new Battery(Energy.FromMegawattHours(4), Power.FromMegawatts(2));
        var site = Site("a", Areas.JapanAreas.Tokyo, 20, Firm(10), pue: 1.25, battery: battery, baseMw: 1, generator: generator);
        var j1 = Batch("j1", 2, 0, 4, 2);
        var j2 = Batch("j2", 3, 0, 3, 2);
        var problem = Problem([site], [j1, j2], 4, _ => 20);
        var s = new SiteSchedule(site.Id, Hourly(4, _ => 10), Hourly(4, t => t < 2 ? 7.5 - (t == 1 ? 1 : 0) : 1.25), Hourly(4, t => t < 2 ? 6 : 1),
            Hourly(4, _ => 0), Hourly(4, t => t == 1 ? 1 : 0), Hourly(4, _ => 0), Hourly(4, t => t == 0 ? 2 : 2 - (1 / 0.95), SeriesUnit.MegawattHours));
        var runs = new[] { new TimeWindow(Start, Start.AddHours(2)) };
        PlannedJob Placed(string id, double mw) => new(id, WorkloadKind.Batch, "op", site.Id, Start, runs, Energy.FromMegawattHours(mw * 2), Energy.Zero, Energy.Zero, "by hand");
        var summary = new PlanSummary(Money.Zero, Emissions.Zero, Energy.Zero, Energy.Zero, Energy.Zero, Energy.Zero, Energy.Zero, Money.Zero, null, null, TimeSpan.Zero, "by hand");
        var plan = new Plan("hand", problem.Horizon, [s], [Placed("j1", 2), Placed("j2", 3)], [], summary, []);
        return (problem, plan);
    }

    [Fact]
    public void Offers_FromAHandWrittenPlan_MatchHandComputation()
    {
        var (problem, plan) = HandPlan();
        Assert.Equal(1.25, problem.Sites[0].Pue.BasePue);

        var offers = FlexibilityOffers.FromPlan(problem, plan, Terms);

        // Hour 0 down: battery (2 - 0.4) x 0.95 = 1.52 MW for 1 h; j1 2 MW x 1.25 = 2.5 (0.25 + 1 + 2 <= 4); j2 none (3.25 > 3).
        var down0 = Assert.Single(offers, o => o.Direction == FlexDirection.Down && o.Window.Start == Start.AddMinutes(15));
        Assert.Equal(1.52, down0.FromBattery.Megawatts, 9);
        Assert.Equal(2.5, down0.FromWork.Megawatts, 9);
        Assert.Equal(4.02, down0.Power.Megawatts, 9);
        Assert.Equal(23, down0.Price.YenPerKilowattHour, 9);
        Assert.Equal(TimeSpan.FromHours(1), down0.Window.Duration);

        // Hour 0 up: room 0.9 x 4 - 2 = 1.6 MWh -> 1.6 / 0.95 = 1.68421 MW, within 10 - 7.5 = 2.5.
        var up0 = Assert.Single(offers, o => o.Direction == FlexDirection.Up && o.Window.Start == Start.AddMinutes(15));
        Assert.Equal(1.6 / 0.95, up0.Power.Megawatts, 9);

        // Hour 1 down: the plan already discharges 1 MW -> battery 1.52 - 1 = 0.52; j1 has 1 h left: 1 + 0.25 + 1 + 1 <= 4 -> 2.5.
        var down1 = Assert.Single(offers, o => o.Direction == FlexDirection.Down && o.Window.Start == Start.AddHours(1).AddMinutes(15));
        Assert.Equal(0.52, down1.FromBattery.Megawatts, 9);
        Assert.Equal(3.02, down1.Power.Megawatts, 9);

        // Hour 2 down: stored 2 - 1/0.95 = 0.947 MWh -> (0.947 - 0.4) x 0.95 = 0.52 MW; no work runs.
        var down2 = Assert.Single(offers, o => o.Direction == FlexDirection.Down && o.Window.Start == Start.AddHours(2).AddMinutes(15));
        Assert.Equal(((2 - (1 / 0.95)) - 0.4) * 0.95, down2.Power.Megawatts, 9);
        Assert.Equal(0, down2.FromWork.Megawatts);
    }

    [Fact]
    public void DownOffers_OfAHandWrittenPlan_AreDeliveredByTheDispatcherWithoutHarm() => AssertDelivered(HandPlan(), 3);

    // The hand plan's site with a 3 MW generator (60 h of fuel, 10 min start, 700 g/kWh, 30 JPY/kWh) the operator allows for DR.
    private static readonly OnSiteGenerator DrGenerator = new(Power.FromMegawatts(3), TimeSpan.FromHours(60), TimeSpan.FromMinutes(10),
        CarbonIntensity.FromGramsPerKilowattHour(700), EnergyPrice.FromYenPerKilowattHour(30), useForDemandResponse: true);

    [Fact]
    public void Offers_WithAGeneratorAllowedForDr_AddItAfterBatteryAndWork_AtItsFuelAndCarbonCost()
    {
        var (problem, plan) = HandPlan(DrGenerator);
        var offers = FlexibilityOffers.FromPlan(problem, plan, Terms);

        // Hour 0: the site draws 7.5 MW; battery 1.52 + work 2.5 leave 3.48, so the generator adds its full 3 MW.
        var down0 = Assert.Single(offers, o => o.Direction == FlexDirection.Down && o.Window.Start == Start.AddMinutes(15));
        Assert.Equal(3, down0.FromGenerator.Megawatts, 9);
        Assert.Equal(7.02, down0.Power.Megawatts, 9);
        Assert.Equal(30 + (700 / 1e6 * problem.Costs.CarbonPriceYenPerTonne) + 3, down0.Price.YenPerKilowattHour, 9);

        // Hour 2: 1.25 MW drawn, battery 0.52 (the plan's discharge is over): the generator covers the remaining 0.73.
        var down2 = Assert.Single(offers, o => o.Direction == FlexDirection.Down && o.Window.Start == Start.AddHours(2).AddMinutes(15));
        Assert.Equal(1.25 - (((2 - (1 / 0.95)) - 0.4) * 0.95), down2.FromGenerator.Megawatts, 9);

        // A generator kept for emergencies, or one slower to start than the notice, is not offered.
        Assert.All(FlexibilityOffers.FromPlan(HandPlan(new OnSiteGenerator(Power.FromMegawatts(3), TimeSpan.FromHours(60), TimeSpan.FromMinutes(10),
            CarbonIntensity.FromGramsPerKilowattHour(700))).Problem, HandPlan().Plan, Terms), o => Assert.Equal(0, o.FromGenerator.Megawatts));
        Assert.All(FlexibilityOffers.FromPlan(HandPlan(new OnSiteGenerator(Power.FromMegawatts(3), TimeSpan.FromHours(60), TimeSpan.FromMinutes(20),
            CarbonIntensity.FromGramsPerKilowattHour(700), useForDemandResponse: true)).Problem, HandPlan().Plan, Terms), o => Assert.Equal(0, o.FromGenerator.Megawatts));
    }

    [Fact]
    public void DownOffers_WithAGeneratorAllowedForDr_AreDeliveredAsDrOrders_ByBatteryDeferralAndGenerator() =>
        AssertDelivered(HandPlan(DrGenerator), 4, CurtailmentPurpose.DemandResponse, DispatchActionKind.StartGenerator);

    [Fact]
    public void DownOffers_OfThePlannedSampleDay_AreDeliveredByTheDispatcherWithoutHarm()
    {
        var scenario = ScenarioReader.Read(ScenarioReaderTests.SamplePath);
        var plan = new OptimisingPlanner(TimeProvider.System, Timeout.InfiniteTimeSpan).Plan(scenario.Problem);
        AssertDelivered((scenario.Problem, plan), 1);
    }

    /// <summary>
    /// Activates every down offer as a curtailment order at its hour and measures what the dispatcher delivers: the
    /// offered MW within the notice, by its own strategy (no fallback), by battery and deferral only (no work stopped,
    /// paused late, restarted or moved).
    /// </summary>
    private static void AssertDelivered((PlanningProblem Problem, Plan Plan) planned, int atLeast, CurtailmentPurpose purpose = CurtailmentPurpose.GridEmergency,
        DispatchActionKind? alsoAllowed = null)
    {
        var (problem, plan) = planned;
        var offers = FlexibilityOffers.FromPlan(problem, plan, Terms).Where(o => o.Direction == FlexDirection.Down).ToList();
        Assert.True(offers.Count >= atLeast, $"only {offers.Count} down offers");
        var dispatcher = new Dispatcher(TimeProvider.System);
        double offered = 0, delivered = 0;
        foreach (var o in offers)
        {
            var issued = o.Window.Start - o.Notice;
            var order = new CurtailmentOrder(issued, o.Site, o.Power, o.Notice, o.Window.Duration, purpose);
            var d = dispatcher.Handle(order, FleetState.FromPlan(problem, plan, issued));
            Assert.True(d.Met, $"{o}: not met ({d.Achieved} of {d.Required})");
            Assert.False(d.UsedFallback, $"{o}: fallback ({string.Join("; ", d.Refused)})");
            Assert.All(d.Actions, a => Assert.True(a.Kind is DispatchActionKind.DischargeBattery or DispatchActionKind.Defer || a.Kind == alsoAllowed, $"{o}: {a.Kind}"));
            Assert.True(d.Achieved.Megawatts >= o.Power.Megawatts - 1e-6, $"{o}: achieved {d.Achieved}");
            offered += o.Power.Megawatts;
            delivered += Math.Min(d.Achieved.Megawatts, o.Power.Megawatts);
        }

        Assert.Equal(offered, delivered, 6);
    }
}
