using WattBit.Areas;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Reporting;

namespace WattBit.Simulation.Tests;

public sealed class ForesightBoundTests
{
    private const string TwoSites = """
        name: bound
        period: {start: 2025-05-01, end: 2025-05-03}
        step: 1h
        forecast_error: 0
        bound: true
        sites:
          - {id: clean, area: KN, lat: 34.69, lon: 135.50, it_mw: 1, pue: 1.25, connection: {kind: firm, mw: 1.25}}
          - {id: dirty, area: ON, lat: 26.21, lon: 127.68, it_mw: 2, pue: 1.25, connection: {kind: firm, mw: 2.5}}
        workload: {target_mw: 1, jobs: 2}
        policies: [wattbit, wattbit-planner]
        """;

    [Fact]
    public void Bound_FillsTheCleanSitesCheapestHoursUpToItsRoom_AndNoPolicyPlacesTheJobsForLess()
    {
        // Job A: 1 MW for 22 h in [0, 24); job B: 0.5 MW for 1 h in [10, 12). The clean site holds 1 MW at every hour and
        // Kansai is cleaner than Okinawa at every hour of the day, so the cheapest way to serve 22.5 MWh at up to 1 MW an
        // hour is the clean site's 22 cheapest hours of the day in full and half of its 23rd cheapest (B fits in 10-11).
        var scenario = TestScenarios.Parse(TwoSites);
        var world = TestScenarios.World(scenario);
        var jobs = new JobSet(2);
        (jobs.Release[0], jobs.Deadline[0], jobs.Duration[0], jobs.PowerMw[0], jobs.Home[0]) = (0, 24, 22, 1.0, 1);
        (jobs.Release[1], jobs.Deadline[1], jobs.Duration[1], jobs.PowerMw[1], jobs.Home[1]) = (10, 12, 1, 0.5, 1);
        var workload = new SimulatedWorkload(jobs, [new double[world.Steps], new double[world.Steps]]);
        var kn = world.CarbonLifecycle[world.SiteArea[0]];
        var on = world.CarbonLifecycle[world.SiteArea[1]];
        Assert.All(Enumerable.Range(0, 24), t => Assert.True(kn[t] < on[t]));
        var sorted = kn.Take(24).Order().ToArray();
        Assert.True(Math.Min(kn[10], kn[11]) <= sorted[21]);
        var expected = 1.25 * (sorted.Take(22).Sum() + (0.5 * sorted[22])) / 1000;
        var atHome = 1.25 * ((on.Take(22).Sum() * 1.0) + (on[10] * 0.5)) / 1000;

        var bound = ForesightBound.Compute(world, workload);

        Assert.Equal(expected, bound.Value, 1e-6 * expected);
        Assert.Equal(atHome, bound.AtReleaseValue, 1e-9);
        Assert.Equal(22.5, bound.JobEnergyMwh, 9);
        Assert.Equal(0, bound.UnplacedMwh);

        // Brute force over whole runs: A at start 0-2 and B at 10 or 11, each at either site, within each site's room.
        var series = new[] { kn, on };
        var room = new[] { 1.0, 2.0 };
        var optimum = double.PositiveInfinity;
        foreach (var (a, sa, b, sb) in from a in new[] { 0, 1, 2 } from sa in new[] { 0, 1 } from b in new[] { 10, 11 } from sb in new[] { 0, 1 } select (a, sa, b, sb))
        {
            var fits = sa != sb || b < a || b >= a + 22 || 1.5 <= room[sa];
            if (fits)
            {
                optimum = Math.Min(optimum, 1.25 * (series[sa].Skip(a).Take(22).Sum() + (0.5 * series[sb][b])) / 1000);
            }
        }

        Assert.True(bound.Value <= optimum + 1e-9);
        var result = Simulator.Run(world, workload, TimeProvider.System) with { Bound = bound };
        foreach (var row in BoundReport.Rows(result))
        {
            Assert.True(row.JobValue >= bound.Value - 1e-9, row.Policy);
            Assert.InRange(row.ShareOfSaving, 0, 1 + 1e-9);
        }
    }

    [Fact]
    public void Bound_ReportsTheEnergyThatFindsNoRoomInsteadOfPricingIt()
    {
        // Two jobs of 1.5 and 2 MW for 2 h in [0, 2): 3.5 MW asked an hour of 3 MW of room (1 clean + 2 dirty), so 1 MWh
        // finds no room and the rest fills both sites in both hours.
        var scenario = TestScenarios.Parse(TwoSites);
        var world = TestScenarios.World(scenario);
        var jobs = new JobSet(2);
        (jobs.Release[0], jobs.Deadline[0], jobs.Duration[0], jobs.PowerMw[0], jobs.Home[0]) = (0, 2, 2, 1.5, 1);
        (jobs.Release[1], jobs.Deadline[1], jobs.Duration[1], jobs.PowerMw[1], jobs.Home[1]) = (0, 2, 2, 2.0, 1);
        var workload = new SimulatedWorkload(jobs, [new double[world.Steps], new double[world.Steps]]);
        var kn = world.CarbonLifecycle[world.SiteArea[0]];
        var on = world.CarbonLifecycle[world.SiteArea[1]];

        var bound = ForesightBound.Compute(world, workload);

        Assert.Equal(1.0, bound.UnplacedMwh, 9);
        var expected = 1.25 * (kn[0] + kn[1] + (2 * on[0]) + (2 * on[1])) / 1000;
        Assert.Equal(expected, bound.Value, 1e-6 * expected);
    }

