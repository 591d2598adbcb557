using System.Globalization;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Policies;
using WattBit.Simulation.Reporting;
using WattBit.Simulation.Scenarios;
using WattBit.Units;

namespace WattBit.Simulation.Tests;

/// <summary>
/// Batteries scheduled by the planner's battery LP (decision 0179): hand-computed three-hour cases, and a whole year whose
/// invariants are recomputed from the per-site, per-hour loads of the run with batteries and of the same year without them.
/// </summary>
public sealed class BatteryScheduleTests
{
    // 1 MWh, 1 MW, 90 % each way (round trip 0.81), SoC 0-100 %, empty at the start.
    private static readonly Battery Small = new(Energy.FromMegawattHours(1), Power.FromMegawatts(1), 0.9, 0.9, 0, 1, 0);
    private static readonly double[] Wide = [10, 10, 10];

    [Fact]
    public void ThreeHours_CheapThenDear_ChargesFullyAndDeliversWhatTheLossesLeave()
    {
        // Charge 1 MW in hour 0 at 100 (stores 0.9 MWh), deliver 0.9 × 0.9 = 0.81 MWh in hour 1 at 300:
        // gain 0.81 × 300 − 1 × 100 = 143. Hour 2 (200) is worth less than hour 1, and nothing can be bought back after it.
        var plan = BatteryArbitrage.Schedule(Small, 1, [100, 300, 200], Wide, Wide, 0, 0);
        Assert.False(plan.Idle);
        Assert.Equal(new double[] { 1, 0, 0 }, plan.ChargeMw, Tolerance);
        Assert.Equal(new double[] { 0, 0.81, 0 }, plan.DischargeMw, Tolerance);
        Assert.Equal(143, plan.Gain, 6);
        Assert.Equal(0, plan.SocMwh[2], 6);
    }

    [Fact]
    public void ThreeHours_SpreadSmallerThanTheLosses_LeavesTheBatteryIdle()
    {
        // The dearest hour times the round trip, 120 × 0.81 = 97.2, is below the cheapest, 100: no round trip pays.
        var plan = BatteryArbitrage.Schedule(Small, 1, [100, 120, 110], Wide, Wide, 0, 0);
        Assert.True(plan.Idle);
        Assert.All(plan.ChargeMw, v => Assert.Equal(0, v));
        Assert.All(plan.DischargeMw, v => Assert.Equal(0, v));
        Assert.False(BatteryArbitrage.MayPay(Small, [100, 120, 110]));
    }

    [Fact]
    public void ThreeHours_PaysOnlyWithoutTheForecastMargin()
    {
        // 130 × 0.81 = 105.3 beats 100 (gain 5.3), but not 100 × 1.2 = 120 when the forecast may be 10 % wrong each way.
        Assert.Equal(5.3, BatteryArbitrage.Schedule(Small, 1, [100, 130, 100], Wide, Wide, 0, 0).Gain, 6);
        Assert.True(BatteryArbitrage.Schedule(Small, 1, [100, 130, 100], Wide, Wide, 0, 0, margin: 1.2).Idle);
    }

    [Fact]
    public void ThreeHours_DearHourFirst_AnEmptyBatteryCanOnlyUseTheLaterPair()
    {
        // Empty at the start, it cannot sell hour 0 (300); it buys hour 1 (100) and sells hour 2 (200): 0.81 × 200 − 100 = 62.
        var plan = BatteryArbitrage.Schedule(Small, 1, [300, 100, 200], Wide, Wide, 0, 0);
        Assert.Equal(new double[] { 0, 1, 0 }, plan.ChargeMw, Tolerance);
        Assert.Equal(new double[] { 0, 0, 0.81 }, plan.DischargeMw, Tolerance);
        Assert.Equal(62, plan.Gain, 6);
    }

    [Fact]
    public void ThreeHours_RoomUnderTheLimitAndTheSiteDraw_BoundChargeAndDischarge()
    {
        // Only 0.5 MW of room under the limit in hour 0: 0.45 MWh stored, 0.405 MWh delivered (the site draws 2 MW then);
        // gain 0.405 × 300 − 0.5 × 100 = 71.5. With the site drawing only 0.3 MW in hour 1, 0.3 MWh go there and the
        // rest (0.105) in hour 2 at 200: 0.3 × 300 + 0.105 × 200 − 50 = 61.
        var plan = BatteryArbitrage.Schedule(Small, 1, [100, 300, 200], [0.5, 10, 10], [2, 2, 2], 0, 0);
        Assert.Equal(71.5, plan.Gain, 6);
        Assert.Equal(0.5, plan.ChargeMw[0], 6);
        var limited = BatteryArbitrage.Schedule(Small, 1, [100, 300, 200], [0.5, 10, 10], [2, 0.3, 2], 0, 0);
        Assert.Equal(new double[] { 0, 0.3, 0.105 }, limited.DischargeMw, Tolerance);
        Assert.Equal(61, limited.Gain, 6);
    }

