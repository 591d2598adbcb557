using System.Globalization;
using WattBit.Formats;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Workloads;

namespace WattBit.Simulation.Tests;

/// <summary>
/// Re-planning committed work that has not started (decision 0232) and the second plan when next-day prices publish
/// (decision 0233): hand cases with their totals computed by hand, and the rules every re-plan keeps (never before now,
/// never outside the job's window, never over a limit, the same energy served) recomputed from the runs' own site loads
/// and pieces, not from the ledger's counters.
/// </summary>
public sealed class ReplanTests
{
    // One Kansai site: 1 MW of IT room (firm 1.25 MW at PUE 1.25), so one 1 MW job at a time.
    private const string Kansai = "{id: a, area: KN, lat: 34.69, lon: 135.50, it_mw: 1, pue: 1.25, connection: {kind: firm, mw: 1.25}}";

    private static SimulationScenario Scenario(string objective, string replan, string end = "2025-05-03", string events = "") => TestScenarios.Parse(string.Create(CultureInfo.InvariantCulture, $$"""
        name: replan
        period: {start: 2025-05-01, end: {{end}}}
        step: 1h
        objective: {{objective}}
        forecast_error: 0
        replan: {{replan}}
        sites:
          - {{Kansai}}
        workload: {target_mw: 1, jobs: 2}
        {{events}}
        policies: [wattbit, wattbit-planner]
        """));

    // The world with Kansai's lifecycle carbon or price replaced (new arrays: the composed signals may be shared).
    private static SimulationWorld World(SimulationScenario scenario, Func<int, double> carbon, Func<int, double> price)
    {
        var signals = TestScenarios.Signals(scenario);
        signals = signals with
        {
            Areas = [.. signals.Areas.Select(x => x.Area == "KN"
                ? x with { CarbonLifecycle = [.. Enumerable.Range(0, x.CarbonLifecycle.Length).Select(carbon)], Price = [.. Enumerable.Range(0, x.Price.Length).Select(price)] }
                : x)],
        };
        return SimulationWorld.Build(scenario, signals, null);
    }

    // A run planned on `forecast` [area][step] (the hand's, not one built from the world's actuals).
    private static SimulationResult Run(SimulationWorld world, JobSet jobs, double[][] forecast)
    {
        var hand = new SimulationResult(world, new SimulatedWorkload(jobs, [.. world.Scenario.Sites.Select(_ => new double[world.Steps])]), [], TimeSpan.Zero)
        {
            ForecastScore = forecast,
            Forecast = new ForecastSkill("hand", "score", 0, 0, double.NaN, double.NaN, double.NaN, 0),
        };
        return Simulator.Run(world, hand.Workload, TimeProvider.System, sameForecastsAs: hand);
    }

    private static void Job(JobSet jobs, int j, int release, int deadline, int duration)
    {
        (jobs.Release[j], jobs.Deadline[j], jobs.Duration[j], jobs.PowerMw[j], jobs.Home[j]) = (release, deadline, duration, 1.0, 0);
        jobs.Kind[j] = WorkloadKind.Batch;
    }

    // Carbon (gCO2/kWh, actual and forecast alike) 500 in every hour but 20:00 of day 0 (150), 01:00 and 02:00 of day 1
    // (100, 110) and 06:00 of day 1 (300). Job 0: 1 MW × 1 h, released at 00:00 of day 0, due by the end of day 1 (24 h of
    // slack). Job 1: 1 MW × 2 h, released at 00:00 of day 1, due by 04:00 (2 h of slack).
    // Placed once: day 0's plan gives job 0 the cleanest hour it sees, 01:00 of day 1 (100); day 1's job then finds 01:00
    // taken and runs 02:00-04:00 (110 + 500). Re-planned: day 1's plan places both, largest energy first: job 1 takes
    // 01:00-03:00 (100 + 110), job 0 the cleanest hour left from now on, 06:00 (300), never 20:00 of day 0, now past.
    // Totals at PUE 1.25: 1.25 MWh × (100 + 110 + 500) = 887.5 kg against 1.25 × (100 + 110 + 300) = 637.5 kg.
    private static (SimulationWorld World, JobSet Jobs, double[][] Forecast) Carbon(string replan)
    {
        var world = World(Scenario("carbon", replan), t => t switch { 20 => 150, 25 => 100, 26 => 110, 30 => 300, _ => 500 }, _ => 20);
        var jobs = new JobSet(2);
        Job(jobs, 0, 0, 48, 1);
        Job(jobs, 1, 24, 28, 2);
        return (world, jobs, [.. world.CarbonLifecycle.Select(c => (double[])c.Clone())]);
    }

