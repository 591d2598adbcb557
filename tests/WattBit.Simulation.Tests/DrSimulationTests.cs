using System.Globalization;
using WattBit.Formats;
using WattBit.Simulation.DemandResponse;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

/// <summary>
/// Demand response in the simulator (decision 0147): offers from the policy's own run, commitments within what was
/// asked and offered, cuts held by the run with requests, and delivery recomputed here from the run's per-site draws
/// with the ERAB rule written out by hand (June 2025 has no public holiday, so the pool is the five weekdays before).
/// </summary>
public sealed class DrSimulationTests
{
    private static readonly Lazy<(SimulationResult Result, DrSimulationResult Dr)> s_run = new(() =>
    {
        var scenario = TestScenarios.Parse(Yaml());
        var result = TestScenarios.Run(scenario);
        return (result, DrSimulation.Run(result, _ => false, TimeProvider.System));
    });

    private static readonly Lazy<(SimulationResult Result, DrSimulationResult Dr)> s_workOnly = new(() =>
    {
        var result = TestScenarios.Run(TestScenarios.Parse(Yaml(equipment: false)));
        return (result, DrSimulation.Run(result, _ => false, TimeProvider.System));
    });

    private static string Yaml(string request = """
            - id: warning
              area: TK
              start: 2025-06-25T13:00+09:00
              end: 2025-06-25T17:00+09:00
              issued: 2025-06-24T21:00+09:00
              mw: 8
              price_yen_per_kwh: 50
        """, bool equipment = true) => string.Create(CultureInfo.InvariantCulture, $"""
        name: dr-test
        data:
          synthetic: 2025
        period:
          start: 2025-05-12
          end: 2025-06-27
        step: 1h
        seed: 5
        sites:
          - generate: distributed
            count: 8
            areas: [TK]
            it_mw: [0.8, 1.9]
            connections: {"{"}firm: 1, provisional: 0, flexible: 0{"}"}
            batteries: {"{"}share: {(equipment ? 0.5 : 0)}, power_share: 0.25, hours: 2{"}"}
        workload:
          target_mw: 5
          jobs: 2500
        demand_response:
          requests:
        {request}
          generators: {"{"}areas: [TK], share: {(equipment ? 0.5 : 0)}, power_share: 0.3, fuel_hours: 2, startup_minutes: 10, emissions_g_per_kwh: 680, cost_yen_per_kwh: 35, use_for_dr: true{"}"}
        policies: [baseline, wattbit]
        """);

    [Fact]
    public void PolicyThatIgnoresLimits_TakesNoPart()
    {
        var baseline = s_run.Value.Dr.Policies[0];
        Assert.Equal(PolicyKind.Baseline, baseline.Policy);
        Assert.False(baseline.TakesPart);
        Assert.Empty(baseline.Requests);
    }

    [Fact]
    public void Commitment_IsWithinWhatWasAskedAndOffered_AndEachSitesCutIsHeldInTheRunWithTheRequest()
    {
        var wattbit = s_run.Value.Dr.Policies[1];
        var world = s_run.Value.Result.World;
        var request = Assert.Single(wattbit.Requests);
        Assert.True(request.CommittedMw > 0, "the fleet committed nothing");
        Assert.All(request.CommittedSlotsMw, mw => Assert.True(mw <= request.Request.Mw + 1e-9));
        Assert.True(request.CommittedMw <= request.OfferedMw + 1e-9);
        var with = wattbit.With!;
        var (from, to) = Steps(world, request.Request);
        foreach (var site in request.Sites.Where(s => s.CommittedMw > 0))
        {
            var s = Index(world, site.Site);
            for (var t = from; t < to; t++)
            {
                // Each hour holds two 30-minute slots of the same commitment; the battery and work part is cut from the draw.
                var work = site.CommittedSlotsMw[2 * (t - from)] - site.GeneratorSlotsMw[2 * (t - from)];
                Assert.True(with.SiteGridMw[s][t] <= Math.Max(0, wattbit.Without.SiteGridMw[s][t] - work) + 1e-4,
                    $"{site.Site} drew {with.SiteGridMw[s][t]} MW at step {t}, above its draw without the request less the {work} MW committed");
            }
        }
    }

