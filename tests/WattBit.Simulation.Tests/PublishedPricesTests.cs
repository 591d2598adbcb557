using System.Globalization;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Workloads;

namespace WattBit.Simulation.Tests;

/// <summary>
/// Plans are made on what is known at the decision (decision 0220): a delivery day's prices once JEPX publishes them
/// (10:00 JST the day before, by default), the forecast beyond; carbon intensity is never published ahead.
/// </summary>
public sealed class PublishedPricesTests
{
    private const string Kansai = "{id: a, area: KN, lat: 34.69, lon: 135.50, it_mw: 2, pue: 1.25, connection: {kind: firm, mw: 2.5}}";

    private static SimulationScenario Scenario(string name, string days, string extra, string policies, params string[] sites) =>
        TestScenarios.Parse(string.Create(CultureInfo.InvariantCulture, $$"""
            name: {{name}}
            period: {start: 2025-05-01, end: {{days}}}
            step: 1h
            objective: cost
            forecast_error: 0
            {{extra}}
            sites:
            {{string.Join("\n", sites.Select(x => "  - " + x))}}
            workload: {target_mw: 1, jobs: 1}
            policies: [{{policies}}]
            """));

    // The world of the scenario with the prices of the areas in `prices` replaced (new arrays: the composed signals may be shared).
    private static SimulationWorld World(SimulationScenario scenario, Func<string, double[], double[]> prices)
    {
        var signals = TestScenarios.Signals(scenario);
        signals = signals with { Areas = [.. signals.Areas.Select(x => x with { Price = prices(x.Area, x.Price) })] };
        return SimulationWorld.Build(scenario, signals, null);
    }

    // A run of the world planned on `forecast` (the hand's forecast, not one built from the world's actuals).
    private static SimulationResult Run(SimulationWorld world, SimulatedWorkload workload, double[][] forecast)
    {
        var hand = new SimulationResult(world, workload, [], TimeSpan.Zero)
        {
            ForecastScore = forecast,
            Forecast = new ForecastSkill("hand", "price JPY/kWh", 0, 0, double.NaN, double.NaN, double.NaN, 0),
        };
        return Simulator.Run(world, workload, TimeProvider.System, sameForecastsAs: hand);
    }

    private static SimulatedWorkload NoInference(SimulationWorld world, JobSet jobs) =>
        new(jobs, [.. world.Scenario.Sites.Select(_ => new double[world.Steps])]);

    // Two days, one Kansai site; price 20 JPY/kWh in every hour but 14:00 of the first day (5: the day's published
    // price); the forecast says 5 at 03:00 and 20 at 14:00, and 21 all of the second day. One job: 1 MW for one hour,
    // released at 00:00, due by the end of the first day.
    private static (SimulationWorld World, SimulatedWorkload Workload, double[][] Forecast) Hand(bool published)
    {
        var scenario = Scenario("hand", "2025-05-03", $"published_prices: {(published ? "true" : "false")}", "time-shift, wattbit, wattbit-planner, market", Kansai);
        var world = World(scenario, (area, price) => area == "KN" ? [.. Enumerable.Range(0, price.Length).Select(t => t == 14 ? 5.0 : 20.0)] : price);
        var kn = world.SiteArea[0];
        var forecast = world.Price.Select(p => (double[])p.Clone()).ToArray();
        forecast[kn] = [.. Enumerable.Range(0, world.Steps).Select(t => t >= 24 ? 21.0 : t == 3 ? 5.0 : 20.0)];
        var jobs = new JobSet(1);
        (jobs.Release[0], jobs.Deadline[0], jobs.Duration[0], jobs.PowerMw[0], jobs.Home[0]) = (0, 24, 1, 1.0, 0);
        return (world, NoInference(world, jobs), forecast);
    }

