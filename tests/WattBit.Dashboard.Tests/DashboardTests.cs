using Microsoft.Playwright;

namespace WattBit.Dashboard.Tests;

/// <summary>The dashboard in a real browser against the real server: map, language, time series, sites, live orders, siting.</summary>
public sealed partial class DashboardTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    [Fact]
    public async Task Map_ShowsTheTenAreas_AndSwitchingMetricChangesTheLegend()
    {
        var d = await fixture.OpenAsync();
        var page = d.Page;
        await Expect(page.Locator("#map")).ToHaveAttributeAsync("data-region-count", "10");
        await Expect(page.Locator("#map")).ToHaveAttributeAsync("data-area-count", "10");
        await Expect(page.Locator("#area-table tbody tr")).ToHaveCountAsync(10);
        await Expect(page.Locator("#legend-title")).ToContainTextAsync("gCO2/kWh");
        var carbonMax = await page.Locator("#legend-max").TextContentAsync();
        await d.ScreenshotAsync("map-carbon");

        await page.SelectOptionAsync("#metric", "price");
        await Expect(page.Locator("#legend")).ToHaveAttributeAsync("data-metric", "price");
        await Expect(page.Locator("#legend-title")).ToContainTextAsync("JPY/kWh");
        await Expect(page.Locator("#area-value-head")).ToHaveTextAsync("JPY/kWh");
        await Expect(page.Locator("#legend-max")).Not.ToHaveTextAsync(carbonMax!);
        await Expect(page.Locator("#area-table tr[data-area=TK] td.num")).Not.ToHaveTextAsync("-");
        d.AssertClean();
    }

    [Fact]
    public async Task Japanese_ShowsAreaNamesAndLabelsInJapanese()
    {
        var d = await fixture.OpenAsync();
        var page = d.Page;
        await Expect(page.Locator("#area-table tr[data-area=TK] td").First).ToHaveTextAsync("Tokyo");

        await page.ClickAsync("[data-lang=ja]");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await Expect(page.Locator("#area-table tr[data-area=TK] td").First).ToHaveTextAsync("東京");
        await Expect(page.Locator("#area-table tr[data-area=HKD] td").First).ToHaveTextAsync("北海道");
        await Expect(page.Locator("[data-view=map]")).ToHaveTextAsync("地図");
        await Expect(page.Locator("#legend-title")).ToContainTextAsync("CO2排出係数");
        await d.ScreenshotAsync("map-ja");

        await page.ClickAsync("[data-lang=en]");
        await Expect(page.Locator("#area-table tr[data-area=TK] td").First).ToHaveTextAsync("Tokyo");
        d.AssertClean();
    }

    [Fact]
    public async Task ClickingAnArea_ShowsItsLast24HoursAndTheForecastBand()
    {
        var d = await fixture.OpenAsync();
        var page = d.Page;
        await page.ClickAsync("#area-table tr[data-area=KY]");
        await Expect(page.Locator("#view-series")).ToBeVisibleAsync();
        await Expect(page.Locator("#series-area")).ToHaveValueAsync("KY");
        // 24 h of 30-min slots up to now, and a 24 h forecast (48 points) with its P10-P90 band.
        await Expect(page.Locator("#series")).ToHaveAttributeAsync("data-forecast-points", "48");
        var history = int.Parse(await page.Locator("#series").GetAttributeAsync("data-history-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(history, 46, 49);
        await Expect(page.Locator("#series-summary")).ToContainTextAsync("48 forecast points");
        await d.ScreenshotAsync("series");
        d.AssertClean();
    }

    [Fact]
    public async Task DcOperatorKey_ShowsItsSite_AndOrdersArriveLiveAndTurnAcknowledged()
    {
        using var dc = fixture.Server.Client("dc-alpha");
        using var tso = fixture.Server.Client("tso-tk");
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(dc, "api/sites/inzai-1",
            new { name = "Inzai 1", area = "TK", itCapacityMw = 20.0, pue = 1.3, latitude = 35.83, longitude = 140.15, grid = new { kind = "firm", limitMw = 12.0 } }));
        var release = TimeProvider.System.GetUtcNow(); // the server process runs on the real clock
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(dc, "api/workloads", new
        {
            id = "train-" + Guid.NewGuid().ToString("N")[..8],
            release,
            deadline = release.AddHours(8),
            durationMinutes = 120,
            powerKw = 8000.0,
            interruptible = false,
            sites = new[] { "inzai-1" },
        }));

        var d = await fixture.OpenAsync();
        var page = d.Page;
        await page.ClickAsync("[data-view=sites]");
        await Expect(page.Locator("#sites-need-key")).ToBeVisibleAsync();
        await d.UseKeyAsync(ServerProcess.KeyOf("dc-alpha"), "dc-operator");
        var site = page.Locator("#sites-table tr[data-site=inzai-1]");
        await Expect(site).ToContainTextAsync("Inzai 1");
        // Full load draws IT capacity × PUE = 26 MW; the firm connection allows 12 MW; the planned 8 MW workload
        // draws 8 × 1.3 = 10.4 MW from the grid.
        await Expect(site.Locator("td").Nth(4)).ToHaveTextAsync("26.00");
        await Expect(site).ToHaveAttributeAsync("data-connected", "true");
        await Expect(site).ToHaveAttributeAsync("data-planned-peak-mw", "10.40");
        await Expect(site).ToHaveAttributeAsync("data-least-limit-mw", "12.00");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-live", "live");

        // Issued through the API by the area's grid operator: the page has no polling, so only the live stream can show it.
        var first = await IssueAsync(tso, "N-1 contingency at Shin-Inzai");
        var row = page.Locator($"#orders-table tr[data-order-id='{first}']");
        await Expect(row).ToHaveAttributeAsync("data-state", "issued");
        await Expect(row.Locator("td.state")).ToHaveTextAsync("issued");
        // The 5 MW order lowers the site's limit to 12 - 5 = 7 MW while it lasts.
        await Expect(site).ToHaveAttributeAsync("data-least-limit-mw", "7.00");
        await d.ScreenshotAsync("sites-orders-issued");

        await row.Locator("button.ack").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-state", "acknowledged");
        await Expect(row.Locator("td.state")).ToHaveTextAsync("acknowledged");
        var stored = await ServerProcess.OkJsonAsync(await dc.GetAsync($"api/curtailment-orders/{first}"));
        Assert.Equal("acknowledged", stored.GetProperty("state").GetString());

        // Acknowledged elsewhere (through the API): the row turns acknowledged live.
        var second = await IssueAsync(tso, "planned maintenance");
        var secondRow = page.Locator($"#orders-table tr[data-order-id='{second}']");
        await Expect(secondRow).ToHaveAttributeAsync("data-state", "issued");
        var ack = await dc.PostAsync($"api/curtailment-orders/{second}/acknowledgement", null);
        await ServerProcess.OkJsonAsync(ack);
        await Expect(secondRow).ToHaveAttributeAsync("data-state", "acknowledged");

        await page.ClickAsync("[data-view=map]");
        await Expect(page.Locator("#map")).ToHaveAttributeAsync("data-site-count", "1");
        await d.ScreenshotAsync("map-sites");
        d.AssertClean();

        // The area's grid operator sees the same site (connected in TK) and both orders, acknowledged, without buttons.
        var g = await fixture.OpenAsync();
        await g.Page.ClickAsync("[data-view=sites]");
        await g.UseKeyAsync(ServerProcess.KeyOf("tso-tk"), "grid-operator");
        await Expect(g.Page.Locator("#sites-table tr[data-site=inzai-1]")).ToHaveAttributeAsync("data-connected", "true");
        await Expect(g.Page.Locator($"#orders-table tr[data-order-id='{first}']")).ToHaveAttributeAsync("data-state", "acknowledged");
        await Expect(g.Page.Locator($"#orders-table tr[data-order-id='{second}']")).ToHaveAttributeAsync("data-state", "acknowledged");
        await Expect(g.Page.Locator("#orders-table button.ack")).ToHaveCountAsync(0);
        g.AssertClean();
    }

    [Fact]
    public async Task SignalPublishedByGridOperator_RecoloursTheMapLive()
    {
        using var tso = fixture.Server.Client("tso-tk");
        var current = await ServerProcess.OkJsonAsync(await tso.GetAsync("api/areas/TK/signals/carbon/current"));
        var before = current.GetProperty("value").GetDouble();
        var published = Math.Round(before / 2) + 1; // a value the reference year does not have in this slot

        var d = await fixture.OpenAsync();
        var page = d.Page;
        await d.UseKeyAsync(ServerProcess.KeyOf("tso-tk"), "grid-operator");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-live", "live");
        var cell = page.Locator("#area-table tr[data-area=TK] td.num");
        await Expect(cell).ToHaveTextAsync(before.ToString("#,0", System.Globalization.CultureInfo.GetCultureInfo("en-GB")));

        var put = await ServerProcess.PutJsonAsync(tso, "api/areas/TK/signals/carbon",
            new { start = current.GetProperty("start").GetDateTimeOffset(), stepMinutes = 30, values = new double?[] { published } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        // No polling while the stream is live: only the signal event can bring the new value.
        await Expect(cell).ToHaveTextAsync(published.ToString("#,0", System.Globalization.CultureInfo.GetCultureInfo("en-GB")));
        d.AssertClean();
    }

    [Fact]
    public async Task PlannerKey_ListsStudies_AndRanksOneWithCandidatesOnTheMap()
    {
        var d = await fixture.OpenAsync();
        var page = d.Page;
        await page.ClickAsync("[data-view=siting]");
        await Expect(page.Locator("#siting-need-key")).ToBeVisibleAsync();
        await d.UseKeyAsync(ServerProcess.KeyOf("planner"), "planner");
        var expected = Directory.EnumerateFiles(Path.Combine(Testing.SharedData.RepoRoot, "samples", "siting"), "*.yaml")
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(expected);
        await Expect(page.Locator("#studies li[data-study]")).ToHaveCountAsync(expected.Length);
        foreach (var name in expected)
        {
            await Expect(page.Locator($"#studies li[data-study='{name}']")).ToHaveCountAsync(1);
        }

        await page.Locator("#studies li[data-study='fleet-1.9mw'] button").ClickAsync();
        await Expect(page.Locator("#siting-progress")).ToHaveAttributeAsync("data-state", "done");
        var report = await RankedAsync(fixture.Server, page);
        await Expect(page.Locator("#ranked-table tbody tr")).ToHaveCountAsync(Math.Min(50, report));
        await Expect(page.Locator("#siting-map")).ToHaveAttributeAsync("data-candidate-count", report.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#ranked-table tbody tr").First.Locator("td").First).ToHaveTextAsync("1");
        await d.ScreenshotAsync("siting");
        d.AssertClean();
    }

    [Fact]
    public async Task Server_ServesThePageWithItsPolicy_FallsBackOffApi_AndKeepsApiMissesAsProblems()
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var root = await client.GetAsync("/");
        Assert.Equal(System.Net.HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("text/html", root.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", root.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var page = await root.Content.ReadAsStringAsync();
        var script = System.Text.RegularExpressions.Regex.Match(page, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(script);

        var asset = await client.GetAsync(script);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString(), StringComparison.Ordinal);

        var view = await client.GetAsync("/sites/inzai-1");
        Assert.Equal(page, await view.Content.ReadAsStringAsync());

        foreach (var route in (string[])["/api/no-such-route", "/api", "/emissions/no-such-route", "/sci-scores"])
        {
            var miss = await client.GetAsync(route);
            Assert.True(miss.StatusCode == System.Net.HttpStatusCode.NotFound, $"{route}: {(int)miss.StatusCode}");
            Assert.NotEqual("text/html", miss.Content.Headers.ContentType?.MediaType);
        }

        var missingAsset = await client.GetAsync("/assets/no-such-file.js");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missingAsset.StatusCode);
    }

    private static async Task<string> IssueAsync(HttpClient tso, string reason)
    {
        var order = await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(tso, "api/areas/TK/curtailment-orders",
            new { @operator = "alpha", siteId = "inzai-1", reductionMw = 5.0, noticeMinutes = 30, expectedDurationMinutes = 120, reason }));
        return order.GetProperty("id").GetString()!;
    }

    // The number of ranked candidates the server reports for the planner's finished job (the oracle for the page).
    private static async Task<int> RankedAsync(ServerProcess server, IPage page)
    {
        using var planner = server.Client("planner");
        var jobs = await ServerProcess.OkJsonAsync(await planner.GetAsync("api/siting/rankings"));
        var job = jobs.EnumerateArray().Last(j => j.GetProperty("study").GetString() == "fleet-1.9mw");
        Assert.Equal("done", job.GetProperty("state").GetString());
        await Expect(page.Locator("#siting-progress")).ToContainTextAsync($"{job.GetProperty("ranked").GetInt32()} of {job.GetProperty("candidates").GetInt32()}");
        return job.GetProperty("ranked").GetInt32();
    }
}

/// <summary>When the live stream says it is not complete after a reconnect, the page rereads its state through the API.</summary>
public sealed class DashboardResyncTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ReadyWithCompleteFalse_OnReconnect_RereadsTheSitesInsteadOfTrustingTheStream()
    {
        var d = await fixture.OpenAsync();
        var page = d.Page;
        // The live stream is replaced: its first connection is complete, its reconnection is not (as after a restart or
        // pruning); no site event ever arrives on it.
        var connections = 0;
        var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/events", async route =>
        {
            var n = Interlocked.Increment(ref connections);
            if (n > 1)
            {
                await registered.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }

            await route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 200,
                ContentType = "text/event-stream",
                Body = $"event: ready\nid: {n}\ndata: {{\"replayed\":0,\"complete\":{(n == 1 ? "true" : "false")}}}\n\n",
            });
        });
        await page.ClickAsync("[data-view=sites]");
        await d.UseKeyAsync(ServerProcess.KeyOf("dc-gamma"), "dc-operator");
        await Assertions.Expect(page.Locator("#sites-table tr[data-site=resync-1]")).ToHaveCountAsync(0);

        using var dc = fixture.Server.Client("dc-gamma");
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(dc, "api/sites/resync-1", new { name = "Resync 1", area = "KN", itCapacityMw = 5.0 }));
        registered.SetResult();

        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-resyncs", new System.Text.RegularExpressions.Regex("^[1-9][0-9]*$"));
        await Assertions.Expect(page.Locator("#sites-table tr[data-site=resync-1]")).ToContainTextAsync("Resync 1");
    }
}