    [Fact]
    public void Delivery_RecomputedFromTheSiteDrawsWithTheErabRule_MatchesTheCredit() =>
        AssertCreditedByHand(s_run.Value.Dr.Policies[1], s_run.Value.Result.World);

    [Fact]
    public void CommitmentProfile_IsEachHoursCreditableWork_TakenSiteBySite_AndSettledSlotBySlot()
    {
        // Sites without batteries or generators: what each offers per hour is the work running then that can wait the
        // window out (at the grid, within its draw), recomputed here from the run's own job pieces and draws.
        var (result, dr) = s_workOnly.Value;
        var wattbit = dr.Policies[1];
        var world = result.World;
        var jobs = result.Workload.Jobs;
        var request = Assert.Single(wattbit.Requests);
        var (from, to) = Steps(world, request.Request);
        var n = to - from;

        // Every site is in TK at the same price: the per-slot answer takes them in id order, each slot until the request is met.
        var left = Enumerable.Repeat(request.Request.Mw, n).ToArray();
        var expectedSlots = new List<double>();
        foreach (var s in Enumerable.Range(0, world.Scenario.Sites.Count).OrderBy(s => world.Scenario.Sites[s].Id, StringComparer.Ordinal))
        {
            var site = world.Scenario.Sites[s];
            var draw = wattbit.Without.SiteGridMw[s].Select(v => (double)v).ToArray();
            var work = new double[n];
            foreach (var p in wattbit.Without.JobPieces.Where(p => p.Site == s && p.To > from && p.From < to && p.To + n <= jobs.Deadline[p.Job]))
            {
                for (var t = Math.Max(p.From, from); t < Math.Min(p.To, to); t++)
                {
                    work[t - from] += jobs.PowerMw[p.Job] * site.Pue;
                }
            }

            // What the baseline expected from the schedule credits: the offer less how far the draw stands above it, per hour.
            var expected = HandBaseline(world, draw, from, to);
            var got = request.Sites.SingleOrDefault(x => x.Site == site.Id)?.CommittedSlotsMw is { Count: > 0 } c ? c : new double[2 * n];
            for (var k = 0; k < n; k++)
            {
                var creditable = Math.Max(0, Math.Min(Math.Max(0, draw[from + k]), work[k]) - Math.Max(0, draw[from + k] - expected[k]));
                var take = Math.Min(left[k], creditable);
                left[k] -= take;
                Assert.Equal(take, got[2 * k], 1e-6);
                Assert.Equal(take, got[(2 * k) + 1], 1e-6);
                expectedSlots.Add(take);
            }
        }

        // The case commits a profile, not one MW throughout, and each slot is settled within its own commitment.
        Assert.Contains(request.Sites, x => x.CommittedSlotsMw.Distinct().Count() > 1);
        Assert.Equal(expectedSlots.Sum() * 2 * 500, request.CommittedKwh, 1e-3);
        AssertCreditedByHand(wattbit, world);
    }

    [Fact]
    public void Commitment_IsWhatTheExpectedBaselineCredits_AndTheBaselineCreditsIt()
    {
        var wattbit = s_run.Value.Dr.Policies[1];
        var world = s_run.Value.Result.World;
        var request = Assert.Single(wattbit.Requests);
        var (from, to) = Steps(world, request.Request);
        double committedKwh = 0, creditedKwh = 0;
        foreach (var site in request.Sites)
        {
            // The ERAB baseline the site expects, by hand from its draws without the request: how far they stand above it.
            var s = Index(world, site.Site);
            var without = wattbit.Without.SiteGridMw[s].Select(v => (double)v).ToArray();
            var expected = HandBaseline(world, without, from, to);
            var gap = Math.Max(0, Enumerable.Range(from, to - from).Max(t => without[t] - expected[t - from]));
            Assert.Equal(gap, site.BaselineGapMw, 1e-6);
            committedKwh += site.CommittedKwh;
            creditedKwh += site.CreditedKwh;
        }

        // Committing only what the baseline credits, and cutting to the baseline, is credited in full but for the
        // small difference between the baseline expected on the schedule and the one measured on the run with the request.
        Assert.True(committedKwh > 0);
        Assert.True(creditedKwh >= 0.95 * committedKwh, $"credited {creditedKwh:0} of {committedKwh:0} kWh");
    }