    [Theory]
    [InlineData(true, 14, 5.0)]
    [InlineData(false, 3, 20.0)]
    public void Job_RunsAtThePublishedCheapestHour_WithPublishedPrices_AndAtTheForecastOne_Without(bool published, int hour, double price)
    {
        var (world, workload, forecast) = Hand(published);
        var result = Run(world, workload, forecast);
        Assert.Equal(4, result.Policies.Count);
        foreach (var p in result.Policies)
        {
            for (var t = 0; t < world.Steps; t++)
            {
                Assert.Equal(t == hour ? 1.0 : 0.0, p.SiteItMw[0][t], 6);
            }

            // 1 MW × 1 h × PUE 1.25 at the hour's actual price, JPY.
            Assert.Equal(1.25 * 1000 * price, p.Overall.CostYen, 6);
        }
    }

    [Fact]
    public void PlannedOnMae_IsZeroOnPublishedDays_AndTheForecastsErrorBeyond()
    {
        // Each midnight's 48 h: day 0 reads day 0 (published) and day 1 (forecast 21 against 20); day 1 reads day 1 only
        // (published at 10:00 of day 0). Forecast alone: day 0's two wrong hours (15 each) and day 1's 24 hours of 1, twice.
        var (world, _, forecast) = Hand(published: true);
        var skill = SimulationForecasts.WithPublished(world, forecast, new ForecastSkill("hand", "price JPY/kWh", 0, 0, double.NaN, double.NaN, double.NaN, 0));
        Assert.Equal(24.0 / 72, skill.PlannedOnMae, 9);
        Assert.Equal((15 + 15 + 24 + 24) / 72.0, skill.ForecastOnlyMae, 9);
        Assert.Contains("published at 10:00 JST the day before", skill.Describe(), StringComparison.Ordinal);

        var (off, _, _) = Hand(published: false);
        var offSkill = SimulationForecasts.WithPublished(off, forecast, new ForecastSkill("hand", "price JPY/kWh", 0, 0, double.NaN, double.NaN, double.NaN, 0));
        Assert.True(double.IsNaN(offSkill.PlannedOnMae));
        Assert.Contains("published_prices: false", offSkill.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void View_ExposesADaysPublishedValues_OnlyFromItsPublicationTheDayBefore()
    {
        // The published values are NaN (poison) and the forecast finite: a NaN in the view at step t is a published value
        // read at t. Day d's values are known at time t iff d = 0 (published before the period) or t ≥ (d − 1) days + the
        // publication time; at half-hourly and hourly steps, publication times on and off the step grid.
        foreach (var (stepMinutes, publication) in new[] { (60, 10.0), (30, 10.0), (60, 9.5), (30, 0.0), (60, 23.75) })
        {
            var spd = 24 * 60 / stepMinutes;
            var n = 4 * spd;
            var forecast = new[] { Enumerable.Range(0, n).Select(t => 10.0 + (t % 7)).ToArray(), Enumerable.Range(0, n).Select(t => 3.0 * (t % 5)).ToArray() };
            var poison = new[] { Enumerable.Repeat(double.NaN, n).ToArray(), Enumerable.Repeat(double.NaN, n).ToArray() };
            var view = new ForecastView(forecast, poison, spd, (int)Math.Ceiling(publication * 60 / stepMinutes));
            for (var t = 0; t < n; t++)
            {
                view.AdvanceTo(t);
                var now = TimeSpan.FromMinutes(t * stepMinutes);
                for (var a = 0; a < 2; a++)
                {
                    double sum = 0;
                    for (var u = 0; u < n; u++)
                    {
                        var day = u / spd;
                        var known = day == 0 || now >= TimeSpan.FromDays(day - 1) + TimeSpan.FromHours(publication);
                        Assert.Equal(known, double.IsNaN(view.Values[a][u]));
                        if (!known)
                        {
                            Assert.Equal(forecast[a][u], view.Values[a][u]);
                        }

                        sum += view.Values[a][u];
                        Assert.Equal(double.IsNaN(sum), double.IsNaN(view.Prefix[a][u + 1]));
                    }
                }
            }
        }
    }

    [Fact]
    public void View_PrefixSums_AreTheSumsOfItsValues_AfterEveryPublication()
    {
        var spd = 24;
        var n = 5 * spd;
        var rng = new Random(3);
        var forecast = new[] { Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 30).ToArray() };
        var actual = new[] { Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 30).ToArray() };
        var kept = forecast[0].ToArray();
        var view = new ForecastView(forecast, actual, spd, 10);
        for (var t = 0; t < n; t++)
        {
            view.AdvanceTo(t);
            double sum = 0;
            for (var u = 0; u < n; u++)
            {
                sum += view.Values[0][u];
                Assert.Equal(sum, view.Prefix[0][u + 1], 9);
            }
        }

        Assert.Equal(kept, forecast[0]); // the forecast given is never written
        Assert.Equal(actual[0], view.Values[0]); // the whole period published by the last step's time
    }

