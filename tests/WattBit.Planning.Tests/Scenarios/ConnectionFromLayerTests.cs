using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Planning.Scenarios;
using WattBit.Sites;

namespace WattBit.Planning.Tests.Scenarios;

/// <summary>A site's connection naming its substation reads its limits from the headroom layer (hand-made here).</summary>
public sealed class ConnectionFromLayerTests
{
    private static readonly TimeSpan Jst = WattBit.Time.Jst.Offset;
    private static readonly DateTimeOffset Day = new(2026, 4, 15, 0, 0, 0, Jst);

    // Two days of TK:甲: N-1 = 40 + h on day 1 and 30 + h on day 2 (JST hour h), N-0 = N-1 + 25, one limiting line.
    // Firm = 30 (day 2, hour 0); profile = 30 + h; ③ extra = least N-0 (55) - firm (30) = 25.
    private static HeadroomTable Layer(int hoursOnDay2 = 24) => new(
        new HeadroomLayerInfo("test-layer", true, "hand-made", Day, 48),
        [(new Substation("TK:甲", "甲", null, 275, new GeoPoint(35.7, 139.7)), HeadroomSource.Model,
            Enumerable.Range(0, 24 + hoursOnDay2).Select(i => new HeadroomHour(Day.AddHours(i), (i < 24 ? 40 : 30) + (i % 24) + 25, (i < 24 ? 40 : 30) + (i % 24), "甲線 1L", "乙線 1L")))]);

    private static string Scenario(string connection) => $$"""
        start: 2026-04-15T06:00:00+09:00
        horizon_hours: 4
        signals:
          TK: { price_yen_per_kwh: 10, carbon_g_per_kwh: 450 }
        sites:
          - id: a
            area: TK
            it_capacity_mw: 10
            connection: {{connection}}
        workloads:
          - { id: j, kind: batch, power_kw: 1000, duration_h: 2, release_h: 0, deadline_h: 4 }
        """;

    private static GridConnection Connection(string yaml, IHeadroomLayer? layer) =>
        ScenarioReader.Parse(Scenario(yaml), "s.yaml", layer).Problem.Sites[0].Connection;

    [Fact]
    public void Firm_IsTheLeastN1OfTheLayer_WithTheCurtailableExtraAsN1()
    {
        var c = Connection("{ kind: firm, substation: TK:甲 }", Layer());
        Assert.Equal("TK:甲", c.Substation);
        Assert.Equal(30, c.Firm.Megawatts);
        Assert.Equal(25, c.N1!.Extra.Megawatts);
        Assert.Equal(55, c.LimitAt(Day.AddHours(6), 0.5, includeN1: true, Jst).Megawatts);
    }

    [Fact]
    public void TypedValues_OverrideTheLayer()
    {
        var c = Connection("{ kind: firm, substation: TK:甲, mw: 12, n1_extra_mw: 3 }", Layer());
        Assert.Equal((12.0, 3.0), (c.Firm.Megawatts, c.N1!.Extra.Megawatts));
        Assert.Equal("TK:甲", c.Substation);
    }

    [Fact]
    public void Provisional_IsTheLayersProfileByJstHour()
    {
        var c = Connection("{ kind: provisional, substation: TK:甲 }", Layer());
        Assert.Equal(Enumerable.Range(0, 24).Select(h => 30.0 + h), c.Profile!);
        Assert.Equal(37, c.LimitAt(Day.AddHours(7), 0.5, includeN1: false, Jst).Megawatts);
    }

    [Fact]
    public void Flexible_FollowsTheLayersN1HourByHourOverTheHorizon()
    {
        var c = Connection("{ kind: flexible, substation: TK:甲 }", Layer());
        Assert.Equal([46.0, 47, 48, 49], Enumerable.Range(6, 4).Select(h => c.LimitAt(Day.AddHours(h), 0.5, includeN1: false, Jst).Megawatts));
    }

    [Fact]
    public void Flexible_WithAnHourTheLayerLacks_IsAnErrorNamingIt_NeverZero()
    {
        var text = Scenario("{ kind: flexible, substation: TK:甲 }").Replace("2026-04-15T06:00", "2026-04-16T22:00", StringComparison.Ordinal);
        var ex = Assert.Throws<InputFormatException>(() => ScenarioReader.Parse(text, "s.yaml", Layer(hoursOnDay2: 23)));
        Assert.Contains("no headroom data at 2026-04-16T23:00:00+09:00", ex.Message, StringComparison.Ordinal);
        Assert.Contains("headroom_mw", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamedSubstation_WithoutALayer_OrUnknown_IsAnErrorAtTheField()
    {
        var none = Assert.Throws<InputFormatException>(() => Connection("{ kind: firm, substation: TK:甲 }", null));
        Assert.Equal(9, none.Line);
        Assert.Contains("headroom layer", none.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<InputFormatException>(() => Connection("{ kind: firm, substation: TK:乙 }", Layer()));
        Assert.Contains("'TK:乙' is not a substation of the headroom layer (test-layer)", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamedSubstations_AreListedWithTheScenarioHours_BeforeParsing()
    {
        var (ids, window) = ScenarioReader.NamedSubstations(Scenario("{ kind: firm, substation: TK:甲 }"));
        Assert.Equal(["TK:甲"], ids);
        Assert.Equal(new DateTimeOffset(2026, 4, 15, 6, 0, 0, Jst), window!.Value.Start);
        Assert.Equal(TimeSpan.FromHours(4), window.Value.End - window.Value.Start);
        Assert.Empty(ScenarioReader.NamedSubstations("start: [").Substations);
    }
}
