using System.Globalization;
using System.Text.RegularExpressions;

namespace WattBit.Dashboard.Tests;

/// <summary>
/// The grid-side battery contracts in the demand-response view (issue 19, decisions 0197 and 0216): a DC operator
/// contracts 100 MW batteries at Tokyo substations of the backbone for its site at TK:上野, from the page's form; the
/// server's sensitivities accept or refuse each. The oracle is the route: every accepted battery is a row with the route's relief, every refused
/// one shows the route's reason, and the area's grid operator sees the contracts arrive live.
/// </summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task GridBatteries_DcOperatorContractsFromThePage_EachAcceptedOneIsListedWithItsRelief_AndTheGridOperatorSeesThemLive()
    {
        using var alpha = fixture.Server.Client("dc-alpha");
        var list = await ServerProcess.OkJsonAsync(await alpha.GetAsync("api/grid/substations"));
        var node = list.GetProperty("substations").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "TK:上野").GetProperty("uploadNode").GetString();
        var site = "gb-" + Guid.NewGuid().ToString("N")[..6];
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(alpha, $"api/sites/{site}",
            new { area = "TK", itCapacityMw = 20.0, pue = 1.0, grid = new { kind = "firm", node, limitMw = 30.0 } }));

        // The area's grid operator, following live.
        var g = await fixture.OpenAsync();
        await g.Page.ClickAsync("[data-view=dr]");
        await g.UseKeyAsync(ServerProcess.KeyOf("tso-tk"), "grid-operator");
        await Expect(g.Page.Locator("#status")).ToHaveAttributeAsync("data-live", "live");
        await Expect(g.Page.Locator("#dr-gb")).ToBeVisibleAsync();
        await Expect(g.Page.Locator("#dr-gb-form")).ToBeHiddenAsync();

        // The DC operator contracts a 100 MW battery at each other substation of the layer from the form.
        var d = await fixture.OpenAsync();
        var page = d.Page;
        await page.ClickAsync("[data-view=dr]");
        await d.UseKeyAsync(ServerProcess.KeyOf("dc-alpha"), "dc-operator");
        await Expect(page.Locator("#dr-gb-form")).ToBeVisibleAsync();
        // First the layer's other Tokyo substation, then the backbone's Tokyo substations nearest the site until one is
        // accepted (which ones relieve the site is the server's sensitivities' answer, not the test's).
        var backbone = WattBit.Grid.Japan.JapanBackbone.LoadDefault();
        var ueno = backbone.Buses.Single(b => b.SubstationId == "TK:上野");
        var candidates = new[] { "TK:上尾" }.Concat(backbone.Buses.Where(b => b.Area.Code == "TK" && b.SubstationId is not ("TK:上野" or "TK:上尾"))
            .OrderBy(b => b.Location.DistanceKm(ueno.Location)).ThenBy(b => b.Number).Select(b => b.SubstationId).Distinct().Take(12)).ToArray();
        var results = new Dictionary<string, string>();
        for (var i = 0; i < candidates.Length && !results.Values.Any(v => v.Contains("contracted", StringComparison.Ordinal)); i++)
        {
            var battery = $"b{i}";
            await page.FillAsync("#dr-gb-site", site);
            await page.FillAsync("#dr-gb-id", battery);
            await page.FillAsync("#dr-gb-substation", candidates[i]);
            await page.FillAsync("#dr-gb-mw", "100");
            await page.FillAsync("#dr-gb-price", "3000000");
            await page.ClickAsync("#dr-gb-contract");
            await Expect(page.Locator("#dr-gb-result")).ToHaveAttributeAsync("data-status", new Regex(".+"));
            results[battery] = (await page.Locator("#dr-gb-result").GetAttributeAsync("data-status"))!;
        }

        // The route is the oracle: an accepted battery is listed with its relief; a refused one says why (422).
        var stored = (await ServerProcess.OkJsonAsync(await alpha.GetAsync("api/dr/grid-batteries"))).EnumerateArray()
            .Where(c => c.GetProperty("site").GetString() == site).ToDictionary(c => c.GetProperty("battery").GetString()!);
        Assert.True(stored.Count > 0, "no battery accepted:\n" + string.Join("\n", results.Select(r => $"{r.Key}: {r.Value}")));
        foreach (var (battery, text) in results)
        {
            if (stored.TryGetValue(battery, out var c))
            {
                var relief = c.GetProperty("reliefMw").GetDouble();
                Assert.True(relief > 0);
                Assert.Contains($"{battery} contracted", text, StringComparison.Ordinal);
                await Expect(page.Locator($"#dr-grid-batteries tr[data-site='{site}'][data-battery='{battery}']"))
                    .ToHaveAttributeAsync("data-relief-mw", relief.ToString("F3", CultureInfo.InvariantCulture));
                await Expect(g.Page.Locator($"#dr-grid-batteries tr[data-site='{site}'][data-battery='{battery}']"))
                    .ToHaveAttributeAsync("data-relief-mw", relief.ToString("F3", CultureInfo.InvariantCulture));
            }
            else
            {
                Assert.Contains("422", text, StringComparison.Ordinal);
                await Expect(page.Locator($"#dr-grid-batteries tr[data-site='{site}'][data-battery='{battery}']")).ToHaveCountAsync(0);
            }
        }

        await d.ScreenshotAsync("dr-grid-batteries");
        await g.ScreenshotAsync("dr-grid-batteries-tso");
        g.AssertClean();
    }
}