    // Three days, three areas, batteries at two sites; 60 jobs all released at 00:00 of the first day with windows into
    // the third, so every placement is made at the first midnight. `later` rewrites the prices of the days after the
    // first (the values only known once published).
    private static SimulationResult RunAll(string publication, Func<int, double, double> later)
    {
        var scenario = Scenario("three days", "2025-05-04", $"price_publication: \"{publication}\"",
            "baseline, time-shift, greenest-site, capacity-caps, wattbit, wattbit-planner, operators-alone, market",
            "{id: a, area: KN, lat: 34.69, lon: 135.50, it_mw: 2, pue: 1.2, connection: {kind: firm, mw: 2.4}, battery: {energy_mwh: 2, power_mw: 0.5}}",
            "{id: b, area: TK, lat: 35.68, lon: 139.76, it_mw: 2, pue: 1.3, connection: {kind: firm, mw: 2.6}}",
            "{id: c, area: KY, lat: 33.59, lon: 130.40, it_mw: 2, pue: 1.25, connection: {kind: firm, mw: 2.5}, battery: {energy_mwh: 2, power_mw: 0.5}}");
        var world = World(scenario, (_, price) => [.. price.Select((v, t) => t < 24 ? v : later(t, v))]);
        var forecast = world.Price.Select(p => p.Select((v, t) => 15 + (5 * Math.Sin(t / 3.0))).ToArray()).ToArray();
        var rng = new Random(11);
        var jobs = new JobSet(60);
        for (var j = 0; j < jobs.Count; j++)
        {
            var d = rng.Next(1, 9);
            (jobs.Release[j], jobs.Duration[j], jobs.Deadline[j], jobs.PowerMw[j], jobs.Home[j]) = (0, d, Math.Min(72, d + rng.Next(20, 64)), 0.1 + (0.3 * rng.NextDouble()), rng.Next(3));
            jobs.Kind[j] = j % 3 == 0 ? WorkloadKind.Training : WorkloadKind.Batch;
            jobs.Checkpoints[j] = j % 3 == 0;
        }

        return Run(world, NoInference(world, jobs), forecast);
    }

    [Fact]
    public void NoPolicyOrBattery_ReadsTheNextDaysPrices_BeforeTheirPublication()
    {
        // Whatever the next days' prices, every placement made at the first midnight and every battery's first day are the
        // same: nothing read them. The control publishes at 00:00 (the next day's prices known at the first midnight):
        // then the placements change, so the comparison would see a policy that read them.
        var same = RunAll("10:00", (_, v) => v);
        var reversed = RunAll("10:00", (t, v) => 60 - v + (t % 5));
        Assert.Equal(8, same.Policies.Count);
        for (var i = 0; i < same.Policies.Count; i++)
        {
            var (x, y) = (same.Policies[i], reversed.Policies[i]);
            for (var s = 0; s < 3; s++)
            {
                Assert.Equal(x.SiteItMw[s], y.SiteItMw[s]);
                Assert.Equal(x.SiteGridMw[s].AsSpan(0, 24).ToArray(), y.SiteGridMw[s].AsSpan(0, 24).ToArray());
            }
        }

        Assert.True(same.Policies.Any(p => p.BatteryDischargedMwh > 0), "some battery acts on the first day or later");
        var early = RunAll("00:00", (_, v) => v);
        var earlyReversed = RunAll("00:00", (t, v) => 60 - v + (t % 5));
        Assert.Contains(Enumerable.Range(0, 8), i => Enumerable.Range(0, 3).Any(s => !early.Policies[i].SiteItMw[s].SequenceEqual(earlyReversed.Policies[i].SiteItMw[s])));
    }

