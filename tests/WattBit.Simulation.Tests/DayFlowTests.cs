using System.Globalization;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Workloads;

namespace WattBit.Simulation.Tests;

/// <summary>
/// The day flow (decision 0229) and the planner's day plan placed by it (<c>day_plan: flow</c>, decision 0230): hand cases where placing the
/// day's jobs one after the other gives the clean hour to the wrong job and the day's optimum does not; the day flow
/// below every day's placements, recomputed from the planner's own pieces on the forecast it planned on; limits held.
/// </summary>
public sealed class DayFlowTests
{
    // One Kansai site: firm 1.25 MW at PUE 1.25, 1 MW of IT room; no inference unless a case adds it.
    private const string Kansai = "{id: a, area: KN, lat: 34.69, lon: 135.50, it_mw: 1, pue: 1.25, connection: {kind: firm, mw: 1.25}}";

    private static SimulationScenario Scenario(string plan, string bound) => TestScenarios.Parse(string.Create(CultureInfo.InvariantCulture, $$"""
        name: day-flow
        period: {start: 2025-05-01, end: 2025-05-03}
        step: 1h
        objective: cost
        forecast_error: 0
        published_prices: false
        day_plan: {{plan}}
        bound: {{bound}}
        sites:
          - {{Kansai}}
        workload: {target_mw: 1, jobs: 2}
        policies: [wattbit, wattbit-planner]
        """));

    // Kansai's price (actual and planned on) is `hours` in the first hours, 60 JPY/kWh after; every other area 100.
    private static SimulationResult Run(string plan, double[] hours, JobSet jobs, double[] inference, string bound = "false")
    {
        var scenario = Scenario(plan, bound);
        var signals = TestScenarios.Signals(scenario);
        signals = signals with
        {
            Areas = [.. signals.Areas.Select(x => x with { Price = [.. Enumerable.Range(0, x.Price.Length).Select(t => x.Area == "KN" ? t < hours.Length ? hours[t] : 60.0 : 100.0)] })],
        };
        var world = SimulationWorld.Build(scenario, signals, null);
        var forecast = world.Price.Select(p => (double[])p.Clone()).ToArray();
        var hand = new SimulationResult(world, new SimulatedWorkload(jobs, [inference]), [], TimeSpan.Zero)
        {
            ForecastScore = forecast,
            Forecast = new ForecastSkill("hand", "price JPY/kWh", 0, 0, double.NaN, double.NaN, double.NaN, 0),
        };
        return Simulator.Run(world, new SimulatedWorkload(jobs, [inference]), TimeProvider.System, batteriesOffRuns: false, sameForecastsAs: hand);
    }

    // The jobs' cost recomputed from the site's per-hour IT load (less inference) × PUE × the price, JPY.
    private static double JobCost(SimulationResult result, PolicyResult p, double[] inference) =>
        Enumerable.Range(0, result.World.Steps).Sum(t => (p.SiteItMw[0][t] - inference[t]) * 1.25 * result.World.Price[result.World.SiteArea[0]][t] * 1000);

    private static JobSet Jobs(params (int Release, int Deadline, double Mw)[] jobs)
    {
        var set = new JobSet(jobs.Length);
        for (var j = 0; j < jobs.Length; j++)
        {
            (set.Release[j], set.Deadline[j], set.Duration[j], set.PowerMw[j], set.Home[j]) = (jobs[j].Release, jobs[j].Deadline, 1, jobs[j].Mw, 0);
            set.Kind[j] = WorkloadKind.Batch;
        }

        return set;
    }

