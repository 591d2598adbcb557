using System.Globalization;
using Microsoft.Playwright;

namespace WattBit.Dashboard.Tests;

/// <summary>
/// The demand-response view after a request's window (issue 19): the server runs on a fake clock that the test moves
/// past the window, the operator posts its meter, and the page's delivery table and per-slot baseline chart must show
/// the numbers computed here by the ERAB rule (High 4 of 5, same-day adjustment) from the readings the test wrote.
/// </summary>
public sealed class DemandResponseSettlementViewTests(ClockedDashboardFixture fixture) : IClassFixture<ClockedDashboardFixture>
{
    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static string Kwh(double kwh) => kwh.ToString("N0", CultureInfo.GetCultureInfo("en-GB"));

    [Fact]
    public async Task DemandResponse_AfterTheWindow_TheDeliveryTableAndSlotChartShowTheBaselineComputedInTheTest()
    {
        using var tso = fixture.Client("tso-tk");
        using var alpha = fixture.Client("dc-alpha");
        using var beta = fixture.Client("dc-beta");
        var today = new DateTimeOffset(2025, 11, 10, 0, 0, 0, Jst); // the fake clock starts at 12:10 JST, Monday
        var window = today.AddHours(15);
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(alpha, "api/sites/s-a1", new { area = "TK", itCapacityMw = 20.0, pue = 1.0 }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(beta, "api/sites/s-b1", new { area = "TK", itCapacityMw = 10.0, pue = 1.0 }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(alpha, "api/dr/offers", new[]
        {
            new { site = "s-a1", start = window, end = window.AddHours(1), direction = "down", mw = 5.0, noticeMinutes = 30, priceYenPerKwh = 20.0 },
        }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(beta, "api/dr/offers", new[]
        {
            new { site = "s-b1", start = window, end = window.AddHours(1), direction = "down", mw = 3.0, noticeMinutes = 30, priceYenPerKwh = 15.0 },
        }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(tso, "api/dr/requests",
            new { id = "settle-1", area = "TK", direction = "down", mw = 6.0, start = window, end = window.AddHours(1) }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(alpha, "api/dr/requests/settle-1/commitments", new { mw = 4.0 }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(beta, "api/dr/requests/settle-1/commitments", new { }));

        // Past the window on the server's clock; then the meters. alpha's s-a1 draws 4000 kWh a slot on every day but the
        // oldest pool weekday (Oct 31, 3000) and today, when it draws 4200 in the adjustment hours 11:00-14:00 and 2200 and
        // 2700 in the event slots. beta's s-b1 has no reading at 15:00 on Nov 5, a pool day.
        fixture.Time.Advance(TimeSpan.FromHours(4));
        var from = new DateTimeOffset(2025, 10, 31, 0, 0, 0, Jst);
        var until = today.AddHours(16);
        double AlphaKwh(DateTimeOffset t) =>
            t.Date == from.Date ? 3000 : t.Date != today.Date ? 4000 : t.Hour is >= 11 and < 14 ? 4200 : t == window ? 2200 : t == window.AddMinutes(30) ? 2700 : 4000;
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(alpha, "api/dr/sites/s-a1/meter", Meter(from, until, t => AlphaKwh(t))));
        var gap = new DateTimeOffset(2025, 11, 5, 15, 0, 0, Jst);
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(beta, "api/dr/sites/s-b1/meter", Meter(from, until, t => t == gap ? null : 1000)));

        // The oracle, by the guideline's rule written out here. The pool is the 5 weekdays before Nov 10 (Nov 3 is Culture
        // Day): Oct 31, Nov 4-7; High 4 of 5 keeps the 4 highest by their event-hour average: Nov 4-7.
        var pool = new[] { from, from.AddDays(4), from.AddDays(5), from.AddDays(6), from.AddDays(7) };
        var days = pool.OrderByDescending(d => (AlphaKwh(d.AddHours(15)) + AlphaKwh(d.AddHours(15.5))) / 2).Take(4).ToList();
        double Average(Func<DateTimeOffset, IEnumerable<DateTimeOffset>> slots) => days.Average(d => slots(d).Average(AlphaKwh));
        var slotTimes = new[] { window, window.AddMinutes(30) };
        // Same-day adjustment: today's actual less the baseline days' average over the 3 hours from 4 h to 1 h before the event.
        var adjustmentSlots = Enumerable.Range(0, 6).Select(i => window.AddHours(-4).AddMinutes(30 * i)).ToList();
        var adjustment = adjustmentSlots.Average(AlphaKwh) - Average(d => adjustmentSlots.Select(s => d + (s - today)));
        var baseline = slotTimes.Select(s => days.Average(d => AlphaKwh(d + (s - today))) + adjustment).ToArray();
        var actual = slotTimes.Select(AlphaKwh).ToArray();
        var committedPerSlot = 4.0 * 1000 * 0.5;
        var delivered = baseline.Zip(actual, (b, a) => b - a).ToArray();
        var credited = delivered.Sum(x => Math.Clamp(x, 0, committedPerSlot));
        var committed = committedPerSlot * slotTimes.Length;
        Assert.Equal(200, adjustment, 9); // the hand check: 4200 − 4000
        Assert.Equal(3500, credited, 9);

        var g = await fixture.OpenAsync();
        var page = g.Page;
        await page.ClickAsync("[data-view=dr]");
        await g.UseKeyAsync(ServerProcess.KeyOf("tso-tk"), "grid-operator");
        await page.ClickAsync("#dr-requests tr[data-request='settle-1']");
        await Expect(page.Locator("#dr-detail")).ToHaveAttributeAsync("data-committed-mw", "7.000");
        await Expect(page.Locator("#dr-commit")).ToBeHiddenAsync();
        await Expect(page.Locator("#dr-detail")).ToHaveAttributeAsync("data-committed-slots-mw", "7.000 7.000");
        await Expect(page.Locator("#dr-commitments tr[data-operator=alpha] td").Nth(3)).ToHaveTextAsync("4.00 · 4.00");
        await Expect(page.Locator("#dr-settlement-note")).ToHaveTextAsync($"credited {Kwh(credited)} kWh, paid {Kwh(credited * 20)} JPY");

        var a = page.Locator("#dr-delivery tr[data-operator=alpha][data-site='s-a1'] td");
        await Expect(a).ToHaveTextAsync(["alpha", "s-a1", Kwh(committed), Kwh(delivered.Sum()), Kwh(credited), Kwh(committed - credited), Kwh(credited * 20), "delivered less than committed (baseline − actual) in 15:30 1500 of 2000 kWh."]);
        var b = page.Locator("#dr-delivery tr[data-operator=beta][data-site='s-b1'] td");
        await Expect(b.Nth(2)).ToHaveTextAsync(Kwh(3.0 * 1000 * 0.5 * 2));
        await Expect(b.Nth(3)).ToHaveTextAsync("-");
        await Expect(b.Nth(6)).ToHaveTextAsync("not computable");
        await Expect(b.Nth(7)).ToContainTextAsync("2025-11-05T15:00");

        // The chart: alpha's site (the first that has slots), its baseline and actual per slot, drawn.
        var chart = page.Locator("#dr-slots");
        await Expect(chart).ToHaveAttributeAsync("data-site", "alpha/s-a1");
        await Expect(chart).ToHaveAttributeAsync("data-slots", "2");
        await Expect(chart).ToHaveAttributeAsync("data-baseline-kwh", string.Join(" ", baseline.Select(x => x.ToString("F3", CultureInfo.InvariantCulture))));
        await Expect(chart).ToHaveAttributeAsync("data-actual-kwh", string.Join(" ", actual.Select(x => x.ToString("F3", CultureInfo.InvariantCulture))));
        await Expect(chart).ToHaveAttributeAsync("data-committed-kwh", string.Join(" ", slotTimes.Select(_ => committedPerSlot.ToString("F3", CultureInfo.InvariantCulture))));
        await Expect(chart).ToHaveAttributeAsync("data-settled", "true");
        var box = await chart.Locator("canvas").First.BoundingBoxAsync();
        Assert.True(box is { Width: > 100, Height: > 100 }, $"the slot chart's canvas is not drawn: {box?.Width}x{box?.Height}");
        await Expect(page.Locator("#dr-slots-title")).ToContainTextAsync("alpha/s-a1");
        await g.ScreenshotAsync("dr-settlement");
        g.AssertClean();
    }

    /// <summary>Readings every 30 minutes over [from, to): <paramref name="kwh"/> gives each slot's value (null = missing).</summary>
    private static object Meter(DateTimeOffset from, DateTimeOffset to, Func<DateTimeOffset, double?> kwh)
    {
        var list = new List<object>();
        for (var t = from; t < to; t = t.AddMinutes(30))
        {
            list.Add(new { timestamp = t, kwh = kwh(t) });
        }

        return new { readings = list };
    }
}
