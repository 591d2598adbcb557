using System.Globalization;

namespace WattBit.Dashboard.Tests;

/// <summary>The market view (issue 16): clearings, public prices and volumes, and only what the key may see of its own.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task Market_ShowsPricesPerAreaAndHour_MatchedMwhOnTheMap_AndOnlyTheKeysOwnMatchesAndBook_LiveAfterTheClearing()
    {
        using var alpha = fixture.Server.Client("dc-alpha");
        using var beta = fixture.Server.Client("dc-beta");
        using var gamma = fixture.Server.Client("dc-gamma");
        using var op = fixture.Server.Client("market-op");
        // The day-ahead clearing covers the next JST day (the server runs on the real clock).
        var now = TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(9));
        var tomorrow = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, now.Offset).AddDays(1);
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(alpha, "api/sites/mk-a1", new { area = "KY", itCapacityMw = 20.0, pue = 1.0 }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(beta, "api/sites/mk-b1", new { area = "TK", itCapacityMw = 20.0, pue = 1.0 }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(alpha, "api/market/offers",
            new[] { new { id = "o1", site = "mk-a1", start = tomorrow, end = tomorrow.AddHours(6), mw = 10.0, askYenPerMwh = 10_000.0, tags = new[] { "gpu" } } }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(beta, "api/market/offers",
            new[] { new { id = "o2", site = "mk-b1", start = tomorrow, end = tomorrow.AddHours(6), mw = 5.0, askYenPerMwh = 8_000.0, tags = new[] { "cpu" } } }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(gamma, "api/market/bids", new object[]
        {
            Bid("g1", 4, 2, tomorrow, 20_000, ["*"], ["gpu"], divisible: false), // only alpha's gpu offer can take it
            Bid("g2", 3, 2, tomorrow, 12_000, ["TK"], [], divisible: true),     // only beta's TK offer: a match alpha must not see
        }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(alpha, "api/market/bids",
            new[] { Bid("x1", 2, 1, tomorrow, 5_000, [], [], divisible: true) })); // below every ask

        var d = await fixture.OpenAsync();
        var page = d.Page;
        await page.ClickAsync("[data-view=market]");
        await Expect(page.Locator("#market-need-key")).ToBeVisibleAsync();
        await d.UseKeyAsync(ServerProcess.KeyOf("dc-alpha"), "dc-operator");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-live", "live");
        // Sealed before the clearing: alpha's own offer and bid, nothing of beta's or gamma's.
        await Expect(page.Locator("#market-book tr[data-offer=o1]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#market-book tr[data-bid=x1]")).ToHaveAttributeAsync("data-state", "open");
        await Expect(page.Locator("#market-book tbody tr:not([data-operator=alpha])")).ToHaveCountAsync(0);

        var full = await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(op, "api/market/clearings", new { kind = "dayAhead" }));
        var id = full.GetProperty("id").GetString()!;
        // No polling: the market-clearing event brings the clearing to the open page.
        await Expect(page.Locator($"#market-clearings tr[data-clearing='{id}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#market-clearing")).ToHaveAttributeAsync("data-clearing", id);

        // Public prices per area and hour, cell by cell, as the market operator's full record has them.
        var prices = full.GetProperty("prices").EnumerateArray().ToList();
        Assert.NotEmpty(prices);
        await Expect(page.Locator("#market-prices")).ToHaveAttributeAsync("data-cells", prices.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var p in prices)
        {
            var hour = p.GetProperty("hour").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            await Expect(page.Locator($"#market-price-table tr[data-area={p.GetProperty("area").GetString()}] td[data-hour='{hour}']"))
                .ToHaveAttributeAsync("data-yen-per-mwh", p.GetProperty("yenPerMwh").GetDouble().ToString(CultureInfo.InvariantCulture));
        }

        // Matched MWh per area on the map: every operator's volumes summed here from the record.
        var volumes = full.GetProperty("volumes").EnumerateArray().GroupBy(v => v.GetProperty("area").GetString()!)
            .ToDictionary(g => g.Key, g => g.Sum(v => v.GetProperty("mw").GetDouble()));
        Assert.Contains("TK", volumes.Keys);
        Assert.Contains("KY", volumes.Keys);
        foreach (var (area, mwh) in volumes)
        {
            await Expect(page.Locator($"#market-volume-table tr[data-area={area}]")).ToHaveAttributeAsync("data-mwh", mwh.ToString("F3", CultureInfo.InvariantCulture));
        }

        await Expect(page.Locator("#market-map")).ToHaveAttributeAsync("data-areas-with-volume", volumes.Count(v => v.Value > 0).ToString(CultureInfo.InvariantCulture));

        // Only alpha's own matches, settlement and unmatched bids; beta's sale to gamma stays sealed.
        var matches = full.GetProperty("matches").EnumerateArray().ToList();
        var own = matches.Where(m => m.GetProperty("buyer").GetString() == "alpha" || m.GetProperty("seller").GetString() == "alpha").ToList();
        Assert.NotEmpty(own);
        Assert.Contains(matches, m => m.GetProperty("seller").GetString() == "beta");
        await Expect(page.Locator("#market-matches tbody tr")).ToHaveCountAsync(own.Count);
        await Expect(page.Locator("#market-matches tbody tr[data-seller=beta]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#market-settlement tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#market-settlement tbody tr[data-operator=alpha]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#market-unmatched tbody tr[data-bid=x1]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#market-unmatched tbody tr")).ToHaveCountAsync(1);

        // Positions over every clearing: what alpha sold, and the money, summed here from the full record.
        var sold = own.Where(m => m.GetProperty("seller").GetString() == "alpha").ToList();
        var soldMwh = sold.Sum(m => m.GetProperty("mw").GetDouble());
        var received = sold.Sum(m => m.GetProperty("mw").GetDouble() * m.GetProperty("priceYenPerMwh").GetDouble());
        var positions = page.Locator("#market-positions");
        await Expect(positions).ToHaveAttributeAsync("data-sold-mwh", soldMwh.ToString("F3", CultureInfo.InvariantCulture));
        await Expect(positions).ToHaveAttributeAsync("data-received-yen", received.ToString("F0", CultureInfo.InvariantCulture));
        await Expect(positions).ToHaveAttributeAsync("data-matches", own.Count.ToString(CultureInfo.InvariantCulture));
        await d.ScreenshotAsync("market-dc");
        d.AssertClean();

        // The market operator sees every match and every operator's book.
        var m2 = await fixture.OpenAsync();
        await m2.Page.ClickAsync("[data-view=market]");
        await m2.UseKeyAsync(ServerProcess.KeyOf("market-op"), "market-operator");
        await Expect(m2.Page.Locator("#market-matches tbody tr")).ToHaveCountAsync(matches.Count);
        await Expect(m2.Page.Locator("#market-book tr[data-offer=o2]")).ToHaveCountAsync(1);
        await Expect(m2.Page.Locator("#market-positions")).ToBeHiddenAsync();
        await m2.ScreenshotAsync("market-operator");
        m2.AssertClean();
    }

    private static object Bid(string id, double mw, int hours, DateTimeOffset day, double value, string[] areas, string[] requires, bool divisible) =>
        new { id, mw, hours, release = day, deadline = day.AddHours(6), valueYenPerMwh = value, areas, requires, divisible };
}