    [Fact]
    public void BatteryEnergyBalance_ReplayedFromTheSiteLoads_HoldsWithPublishedPrices()
    {
        var result = RunAll("10:00", (t, v) => v + (3 * Math.Cos(t)));
        var h = result.World.StepHours;
        var sites = result.Scenario.Sites;
        foreach (var p in result.Policies)
        {
            double change = 0;
            for (var s = 0; s < sites.Count; s++)
            {
                if (sites[s].Battery is not { } b)
                {
                    continue;
                }

                var soc = b.InitialEnergy.MegawattHours;
                for (var t = 0; t < result.World.Steps; t++)
                {
                    var v = p.SiteGridMw[s][t] - (p.SiteItMw[s][t] * sites[s].Pue);
                    soc += v > 0 ? v * b.ChargeEfficiency * h : v / b.DischargeEfficiency * h;
                    Assert.InRange(soc, (b.MinSoc * b.EnergyCapacity.MegawattHours) - 1e-3, (b.MaxSoc * b.EnergyCapacity.MegawattHours) + 1e-3);
                }

                change += soc - b.InitialEnergy.MegawattHours;
            }

            Assert.Equal(p.BatteryEnergyChangeMwh, change, 1e-3);
        }
    }

    // Totals of the cost- and carbon-objective runs of this scenario measured before decision 0220 (the commit before
    // it): policy, cost JPY, lifecycle tCO2, battery MWh delivered. published_prices: false must give them to the unit
    // under cost; under carbon the default (on) must, as no carbon value is published.
    private static readonly (PolicyKind Policy, double Yen, double Tonnes, double Delivered)[] CostBefore =
    [
        (PolicyKind.Baseline, 11344398.70322716, 524.658303790319, 0),
        (PolicyKind.TimeShift, 9718396.820809565, 502.18412112884306, 0),
        (PolicyKind.GreenestSite, 8910900.389877658, 457.72807842137564, 0),
        (PolicyKind.CapacityCaps, 10802985.009108376, 515.9596385708502, 0),
        (PolicyKind.WattBit, 10134815.01204675, 498.97348061057767, 9.911148663433972),
        (PolicyKind.WattBitPlanner, 9844505.750944432, 491.2621313380471, 9.311138808450764),
        (PolicyKind.Market, 10134815.01204675, 498.97348061057767, 9.911148663433972),
    ];

    private static readonly (PolicyKind Policy, double Yen, double Tonnes, double Delivered)[] CarbonBefore =
    [
        (PolicyKind.Baseline, 11344398.70322716, 524.658303790319, 0),
        (PolicyKind.TimeShift, 10497819.058299545, 495.43268293330146, 0),
        (PolicyKind.GreenestSite, 10267736.3788714, 366.83545669213305, 0),
        (PolicyKind.CapacityCaps, 10991881.636176009, 514.6009577016284, 0),
        (PolicyKind.WattBit, 10778134.736758795, 484.41985001149123, 7.0007085700572285),
        (PolicyKind.WattBitPlanner, 10713106.04068387, 478.4595252410011, 7.285156815282701),
        (PolicyKind.Market, 10778134.736758795, 484.41985001149123, 7.0007085700572285),
    ];

    private static SimulationResult Week(string objective, string published) => TestScenarios.Run(TestScenarios.Parse(
        TestScenarios.Yaml(sites: 8, days: 7, jobs: 400, forecastError: 0.1, batteries: "batteries: {share: 0.5, power_share: 0.25, hours: 4}")
            .Replace("forecast_error:", $"objective: {objective}\n{published}forecast_error:", StringComparison.Ordinal)
            .Replace("capacity-caps, wattbit, wattbit-planner]", "capacity-caps, wattbit, wattbit-planner, market]", StringComparison.Ordinal)));

