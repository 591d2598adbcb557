using System.Globalization;

namespace WattBit.Dashboard.Tests;

/// <summary>The demand-response view (issue 19): requests per role, a DC operator's answer and commitment, seen live by the grid operator.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task DemandResponse_DcOperatorSeesTheRequestAndItsAnswer_Commits_AndTheGridOperatorSeesTheCommitmentLive()
    {
        using var tso = fixture.Server.Client("tso-tk");
        using var beta = fixture.Server.Client("dc-beta");
        var window = TomorrowJst(10);
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(beta, "api/sites/dr-b1", new { area = "TK", itCapacityMw = 10.0, pue = 1.0 }));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(beta, "api/dr/offers", new[]
        {
            new { site = "dr-b1", start = window, end = window.AddHours(1), direction = "down", mw = 3.0, noticeMinutes = 30, priceYenPerKwh = 15.0 },
        }));
        var id = "dr-" + Guid.NewGuid().ToString("N")[..8];
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(tso, "api/dr/requests",
            new { id, area = "TK", direction = "down", mw = 6.0, start = window, end = window.AddHours(1) }));
        // What beta's offers can do for it, as the route answers (the oracle for the page).
        var answer = await ServerProcess.OkJsonAsync(await beta.GetAsync($"api/dr/requests/{id}/answer"));
        var available = answer.GetProperty("availableMw").GetDouble();
        Assert.Equal(3.0, available, 6);

        // The area's grid operator, following live.
        var g = await fixture.OpenAsync();
        await g.Page.ClickAsync("[data-view=dr]");
        await Expect(g.Page.Locator("#dr-need-key")).ToBeVisibleAsync();
        await g.UseKeyAsync(ServerProcess.KeyOf("tso-tk"), "grid-operator");
        await Expect(g.Page.Locator("#status")).ToHaveAttributeAsync("data-live", "live");
        await g.Page.ClickAsync($"#dr-requests tr[data-request='{id}']");
        await Expect(g.Page.Locator("#dr-detail")).ToHaveAttributeAsync("data-request", id);
        await Expect(g.Page.Locator("#dr-detail")).ToHaveAttributeAsync("data-committed-mw", "0.000");
        await Expect(g.Page.Locator("#dr-answer")).ToBeHiddenAsync();

        // The DC operator: the request of its area, what its offers hold, and a commitment with one click.
        var d = await fixture.OpenAsync();
        var page = d.Page;
        await page.ClickAsync("[data-view=dr]");
        await d.UseKeyAsync(ServerProcess.KeyOf("dc-beta"), "dc-operator");
        await page.ClickAsync($"#dr-requests tr[data-request='{id}']");
        await Expect(page.Locator("#dr-answer")).ToHaveAttributeAsync("data-available-mw", available.ToString("F3", CultureInfo.InvariantCulture));
        await page.ClickAsync("#dr-commit");
        await Expect(page.Locator($"#dr-commitments tr[data-operator=beta][data-site='dr-b1']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#dr-detail")).ToHaveAttributeAsync("data-committed-mw", "3.000");
        await Expect(page.Locator("#dr-commit")).ToBeHiddenAsync();
        await d.ScreenshotAsync("dr-dc");
        d.AssertClean();

        // The grid operator's page: the commitment arrives with the dr-commitment event (no polling).
        await Expect(g.Page.Locator("#dr-detail")).ToHaveAttributeAsync("data-committed-mw", "3.000");
        await Expect(g.Page.Locator($"#dr-commitments tr[data-operator=beta]")).ToHaveCountAsync(1);
        var stored = await ServerProcess.OkJsonAsync(await tso.GetAsync($"api/dr/requests/{id}"));
        Assert.Equal(3.0, stored.GetProperty("committedMw").GetDouble(), 6);
        await g.ScreenshotAsync("dr-tso");
        g.AssertClean();
    }

    [Fact]
    public async Task DemandResponse_AggregatorSeesItsRequestToItsContractedSite_AndTheCommitmentLive()
    {
        var (beta, north) = (fixture.Server.Client("dc-beta"), fixture.Server.Client("agg-north"));
        var window = TomorrowJst(13);
        var site = "ag-" + Guid.NewGuid().ToString("N")[..8];
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(beta, $"api/sites/{site}", new { area = "TK", itCapacityMw = 10.0, pue = 1.0 }));
        await ServerProcess.OkJsonAsync(await beta.PutAsync($"api/dr/contracts/north/sites/{site}", null));
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(beta, "api/dr/offers", new[]
        {
            new { site, start = window, end = window.AddHours(1), direction = "down", mw = 2.0, noticeMinutes = 30, priceYenPerKwh = 12.0 },
        }));
        var id = "agg-" + Guid.NewGuid().ToString("N")[..8];
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(north, "api/dr/requests",
            new { id, area = "TK", direction = "down", mw = 4.0, start = window, end = window.AddHours(1) }));

        // The aggregator's page: its request, no answer or commit button (the sites' operator commits), then beta's commitment live.
        var a = await fixture.OpenAsync();
        await a.Page.ClickAsync("[data-view=dr]");
        await a.UseKeyAsync(ServerProcess.KeyOf("agg-north"), "aggregator");
        await Expect(a.Page.Locator("#status")).ToHaveAttributeAsync("data-live", "live");
        await a.Page.ClickAsync($"#dr-requests tr[data-request='{id}']");
        await Expect(a.Page.Locator("#dr-detail")).ToHaveAttributeAsync("data-committed-mw", "0.000");
        await Expect(a.Page.Locator("#dr-answer")).ToBeHiddenAsync();
        await ServerProcess.OkJsonAsync(await ServerProcess.PostJsonAsync(beta, $"api/dr/requests/{id}/commitments", new { }));
        await Expect(a.Page.Locator("#dr-detail")).ToHaveAttributeAsync("data-committed-mw", "2.000");
        await Expect(a.Page.Locator($"#dr-commitments tr[data-operator=beta][data-site='{site}']")).ToHaveCountAsync(1);
        a.AssertClean();
        beta.Dispose();
        north.Dispose();
    }

    /// <summary>Tomorrow at the hour, JST: in the future and within one JST day (with the hour after) whatever the time of the run.</summary>
    private static DateTimeOffset TomorrowJst(int hour)
    {
        var now = TimeProvider.System.GetUtcNow().ToOffset(TimeSpan.FromHours(9));
        return new DateTimeOffset(now.Year, now.Month, now.Day, hour, 0, 0, now.Offset).AddDays(1);
    }
}
