using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Planning.Planner;
using WattBit.Planning.Scenarios;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Planning.Tests.Scenarios;

/// <summary>
/// A flexible connection naming its substation plans on the forecast quantiles of the layer's headroom (hand-made here):
/// P10 at the default confidence 0.9, or the quantile the connection states.
/// </summary>
public sealed class ConnectionFromForecastTests
{
    private static readonly DateTimeOffset Start = new(2026, 4, 15, 6, 0, 0, Jst.Offset);

    // TK:甲 from 06:00 JST: P10 = 3, 6, 6, 6 MW; P50 = 5, 7, 7, 7; P90 = 9 every hour. The layer itself (50 MW N-0 and N-1,
    // so no ③ extra) is not what a flexible connection plans on once the forecast is given.
    private static readonly HeadroomQuantiles[] Hours =
        [.. Enumerable.Range(0, 4).Select(h => new HeadroomQuantiles(Start.AddHours(h), h == 0 ? 3 : 6, h == 0 ? 5 : 7, 9))];

    private static HeadroomTable Layer() => new(
        new HeadroomLayerInfo("test-layer", true, "hand-made", Start, 4),
        [(new Substation("TK:甲", "甲", null, 275, new GeoPoint(35.7, 139.7)), HeadroomSource.Model,
            Enumerable.Range(0, 4).Select(i => new HeadroomHour(Start.AddHours(i), 50, 50, "甲線 1L", "甲線 1L")))]);

    private sealed class HandForecast(IReadOnlyList<HeadroomQuantiles> hours) : IHeadroomForecast
    {
        public IReadOnlyList<HeadroomQuantiles> Forecast(string substationId, TimeWindow window) =>
            substationId == "TK:甲" ? [.. hours.Where(h => window.Contains(h.Start))] : throw new UnknownSubstationException(substationId);
    }

    // One 4 MW job of an hour, cleanest in the first hour (100 g/kWh, then 500), PUE 1.
    private static string Scenario(string connection) => $$"""
        start: 2026-04-15T06:00:00+09:00
        horizon_hours: 4
        signals:
          TK: { price_yen_per_kwh: 10, carbon_g_per_kwh: [100, 500, 500, 500] }
        sites:
          - { id: a, area: TK, it_capacity_mw: 10, pue: 1.0, connection: {{connection}} }
        workloads:
          - { id: j, kind: batch, power_kw: 4000, duration_h: 1, release_h: 0, deadline_h: 4, interruptible: false }
        """;

    private static Scenario Read(string connection, IHeadroomForecast? forecast) => ScenarioReader.Parse(Scenario(connection), "s.yaml", Layer(), forecast);

    [Fact]
    public void Flexible_OnTheForecast_HasItsQuantiles_AndPlansOnP10AtTheDefaultConfidence()
    {
        var scenario = Read("{ kind: flexible, substation: TK:甲 }", new HandForecast(Hours));
        var c = scenario.Problem.Sites[0].Connection;
        Assert.Equal("TK:甲", c.Substation);
        // The limit at confidence c is the (1 - c) quantile: P10 at 0.9, P50 at 0.5.
        Assert.Equal([3.0, 6, 6, 6], Enumerable.Range(0, 4).Select(h => c.LimitAt(Start.AddHours(h), 0.9, includeN1: false, Jst.Offset).Megawatts));
        Assert.Equal([5.0, 7, 7, 7], Enumerable.Range(0, 4).Select(h => c.LimitAt(Start.AddHours(h), 0.5, includeN1: false, Jst.Offset).Megawatts));

        // At confidence 0.9 the first hour's limit is P10 = 3 MW < 4 MW: the job waits for 07:00 (P10 = 6 MW).
        var plan = new OptimisingPlanner(TimeProvider.System, Timeout.InfiniteTimeSpan).Plan(scenario.Problem);
        var job = Assert.Single(plan.Jobs);
        Assert.Equal([new TimeWindow(Start.AddHours(1), Start.AddHours(2))], job.Runs);
        Assert.Equal(3, plan.Sites[0].LimitMw[0], 9);
    }

    [Fact]
    public void Flexible_WithAStatedQuantile_PlansOnIt()
    {
        // P50 = 5 MW in the first hour: the job runs there, where carbon is lowest.
        var scenario = Read("{ kind: flexible, substation: TK:甲, quantile: 0.5 }", new HandForecast(Hours));
        Assert.Equal(5, scenario.Problem.Sites[0].Connection.LimitAt(Start, 0.9, includeN1: false, Jst.Offset).Megawatts);
        var plan = new OptimisingPlanner(TimeProvider.System, Timeout.InfiniteTimeSpan).Plan(scenario.Problem);
        Assert.Equal([new TimeWindow(Start, Start.AddHours(1))], Assert.Single(plan.Jobs).Runs);
    }

    [Fact]
    public void Quantile_WithoutAForecast_OrNotP10P50P90_OrAnHourUnforecast_IsAnErrorAtTheField()
    {
        var none = Assert.Throws<InputFormatException>(() => Read("{ kind: flexible, substation: TK:甲, quantile: 0.1 }", null));
        Assert.Contains("connection.quantile", none.Message, StringComparison.Ordinal);
        var odd = Assert.Throws<InputFormatException>(() => Read("{ kind: flexible, substation: TK:甲, quantile: 0.3 }", new HandForecast(Hours)));
        Assert.Contains("0.1, 0.5 or 0.9", odd.Message, StringComparison.Ordinal);
        var gap = Assert.Throws<InputFormatException>(() => Read("{ kind: flexible, substation: TK:甲 }", new HandForecast(Hours[..3])));
        Assert.Contains("no forecast of its headroom at 2026-04-15T09:00:00+09:00", gap.Message, StringComparison.Ordinal);
    }
}
