using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>A server of its own for the demand-response tests: they move its clock past a request's window.</summary>
public sealed class DrServer : IAsyncLifetime
{
    public TestServer Server { get; } = new();

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// Demand response on the server (issue 19, decision 0143): the grid operator of an area posts a request, DC operators
/// with sites there see it, answer from their published offers and commit, post meter readings, and the settlement
/// follows the ERAB baseline per slot (hand-computed below). Each role sees what it may; bad input is a 400 naming the field.
/// </summary>
public sealed class DemandResponseApiTests(DrServer fixture) : IClassFixture<DrServer>
{
    private static readonly DateTimeOffset Today = new(2025, 11, 10, 0, 0, 0, Jst.Offset); // TestServer.Now is 12:10 JST, a Monday

    internal static async Task SiteAsync(HttpClient dc, string id, string area, double itMw)
    {
        var r = await dc.PutJsonAsync($"/api/sites/{id}", new { area, itCapacityMw = itMw, pue = 1.0 });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    private static object Offer(string site, DateTimeOffset start, int hours, string direction, double mw, int notice, double price) =>
        new { site, start, end = start.AddHours(hours), direction, mw, noticeMinutes = notice, priceYenPerKwh = price };

    /// <summary>Readings every 30 minutes over [from, to): <paramref name="kwh"/> gives each slot's value (null = missing).</summary>
    internal static object Meter(DateTimeOffset from, DateTimeOffset to, Func<DateTimeOffset, double?> kwh)
    {
        var list = new List<object>();
        for (var t = from; t < to; t = t.AddMinutes(30))
        {
            list.Add(new { timestamp = t, kwh = kwh(t) });
        }

        return new { readings = list };
    }

    [Fact]
    public async Task RequestCommitMeterSettle_PerRole_SettlesAlphaAtTheHandComputedBaseline_AndBetasGapIsNotComputable()
    {
        var server = fixture.Server;
        var tso = server.Client("tso-tk");
        var alpha = server.Client("dc-alpha");
        var beta = server.Client("dc-beta");
        var gamma = server.Client("dc-gamma");
        await SiteAsync(alpha, "a1", "TK", 20);
        await SiteAsync(beta, "b1", "TK", 10);
        await SiteAsync(gamma, "g1", "KY", 10);

        // Offers for 15:00-16:00 today: alpha 5 MW down at 20 JPY/kWh, beta 3 MW down at 15, gamma in another area.
        var window = Today.AddHours(15);
        await (await alpha.PostAsJsonAsync("/api/dr/offers", new[] { Offer("a1", window, 1, "down", 5, 30, 20), Offer("a1", window, 1, "up", 2, 30, 5) })).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/dr/offers", new[] { Offer("b1", window, 1, "down", 3, 60, 15) })).OkJsonAsync(201);
        await (await gamma.PostAsJsonAsync("/api/dr/offers", new[] { Offer("g1", window, 1, "down", 9, 0, 1) })).OkJsonAsync(201);
        Assert.Equal(2, (await (await alpha.GetAsync("/api/dr/offers")).OkJsonAsync()).GetArrayLength());
        Assert.Equal(3, (await (await tso.GetAsync("/api/dr/offers")).OkJsonAsync()).GetArrayLength()); // TK's: alpha's two, beta's one

        // Only TK's grid operator asks in TK.
        var request = new { id = "r1", area = "TK", direction = "down", mw = 6.0, start = window, end = window.AddHours(1) };
        await (await server.Client("tso-kn").PostAsJsonAsync("/api/dr/requests", request)).ProblemAsync(403);
        await (await alpha.PostAsJsonAsync("/api/dr/requests", request)).ProblemAsync(403);
        var posted = await (await tso.PostAsJsonAsync("/api/dr/requests", request)).OkJsonAsync(201);
        Assert.Equal("TK", posted.GetProperty("area").GetString());
        await (await tso.PostAsJsonAsync("/api/dr/requests", request)).ProblemAsync(409);

        // Seen by TK's grid operator and the operators with sites in TK; not by gamma (KY only) or a viewer.
        Assert.Equal("r1", Assert.Single((await (await alpha.GetAsync("/api/dr/requests")).OkJsonAsync()).EnumerateArray()).GetProperty("id").GetString());
        Assert.Empty((await (await gamma.GetAsync("/api/dr/requests")).OkJsonAsync()).EnumerateArray());
        await (await gamma.GetAsync("/api/dr/requests/r1")).ProblemAsync(404);
        await (await server.Client("viewer").GetAsync("/api/dr/requests")).ProblemAsync(403);

        // Answers come from each operator's own offers in the direction asked, with the notice the request gives (2 h 50).
        var answer = await (await alpha.GetAsync("/api/dr/requests/r1/answer")).OkJsonAsync();
        Assert.Equal(5, answer.GetProperty("availableMw").GetDouble(), 9);
        var a1 = Assert.Single(answer.GetProperty("sites").EnumerateArray());
        Assert.Equal(5, a1.GetProperty("mw").GetDouble(), 9);
        Assert.Contains("5 MW of the 6 MW", answer.GetProperty("note").GetString(), StringComparison.Ordinal);
        await (await gamma.GetAsync("/api/dr/requests/r1/answer")).ProblemAsync(404);

        // alpha commits 4 of its 5 MW, beta all it has; once each.
        var committed = await (await alpha.PostAsJsonAsync("/api/dr/requests/r1/commitments", new { mw = 4.0 })).OkJsonAsync(201);
        Assert.Equal(4, committed.GetProperty("mw").GetDouble(), 9);
        await (await alpha.PostAsJsonAsync("/api/dr/requests/r1/commitments", new { mw = 1.0 })).ProblemAsync(409);
        await (await beta.PostAsJsonAsync("/api/dr/requests/r1/commitments", new { })).OkJsonAsync(201);
        await (await tso.PostAsJsonAsync("/api/dr/requests/r1/commitments", new { })).ProblemAsync(403);

        var tsoView = await (await tso.GetAsync("/api/dr/requests/r1")).OkJsonAsync();
        Assert.Equal(7, tsoView.GetProperty("committedMw").GetDouble(), 9);
        Assert.Equal(2, tsoView.GetProperty("commitments").GetArrayLength());
        var alphaView = await (await alpha.GetAsync("/api/dr/requests/r1")).OkJsonAsync();
        Assert.Equal("alpha", Assert.Single(alphaView.GetProperty("commitments").EnumerateArray()).GetProperty("operator").GetString());
        await (await tso.GetAsync("/api/dr/requests/r1/settlement")).ProblemAsync(409); // the window has not ended

        // After the window (16:10), the meters. alpha's a1: 4000 kWh per slot on every day, except Oct 31 (the oldest
        // weekday of the pool Oct 31, Nov 4-7; Nov 3 is Culture Day) at 3000, and today 4200 in 11:00-14:00 (the same-day
        // adjustment window), 2200 at 15:00 and 2700 at 15:30. High 4 of 5 = Nov 4-7: 4000; adjustment +200: baseline 4200.
        // Delivered 2000 and 1500 kWh against 4 MW × 0.5 h = 2000 per slot: credited 3500 kWh, shortfall 500, 3500 × 20 JPY.
        server.Time.Advance(TimeSpan.FromHours(4));
        var from = new DateTimeOffset(2025, 10, 31, 0, 0, 0, Jst.Offset);
        var until = Today.AddHours(16);
        await (await alpha.PostAsJsonAsync("/api/dr/sites/a1/meter", Meter(from, until, t =>
            t.Date == from.Date ? 3000
            : t.Date != Today.Date ? 4000
            : t.Hour is >= 11 and < 14 ? 4200
            : t == window ? 2200
            : t == window.AddMinutes(30) ? 2700
            : 4000))).OkJsonAsync(201);
        // beta's b1 has no reading at 15:00 on Nov 5, a pool day: its baseline is not computable, never zero.
        await (await beta.PostAsJsonAsync("/api/dr/sites/b1/meter", Meter(from, until, t => t == new DateTimeOffset(2025, 11, 5, 15, 0, 0, Jst.Offset) ? null : 1000))).OkJsonAsync(201);

        var settlement = await (await tso.GetAsync("/api/dr/requests/r1/settlement")).OkJsonAsync();
        var ops = settlement.GetProperty("operators").EnumerateArray().ToDictionary(o => o.GetProperty("operator").GetString()!);
        var alphaSettled = ops["alpha"];
        Assert.Equal("settled", alphaSettled.GetProperty("status").GetString());
        Assert.Equal(4000, alphaSettled.GetProperty("committedKwh").GetDouble(), 6);
        Assert.Equal(3500, alphaSettled.GetProperty("creditedKwh").GetDouble(), 6);
        Assert.Equal(500, alphaSettled.GetProperty("shortfallKwh").GetDouble(), 6);
        Assert.Equal(70_000, alphaSettled.GetProperty("amountYen").GetDouble(), 6);
        var site = Assert.Single(alphaSettled.GetProperty("sites").EnumerateArray());
        Assert.Equal(200, site.GetProperty("adjustmentKwh").GetDouble(), 6);
        Assert.Equal(["2025-11-04", "2025-11-05", "2025-11-06", "2025-11-07"], site.GetProperty("baselineDays").EnumerateArray().Select(d => d.GetString()!).Order());
        var slots = site.GetProperty("slots").EnumerateArray().ToList();
        Assert.Equal([4200.0, 4200.0], slots.Select(s => Math.Round(s.GetProperty("baselineKwh").GetDouble(), 6)));
        Assert.Equal([2000.0, 1500.0], slots.Select(s => Math.Round(s.GetProperty("deliveredKwh").GetDouble(), 6)));
        Assert.Equal([0.0, 500.0], slots.Select(s => Math.Round(s.GetProperty("shortfallKwh").GetDouble(), 6)));
        Assert.Contains("15:30", site.GetProperty("why").GetString(), StringComparison.Ordinal);

        var betaSettled = ops["beta"];
        Assert.Equal("not computable", betaSettled.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, betaSettled.GetProperty("amountYen").ValueKind);
        Assert.Contains("2025-11-05T15:00", Assert.Single(betaSettled.GetProperty("sites").EnumerateArray()).GetProperty("why").GetString(), StringComparison.Ordinal);
        Assert.Equal(3500, settlement.GetProperty("creditedKwh").GetDouble(), 6);
        Assert.Equal(70_000, settlement.GetProperty("amountYen").GetDouble(), 6);

        // alpha sees only its own settlement.
        var own = await (await alpha.GetAsync("/api/dr/requests/r1/settlement")).OkJsonAsync();
        Assert.Equal("alpha", Assert.Single(own.GetProperty("operators").EnumerateArray()).GetProperty("operator").GetString());

        // A stored slot cannot be changed (409, nothing stored); the same value again is accepted.
        await (await alpha.PostAsJsonAsync("/api/dr/sites/a1/meter", Meter(window, window.AddMinutes(30), _ => 9))).ProblemAsync(409);
        await (await alpha.PostAsJsonAsync("/api/dr/sites/a1/meter", Meter(window, window.AddMinutes(30), _ => 2200))).OkJsonAsync(201);
        await (await alpha.PostAsJsonAsync("/api/dr/sites/b1/meter", Meter(window, window.AddMinutes(30), _ => 1))).ProblemAsync(404); // beta's site

        // The audit log: TK's grid operator sees its area's requests, offers and commitments (no meter data), alpha its own.
        var audit = await (await tso.GetAsync("/api/dr/audit")).OkJsonAsync();
        var kinds = audit.EnumerateArray().Select(l => l.GetProperty("kind").GetString()).ToList();
        Assert.Contains("request-posted", kinds);
        Assert.Equal(2, kinds.Count(k => k == "committed"));
        Assert.DoesNotContain("meter-posted", kinds);
        Assert.All((await (await alpha.GetAsync("/api/dr/audit")).OkJsonAsync()).EnumerateArray(), l => Assert.Equal("alpha", l.GetProperty("operator").GetString()));
    }

    [Fact]
    public async Task BadInput_Is400NamingTheField_AndNothingIsStored()
    {
        var server = fixture.Server;
        var tso = server.Client("tso-tk");
        var now = server.Time.GetUtcNow().ToOffset(Jst.Offset);
        var nextDay = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, Jst.Offset).AddDays(1);
        async Task Bad(HttpClient c, string url, object body, string field)
        {
            var p = await (await c.PostAsJsonAsync(url, body)).ProblemAsync(400);
            Assert.True(p.GetProperty("errors").TryGetProperty(field, out _), $"expected an error on '{field}': {p}");
        }

        await Bad(tso, "/api/dr/requests", new { id = "past", area = "TK", direction = "down", mw = 5, start = now.AddHours(-2), end = now.AddHours(-1) }, "start");
        await Bad(tso, "/api/dr/requests", new { id = "slot", area = "TK", direction = "down", mw = 5, start = nextDay.AddHours(10).AddMinutes(10), end = nextDay.AddHours(11) }, "start");
        await Bad(tso, "/api/dr/requests", new { id = "night", area = "TK", direction = "down", mw = 5, start = nextDay.AddHours(23), end = nextDay.AddHours(25) }, "end");
        await Bad(tso, "/api/dr/requests", new { id = "zero", area = "TK", direction = "up", mw = 0, start = nextDay.AddHours(10), end = nextDay.AddHours(11) }, "mw");
        await Bad(tso, "/api/dr/requests", new { id = "where", area = "XX", direction = "up", mw = 1, start = nextDay.AddHours(10), end = nextDay.AddHours(11) }, "area");
        await (await tso.PostRawAsync("/api/dr/requests", "{\"id\":\"dir\",\"area\":\"TK\",\"direction\":\"sideways\",\"mw\":1,\"start\":\"2030-01-01T10:00:00+09:00\",\"end\":\"2030-01-01T11:00:00+09:00\"}")).ProblemAsync(400);
        Assert.DoesNotContain((await (await tso.GetAsync("/api/dr/requests")).OkJsonAsync()).EnumerateArray(),
            r => r.GetProperty("id").GetString() is "past" or "slot" or "night" or "zero" or "where" or "dir");

        var delta = server.Client("dc-gamma");
        await SiteAsync(delta, "g9", "KY", 2);
        await Bad(delta, "/api/dr/offers", new[] { Offer("g9", nextDay.AddHours(9), 1, "down", 1, 15, 10), Offer("a1", nextDay.AddHours(9), 1, "down", 1, 15, 10) }, "[1].site");
        await Bad(delta, "/api/dr/offers", new[] { Offer("g9", nextDay.AddHours(9), 1, "down", 3, 15, 10) }, "[0].mw"); // above 2 MW × PUE 1
        await Bad(delta, "/api/dr/offers", new[] { Offer("g9", now.AddHours(-3), 1, "down", 1, 15, 10) }, "[0].start");
        Assert.DoesNotContain((await (await delta.GetAsync("/api/dr/offers")).OkJsonAsync()).EnumerateArray(), o => o.GetProperty("site").GetString() == "g9");

        var slot = nextDay.AddDays(-3);
        await Bad(delta, "/api/dr/sites/g9/meter", new { readings = new[] { new { timestamp = slot, kwh = (double?)1 }, new { timestamp = slot, kwh = (double?)2 } } }, "readings[1].timestamp");
        await Bad(delta, "/api/dr/sites/g9/meter", new { readings = new[] { new { timestamp = slot.AddMinutes(10), kwh = (double?)1 } } }, "readings[0].timestamp");
        await Bad(delta, "/api/dr/sites/g9/meter", new { readings = new[] { new { timestamp = slot, kwh = (double?)-1 } } }, "readings[0].kwh");
        await Bad(delta, "/api/dr/sites/g9/meter", new { readings = new[] { new { timestamp = nextDay.AddDays(1), kwh = (double?)1 } } }, "readings[0].timestamp"); // not ended
    }
}
