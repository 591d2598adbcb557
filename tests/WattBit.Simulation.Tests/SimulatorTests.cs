using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Tests;

public sealed class SimulatorTests
{
    private static SimulationResult Run(string yaml) => TestScenarios.Run(TestScenarios.Parse(yaml));

    [Fact]
    public void EveryPolicy_ConservesEnergy()
    {
        var result = Run(TestScenarios.Yaml());
        var demanded = result.Workload.TotalItMwh(result.World.StepHours);
        foreach (var p in result.Policies)
        {
            // A checkpointing job run in pieces serves its checkpoint overhead on top of its own energy.
            Assert.Equal(demanded + p.CheckpointOverheadItMwh, p.ServedItMwh + p.UnservedJobItMwh + p.InferenceUnservedItMwh + p.CurtailedJobItMwh, 6);
            Assert.Equal(p.Overall.EnergyMwh, p.SiteEnergyMwh.Sum(), 6);
            Assert.Equal(p.Overall.EnergyMwh, p.EnergyByConnectionMwh.Sum(), 6);
            Assert.Equal(p.Overall.CurtailmentAbsorbedMwh, p.CurtailmentAbsorbedByMonthMwh.Sum(), 6);
        }
    }

    [Fact]
    public void GridEnergy_IsItEnergyTimesPue()
    {
        var result = Run(TestScenarios.Yaml());
        foreach (var p in result.Policies)
        {
            // Every generated site has PUE 1.3.
            Assert.Equal(p.ServedItMwh * 1.3, p.Overall.EnergyMwh, 6);
        }
    }

    [Fact]
    public void TightGrid_BaselineExceedsLimitsAndWattBitNever()
    {
        var result = Run(TestScenarios.Yaml(gridFactor: 0.5, targetMw: 8));
        var baseline = result.Policies.Single(p => p.Policy == PolicyKind.Baseline);
        var wattbit = result.Policies.Single(p => p.Policy == PolicyKind.WattBit);
        Assert.True(baseline.SiteStepsOverLimit > 0);
        Assert.Equal(0, wattbit.SiteStepsOverLimit);
        Assert.Equal(0, wattbit.StepsAnySiteOverLimit);
        var planner = result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        Assert.Equal(0, planner.SiteStepsOverLimit);
    }

    [Fact]
    public void PlannerPolicy_RunsMostJobsExactlyAsPlanned_AndBeatsBaseline()
    {
        var result = Run(TestScenarios.Yaml());
        var baseline = result.Policies.Single(p => p.Policy == PolicyKind.Baseline);
        var planner = result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        Assert.True(planner.JobsAsPlanned > result.Workload.Jobs.Count / 2, $"{planner.JobsAsPlanned} of {result.Workload.Jobs.Count} jobs as planned");
        Assert.True(planner.PlanningTime > TimeSpan.Zero);
        Assert.True(planner.Overall.LifecycleTonnes < baseline.Overall.LifecycleTonnes);
        Assert.Equal(0, planner.SiteStepsOverLimit);
    }

    [Fact]
    public void PlannerPolicy_OnALargeFleet_PlansEverySiteAndStillRespectsEveryLimit()
    {
        var result = Run(TestScenarios.Yaml(sites: 40, days: 4, targetMw: 20, jobs: 800, gridFactor: 0.6));
        var planner = result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        Assert.True(planner.JobsAsPlanned > 0);
        Assert.Equal(0, planner.SiteStepsOverLimit);
    }

    [Fact]
    public void PlannerPolicy_GivesTheCleanSiteToTheLongJob_WhereLeastSlackFirstGivesItToTheShortOne()
    {
        // A clean site (Kansai, 1 MW of IT room) and a dirty one (Okinawa). Job A: 1 MW for 22 h, window 24 h (slack 2);
        // job B: 0.5 MW for 1 h at 10:00-12:00 (slack 1), always inside A's run. Least slack first puts B at the clean
        // site, so A no longer fits there and runs 22 h in Okinawa; largest energy first puts A at the clean site and B
        // in Okinawa: 0.5 MWh of IT in the dirty area instead of 22 MWh.
        var world = TestScenarios.HandWorld("packing", 2,
            "{id: clean, area: KN, lat: 34.69, lon: 135.50, it_mw: 1, pue: 1.25, connection: {kind: firm, mw: 1.25}}",
            "{id: dirty, area: ON, lat: 26.21, lon: 127.68, it_mw: 2, pue: 1.25, connection: {kind: firm, mw: 2.5}}");
        var jobs = new JobSet(2);
        (jobs.Release[0], jobs.Deadline[0], jobs.Duration[0], jobs.PowerMw[0], jobs.Home[0]) = (0, 24, 22, 1.0, 1);
        (jobs.Release[1], jobs.Deadline[1], jobs.Duration[1], jobs.PowerMw[1], jobs.Home[1]) = (10, 12, 1, 0.5, 1);
        var inference = new[] { new double[world.Steps], new double[world.Steps] };
        var result = Simulator.Run(world, new SimulatedWorkload(jobs, inference), TimeProvider.System);
        var greedy = result.Policies.Single(p => p.Policy == PolicyKind.WattBit);
        var planner = result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);