    [Fact]
    public void Bound_KeepsAJobInTheAreasItsHomeIsTiedTo()
    {
        // No tie joins Kansai and Okinawa (the one tie joins Chugoku and Kyushu): a 1 MW, 2 h job homed in Okinawa takes Okinawa's two cheapest hours of [0, 4)
        // even though Kansai is cleaner; the same job homed in Kansai takes Kansai's.
        var scenario = TestScenarios.Parse(TwoSites.Replace("bound: true", "bound: true\ngrid: {ties: japan}", StringComparison.Ordinal));
        var world = TestScenarios.World(scenario, new SimulationGrid(null, [new AreaTie("test tie", JapanAreas.Chugoku, JapanAreas.Kyushu, 0.3)]));
        var kn = world.CarbonLifecycle[world.SiteArea[0]];
        var on = world.CarbonLifecycle[world.SiteArea[1]];
        foreach (var (home, series) in new[] { (1, on), (0, kn) })
        {
            var jobs = new JobSet(1);
            (jobs.Release[0], jobs.Deadline[0], jobs.Duration[0], jobs.PowerMw[0], jobs.Home[0]) = (0, 4, 2, 1.0, home);
            var bound = ForesightBound.Compute(world, new SimulatedWorkload(jobs, [new double[world.Steps], new double[world.Steps]]));
            var expected = 1.25 * series.Take(4).Order().Take(2).Sum() / 1000;
            Assert.Equal(expected, bound.Value, 1e-6 * expected);
        }
    }

    [Fact]
    public void PerSiteBound_UsesASitesRoomOnlyForJobsItHolds_AndIsTighterThanThePooledOne()
    {
        // Kansai has two sites of 0.6 MW (1.2 MW pooled); jobs homed in Okinawa: 1 MW and 0.5 MW, both for 2 h in [0, 2).
        // No Kansai site holds the 1 MW job, so per site it runs in Okinawa and the 0.5 MW one in Kansai; pooled, the 1 MW
        // job fills 1 MW of Kansai's 1.2 and the 0.5 MW one the other 0.2 and 0.3 in Okinawa, each hour.
        var scenario = TestScenarios.Parse("""
            name: bound per site
            period: {start: 2025-05-01, end: 2025-05-03}
            step: 1h
            forecast_error: 0
            bound: per-site
            sites:
              - {id: clean-a, area: KN, lat: 34.69, lon: 135.50, it_mw: 0.6, pue: 1.25, connection: {kind: firm, mw: 0.75}}
              - {id: clean-b, area: KN, lat: 34.70, lon: 135.51, it_mw: 0.6, pue: 1.25, connection: {kind: firm, mw: 0.75}}
              - {id: dirty, area: ON, lat: 26.21, lon: 127.68, it_mw: 2, pue: 1.25, connection: {kind: firm, mw: 2.5}}
            workload: {target_mw: 1, jobs: 2}
            policies: [wattbit]
            """);
        var world = TestScenarios.World(scenario);
        var jobs = new JobSet(2);
        (jobs.Release[0], jobs.Deadline[0], jobs.Duration[0], jobs.PowerMw[0], jobs.Home[0]) = (0, 2, 2, 1.0, 2);
        (jobs.Release[1], jobs.Deadline[1], jobs.Duration[1], jobs.PowerMw[1], jobs.Home[1]) = (0, 2, 2, 0.5, 2);
        var workload = new SimulatedWorkload(jobs, [new double[world.Steps], new double[world.Steps], new double[world.Steps]]);
        var kn = world.CarbonLifecycle[world.SiteArea[0]];
        var on = world.CarbonLifecycle[world.SiteArea[2]];
        Assert.True(kn[0] < on[0] && kn[1] < on[1]);

        var perSite = ForesightBound.Compute(world, workload, perSite: true);
        var pooled = ForesightBound.Compute(world, workload);

        var expected = 1.25 * ((0.5 * (kn[0] + kn[1])) + (1.0 * (on[0] + on[1]))) / 1000;
        Assert.Equal(expected, perSite.Value, 1e-6 * expected);
        var expectedPooled = 1.25 * ((1.2 * (kn[0] + kn[1])) + (0.3 * (on[0] + on[1]))) / 1000;
        Assert.Equal(expectedPooled, pooled.Value, 1e-6 * expectedPooled);
        Assert.True(perSite.PerSite && !pooled.PerSite);
        Assert.Equal(0, perSite.UnplacedMwh);
        Assert.Equal([0.5 * 2, 1.0 * 2], [perSite.AreaItMwh[world.SiteArea[0]], perSite.AreaItMwh[world.SiteArea[2]]]);

        // bound: per-site gives the run both, the per-site one as its bound; bound.csv lists the pooled one too.
        Assert.True(scenario.Bound && scenario.BoundPerSite);
        var result = Simulator.Run(world, workload, TimeProvider.System);
        Assert.Equal(perSite.Value, result.Bound!.Value, 1e-9);
        Assert.Equal(pooled.Value, result.PooledBound!.Value, 1e-9);
        Assert.Contains(BoundReport.Csv(result), line => line.StartsWith("bound-pooled,", StringComparison.Ordinal));
    }
}
