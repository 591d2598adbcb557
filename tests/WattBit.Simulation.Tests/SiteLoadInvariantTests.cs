using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Tests;

/// <summary>
/// Invariants recomputed from the simulator's own per-site, per-step outputs (IT load run and grid draw), not from its
/// counters: energy served, limits held, and every battery's state of charge replayed step by step.
/// </summary>
public sealed class SiteLoadInvariantTests
{
    private const string Faults = "events:\n  - {kind: faults, rate_per_year: 150, hours: 5, limit_share: 0.3}";

    private static readonly Lazy<SimulationResult> Tight = new(() => TestScenarios.Run(TestScenarios.Parse(
        TestScenarios.Yaml(seed: 11, gridFactor: 0.6, targetMw: 7, days: 7, jobs: 700, events: Faults,
            batteries: "batteries: {share: 0.5, power_share: 0.5, hours: 2}"))));

    private static double Sum(float[][] series, double hours) => series.Sum(s => s.Sum(v => (double)v)) * hours;

    [Fact]
    public void WithoutLimits_TheSiteLoadsAddUpToTheWholeWorkload()
    {
        // The baseline serves every job at home from its release and all inference where it arises, so its per-site IT
        // loads must add up to the workload's own energy (jobs' power × duration plus the inference series).
        var result = Tight.Value;
        var h = result.World.StepHours;
        var jobs = result.Workload.Jobs;
        var jobEnergy = Enumerable.Range(0, jobs.Count).Sum(j => jobs.PowerMw[j] * jobs.Duration[j] * h);
        var inference = result.Workload.InferenceMw.Sum(s => s.Sum()) * h;
        var baseline = result.Policies.Single(p => p.Policy == PolicyKind.Baseline);
        Assert.Equal(jobEnergy + inference, Sum(baseline.SiteItMw, h), 1e-4 * (jobEnergy + inference));
    }

    [Fact]
    public void EveryPolicy_SiteLoadsAreItsServedEnergy_AndItsGridEnergy()
    {
        var result = Tight.Value;
        var h = result.World.StepHours;
        foreach (var p in result.Policies)
        {
            var it = Sum(p.SiteItMw, h);
            var grid = Sum(p.SiteGridMw, h);
            Assert.Equal(p.ServedItMwh, it, 1e-4 * it);
            Assert.Equal(p.Overall.EnergyMwh, grid, 1e-4 * grid);
            for (var s = 0; s < p.SiteGridMw.Length; s++)
            {
                Assert.Equal(p.SiteEnergyMwh[s], p.SiteGridMw[s].Sum(v => (double)v) * h, 1e-3 + (1e-4 * p.SiteEnergyMwh[s]));
            }
        }
    }

    [Fact]
    public void LimitHonouringPolicies_DrawWithinEverySiteLimitAtEveryStep_AndTheCountOfTheOthersMatchesTheirLoads()
    {
        var result = Tight.Value;
        var limit = result.World.LimitMw;
        foreach (var p in result.Policies)
        {
            // The loads are single precision (about 1e-7 MW at these sizes), so a step counts as over when the draw beats
            // the limit by more than 1e-5 MW, and may count when it beats it by more than 1e-7 MW.
            long surelyOver = 0, maybeOver = 0;
            for (var s = 0; s < limit.Count; s++)
            {
                for (var t = 0; t < result.World.Steps; t++)
                {
                    surelyOver += p.SiteGridMw[s][t] > limit[s][t] + 1e-5 ? 1 : 0;
                    maybeOver += p.SiteGridMw[s][t] > limit[s][t] + 1e-7 ? 1 : 0;
                }
            }

            if (p.Policy is PolicyKind.WattBit or PolicyKind.WattBitPlanner)
            {
                Assert.Equal(0, surelyOver);
            }
            else
            {
                Assert.InRange(p.SiteStepsOverLimit, surelyOver, maybeOver);
            }
        }

        Assert.True(result.Policies.Single(p => p.Policy == PolicyKind.Baseline).SiteStepsOverLimit > 0, "the scenario is tight enough for the baseline to go over");
    }

    [Fact]
    public void BatteryStateOfCharge_ReplayedFromTheSiteLoads_StaysInItsBounds_AndEndsWhereTheRunSays()
    {
        // Grid draw − IT load × PUE is what the battery took (positive) or delivered (negative) at that step; a battery
        // never charges and discharges in one step, so the state of charge can be replayed with the efficiencies.
        var result = Tight.Value;
        var h = result.World.StepHours;
        var sites = result.Scenario.Sites;
        Assert.Contains(sites, x => x.Battery is not null);
        foreach (var p in result.Policies)
        {
            double change = 0;
            for (var s = 0; s < sites.Count; s++)
            {
                var net = new double[result.World.Steps];
                for (var t = 0; t < net.Length; t++)
                {
                    net[t] = p.SiteGridMw[s][t] - (p.SiteItMw[s][t] * sites[s].Pue);
                }

                if (sites[s].Battery is not { } b)
                {
                    Assert.All(net, v => Assert.InRange(v, -1e-3, 1e-3));
                    continue;
                }

                var e = b.EnergyCapacity.MegawattHours;
                var soc = b.InitialEnergy.MegawattHours;
                foreach (var v in net)
                {
                    Assert.InRange(v, -b.MaxPower.Megawatts - 1e-3, b.MaxPower.Megawatts + 1e-3);
                    soc += v > 0 ? v * b.ChargeEfficiency * h : v / b.DischargeEfficiency * h;
                    Assert.InRange(soc, (b.MinSoc * e) - 1e-2, (b.MaxSoc * e) + 1e-2);
                }

                change += soc - b.InitialEnergy.MegawattHours;
            }

            Assert.Equal(p.BatteryEnergyChangeMwh, change, 1e-2 + (1e-4 * Math.Abs(change)));
        }
    }
}
