using WattBit.Formats;
using WattBit.Planning.Flexibility;
using WattBit.Simulation.DemandResponse;
using WattBit.Simulation.Engine;
using WattBit.Workloads;

namespace WattBit.Simulation.Tests;

/// <summary>
/// Requests to raise consumption (上げDR, decision 0196) in the simulator, on a case small enough to compute by hand: one
/// site in Tokyo (3 MW IT, PUE 1.25, a firm 10 MW connection, no battery) serving 1 MW of inference at every hour, and
/// one 1 MW batch job of 2 hours released at 08:00 on Wednesday 18 June 2025 with a deadline of 18:00. The surplus request
/// asks 1 MW more from 08:00 to 10:00 that day.
/// </summary>
public sealed class DrUpRequestTests
{
    private const string Yaml = """
        name: dr-up
        data:
          synthetic: 2025
        period:
          start: 2025-06-02
          end: 2025-06-21
        step: 1h
        seed: 3
        forecast_error: 0
        sites:
          - id: solo
            area: TK
            lat: 35.7
            lon: 139.7
            it_mw: 3
            pue: 1.25
            connection: {kind: firm, mw: 10}
        workload:
          target_mw: 1
        demand_response:
          requests:
            - id: surplus-up
              kind: surplus
              area: TK
              start: 2025-06-18T08:00+09:00
              end: 2025-06-18T10:00+09:00
              issued: 2025-06-17T17:00+09:00
              mw: 1
              price_yen_per_kwh: 20
        policies: [wattbit]
        """;

    private static readonly Lazy<(SimulationResult Result, DrSimulationResult Dr, int Window)> s_run = new(() =>
    {
        var scenario = TestScenarios.Parse(Yaml);
        var world = TestScenarios.World(scenario);
        var window = (int)(DateTimeOffset.Parse("2025-06-18T08:00+09:00", System.Globalization.CultureInfo.InvariantCulture) - scenario.Start).TotalHours;
        var jobs = new JobSet(1);
        jobs.Release[0] = window;
        jobs.Deadline[0] = window + 10;
        jobs.Duration[0] = 2;
        jobs.PowerMw[0] = 1;
        jobs.Home[0] = 0;
        jobs.Kind[0] = WorkloadKind.Batch;
        var inference = new[] { Enumerable.Repeat(1.0, world.Steps).ToArray() };
        var result = Simulator.Run(world, new SimulatedWorkload(jobs, inference), TimeProvider.System);
        return (result, DrSimulation.Run(result, _ => false, TimeProvider.System), window);
    });

    [Fact]
    public void UpRequest_PullsTheLaterJobIntoTheWindow_AndTheErabBaselineCreditsTheCommitment()
    {
        var (result, dr, window) = s_run.Value;
        var wattbit = Assert.Single(dr.Policies);
        var without = wattbit.Without;
        var placed = Assert.Single(without.JobPieces);
        Assert.True(placed.From >= window + 2, $"the case needs the job placed after the window without the request; it starts at step {placed.From}");

        // By hand: every day draws 1 MW x 1.25 = 1.25 MW in the window's hours and in the adjustment hours (04:00-07:00),
        // so the High 4 of 5 baseline is 1.25 MW (625 kWh a slot) with no adjustment and no gap. The job offers 1.25 MW
        // at the grid (nothing else: no battery); 1 MW is committed; the floor is 1.25 + 1 = 2.25 MW, so the job starts at
        // 08:00 and the site draws 2.5 MW: 1250 kWh a slot, 625 above the baseline, credited up to the 500 committed.
        var request = Assert.Single(wattbit.Requests);
        Assert.Equal(FlexDirection.Up, request.Request.Direction);
        var site = Assert.Single(request.Sites);
        Assert.Equal(1.25, site.WorkMw, 1e-6);
        Assert.Equal(0, site.BatteryMw, 1e-9);
        Assert.Equal(0, site.BaselineGapMw, 1e-6);
        Assert.Equal(1, site.CommittedMw, 1e-9);
        Assert.True(site.Computable, site.Why);
        Assert.Equal(4 * 625, site.BaselineKwh, 1e-3);
        Assert.Equal(4 * 1250, site.ActualKwh, 1e-3);
        Assert.Equal(4 * 500, site.CreditedKwh, 1e-3);
        Assert.Equal(0, site.ShortfallKwh, 1e-3);
        Assert.Equal(4 * 500 * 20, site.AmountYen, 1e-2);
        Assert.Equal(2 * 1.25 * 1000, site.WithoutRequestKwh, 1e-3);

        var pulled = Assert.Single(wattbit.With!.JobPieces);
        Assert.Equal(window, pulled.From);
        Assert.Equal(window + 2, pulled.To);
        Assert.Equal(2.5, wattbit.With.SiteGridMw[0][window], 1e-4);
        Assert.Equal(1.25, wattbit.With.SiteGridMw[0][placed.From], 1e-4);

        var up = wattbit.In(FlexDirection.Up);
        Assert.Equal((1, 2.0, 2.0, 2.0), (up.Requests, up.RequestedMwh, up.CommittedMwh, up.CreditedMwh));
        Assert.Equal(0, wattbit.In(FlexDirection.Down).Requests);
        _ = result;
    }

    [Fact]
    public void Report_ShowsRequestedCommittedAndDeliveredPerDirection()
    {
        var lines = DrReport.Lines(s_run.Value.Dr);
        Assert.Contains(lines, l => l.Contains("up (上げDR): 1 requests, requested 2.0 MWh, committed 2.0, delivered 2.0 by the ERAB baseline", StringComparison.Ordinal));
        var html = DrReport.Html(s_run.Value.Dr);
        Assert.Contains("<td>up (上げDR)</td>", html, StringComparison.Ordinal);
        // The request's row: 1 MW committed in each of its four 30-minute slots, 2 MWh.
        Assert.Contains("<td>1.0</td><td>1-1</td><td>2.0</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Surplus_OneUpRequestPerCurtailedDayOverItsCurtailedHours_IssuedTheDayBefore()
    {
        var world = s_run.Value.Result.World;
        var ky = world.AreaCodes.ToList().IndexOf("KY");
        var curtailed = world.CurtailedMw[ky];
        var requests = DrSimulation.Requests(world, new DrSpec([], Surplus: new DrSurplus("KY", 0, 3, 5, 16)));
        var days = Enumerable.Range(0, world.Steps / 24).Where(d => Enumerable.Range(d * 24, 24).Any(t => curtailed[t] > 0)).ToList();
        Assert.NotEmpty(days);
        Assert.Equal(days.Count, requests.Count);
        foreach (var (day, q) in days.Zip(requests))
        {
            var hours = Enumerable.Range(day * 24, 24).Where(t => curtailed[t] > 0).ToList();
            Assert.Equal(world.TimeAt(hours[0]), q.Start);
            Assert.Equal(world.TimeAt(hours[^1] + 1), q.End);
            Assert.Equal(world.TimeAt(day * 24).AddHours(-8), q.IssuedAt);
            Assert.Equal((DrRequestKind.Surplus, FlexDirection.Up, 5.0), (q.Kind, q.Direction, q.PriceYenPerKwh!.Value));
        }
    }

    [Fact]
    public void UnknownDirection_IsRefusedWithItsLine()
    {
        var ex = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(Yaml.Replace("kind: surplus", "kind: surplus\n      direction: sideways", StringComparison.Ordinal)));
        Assert.Contains("unknown direction 'sideways' (known: down, up)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("test.yaml", ex.Message, StringComparison.Ordinal);
    }
}