    [Fact]
    public void OnSiteGeneration_IsTheGeneratorsShareOfTheMeter_AndItsEmissionsAreMwhTimesTheFuelsIntensity()
    {
        var wattbit = s_run.Value.Dr.Policies[1];
        var request = Assert.Single(wattbit.Requests);
        var world = s_run.Value.Result.World;
        var (from, to) = Steps(world, request.Request);
        foreach (var site in request.Sites.Where(s => s.CommittedGeneratorMw > 0))
        {
            var s = Index(world, site.Site);
            // A 2-hour tank over a 4-hour window: at most half the generator's output.
            Assert.True(site.GeneratorMw <= 0.3 * world.Scenario.Sites[s].ItMw * 2 / 4 + 1e-9);
            var mwh = Enumerable.Range(from, to - from).Sum(t => Math.Min(site.GeneratorSlotsMw[2 * (t - from)], wattbit.With!.SiteGridMw[s][t]));
            Assert.Equal(mwh, site.GeneratorMwh, 1e-6);
            Assert.Equal(mwh * 680 / 1000, site.GeneratorTonnes, 1e-6);
        }

        Assert.Contains(request.Sites, s => s.CommittedGeneratorMw > 0);
        Assert.Equal(request.Sites.Sum(s => s.GeneratorTonnes), wattbit.GeneratorTonnes, 1e-9);
    }

    [Fact]
    public void PriceSpikes_OneRequestPerDayOverItsSpikeHours_IssuedTheDayBefore()
    {
        var world = s_run.Value.Result.World;
        var tk = world.AreaCodes.ToList().IndexOf("TK");
        var prices = world.Price[tk];
        var threshold = prices.Order().ElementAt((int)(prices.Length * 0.97));
        var requests = DrSimulation.Requests(world, new DrSpec([], new DrPriceSpikes("TK", threshold, 3)));
        var spikeDays = Enumerable.Range(0, world.Steps / 24).Where(d => Enumerable.Range(d * 24, 24).Any(t => prices[t] >= threshold)).ToList();
        Assert.Equal(spikeDays.Count, requests.Count);
        foreach (var (day, q) in spikeDays.Zip(requests))
        {
            var hours = Enumerable.Range(day * 24, 24).Where(t => prices[t] >= threshold).ToList();
            Assert.Equal(world.TimeAt(hours[0]), q.Start);
            Assert.Equal(world.TimeAt(hours[^1] + 1), q.End);
            Assert.Equal(world.TimeAt(day * 24).AddHours(-14), q.IssuedAt);
            Assert.Null(q.PriceYenPerKwh);
            Assert.Equal(DrRequestKind.PriceSpike, q.Kind);
        }
    }