    [Fact]
    public void LargestFirst_GivesTheCleanHourToTheJobWithAnAlternative_TheDayFlowGivesItToTheOneWithout()
    {
        // Hours 0, 1, 2 cost 10, 50, 12 JPY/kWh. Job 0: 1 MW for 1 h, due by hour 3; job 1: 1 MW for 1 h, due by hour 2.
        // The room holds one job an hour. Largest first (equal energy: index order) gives hour 0 to job 0, and job 1 pays
        // hour 1: (10 + 50) × 1.25 MWh × 1000 = 75,000 JPY. The day's optimum: job 1 at hour 0, job 0 at hour 2:
        // (10 + 12) × 1,250 = 27,500 JPY, which the day flow finds too (no split pays here).
        var jobs = Jobs((0, 3, 1.0), (0, 2, 1.0));
        var none = new double[48];
        var plain = Run("search", [10, 50, 12], jobs, none, bound: "day-flow");
        var byFlow = Run("flow", [10, 50, 12], jobs, none);
        var sequential = plain.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        Assert.Equal(75_000, JobCost(plain, sequential, none), 3);
        Assert.Equal(27_500, JobCost(byFlow, byFlow.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner), none), 3);
        Assert.Equal(27_500, Assert.Single(sequential.DayFlow!).Flow, 3);
        Assert.Equal(75_000, sequential.DayFlow![0].Planner, 3);
    }

    [Fact]
    public void LeastSlackFirst_GivesTheCleanHourToTheNarrowJob_TheDayFlowGivesItToTheOneThatFitsNowhereElse()
    {
        // Hours 0, 1, 2 cost 10, 11, 60 JPY/kWh; inference fills half of hour 1's room (0.5 / 1.05 MW, so the planned
        // room, inference × 1.05, is 0.5 MW). Job 0: 0.5 MW for 1 h, due by hour 2 (slack 1); job 1: 1 MW for 1 h, due by
        // hour 3 (slack 2), which hour 1 cannot hold. Least slack first (wattbit) puts job 0 in hour 0 and job 1 in hour 2:
        // (10 × 0.5 + 60 × 1) × 1,250 = 81,250 JPY. The day's optimum: job 1 in hour 0, job 0 in hour 1:
        // (10 + 11 × 0.5) × 1,250 = 19,375 JPY.
        var jobs = Jobs((0, 2, 0.5), (0, 3, 1.0));
        var inference = new double[48];
        inference[1] = 0.5 / 1.05;
        var byFlow = Run("flow", [10, 11, 60], jobs, inference, bound: "day-flow");
        Assert.Equal(81_250, JobCost(byFlow, byFlow.Policies.Single(p => p.Policy == PolicyKind.WattBit), inference), 3);
        var planner = byFlow.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        Assert.Equal(19_375, JobCost(byFlow, planner, inference), 3);
        Assert.Equal(81_250, planner.DayFlow![0].Greedy, 3);
        Assert.Equal(19_375, planner.DayFlow![0].Flow, 3);
    }

    // A fortnight of 12 sites with N-1 faults (orders the plan did not foresee), planned on AR(1) forecasts at 10 % error.
    private static SimulationResult Fortnight(string plan) => TestScenarios.Run(TestScenarios.Parse(
        TestScenarios.Yaml(seed: 5, gridFactor: 0.7, targetMw: 7, jobs: 1200, forecastError: 0.1,
            events: "events:\n  - {kind: faults, rate_per_year: 40, hours: 5, limit_share: 0.4}") + $"\nbound: day-flow\nday_plan: {plan}\n"));

    [Theory]
    [InlineData("search")]
    [InlineData("prices")]
    [InlineData("flow")]
    public void DayFlow_IsBelowEveryDaysWholePlacements_RecomputedFromThePlannersPieces_AndLimitsHold(string plan)
    {
        var result = Fortnight(plan);
        var world = result.World;
        var jobs = result.Workload.Jobs;
        var forecast = result.ForecastScore!;
        var planner = result.Policies.Single(p => p.Policy == PolicyKind.WattBitPlanner);
        var days = planner.DayFlow!;
        var perDay = (int)Math.Round(24 / world.StepHours);
        Assert.Equal(14, days.Count);

        // Each day's jobs valued on the forecast planned on (carbon: never published, so the view is the forecast) from
        // the pieces the run executed, restores aside. The flow bounds placements of all the day's jobs within their
        // windows, so a day counts only when each of its jobs ran its whole duration within its window.
        var value = new double[days.Count];
        var ran = new int[jobs.Count];
        var inWindow = Enumerable.Repeat(true, jobs.Count).ToArray();
        foreach (var piece in planner.JobPieces)
        {
            var area = world.SiteArea[piece.Site];
            ran[piece.Job] += piece.To - piece.From;
            inWindow[piece.Job] &= piece.From >= jobs.Release[piece.Job] && piece.To <= jobs.Deadline[piece.Job];
            for (var t = piece.From; t < piece.To; t++)
            {
                value[jobs.Release[piece.Job] / perDay] += forecast[area][t] * jobs.PowerMw[piece.Job] * world.Scenario.Sites[piece.Site].Pue * world.StepHours / 1000;
            }
        }

        var whole = Enumerable.Repeat(true, days.Count).ToArray();
        for (var j = 0; j < jobs.Count; j++)
        {
            whole[jobs.Release[j] / perDay] &= inWindow[j] && ran[j] == jobs.Duration[j];
        }

        var checkedDays = 0;
        for (var d = 0; d < days.Count; d++)
        {
            var row = days[d];
            Assert.Equal(d * perDay, row.Step);
            Assert.Equal(0, row.FlowUnplacedMwh);

            // Room aside, the cheapest steps are below the cheapest whole runs and below the flow in the room.
            Assert.True(row.PiecesNoRoom <= row.Flow * (1 + 1e-5) && row.PiecesNoRoom <= row.WholeNoRoom * (1 + 1e-5), $"day {d}: room aside above");
            if (!whole[d] || row.PlannerUnserved > 0)
            {
                continue;
            }

            // The flow relaxes whole runs and per-site room, so it is below every whole placement of the same jobs (its
            // costs are rounded to 1e-3 g/kWh: a relative tolerance of 1e-5 covers them).
            checkedDays++;
            Assert.True(row.Flow <= value[d] * (1 + 1e-5), $"day {d}: flow {row.Flow} above the planner's {value[d]}");
        }

        Assert.True(checkedDays >= 3, $"only {checkedDays} days ran every job whole within its window");

        // Limits held at every step, from the run's own per-site grid draw (single precision: 1e-5 MW).
        for (var s = 0; s < world.LimitMw.Count; s++)
        {
            for (var t = 0; t < world.Steps; t++)
            {
                Assert.True(planner.SiteGridMw[s][t] <= world.LimitMw[s][t] + 1e-5, $"site {s} step {t}: {planner.SiteGridMw[s][t]} over {world.LimitMw[s][t]}");
            }
        }
    }
}
