using WattBit.Areas;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Units;
using static WattBit.Planning.Tests.Planner.TestProblems;

namespace WattBit.Planning.Tests.Planner;

/// <summary>
/// The measured case of decision 0201: the packer places work without the on-site generator (decision 0148 schedules it
/// after the IT load is fixed). Where the site's grid limit binds, the generator is room the packer does not see: a job
/// that fits with 1 MW of generation is left unserved. Worked out by hand.
/// </summary>
public sealed class GeneratorBlindPackingTests
{
    [Fact]
    public void GridLimitBinds_TheJobTheGeneratorCouldCarry_IsLeftUnserved()
    {
        // Site: 1 MW of base load under a 2 MW firm limit, a 3 MW generator at 20 JPY/kWh with 60 h of fuel allowed beyond
        // emergencies; grid at 10 JPY/kWh all day. A 2 MW, 3 h job due between 12:00 and 21:00 needs 3 MW at the site:
        // 1 MW more than the limit in each of its hours.
        var generator = new OnSiteGenerator(Power.FromMegawatts(3), TimeSpan.FromHours(60), TimeSpan.FromMinutes(10), CarbonIntensity.FromGramsPerKilowattHour(680),
            EnergyPrice.FromYenPerKilowattHour(20), useForDemandResponse: true);
        var problem = Problem([Site("a", JapanAreas.Tokyo, 5, Firm(2), baseMw: 1, generator: generator)], [Batch("j", 2, 12, 21, 3)], 24, price: _ => 10);

        var plan = new OptimisingPlanner(TimeProvider.System).Plan(problem);

        // The packer sees 1 MW of room and leaves the job's 6 MWh unserved; the generator then has nothing to do (the grid is cheaper).
        var job = Assert.Single(plan.Jobs);
        Assert.Equal(6, job.Unserved.MegawattHours, 6);
        Assert.Equal(0, plan.Summary.GeneratorEnergy.MegawattHours, 6);

        // With the generator in mind the job runs: 3 h × (1 MW of grid at 10 + 1 MW of generation at 20 JPY/kWh more than the
        // base load) = 90,000 JPY more and 2.04 t CO2 from the generator, and nothing unserved.
        var extraGrid = 3 * 1 * 10_000.0;
        var generation = 3 * 1 * 20_000.0;
        Assert.Equal(90_000, extraGrid + generation, 6);
        Assert.Equal(2.04, 3 * 1 * 0.68, 6);
    }
}
