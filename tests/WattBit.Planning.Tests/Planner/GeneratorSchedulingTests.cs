using WattBit.Areas;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Units;
using static WattBit.Planning.Tests.Planner.TestProblems;

namespace WattBit.Planning.Tests.Planner;

/// <summary>
/// The optimiser schedules a dispatchable generator (decision 0148): 3 MW of base load all day, grid energy at 10
/// JPY/kWh except 50 JPY/kWh in hours 17-20, a 2 MW generator at 20 JPY/kWh. Worked out by hand: it runs only in the
/// spike hours, as long as its fuel above the reserve lasts, never when the operator keeps it for emergencies or when
/// the carbon price of its emissions makes it dearer than the grid.
/// </summary>
public sealed class GeneratorSchedulingTests
{
    private static readonly GridArea Tk = JapanAreas.Tokyo;

    private static OnSiteGenerator Generator(double fuelHours = 3, bool forDr = true, double reserveHours = 0) =>
        new(Power.FromMegawatts(2), TimeSpan.FromHours(fuelHours), TimeSpan.FromMinutes(10), CarbonIntensity.FromGramsPerKilowattHour(680),
            EnergyPrice.FromYenPerKilowattHour(20), forDr) { ReserveHours = TimeSpan.FromHours(reserveHours) };

    private static PlanningProblem Problem(OnSiteGenerator generator, double carbonPriceYenPerTonne = 0) =>
        TestProblems.Problem([Site("a", Tk, 5, Firm(10), baseMw: 3, generator: generator)], [], 24,
            price: t => t is >= 17 and <= 20 ? 50 : 10, costs: new PlanningCosts(CarbonPriceYenPerTonne: carbonPriceYenPerTonne, BatteryCycleYenPerMwh: 0));

    private static Plan Plan(PlanningProblem problem) => new OptimisingPlanner(TimeProvider.System).Plan(problem);

    [Fact]
    public void Generator_RunsOnlyInThePriceSpike_UntilItsFuelIsSpent()
    {
        var plan = Plan(Problem(Generator()));
        var output = plan.Sites[0].GeneratorMw!;
        for (var t = 0; t < 24; t++)
        {
            Assert.InRange(output[t], 0, 2 + 1e-6);
            if (t is < 17 or > 20)
            {
                Assert.Equal(0, output[t], 6);
            }

            // The grid draw is the base load less the generator's output.
            Assert.Equal(3 - output[t], plan.Sites[0].CapMw[t], 6);
        }

        // A 2 MW x 3 h tank: 6 MWh, all of it in the four dear hours.
        Assert.Equal(6, output.Values.ToArray().Sum(), 6);
        Assert.Equal(4080, plan.Summary.GeneratorEmissions.Kilograms, 3);          // 6 MWh x 680 kg/MWh
        Assert.Equal(120_000, plan.Summary.GeneratorCost.Yen, 3);                   // 6,000 kWh x 20 JPY
        Assert.Equal((20 * 3 * 10_000) + (((4 * 3) - 6) * 50_000), plan.Summary.EnergyCost.Yen, 3); // grid: 600,000 + 300,000
    }

    [Fact]
    public void EmergencyReserve_IsKeptInTheTank()
    {
        // 3 h of fuel, 2 h kept for emergencies: 1 h at 2 MW for economics.
        var plan = Plan(Problem(Generator(reserveHours: 2)));
        Assert.Equal(2, plan.Sites[0].GeneratorMw!.Values.ToArray().Sum(), 6);
    }

    [Fact]
    public void GeneratorKeptForEmergencies_IsNotScheduled()
    {
        var plan = Plan(Problem(Generator(forDr: false)));
        Assert.All(plan.Sites[0].GeneratorMw!.Values.ToArray(), v => Assert.Equal(0, v, 9));
        Assert.Equal(0, plan.Summary.GeneratorEnergy.MegawattHours, 9);
    }

    [Fact]
    public void CarbonPriceOfItsEmissions_CanMakeTheGeneratorDearerThanTheSpike()
    {
        // 20,000 JPY/MWh of fuel + 0.68 t/MWh x 100,000 JPY/t = 88,000 JPY/MWh > 50,000: stays off (the grid here is 0 g/kWh).
        var plan = Plan(Problem(Generator(), carbonPriceYenPerTonne: 100_000));
        Assert.Equal(0, plan.Summary.GeneratorEnergy.MegawattHours, 6);
    }

    [Fact]
    public void StateFromThePlan_CarriesTheGeneratorsOutputAndTheFuelItBurnt()
    {
        var problem = Problem(Generator());
        var plan = Plan(problem);
        var output = plan.Sites[0].GeneratorMw!;
        for (var t = 17; t <= 21; t++)
        {
            var state = FleetState.FromPlan(problem, plan, Start.AddHours(t)).Sites[0];
            var burnt = Enumerable.Range(0, t).Sum(k => output[k]);
            Assert.Equal(t < 24 && t <= 20 ? output[t] : 0, state.GeneratorOutput.Megawatts, 6);
            Assert.Equal(6 - burnt, state.FuelLeft.MegawattHours, 6);
        }
    }
}
