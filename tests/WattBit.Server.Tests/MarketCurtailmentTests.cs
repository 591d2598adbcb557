using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>
/// A curtailment order on a selling site (issue 16, decision 0134): the sold work is re-dispatched like the site's own,
/// the buyers' plans follow, each buyer is credited for the bought MWh no longer delivered in their hours at the price it
/// paid, and the market's audit log shows the settlement. Through the server, on its own store and clock.
/// </summary>
public sealed class MarketCurtailmentTests(MarketServer market) : IClassFixture<MarketServer>
{
    private static readonly DateTimeOffset Tomorrow = new(2025, 11, 11, 0, 0, 0, Jst.Offset);

    private static IEnumerable<JsonElement> RunsOf(JsonElement plan, string workload) =>
        plan.GetProperty("runs").EnumerateArray().Where(r => r.GetProperty("workload").GetString() == workload);

    private static (DateTimeOffset Start, DateTimeOffset End, string Site) Run(JsonElement r) =>
        (r.GetProperty("start").GetDateTimeOffset(), r.GetProperty("end").GetDateTimeOffset(), r.GetProperty("site").GetString()!);

    [Fact]
    public async Task CurtailingASellingSite_PausesDivisibleBoughtWork_StopsABlock_CreditsEachBuyerItsLostMwh_AndTheAuditShowsIt()
    {
        var alpha = market.Client("dc-alpha");
        var beta = market.Client("dc-beta");
        var gamma = market.Client("dc-gamma");
        var op = market.MarketOperator();
        (await alpha.PutJsonAsync("/api/sites/a1", new { area = "TK", itCapacityMw = 20.0, pue = 1.0 })).EnsureSuccessStatusCode();

        // alpha sells 10 MW at a1 for 00-06 tomorrow at 10,000 JPY/MWh; gamma buys a 4 MW × 3 h block, beta 5 MW × 3 h
        // divisible, both in 00-03, so both run 00-03 at 9 MW together; o1 never fills, so the price is its ask.
        await (await alpha.PostAsJsonAsync("/api/market/offers", new[]
        {
            new { id = "o1", site = "a1", start = Tomorrow, end = Tomorrow.AddHours(6), mw = 10.0, askYenPerMwh = 10_000.0, tags = new[] { "gpu" } },
        })).OkJsonAsync(201);
        await (await gamma.PostAsJsonAsync("/api/market/bids", new[]
        {
            new { id = "g1", mw = 4.0, hours = 3, release = Tomorrow, deadline = Tomorrow.AddHours(3), valueYenPerMwh = 20_000.0, areas = new[] { "*" }, requires = new[] { "gpu" }, divisible = false },
        })).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/market/bids", new[]
        {
            new { id = "k1", mw = 5.0, hours = 3, release = Tomorrow, deadline = Tomorrow.AddHours(3), valueYenPerMwh = 15_000.0, areas = new[] { "TK" }, requires = Array.Empty<string>(), divisible = true },
        })).OkJsonAsync(201);
        var clearing = await (await op.PostAsJsonAsync("/api/market/clearings", new { kind = "dayAhead" })).OkJsonAsync(201);
        Assert.Equal(27, clearing.GetProperty("matchedMwh").GetDouble(), 6);
        Assert.All(clearing.GetProperty("matches").EnumerateArray(), m => Assert.Equal(10_000, m.GetProperty("priceYenPerMwh").GetDouble(), 6));

        // At 00:50 the grid operator curtails a1 by 9 MW from 01:00 to 02:00 (10 min notice).
        market.Server.Time.SetUtcNow(Tomorrow.AddMinutes(50));
        var order = await (await market.Client("tso-tk").PostAsJsonAsync("/api/areas/TK/curtailment-orders", new
        {
            @operator = "alpha", siteId = "a1", reductionMw = 9.0, noticeMinutes = 10, expectedDurationMinutes = 60,
        })).OkJsonAsync(201);

        // The sold work is in alpha's dispatch like its own: 9 MW required at a1. k1 (divisible) cannot defer (it would
        // miss 03:00) and has nowhere to go, so it pauses at a checkpoint (5 min, taken 00:55-01:00: actions are carried out
        // as late as they can be); the block g1 cannot pause: it stops when the curtailment takes effect.
        var dispatch = Assert.Single((await (await alpha.GetAsync("/api/dispatch-orders")).OkJsonAsync()).EnumerateArray(),
            d => d.GetProperty("curtailmentOrderId").GetString() == order.GetProperty("id").GetString());
        Assert.Equal(9.0, dispatch.GetProperty("requiredMw").GetDouble(), 9);
        Assert.True(dispatch.GetProperty("met").GetBoolean());
        var actions = dispatch.GetProperty("actions").EnumerateArray().ToDictionary(a => a.GetProperty("workload").GetString()!, a => a.GetProperty("action").GetString());
        Assert.Equal("pause", actions["market:beta/k1"]);
        Assert.Equal("stop", actions["market:gamma/g1"]);

        // Hand-computed credits at 10,000 JPY/MWh. k1 runs 00:00-01:00 (its checkpoint in place at 01:00), resumes 02:00
        // when the curtailment ends: it loses all of hour 01 (hour 02 is still run) = 5 × 1 MWh. g1 stops at 01:00: it
        // loses hours 01 and 02 = 4 × 2 MWh.
        const double k1Mwh = 5 * 1.0;
        const double g1Mwh = 4 * 2.0;
        var gammaPos = await (await gamma.GetAsync("/api/market/positions")).OkJsonAsync();
        Assert.Equal(g1Mwh, gammaPos.GetProperty("creditedMwh").GetDouble(), 6);
        Assert.Equal(g1Mwh * 10_000, gammaPos.GetProperty("creditedYen").GetDouble(), 4);
        Assert.DoesNotContain("k1", gammaPos.GetProperty("curtailments").ToString(), StringComparison.Ordinal); // sealed: not beta's
        var betaPos = await (await beta.GetAsync("/api/market/positions")).OkJsonAsync();
        Assert.Equal(k1Mwh * 10_000, betaPos.GetProperty("creditedYen").GetDouble(), 4);
        Assert.Equal(150_000, betaPos.GetProperty("paidYen").GetDouble(), 6); // the clearing's settlement stands; the credit is beside it
        var alphaPos = await (await alpha.GetAsync("/api/market/positions")).OkJsonAsync();
        Assert.Equal(k1Mwh + g1Mwh, alphaPos.GetProperty("refundedMwh").GetDouble(), 6);
        Assert.Equal((k1Mwh + g1Mwh) * 10_000, alphaPos.GetProperty("refundedYen").GetDouble(), 4);
        Assert.Equal(0, alphaPos.GetProperty("creditedYen").GetDouble());

        // The buyers' plans follow the re-dispatch at alpha/a1; alpha's shows the sold work resumed at a1.
        var betaPlan = await (await beta.PostAsync("/api/plan", null)).OkJsonAsync();
        Assert.Equal(
            [(Tomorrow, Tomorrow.AddHours(1), "alpha/a1"), (Tomorrow.AddHours(2), Tomorrow.AddHours(4), "alpha/a1")],
            RunsOf(betaPlan, "market:k1").Select(Run).OrderBy(r => r.Start));
        Assert.Equal([(Tomorrow, Tomorrow.AddHours(1), "alpha/a1")], RunsOf(await (await gamma.PostAsync("/api/plan", null)).OkJsonAsync(), "market:g1").Select(Run));
        var alphaPlan = await (await alpha.PostAsync("/api/plan", null)).OkJsonAsync();
        Assert.Contains((Tomorrow.AddHours(2), Tomorrow.AddHours(4), "a1"), RunsOf(alphaPlan, "market:beta/k1").Select(Run));

        // The market operator's audit log shows who curtailed, what was re-dispatched and credited.
        var settled = Assert.Single((await (await op.GetAsync("/api/market/audit")).OkJsonAsync()).EnumerateArray(),
            e => e.GetProperty("action").GetString() == "curtailment-settled");
        Assert.Equal("tso-tk", settled.GetProperty("actor").GetString());
        var record = settled.GetProperty("curtailment");
        Assert.Equal(dispatch.GetProperty("id").GetString(), record.GetProperty("dispatchOrder").GetString());
        Assert.Equal((k1Mwh + g1Mwh) * 10_000, record.GetProperty("creditedYen").GetDouble(), 4);
        Assert.Equal(3, record.GetProperty("credits").GetArrayLength()); // k1: hour 01; g1: hours 01 and 02
        Assert.Equal(2, record.GetProperty("actions").GetArrayLength());
    }
}