    [Fact]
    public void WholeYear_PerSiteLoads_HoldEveryLimit_KeepEverySocInBounds_AndTheSavingIsTheRunWithoutBatteries()
    {
        var result = Year.Value;
        var world = result.World;
        var h = world.StepHours;
        var sites = result.Scenario.Sites;
        foreach (var p in result.Policies.Where(p => p.Policy is PolicyKind.WattBit or PolicyKind.WattBitPlanner))
        {
            Assert.NotNull(p.WithoutBatteries);
            double cost = 0, costWithout = 0, tonnes = 0, tonnesWithout = 0, delivered = 0;
            for (var s = 0; s < sites.Count; s++)
            {
                var a = world.SiteArea[s];
                var b = sites[s].Battery;
                var soc = b?.InitialEnergy.MegawattHours ?? 0;
                for (var t = 0; t < world.Steps; t++)
                {
                    var grid = (double)p.SiteGridMw[s][t];
                    Assert.True(grid <= world.LimitMw[s][t] + 1e-5, $"{p.Policy} site {s} step {t}: {grid} MW over {world.LimitMw[s][t]} MW");
                    cost += grid * world.Price[a][t] * 1000 * h;
                    tonnes += grid * world.CarbonLifecycle[a][t] / 1000 * h;
                    costWithout += p.WithoutBatteries!.SiteGridMw[s][t] * world.Price[a][t] * 1000 * h;
                    tonnesWithout += p.WithoutBatteries.SiteGridMw[s][t] * world.CarbonLifecycle[a][t] / 1000 * h;
                    var net = grid - (p.SiteItMw[s][t] * sites[s].Pue);
                    if (b is null)
                    {
                        Assert.InRange(net, -1e-3, 1e-3);
                        continue;
                    }

                    Assert.InRange(net, -b.MaxPower.Megawatts - 1e-3, b.MaxPower.Megawatts + 1e-3);
                    soc += net > 0 ? net * b.ChargeEfficiency * h : net / b.DischargeEfficiency * h;
                    delivered += Math.Max(0, -net) * h;
                    Assert.InRange(soc, (b.MinSoc * b.EnergyCapacity.MegawattHours) - 1e-2, (b.MaxSoc * b.EnergyCapacity.MegawattHours) + 1e-2);
                }
            }

            // The battery without a paying round trip (round trip 0.04) never charges, and no order needs it: idle.
            var idle = sites.Select((x, i) => (x, i)).Single(x => x.x.Id == "lossy").i;
            Assert.All(p.SiteGridMw[idle].Zip(p.SiteItMw[idle]), x => Assert.InRange(x.First - (x.Second * sites[idle].Pue), -1e-3, 1e-3));
            var fleet = BatteryReport.Fleet(result).Single(f => f.Policy == PolicyFactory.Name(p.Policy));
            Assert.Single(BatteryReport.Rows(result, p), r => r.Site == "lossy" && r.Idle && r.Cycles == 0);
            Assert.True(fleet.Batteries - fleet.Idle >= 2, $"{p.Policy}: {fleet.Idle} of {fleet.Batteries} idle");

            // The saving is the same year without batteries less the run with them, recomputed from the per-site loads.
            Assert.Equal(costWithout - cost, fleet.SavingYen, 1e-6 * cost);
            Assert.Equal(tonnesWithout - tonnes, fleet.SavingTonnes, 1e-6 * tonnes);
            Assert.Equal(p.BatteryDischargedMwh, delivered, 1e-3 + (1e-5 * delivered));
            Assert.True(fleet.ArbitrageTonnes > 0, $"{p.Policy}: the arbitrage on a carbon objective saves carbon ({fleet.ArbitrageTonnes} t)");
        }

        Assert.All(result.Policies.Where(p => p.Policy is not (PolicyKind.WattBit or PolicyKind.WattBitPlanner)), p => Assert.Null(p.WithoutBatteries));
    }

    private static readonly IEqualityComparer<double> Tolerance = EqualityComparer<double>.Create((a, b) => Math.Abs(a - b) < 1e-6, v => 0);

    // A year of six generated sites with batteries at every other one, plus one written-out site whose battery loses 80 %
    // each way (it can never pay), on the synthetic reference year with perfect forecasts and no grid events.
    private static readonly Lazy<SimulationResult> Year = new(() => TestScenarios.Run(TestScenarios.Parse(string.Create(CultureInfo.InvariantCulture, $"""
        name: battery year
        data:
          synthetic: 2025
        period:
          start: 2025-04-01
          end: 2026-04-01
        step: 1h
        seed: 5
        forecast_error: 0
        sites:
          - generate: distributed
            count: 6
            areas: [TK, KY, HKD]
            it_mw: [0.5, 1.9]
            connections: {"{"}firm: 0.5, flexible: 0.5{"}"}
            batteries: {"{"}share: 0.5, power_share: 0.25, hours: 2{"}"}
          - id: lossy
            area: KY
            lat: 33.59
            lon: 130.40
            it_mw: 1
            pue: 1.3
            connection: {"{"}kind: firm, mw: 1.3{"}"}
            battery: {"{"}energy_mwh: 1, power_mw: 0.25, charge_efficiency: 0.2, discharge_efficiency: 0.2{"}"}
        workload:
          target_mw: 3
          jobs: 2000
        policies: [baseline, wattbit, wattbit-planner]
        """))));
}
