using WattBit.Areas;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Units;
using static WattBit.Planning.Tests.Planner.TestProblems;

namespace WattBit.Planning.Tests.Planner;

/// <summary>
/// The packer places work on the on-site generator beyond the grid limit (decision 0213, superseding 0201's measured
/// case): within its fuel above the reserve, after its start-up, only where the operator allows it beyond emergencies.
/// Every expected number is worked out by hand from the site, the job and the prices.
/// </summary>
public sealed class GeneratorAwarePackingTests
{
    // One site: 1 MW of base load under a 2 MW firm limit, PUE 1; grid at 10 JPY/kWh all day, no carbon price.
    private static PlanningProblem Case(OnSiteGenerator? generator, BatchWork job, int steps = 24) =>
        Problem([Site("a", JapanAreas.Tokyo, 5, Firm(2), baseMw: 1, generator: generator)], [job], steps, price: _ => 10);

    private static OnSiteGenerator Generator(double mw, double fuelHours, double startupMinutes = 10, bool allowed = true, double reserveHours = 0) =>
        new(Power.FromMegawatts(mw), TimeSpan.FromHours(fuelHours), TimeSpan.FromMinutes(startupMinutes), CarbonIntensity.FromGramsPerKilowattHour(680),
            EnergyPrice.FromYenPerKilowattHour(20), useForDemandResponse: allowed)
        { ReserveHours = TimeSpan.FromHours(reserveHours) };

    private static Plan PlanOf(PlanningProblem problem) => new OptimisingPlanner(TimeProvider.System, Timeout.InfiniteTimeSpan).Plan(problem);

    [Fact]
    public void GridLimitBinds_TheJobRunsOnTheGenerator_AndEachHoursLoadIsSplitAtTheLimit()
    {
        // 0201's case: a 2 MW, 3 h job due between 12:00 and 21:00 needs 3 MW at the site, 1 MW above the limit in each
        // of its hours; a 3 MW generator at 20 JPY/kWh with 60 h of fuel carries that 1 MW.
        var plan = PlanOf(Case(Generator(3, 60), Batch("j", 2, 12, 21, 3)));

        var job = Assert.Single(plan.Jobs);
        Assert.Equal(0, job.Unserved.MegawattHours, 6);
        Assert.Equal(0, job.Late.MegawattHours, 6);
        Assert.Equal(6, job.Energy.MegawattHours, 6);

        // Hour by hour: IT 1 MW, or 3 MW in the job's hours (3 of them, all within 12:00-21:00); the grid carries up to
        // its 2 MW limit and the generator the rest.
        var site = Assert.Single(plan.Sites);
        var running = 0;
        for (var t = 0; t < 24; t++)
        {
            var it = site.ItLoadMw[t];
            var on = Math.Abs(it - 3) < 1e-6;
            Assert.True(on || Math.Abs(it - 1) < 1e-6, $"hour {t}: IT {it} MW");
            Assert.True(!on || (t >= 12 && t < 21), $"hour {t}: the job runs outside its window");
            running += on ? 1 : 0;
            Assert.Equal(on ? 2 : 1, site.CapMw[t], 6);
            Assert.Equal(on ? 1 : 0, site.GeneratorMw![t], 6);
        }

        Assert.Equal(3, running);

        // Summary: 3 MWh of generation at 20 JPY/kWh = 60,000 JPY and 3 × 680 kg = 2.04 t; grid 21 h × 1 MW + 3 h × 2 MW.
        Assert.Equal(3, plan.Summary.GeneratorEnergy.MegawattHours, 6);
        Assert.Equal(60_000, plan.Summary.GeneratorCost.Yen, 3);
        Assert.Equal(2.04, plan.Summary.GeneratorEmissions.Kilograms / 1000, 6);
        Assert.Equal(27, plan.Summary.GridEnergy.MegawattHours, 6);
        Assert.Equal(270_000, plan.Summary.EnergyCost.Yen, 3);
    }