    [Theory]
    [InlineData("2025-06-25T20:00+09:00", "2025-06-26T02:00+09:00", "2025-06-24T21:00+09:00", "spans two JST days")]
    [InlineData("2025-06-25T13:00+09:00", "2025-06-25T17:00+09:00", "2025-06-25T14:00+09:00", "after its window starts")]
    [InlineData("2025-06-25T13:30+09:00", "2025-06-25T17:00+09:00", "2025-06-24T21:00+09:00", "60-minute steps")]
    [InlineData("2025-07-25T13:00+09:00", "2025-07-25T17:00+09:00", "2025-06-24T21:00+09:00", "inside the period")]
    public void BadRequest_IsRefusedWithItsLine(string start, string end, string issued, string message)
    {
        var request = $"""
                    - id: bad
                      area: TK
                      start: {start}
                      end: {end}
                      issued: {issued}
                      mw: 4
            """;
        var ex = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(Yaml(request)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("test.yaml", ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Line > 15, ex.Message);
    }

    // Delivery recomputed from the run's per-site draws with the ERAB rule written out by hand, slot by slot within each
    // slot's commitment, paid at the request's 50 JPY/kWh.
    private static void AssertCreditedByHand(DrPolicyOutcome wattbit, SimulationWorld world)
    {
        var request = Assert.Single(wattbit.Requests);
        var (from, to) = Steps(world, request.Request);
        var checkedSites = 0;
        foreach (var site in request.Sites.Where(s => s.CommittedMw > 0))
        {
            var s = Index(world, site.Site);
            // Outside the window the generator does not run: only the event's steps lose its part of the commitment.
            var draw = wattbit.With!.SiteGridMw[s].Select((v, t) => t >= from && t < to ? v - Math.Min(site.GeneratorSlotsMw[2 * (t - from)], v) : (double)v).ToArray();

            var baseline = HandBaseline(world, draw, from, to);
            var hours = to - from;
            double credited = 0, committed = 0;
            for (var t = from; t < to; t++)
            {
                // Two 30-minute slots per hour, each MW x 500 kWh, each credited within its own commitment.
                for (var k = 0; k < 2; k++)
                {
                    var slot = site.CommittedSlotsMw[(2 * (t - from)) + k] * 500;
                    credited += Math.Clamp((baseline[t - from] - draw[t]) * 500, 0, slot);
                    committed += slot;
                }
            }

            Assert.True(site.Computable, site.Why);
            Assert.Equal(2 * hours, site.CommittedSlotsMw.Count);
            Assert.Equal(committed, site.CommittedKwh, 1e-6);
            Assert.Equal(credited, site.CreditedKwh, 1e-3 * Math.Max(1, credited));
            Assert.Equal(committed - credited, site.ShortfallKwh, 1e-3 * Math.Max(1, credited));
            Assert.Equal(credited * 50, site.AmountYen, 0.05 * Math.Max(1, credited));
            checkedSites++;
        }

        Assert.True(checkedSites > 0);
    }

    // The ERAB baseline per step of the window, written out by hand from hourly draws (MW): the pool is the five weekdays
    // before the event day (June 2025 has no public holiday), none below 25 % of their mean, the High 4 of them by their
    // average over the event hours, plus the same-day adjustment over the hours from 4 h to 1 h before the event.
    private static double[] HandBaseline(SimulationWorld world, double[] draw, int from, int to)
    {
        const int PerDay = 24;
        var eventDay = from / PerDay;
        var pool = new List<int>();
        for (var d = eventDay - 1; pool.Count < 5; d--)
        {
            var dow = world.TimeAt(d * PerDay).ToOffset(Jst.Offset).DayOfWeek;
            if (dow is not DayOfWeek.Saturday and not DayOfWeek.Sunday)
            {
                pool.Add(d);
            }
        }

        var averages = pool.Select(d => Enumerable.Range(from - (eventDay * PerDay), to - from).Average(h => draw[(d * PerDay) + h])).ToArray();
        Assert.DoesNotContain(averages, a => a < 0.25 * averages.Average());
        var used = pool.Select((d, i) => (d, a: averages[i], i)).OrderByDescending(x => x.a).ThenBy(x => x.i).Take(4).Select(x => x.d).ToArray();
        double Profile(int t) => used.Average(d => draw[(d * PerDay) + (t - (eventDay * PerDay))]);
        var adjustment = Enumerable.Range(from - 4, 3).Average(t => draw[t] - Profile(t));
        return [.. Enumerable.Range(from, to - from).Select(t => Profile(t) + adjustment)];
    }

    private static (int From, int To) Steps(SimulationWorld world, DrRequest q) =>
        ((int)((q.Start - world.Scenario.Start) / world.Scenario.Step), (int)((q.End - world.Scenario.Start) / world.Scenario.Step));

    private static int Index(SimulationWorld world, string site)
    {
        for (var s = 0; s < world.Scenario.Sites.Count; s++)
        {
            if (world.Scenario.Sites[s].Id == site)
            {
                return s;
            }
        }

        throw new ArgumentException(site);
    }
}