        // IT MWh at each site, summed from the per-site loads.
        static double Mwh(PolicyResult p, int site) => p.SiteItMw[site].Sum(v => (double)v);
        Assert.Equal(0.5, Mwh(greedy, 0), 5);
        Assert.Equal(22, Mwh(greedy, 1), 5);
        Assert.Equal(22, Mwh(planner, 0), 5);
        Assert.Equal(0.5, Mwh(planner, 1), 5);
        Assert.True(planner.Overall.LifecycleTonnes < greedy.Overall.LifecycleTonnes);
        Assert.Equal(0, planner.SiteStepsOverLimit);
        Assert.Equal(2, planner.JobsAsPlanned);
    }

    [Fact]
    public void TimeShift_WithPerfectForecasts_NeverEmitsMoreThanBaseline()
    {
        // Each job takes its lowest-carbon start at its home site and inference is the same, so the total cannot rise.
        var result = Run(TestScenarios.Yaml());
        var baseline = result.Policies.Single(p => p.Policy == PolicyKind.Baseline);
        var shifted = result.Policies.Single(p => p.Policy == PolicyKind.TimeShift);
        Assert.True(shifted.Overall.LifecycleTonnes <= baseline.Overall.LifecycleTonnes + 1e-9);
        Assert.Equal(baseline.Overall.EnergyMwh, shifted.Overall.EnergyMwh, 6);
        Assert.Equal(0, shifted.LateJobs);
    }

    [Fact]
    public void GreenestSite_WithPerfectForecasts_NeverEmitsMoreThanBaseline()
    {
        var result = Run(TestScenarios.Yaml());
        var baseline = result.Policies.Single(p => p.Policy == PolicyKind.Baseline);
        var greenest = result.Policies.Single(p => p.Policy == PolicyKind.GreenestSite);
        Assert.True(greenest.Overall.LifecycleTonnes <= baseline.Overall.LifecycleTonnes + 1e-9);
        Assert.True(greenest.JobsMovedAway > 0);
    }

    [Fact]
    public void SameSeed_GivesIdenticalResults_AndAnotherSeedDiffers()
    {
        var a = Run(TestScenarios.Yaml(seed: 3, forecastError: 0.2));
        var b = Run(TestScenarios.Yaml(seed: 3, forecastError: 0.2));
        var c = Run(TestScenarios.Yaml(seed: 4, forecastError: 0.2));
        for (var i = 0; i < a.Policies.Count; i++)
        {
            Assert.Equal(a.Policies[i].Overall, b.Policies[i].Overall);
            Assert.Equal(a.Policies[i].SiteEnergyMwh, b.Policies[i].SiteEnergyMwh);
            Assert.Equal(a.Policies[i].SiteStepsOverLimit, b.Policies[i].SiteStepsOverLimit);
        }

        Assert.NotEqual(a.Policies[0].Overall, c.Policies[0].Overall);
    }

    [Fact]
    public void HalfHourSteps_GiveTheSameEnergyAsHourly()
    {
        var hourly = Run(TestScenarios.Yaml(step: "1h", jobs: 0, targetMw: 3));
        var halfHourly = Run(TestScenarios.Yaml(step: "30min", jobs: 0, targetMw: 3));
        var demandedHourly = hourly.Workload.TotalItMwh(1.0);
        var demandedHalf = halfHourly.Workload.TotalItMwh(0.5);
        Assert.InRange(demandedHalf / demandedHourly, 0.97, 1.03);
        Assert.InRange(demandedHourly / (3 * 14 * 24), 0.97, 1.03);
    }

    [Fact]
    public void ForecastError_ChangesPlansButNotEnergy()
    {
        var exact = Run(TestScenarios.Yaml(forecastError: 0));
        var noisy = Run(TestScenarios.Yaml(forecastError: 0.3));
        var e = exact.Policies.Single(p => p.Policy == PolicyKind.TimeShift);
        var n = noisy.Policies.Single(p => p.Policy == PolicyKind.TimeShift);
        Assert.Equal(e.Overall.EnergyMwh, n.Overall.EnergyMwh, 6);
        Assert.NotEqual(e.Overall.LifecycleTonnes, n.Overall.LifecycleTonnes);

        // Planning on noisy forecasts cannot beat perfect foresight for an independent per-job optimum.
        Assert.True(n.Overall.LifecycleTonnes >= e.Overall.LifecycleTonnes - 1e-9);
    }

    [Property(MaxTest = 12)]
    public Property RandomScenarios_ConserveEnergy_AndBothWattBitPoliciesRespectEveryLimit(PositiveInt seed, byte sites, byte tightness, byte mix)
    {
        var factor = 0.4 + (tightness % 8 * 0.15);
        var firm = mix % 3 / 2.0;
        var yaml = TestScenarios.Yaml(seed: seed.Get % 10_000, sites: 3 + (sites % 12), gridFactor: factor, days: 5, targetMw: 2 + (sites % 5),
            jobs: 300, firm: firm, provisional: 0.5, flexible: 1 - firm, forecastError: tightness % 3 * 0.1,
            events: tightness % 2 == 0 ? "events:\n  - {kind: faults, rate_per_year: 200, hours: 6, limit_share: 0.3}" : "",
            batteries: mix % 2 == 0 ? "batteries: {share: 0.5, power_share: 0.3, hours: 2}" : "");
        var result = Run(yaml);
        var demanded = result.Workload.TotalItMwh(result.World.StepHours);
        var conserved = result.Policies.All(p => Math.Abs(demanded + p.CheckpointOverheadItMwh - (p.ServedItMwh + p.UnservedJobItMwh + p.InferenceUnservedItMwh + p.CurtailedJobItMwh)) < 1e-6 * Math.Max(1, demanded));
        var wattbit = result.Policies.Single(p => p.Policy == PolicyKind.WattBit);
        var planner = result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        var balanced = result.Policies.All(p => Math.Abs((p.BatteryChargedMwh * 0.95) - (p.BatteryDischargedMwh / 0.95) - p.BatteryEnergyChangeMwh) < 1e-6);
        return (conserved && balanced && wattbit.SiteStepsOverLimit == 0 && planner.SiteStepsOverLimit == 0).ToProperty()
            .Label($"factor {factor}, wattbit over {wattbit.SiteStepsOverLimit}, planner over {planner.SiteStepsOverLimit}");
    }

    [Fact]
    public void UnforeseenBlackout_WattBitObeysEveryOrder_BaselineMissesThem()
    {
        var result = Run(TestScenarios.Yaml(events: "events:\n  - {kind: blackout, area: TK, start: 2025-05-05, end: 2025-05-07}"));
        var baseline = result.Policies.Single(p => p.Policy == PolicyKind.Baseline);
        var wattbit = result.Policies.Single(p => p.Policy == PolicyKind.WattBit);
        Assert.True(baseline.OrderStepsMissed > 0);
        Assert.Equal(0, wattbit.OrderStepsMissed);
        Assert.True(wattbit.OrderStepsMet > 0);
        Assert.Equal(0, wattbit.SiteStepsOverLimit);
        var tk = result.World.AreaCodes.ToList().IndexOf("TK");
        var day = (int)(24 / result.World.StepHours);
        for (var s = 0; s < result.Scenario.Sites.Count; s++)
        {
            if (result.World.SiteArea[s] == tk)
            {
                Assert.All(result.World.LimitMw[s].AsSpan(4 * day, 2 * day).ToArray(), v => Assert.Equal(0, v));
                Assert.NotEqual(0, result.World.PlannedLimitMw[s][4 * day]);
            }
        }
    }

    [Fact]
    public void JobsStoppedByABlackout_ResumeAfterIt_InsteadOfBeingLost()
    {
        // Kansai (nuclear, low carbon): the greedy policies move work there, so jobs are running when the lights go out.
        var result = Run(TestScenarios.Yaml(events: "events:\n  - {kind: blackout, area: KN, start: 2025-05-05, end: 2025-05-06}"));
        foreach (var p in result.Policies.Where(p => p.Policy is PolicyKind.WattBit or PolicyKind.WattBitPlanner))
        {
            Assert.True(p.JobsResumed > 0, $"{p.Policy}: no job resumed");
            Assert.Equal(0, p.OrderStepsMissed);
            Assert.Equal(0, p.SiteStepsOverLimit);

            // A day-long blackout in a 14-day run with 24-48 h of slack: almost all stopped work is done later.
            Assert.True(p.JobsLostToOrders * 10 <= p.JobsResumed, $"{p.Policy}: {p.JobsLostToOrders} lost, {p.JobsResumed} resumed");
        }

        var baseline = result.Policies.Single(p => p.Policy == PolicyKind.Baseline);
        Assert.Equal(0, baseline.JobsResumed);
    }

    [Fact]
    public void Batteries_CycleUnderTheWattBitPolicies_BalanceTheirEnergy_AndCarrySitesThroughFaults()
    {
        const string faults = "events:\n  - {kind: faults, rate_per_year: 100, hours: 4, limit_share: 0.3}";
        var with = Run(TestScenarios.Yaml(events: faults, batteries: "batteries: {share: 1, power_share: 0.5, hours: 2}"));
        var without = Run(TestScenarios.Yaml(events: faults));
        foreach (var p in with.Policies)
        {
            // Energy balance: what went in times the charge efficiency, less what came out over the discharge efficiency,
            // is what is stored now; grid energy is IT × PUE plus charging less discharging.
            Assert.Equal(p.BatteryEnergyChangeMwh, (p.BatteryChargedMwh * 0.95) - (p.BatteryDischargedMwh / 0.95), 6);
            Assert.Equal((p.ServedItMwh * 1.3) + p.BatteryChargedMwh - p.BatteryDischargedMwh, p.Overall.EnergyMwh, 6);
            if (p.Policy is PolicyKind.WattBit or PolicyKind.WattBitPlanner)
            {
                Assert.True(p.BatteryCycles > 1, $"{p.Policy}: {p.BatteryCycles} cycles");
                Assert.Equal(0, p.SiteStepsOverLimit);
                var before = without.Policies.Single(q => q.Policy == p.Policy);
                Assert.True(p.JobsResumed < before.JobsResumed, $"{p.Policy}: {p.JobsResumed} jobs stopped with batteries, {before.JobsResumed} without");
            }
            else
            {
                Assert.Equal(0, p.BatteryChargedMwh + p.BatteryDischargedMwh);
            }
        }
    }

    [Fact]
    public void CurtailmentOrders_UnderThePlannerPolicy_GoThroughItsDispatcher_AndLimitsHold()
    {
        var result = Run(TestScenarios.Yaml(events: "events:\n  - {kind: faults, rate_per_year: 200, hours: 6, limit_share: 0.3}"));
        var planner = result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        Assert.True(planner.OrdersDispatched > 0, $"{planner.OrdersDispatched} dispatched, {planner.OrdersToFallback} to the fallback");
        Assert.True(planner.JobsMovedOnOrders + planner.JobsResumed > 0);
        Assert.Equal(0, planner.SiteStepsOverLimit);
        Assert.Equal(0, planner.OrderStepsMissed);

        // The greedy WattBit policy keeps the engine's own rule.
        var greedy = result.Policies.Single(p => p.Policy == PolicyKind.WattBit);
        Assert.Equal(0, greedy.OrdersDispatched + greedy.OrdersToFallback + greedy.JobsMovedOnOrders);

        // Same seed, same outcome.
        var again = Run(TestScenarios.Yaml(events: "events:\n  - {kind: faults, rate_per_year: 200, hours: 6, limit_share: 0.3}"))
            .Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        Assert.Equal((planner.OrdersDispatched, planner.OrdersToFallback, planner.JobsMovedOnOrders, planner.Overall),
            (again.OrdersDispatched, again.OrdersToFallback, again.JobsMovedOnOrders, again.Overall));
    }

    [Fact]
    public void PlannedMaintenance_IsKnownToWattBit_SoNothingIsCurtailed()
    {
        var result = Run(TestScenarios.Yaml(events: "events:\n  - {kind: maintenance, area: KY, start: 2025-05-03, end: 2025-05-10, limit_share: 0.2}"));
        var wattbit = result.Policies.Single(p => p.Policy == PolicyKind.WattBit);
        Assert.Equal(0, wattbit.SiteStepsOverLimit);
        Assert.Equal(0, wattbit.OrderStepsMet + wattbit.OrderStepsMissed);
        Assert.Equal(result.World.LimitMw, result.World.PlannedLimitMw);
    }
}