    [Fact]
    public void GeneratorBesideCheapGrid_PaysBetterThanADearerSiteWithRoom_TheJobMovesOntoIt()
    {
        // Site a (Tokyo, grid 10 JPY/kWh): 1 MW base under a 2 MW limit and the 3 MW generator at 20 JPY/kWh. Site b
        // (Kyushu, grid 40 JPY/kWh): room for the whole job. The 2 MW, 3 h job costs 3 × 2 MW × 40 = 240,000 JPY at b, and
        // 3 × (1 MW × 10 + 1 MW × 20) = 90,000 JPY at a with the generator: it runs at a.
        var sites = new[]
        {
            Site("a", JapanAreas.Tokyo, 5, Firm(2), baseMw: 1, generator: Generator(3, 60)),
            Site("b", JapanAreas.Kyushu, 5, Firm(5), location: new WattBit.Sites.GeoPoint(33.6, 130.4)),
        };
        var problem = Problem(sites, [Batch("j", 2, 12, 21, 3, home: "a")], 24, price: _ => 10,
            pricePerArea: new Dictionary<string, Func<int, double>> { ["TK"] = _ => 10, ["KY"] = _ => 40 });

        var plan = PlanOf(problem);

        var job = Assert.Single(plan.Jobs);
        Assert.Equal("a", job.Site?.ToString());
        Assert.Equal(0, job.Unserved.MegawattHours, 6);
        Assert.Equal(3, plan.Summary.GeneratorEnergy.MegawattHours, 6);
        Assert.Equal(60_000, plan.Summary.GeneratorCost.Yen, 3);
    }

    [Fact]
    public void FuelForTwoHours_CarriesTwoOfTheJobsThreeHours_TheThirdIsUnserved()
    {
        // A 1 MW generator with 2 h of fuel: 2 MWh, 1 MWh for each job hour above the limit.
        var plan = PlanOf(Case(Generator(1, 2), Batch("j", 2, 12, 21, 3)));

        var job = Assert.Single(plan.Jobs);
        Assert.Equal(2, job.Unserved.MegawattHours, 6);
        Assert.Equal(2, plan.Summary.GeneratorEnergy.MegawattHours, 6);
        Assert.All(plan.Sites[0].CapMw.Values.ToArray(), mw => Assert.True(mw <= 2 + 1e-6));
    }

    [Fact]
    public void FuelKeptInReserve_IsNotPlanned()
    {
        // 60 h of 3 MW with 59.5 h kept for emergencies: 1.5 MWh to plan, one job hour (1 MWh); the other two are unserved.
        var plan = PlanOf(Case(Generator(3, 60, reserveHours: 59.5), Batch("j", 2, 12, 21, 3)));

        Assert.Equal(4, Assert.Single(plan.Jobs).Unserved.MegawattHours, 6);
        Assert.Equal(1, plan.Summary.GeneratorEnergy.MegawattHours, 6);
    }

    [Fact]
    public void GeneratorKeptForEmergencies_IsNotRoom_TheJobIsUnservedAsBefore()
    {
        var plan = PlanOf(Case(Generator(3, 60, allowed: false), Batch("j", 2, 12, 21, 3)));

        Assert.Equal(6, Assert.Single(plan.Jobs).Unserved.MegawattHours, 6);
        Assert.Equal(0, plan.Summary.GeneratorEnergy.MegawattHours, 6);
    }

    [Theory]
    [InlineData(30, 0, 1)]
    [InlineData(105, 4, 0)]
    public void StartUp_TheGeneratorCarriesNothingBeforeItHasStarted(double startupMinutes, double lateMwh, double generatorFirstHoursMw)
    {
        // A 2 MW, 2 h job released at 00:00 and due at 02:00 must run hours 0 and 1, 1 MW above the limit in each.
        // 30 min start-up: hour 0 holds 1.5 MW of the 3 MW generator (half the hour), enough; the job runs on time.
        // 105 min: nothing in hour 0, 0.75 MW in hour 1 (its last quarter), 3 MW from hour 2: the job runs hours 2 and 3,
        // 4 MWh late, and the generator gives nothing in hours 0 and 1.
        var plan = PlanOf(Case(Generator(3, 60, startupMinutes: startupMinutes), Batch("j", 2, 0, 2, 2), steps: 6));

        var job = Assert.Single(plan.Jobs);
        Assert.Equal(lateMwh, job.Late.MegawattHours, 6);
        Assert.Equal(0, job.Unserved.MegawattHours, 6);
        Assert.Equal(generatorFirstHoursMw, plan.Sites[0].GeneratorMw![0], 6);
        Assert.Equal(generatorFirstHoursMw, plan.Sites[0].GeneratorMw![1], 6);
        Assert.Equal(2, plan.Summary.GeneratorEnergy.MegawattHours, 6);
    }
}