    private static PolicyResult Planner(SimulationResult result) => result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);

    private static double[] Hours(PolicyResult p) => [.. p.SiteItMw[0].Select(x => (double)x)];

    [Fact]
    public void FlexibleJob_HoldingTomorrowsCleanHour_GivesItUpToTomorrowsNarrowJob_WhenReplanned()
    {
        var (world, jobs, forecast) = Carbon("off");
        var once = Planner(Run(world, jobs, forecast));
        var expectedOnce = new double[world.Steps];
        expectedOnce[25] = expectedOnce[26] = expectedOnce[27] = 1;
        Assert.Equal(expectedOnce, Hours(once));
        Assert.Equal(1.25 * (100 + 110 + 500) / 1000, once.Overall.LifecycleTonnes, 9);
        Assert.Equal(0, once.JobsReplanned);

        (world, jobs, forecast) = Carbon("midnight");
        var replanned = Planner(Run(world, jobs, forecast));
        var expected = new double[world.Steps];
        expected[25] = expected[26] = expected[30] = 1;
        Assert.Equal(expected, Hours(replanned));
        Assert.Equal(1.25 * (100 + 110 + 300) / 1000, replanned.Overall.LifecycleTonnes, 9);

        // The hand-computed fall: 1.25 MWh × (500 − 300) g/kWh = 0.25 t.
        Assert.Equal(0.25, once.Overall.LifecycleTonnes - replanned.Overall.LifecycleTonnes, 9);
        Assert.Equal(1, replanned.JobsReplanned);
        Assert.Equal(1, replanned.JobsReplacedElsewhere);
        Assert.Equal(2, replanned.JobsAsPlanned);
        Assert.Equal(0, replanned.LateJobs);
        Assert.Equal([new JobPiece(0, 0, 30, 31), new JobPiece(1, 0, 25, 27)], replanned.JobPieces.OrderBy(p => p.Job));
    }

    // Three days, Kansai blacked out all of day 0 (not foreseen). Carbon 500 but 02:00 of day 0 (100), 06:00 and 07:00 of
    // day 1 (200, 250) and 16:00 of day 1 (300). Job 0: 1 MW × 1 h, released at 00:00 of day 0, due by the end of day 2:
    // placed at 02:00, stopped there by the blackout's order and resumed at the best hour after it, 06:00 of day 1. Job 1:
    // 1 MW × 2 h, released at 00:00 of day 1, due by 10:00: 06:00 is taken, so 07:00-09:00 (250 + 500). Had job 0 been
    // handed back at day 1's midnight, job 1 (more energy) would take 06:00-08:00 and job 0 16:00: an order touched it, so
    // it never is.
    [Fact]
    public void JobStoppedByAnOrder_AndResumedLater_IsNeverHandedBack()
    {
        var world = World(Scenario("carbon", "midnight", "2025-05-04", "events:\n  - {kind: blackout, area: KN, start: 2025-05-01, end: 2025-05-02}"),
            t => t switch { 2 => 100, 30 => 200, 31 => 250, 40 => 300, _ => 500 }, _ => 20);
        var jobs = new JobSet(2);
        Job(jobs, 0, 0, 72, 1);
        Job(jobs, 1, 24, 34, 2);
        var planner = Planner(Run(world, jobs, [.. world.CarbonLifecycle.Select(c => (double[])c.Clone())]));
        var expected = new double[world.Steps];
        expected[30] = expected[31] = expected[32] = 1;
        Assert.Equal(expected, Hours(planner));
        Assert.Equal(0, planner.JobsReplanned);
        Assert.Equal(1, planner.JobsResumed);
    }

    [Fact]
    public void GreedyPolicy_ThatDoesNotReplan_IsIdenticalWhateverTheScenarioSays()
    {
        var (world, jobs, forecast) = Carbon("off");
        var off = Run(world, jobs, forecast).Policies.Single(p => p.Policy == PolicyKind.WattBit);
        (world, jobs, forecast) = Carbon("midnight-and-publication");
        var on = Run(world, jobs, forecast).Policies.Single(p => p.Policy == PolicyKind.WattBit);
        Assert.Equal(Hours(off), Hours(on));
        Assert.Equal(off.Overall, on.Overall);
        Assert.Equal(0, on.JobsReplanned);

        // The greedy places least slack first, each job once: job 0 at 01:00 on day 0, job 1 around it.
        Assert.Equal(1.25 * (100 + 110 + 500) / 1000, off.Overall.LifecycleTonnes, 9);
    }

    // Cost objective, price publication at 10:00. Prices (JPY/kWh) on day 0, published before the period: 20 in every
    // hour but 20:00 (12). Day 1 as forecast: 30 but 06:00 (5); as published at 10:00 of day 0 and run: 30 but 06:00 (25).
    // One job: 1 MW × 1 h, released at 00:00 of day 0, due by the end of day 1. At 00:00 it is placed at 06:00 of day 1
    // (forecast 5 < 12). Re-planned at 00:00 of day 1 only, 20:00 of day 0 has passed: it stays at 06:00 (25). Re-planned
    // at the 10:00 publication, it moves to 20:00 of day 0 (12 < 25). Cost at PUE 1.25: 1,250 kWh × 25 or × 12.
    private static (SimulationWorld World, JobSet Jobs, double[][] Forecast) Cost(string replan)
    {
        var world = World(Scenario("cost", replan), _ => 500, t => t switch { 20 => 12, 30 => 25, < 24 => 20, _ => 30 });
        var jobs = new JobSet(1);
        Job(jobs, 0, 0, 48, 1);
        var forecast = world.Price.Select(p => (double[])p.Clone()).ToArray();
        forecast[world.SiteArea[0]][30] = 5;
        return (world, jobs, forecast);
    }

    [Theory]
    [InlineData("off", 30, 25.0, 0)]
    [InlineData("midnight", 30, 25.0, 0)]
    [InlineData("publication", 20, 12.0, 1)]
    [InlineData("midnight-and-publication", 20, 12.0, 1)]
    public void SecondPlan_AtThePricePublication_MovesWorkOffAForecastThatThePublishedPricesBelie(string replan, int hour, double price, int changed)
    {
        var (world, jobs, forecast) = Cost(replan);
        var planner = Planner(Run(world, jobs, forecast));
        var expected = new double[world.Steps];
        expected[hour] = 1;
        Assert.Equal(expected, Hours(planner));
        Assert.Equal(1.25 * 1000 * price, planner.Overall.CostYen, 6);
        Assert.Equal(changed, planner.JobsReplacedElsewhere);
        Assert.Equal(replan.Contains("publication", StringComparison.Ordinal) ? 1 : 0, planner.PublicationPlans);
    }

    // A generated fortnight with limits that bind (grid factor 0.8) and no job that checkpoints, so each job's energy
    // is its power × run time and nothing else is drawn for it.
    private static SimulationResult Fortnight(string replan) => TestScenarios.Run(TestScenarios.Parse(
        TestScenarios.Yaml(seed: 11, sites: 10, gridFactor: 0.8, days: 14, targetMw: 5, jobs: 1200, forecastError: 0.1)
            .Replace("  jobs: 1200", "  jobs: 1200\n  checkpoint: []", StringComparison.Ordinal)
            .Replace("policies: [baseline, time-shift, greenest-site, capacity-caps, wattbit, wattbit-planner]",
                $"replan: {replan}\npolicies: [time-shift, capacity-caps, wattbit, wattbit-planner]", StringComparison.Ordinal)));

    [Fact]
    public void ReplannedWork_StaysInItsWindow_UnderEveryLimit_AndServesTheSameEnergy()
    {
        var off = Fortnight("off");
        var on = Fortnight("midnight");
        var world = on.World;
        var jobs = on.Workload.Jobs;
        var planner = Planner(on);
        Assert.True(planner.JobsReplanned > 0, "the fortnight re-plans some work");
        Assert.True(planner.JobsReplacedElsewhere > 0, "and places some of it otherwise");

        // Limits recomputed from the run's own grid draw at every site and step.
        for (var s = 0; s < world.Scenario.Sites.Count; s++)
        {
            for (var t = 0; t < world.Steps; t++)
            {
                Assert.True(planner.SiteGridMw[s][t] <= world.LimitMw[s][t] + 1e-4, $"site {s} step {t}: {planner.SiteGridMw[s][t]} MW over {world.LimitMw[s][t]}");
            }
        }

        // Every job's pieces lie in its window (or in the 48 h late allowance the late count owns), and cover its run time
        // exactly unless an order stopped it.
        var late = 0;
        foreach (var g in planner.JobPieces.GroupBy(p => p.Job))
        {
            var j = g.Key;
            Assert.All(g, p => Assert.True(p.From >= jobs.Release[j] && p.To > p.From, $"job {j}: piece {p} before its release {jobs.Release[j]}"));
            late += g.Max(p => p.To) > jobs.Deadline[j] ? 1 : 0;
        }

        Assert.Equal(planner.LateJobs, late);
        Assert.Equal(jobs.Count - planner.UnservedJobs, planner.JobPieces.Select(p => p.Job).Distinct().Count());

        // The same energy served with and without re-planning, recomputed from the site loads (jobs and inference).
        Assert.Equal(0, planner.UnservedJobs);
        Assert.Equal(Planner(off).UnservedJobs, planner.UnservedJobs);
        Assert.Equal(Energy(Planner(off)), Energy(planner), 3);
        var jobMwh = Enumerable.Range(0, jobs.Count).Sum(j => jobs.PowerMw[j] * jobs.Duration[j] * world.StepHours);
        Assert.Equal(jobMwh, planner.JobPieces.Sum(p => jobs.PowerMw[p.Job] * (p.To - p.From) * world.StepHours), 6);

        // The policies that do not re-plan give the same run to the unit.
        foreach (var kind in new[] { PolicyKind.TimeShift, PolicyKind.CapacityCaps, PolicyKind.WattBit })
        {
            var a = off.Policies.Single(p => p.Policy == kind);
            var b = on.Policies.Single(p => p.Policy == kind);
            Assert.Equal(a.Overall, b.Overall);
            Assert.Equal(a.JobPieces, b.JobPieces);
            Assert.Equal(a.SiteGridMw.SelectMany(x => x), b.SiteGridMw.SelectMany(x => x));
        }

        double Energy(PolicyResult p) => p.SiteItMw.Sum(x => x.Sum(v => (double)v)) * world.StepHours;
    }

    [Fact]
    public void ReplanKey_WithAnUnknownValue_FailsNamingTheKeyAndTheChoices()
    {
        var e = Assert.Throws<InputFormatException>(() => Scenario("carbon", "sometimes"));
        Assert.Contains("replan", e.Message, StringComparison.Ordinal);
        Assert.Contains("midnight-and-publication", e.Message, StringComparison.Ordinal);
        Assert.Equal(ReplanMode.Off, TestScenarios.Parse(TestScenarios.Yaml()).Replan);
    }
}
