using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>
/// The aggregator role (decision 0149): DC operators contract sites with an aggregator; the aggregator posts requests to
/// those sites only, and sees their offers, commitments and delivery, never other operators' or other sites'. Every role's
/// forbidden paths are checked; the settlement is hand-computed.
/// </summary>
public sealed class DrAggregatorApiTests(DrServer fixture) : IClassFixture<DrServer>
{
    private static readonly DateTimeOffset Today = new(2025, 11, 10, 0, 0, 0, Jst.Offset); // TestServer.Now is 12:10 JST, a Monday

    private static object Offer(string site, DateTimeOffset start, string direction, double mw, double price) =>
        new { site, start, end = start.AddHours(1), direction, mw, noticeMinutes = 30, priceYenPerKwh = price };

    private static List<string> Ids(JsonElement list) => [.. list.EnumerateArray().Select(r => r.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)];

    private static List<string> Sites(JsonElement commitments) =>
        [.. commitments.EnumerateArray().SelectMany(c => c.GetProperty("sites").EnumerateArray().Select(s => c.GetProperty("operator").GetString() + "/" + s.GetProperty("site").GetString()))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Aggregator_AsksOnlyItsContractedSites_AndSeesOnlyTheirCommitmentsAndDelivery_PerRole()
    {
        var server = fixture.Server;
        var (tso, alpha, beta, gamma) = (server.Client("tso-tk"), server.Client("dc-alpha"), server.Client("dc-beta"), server.Client("dc-gamma"));
        var (north, south) = (server.Client("agg-north"), server.Client("agg-south")); // aggregators
        await DemandResponseApiTests.SiteAsync(alpha, "a1", "TK", 20);
        await DemandResponseApiTests.SiteAsync(alpha, "a2", "TK", 10);
        await DemandResponseApiTests.SiteAsync(beta, "b1", "TK", 10);
        await DemandResponseApiTests.SiteAsync(gamma, "g1", "KY", 10);

        // Contracts: alpha's a1 with north (again: 200, the same contract), beta's b1 with south; one aggregator per site.
        var contract = await (await alpha.PutAsync("/api/dr/contracts/north/sites/a1", null)).OkJsonAsync(201);
        Assert.Equal("TK", contract.GetProperty("area").GetString());
        await (await alpha.PutAsync("/api/dr/contracts/north/sites/a1", null)).OkJsonAsync(200);
        await (await alpha.PutAsync("/api/dr/contracts/south/sites/a1", null)).ProblemAsync(409);
        await (await beta.PutAsync("/api/dr/contracts/south/sites/b1", null)).OkJsonAsync(201);
        // Forbidden or not found: another operator's site, an aggregator or grid operator signing, a bad aggregator id.
        await (await alpha.PutAsync("/api/dr/contracts/north/sites/b1", null)).ProblemAsync(404);
        await (await north.PutAsync("/api/dr/contracts/north/sites/a1", null)).ProblemAsync(403);
        await (await tso.PutAsync("/api/dr/contracts/north/sites/a1", null)).ProblemAsync(403);
        await (await alpha.PutAsync("/api/dr/contracts/no%20pe/sites/a1", null)).ProblemAsync(400);
        Assert.Equal(["a1"], (await (await north.GetAsync("/api/dr/contracts")).OkJsonAsync()).EnumerateArray().Select(k => k.GetProperty("site").GetString()));
        Assert.Equal(2, (await (await tso.GetAsync("/api/dr/contracts")).OkJsonAsync()).GetArrayLength());
        await (await server.Client("viewer").GetAsync("/api/dr/contracts")).ProblemAsync(403);

        // Offers for 15:00-16:00: alpha a1 5 MW at 20, a2 4 MW at 10 (cheaper, not contracted), beta b1 3 MW at 15.
        var window = Today.AddHours(15);
        await (await alpha.PostAsJsonAsync("/api/dr/offers", new[] { Offer("a1", window, "down", 5, 20), Offer("a2", window, "down", 4, 10) })).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/dr/offers", new[] { Offer("b1", window, "down", 3, 15) })).OkJsonAsync(201);
        Assert.Equal(["a1"], (await (await north.GetAsync("/api/dr/offers")).OkJsonAsync()).EnumerateArray().Select(o => o.GetProperty("site").GetString()));
        await (await north.PostAsJsonAsync("/api/dr/offers", new[] { Offer("a1", window, "down", 5, 20) })).ProblemAsync(403);

        // north asks in TK (where a1 is), not in KN (none of its sites); a DC operator or a viewer cannot ask.
        var ask = new { id = "n1", area = "TK", direction = "down", mw = 6.0, start = window, end = window.AddHours(1) };
        var posted = await (await north.PostAsJsonAsync("/api/dr/requests", ask)).OkJsonAsync(201);
        Assert.Equal(["alpha/a1"], posted.GetProperty("sites").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("north", posted.GetProperty("aggregator").GetString());
        await (await north.PostAsJsonAsync("/api/dr/requests", new { id = "n2", area = "KN", direction = "down", mw = 1.0, start = window, end = window.AddHours(1) })).ProblemAsync(403);
        await (await server.Client("viewer").PostAsJsonAsync("/api/dr/requests", new { id = "v1", area = "TK", direction = "down", mw = 1.0, start = window, end = window.AddHours(1) })).ProblemAsync(403);
        // The area's grid operator asks every site in TK.
        await (await tso.PostAsJsonAsync("/api/dr/requests", new { id = "t1", area = "TK", direction = "down", mw = 10.0, start = window, end = window.AddHours(1) })).OkJsonAsync(201);

        // Who sees what: alpha both, beta only the grid operator's (n1 does not address b1), gamma none, north both
        // (t1 is in the area of its contracted a1), south only t1, TK's grid operator both.
        Assert.Equal(["n1", "t1"], Ids(await (await alpha.GetAsync("/api/dr/requests")).OkJsonAsync()));
        Assert.Equal(["t1"], Ids(await (await beta.GetAsync("/api/dr/requests")).OkJsonAsync()));
        await (await beta.GetAsync("/api/dr/requests/n1")).ProblemAsync(404);
        await (await gamma.GetAsync("/api/dr/requests/t1")).ProblemAsync(404);
        Assert.Equal(["n1", "t1"], Ids(await (await north.GetAsync("/api/dr/requests")).OkJsonAsync()));
        Assert.Equal(["t1"], Ids(await (await south.GetAsync("/api/dr/requests")).OkJsonAsync()));
        await (await south.GetAsync("/api/dr/requests/n1")).ProblemAsync(404);
        Assert.Equal(["n1", "t1"], Ids(await (await tso.GetAsync("/api/dr/requests")).OkJsonAsync()));

        // alpha's answer to n1 holds a1 only (a2 is cheaper but not contracted with north): 5 of 6 MW. To t1: a2 then a1.
        var answer = await (await alpha.GetAsync("/api/dr/requests/n1/answer")).OkJsonAsync();
        Assert.Equal(5, answer.GetProperty("availableMw").GetDouble(), 9);
        Assert.Equal("a1", Assert.Single(answer.GetProperty("sites").EnumerateArray()).GetProperty("site").GetString());
        await (await north.GetAsync("/api/dr/requests/n1/answer")).ProblemAsync(403);
        await (await north.PostAsJsonAsync("/api/dr/requests/n1/commitments", new { })).ProblemAsync(403); // aggregators do not commit
        await (await alpha.PostAsJsonAsync("/api/dr/requests/n1/commitments", new { })).OkJsonAsync(201);
        await (await alpha.PostAsJsonAsync("/api/dr/requests/t1/commitments", new { })).OkJsonAsync(201); // a2 4 MW + a1 5 MW
        await (await beta.PostAsJsonAsync("/api/dr/requests/t1/commitments", new { })).OkJsonAsync(201); // b1 3 MW
        await (await beta.PostAsJsonAsync("/api/dr/requests/n1/commitments", new { })).ProblemAsync(404);

        // Commitments: north sees a1's part of alpha's commitment to t1 only, south b1's, the grid operator all three sites.
        var northT1 = await (await north.GetAsync("/api/dr/requests/t1")).OkJsonAsync();
        Assert.Equal(["alpha/a1"], Sites(northT1.GetProperty("commitments")));
        Assert.Equal(5, northT1.GetProperty("committedMw").GetDouble(), 9);
        Assert.Equal(["beta/b1"], Sites((await (await south.GetAsync("/api/dr/requests/t1")).OkJsonAsync()).GetProperty("commitments")));
        Assert.Equal(["alpha/a1", "alpha/a2", "beta/b1"], Sites((await (await tso.GetAsync("/api/dr/requests/t1")).OkJsonAsync()).GetProperty("commitments")));
        Assert.Equal(["alpha/a1"], Sites((await (await north.GetAsync("/api/dr/requests/n1")).OkJsonAsync()).GetProperty("commitments")));

        // After the window: a1 drew 4000 kWh per slot on every day (the High 4 of 5 baseline is 4000, the same-day
        // adjustment 0) but 2000 at 15:00 and 15:30: delivered 2000 of the 2500 committed (5 MW × 0.5 h) per slot,
        // credited 4000 kWh, shortfall 1000, 80,000 JPY at a1's 20 JPY/kWh. a2 and b1 flat (delivered nothing).
        server.Time.Advance(TimeSpan.FromHours(4));
        var from = new DateTimeOffset(2025, 10, 31, 0, 0, 0, Jst.Offset);
        var until = Today.AddHours(16);
        await (await alpha.PostAsJsonAsync("/api/dr/sites/a1/meter", DemandResponseApiTests.Meter(from, until, t => t == window || t == window.AddMinutes(30) ? 2000 : 4000))).OkJsonAsync(201);
        await (await alpha.PostAsJsonAsync("/api/dr/sites/a2/meter", DemandResponseApiTests.Meter(from, until, _ => 3000))).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/dr/sites/b1/meter", DemandResponseApiTests.Meter(from, until, _ => 1000))).OkJsonAsync(201);

        var settled = await (await north.GetAsync("/api/dr/requests/t1/settlement")).OkJsonAsync();
        var op = Assert.Single(settled.GetProperty("operators").EnumerateArray());
        Assert.Equal("alpha", op.GetProperty("operator").GetString());
        var site = Assert.Single(op.GetProperty("sites").EnumerateArray());
        Assert.Equal("a1", site.GetProperty("site").GetString());
        Assert.Equal(4000, op.GetProperty("creditedKwh").GetDouble(), 6);
        Assert.Equal(1000, op.GetProperty("shortfallKwh").GetDouble(), 6);
        Assert.Equal(80_000, settled.GetProperty("amountYen").GetDouble(), 6);
        Assert.Equal(80_000, (await (await north.GetAsync("/api/dr/requests/n1/settlement")).OkJsonAsync()).GetProperty("amountYen").GetDouble(), 6);
        var tsoSettled = await (await tso.GetAsync("/api/dr/requests/t1/settlement")).OkJsonAsync();
        Assert.Equal(["alpha", "beta"], tsoSettled.GetProperty("operators").EnumerateArray().Select(o => o.GetProperty("operator").GetString()));
        Assert.Equal(["beta"], (await (await south.GetAsync("/api/dr/requests/t1/settlement")).OkJsonAsync()).GetProperty("operators").EnumerateArray()
            .Select(o => o.GetProperty("operator").GetString()));

        // The audit log: north's lines are its contract, its request and alpha's commitment to it; nothing of beta or t1.
        var audit = (await (await north.GetAsync("/api/dr/audit")).OkJsonAsync()).EnumerateArray().ToList();
        Assert.Equal(["committed", "contract-signed", "request-posted"], audit.Select(l => l.GetProperty("kind").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(audit, l => Assert.Equal("north", l.GetProperty("aggregator").GetString()));
        Assert.Contains((await (await tso.GetAsync("/api/dr/audit")).OkJsonAsync()).EnumerateArray(), l => l.GetProperty("kind").GetString() == "contract-signed");

        // alpha ends the contract: north no longer sees a1 in t1 (nor t1: no contracted site in TK), still its own n1.
        Assert.Equal(HttpStatusCode.NoContent, (await alpha.DeleteAsync("/api/dr/contracts/north/sites/a1")).StatusCode);
        await (await alpha.DeleteAsync("/api/dr/contracts/north/sites/a1")).ProblemAsync(404);
        await (await north.GetAsync("/api/dr/requests/t1")).ProblemAsync(404);
        Assert.Equal(["n1"], Ids(await (await north.GetAsync("/api/dr/requests")).OkJsonAsync()));
        Assert.Equal(["alpha/a1"], Sites((await (await north.GetAsync("/api/dr/requests/n1")).OkJsonAsync()).GetProperty("commitments")));
        Assert.Contains((await (await north.GetAsync("/api/dr/audit")).OkJsonAsync()).EnumerateArray(), l => l.GetProperty("kind").GetString() == "contract-ended");
    }

    [Fact]
    public async Task OpenApi_ListsTheContractRoutes_WithTheirAnswers()
    {
        var json = await (await fixture.Server.Client().GetAsync("/openapi/v1.json")).OkJsonAsync();
        var path = json.GetProperty("paths").GetProperty("/api/dr/contracts/{aggregator}/sites/{site}");
        Assert.Equal(["200", "201", "400", "403", "404", "409"], path.GetProperty("put").GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["204", "403", "404"], path.GetProperty("delete").GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.True(json.GetProperty("paths").TryGetProperty("/api/dr/contracts", out _));
    }
}