    [Theory]
    [InlineData("cost", "published_prices: false\n")]
    [InlineData("carbon", "")]
    public void Totals_AreThoseBeforePublishedPrices_WhereNothingIsPublished(string objective, string published)
    {
        var result = Week(objective, published);
        var before = objective == "cost" ? CostBefore : CarbonBefore;
        Assert.Equal(before.Length, result.Policies.Count);
        foreach (var (policy, yen, tonnes, delivered) in before)
        {
            var p = result.Policies.Single(x => x.Policy == policy);
            Assert.Equal(yen, p.Overall.CostYen, 3);
            Assert.Equal(tonnes, p.Overall.LifecycleTonnes, 6);
            Assert.Equal(delivered, p.BatteryDischargedMwh, 6);
            Assert.Equal(0, p.LateJobs);
            Assert.Equal(0, p.UnservedJobItMwh + p.InferenceUnservedItMwh + p.CurtailedJobItMwh, 9);
        }

        if (objective == "cost")
        {
            // The default plans on the published prices: the shifting policies' totals move (the baseline's cannot).
            var on = Week(objective, "");
            Assert.Equal(CostBefore[0].Yen, on.Policies[0].Overall.CostYen, 3);
            Assert.Contains(on.Policies, p => Math.Abs(p.Overall.CostYen - CostBefore.Single(x => x.Policy == p.Policy).Yen) > 1);
        }
    }

    [Fact]
    public void ForecastCsv_GivesWhatWasPublished_AndBothMaes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wattbit-published-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = Week("cost", "");
            Reporting.SimulationReport.Write(result, dir);
            var rows = File.ReadAllLines(Path.Combine(dir, "forecast.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(x => x[0], x => x[1..]);
            var skill = result.Forecast!;
            Assert.Equal([Reporting.SimulationReport.Rounded(skill.PlannedOnMae), "JPY/kWh"], rows["planned_on_mae_48h"]);
            Assert.Equal([Reporting.SimulationReport.Rounded(skill.ForecastOnlyMae), "JPY/kWh"], rows["forecast_only_mae_48h"]);
            Assert.True(skill.PlannedOnMae < skill.ForecastOnlyMae, "the published day's prices have no error");
            Assert.Equal(["", "JPY/kWh"], rows["seasonal_naive_mae"]); // AR(1) has no origin: empty, not 0
            Assert.StartsWith("\"each day planned on its day-ahead prices", rows["published"][0], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("published_prices: maybe", "unknown published_prices 'maybe' (known: true, false)")]
    [InlineData("price_publication: \"25:00\"", "price_publication must be a time of day (JST) on the day before delivery, as HH:mm (got '25:00')")]
    public void BadPublicationKeys_AreErrorsNamingTheLine(string line, string message)
    {
        var e = Assert.Throws<WattBit.Formats.InputFormatException>(() => Scenario("bad", "2025-05-03", line, "wattbit", Kansai));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(6, e.Line);
    }

    [Fact]
    public void PublicationKeys_DefaultToPublishedAtTen_AndAreRead()
    {
        var plain = Scenario("plain", "2025-05-03", "", "wattbit", Kansai);
        Assert.True(plain.PublishedPrices);
        Assert.Equal(TimeSpan.FromHours(10), plain.PricePublication);
        Assert.Equal(10, ForecastView.PublicationStep(plain));
        var set = Scenario("set", "2025-05-03", "price_publication: \"09:30\"", "wattbit", Kansai);
        Assert.Equal(new TimeSpan(9, 30, 0), set.PricePublication);
        Assert.Equal(10, ForecastView.PublicationStep(set)); // the first hourly step starting at or after 09:30
        Assert.False(ForecastView.PublishesPrices(TestScenarios.Parse(TestScenarios.Yaml(days: 2))), "a carbon score is never published");
    }
}
