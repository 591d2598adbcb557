using System.Net.Http.Json;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>
/// Commitments per 30-minute slot on the server (decision 0200): hourly offers give a site a profile over a two-hour
/// window, a commitment may cap each slot, and the settlement credits each slot within its own commitment (hand-computed).
/// </summary>
public sealed class DrCommitmentProfileApiTests(DrServer fixture) : IClassFixture<DrServer>
{
    private static readonly DateTimeOffset Today = new(2025, 11, 10, 0, 0, 0, Jst.Offset); // TestServer.Now is 12:10 JST, a Monday

    private static object Offer(string site, DateTimeOffset start, int hours, double mw, int notice, double price) =>
        new { site, start, end = start.AddHours(hours), direction = "down", mw, noticeMinutes = notice, priceYenPerKwh = price };

    private static double[] Doubles(System.Text.Json.JsonElement array) => [.. array.EnumerateArray().Select(x => Math.Round(x.GetDouble(), 9))];

    [Fact]
    public async Task HourlyOffers_CommitAProfile_CappedPerSlot_AndSettlePerSlot()
    {
        var server = fixture.Server;
        var tso = server.Client("tso-tk");
        var alpha = server.Client("dc-alpha");
        var beta = server.Client("dc-beta");
        await DemandResponseApiTests.SiteAsync(alpha, "p-a1", "TK", 20);
        await DemandResponseApiTests.SiteAsync(beta, "p-b1", "TK", 10);
        var start = Today.AddHours(15);
        // alpha: 5 MW at 15:00 (20 JPY/kWh), 2 MW at 16:00 (22); beta: 3 MW over both hours (15).
        await (await alpha.PostAsJsonAsync("/api/dr/offers", new[] { Offer("p-a1", start, 1, 5, 30, 20), Offer("p-a1", start.AddHours(1), 1, 2, 30, 22) })).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/dr/offers", new[] { Offer("p-b1", start, 2, 3, 60, 15) })).OkJsonAsync(201);
        await (await tso.PostAsJsonAsync("/api/dr/requests", new { id = "prof", area = "TK", direction = "down", mw = 6.0, start, end = start.AddHours(2) })).OkJsonAsync(201);

        // alpha's answer follows its hourly offers slot by slot: 5, 5, 2, 2 MW (at the higher price, 22); 2 MW hold in every slot.
        var answer = await (await alpha.GetAsync("/api/dr/requests/prof/answer")).OkJsonAsync();
        var site = Assert.Single(answer.GetProperty("sites").EnumerateArray());
        Assert.Equal([5.0, 5, 2, 2], Doubles(site.GetProperty("slotsMw")));
        Assert.Equal(5, site.GetProperty("mw").GetDouble(), 9);
        Assert.Equal(22, site.GetProperty("priceYenPerKwh").GetDouble(), 9);
        Assert.Equal(2, answer.GetProperty("availableMw").GetDouble(), 9);

        // A profile of the wrong length names the field; alpha caps its slots at 4, 4, 9, 9 (the offers still bound 16:00-17:00).
        var bad = await (await alpha.PostAsJsonAsync("/api/dr/requests/prof/commitments", new { slotsMw = new[] { 1.0, 1.0 } })).ProblemAsync(400);
        Assert.True(bad.GetProperty("errors").TryGetProperty("slotsMw", out _), bad.ToString());
        var neg = await (await alpha.PostAsJsonAsync("/api/dr/requests/prof/commitments", new { slotsMw = new[] { 1.0, -1, 1, 1 } })).ProblemAsync(400);
        Assert.True(neg.GetProperty("errors").TryGetProperty("slotsMw[1]", out _), neg.ToString());
        var committed = await (await alpha.PostAsJsonAsync("/api/dr/requests/prof/commitments", new { slotsMw = new[] { 4.0, 4, 9, 9 } })).OkJsonAsync(201);
        Assert.Equal([4.0, 4, 2, 2], Doubles(Assert.Single(committed.GetProperty("sites").EnumerateArray()).GetProperty("slotsMw")));
        await (await beta.PostAsJsonAsync("/api/dr/requests/prof/commitments", new { })).OkJsonAsync(201);
        var view = await (await tso.GetAsync("/api/dr/requests/prof")).OkJsonAsync();
        Assert.Equal([7.0, 7, 5, 5], Doubles(view.GetProperty("committedSlotsMw")));
        Assert.Equal(7, view.GetProperty("committedMw").GetDouble(), 9);

        // After the window: p-a1 draws 4000 kWh a slot on the pool days and in the adjustment hours (baseline 4000, adjustment 0),
        // then 2000, 2500, 2500, 4100. Committed 2000, 2000, 1000, 1000 kWh; delivered 2000, 1500, 1500, −100; credited 2000,
        // 1500, 1000, 0 = 4500 kWh; shortfall 1500; paid 4500 × 22 = 99,000 JPY.
        server.Time.Advance(TimeSpan.FromHours(5));
        var from = new DateTimeOffset(2025, 10, 31, 0, 0, 0, Jst.Offset);
        double[] eventKwh = [2000, 2500, 2500, 4100];
        await (await alpha.PostAsJsonAsync("/api/dr/sites/p-a1/meter", DemandResponseApiTests.Meter(from, start.AddHours(2), t =>
            t >= start ? eventKwh[(int)((t - start).TotalMinutes / 30)] : 4000))).OkJsonAsync(201);
        var settlement = await (await alpha.GetAsync("/api/dr/requests/prof/settlement")).OkJsonAsync();
        var op = Assert.Single(settlement.GetProperty("operators").EnumerateArray());
        var delivery = Assert.Single(op.GetProperty("sites").EnumerateArray());
        var slots = delivery.GetProperty("slots").EnumerateArray().ToList();
        Assert.Equal([2000.0, 2000, 1000, 1000], slots.Select(s => Math.Round(s.GetProperty("committedKwh").GetDouble(), 9)));
        Assert.Equal([2000.0, 1500, 1500, -100], slots.Select(s => Math.Round(s.GetProperty("deliveredKwh").GetDouble(), 9)));
        Assert.Equal([2000.0, 1500, 1000, 0], slots.Select(s => Math.Round(s.GetProperty("creditedKwh").GetDouble(), 9)));
        Assert.Equal([0.0, 500, 0, 1000], slots.Select(s => Math.Round(s.GetProperty("shortfallKwh").GetDouble(), 9)));
        Assert.Equal(6000, op.GetProperty("committedKwh").GetDouble(), 9);
        Assert.Equal(4500, op.GetProperty("creditedKwh").GetDouble(), 9);
        Assert.Equal(1500, op.GetProperty("shortfallKwh").GetDouble(), 9);
        Assert.Equal(99_000, op.GetProperty("amountYen").GetDouble(), 9);
        Assert.Equal(4, op.GetProperty("committedMw").GetDouble(), 9);
        Assert.Contains("16:30 -100 of 1000 kWh", delivery.GetProperty("why").GetString(), StringComparison.Ordinal);
    }
}
