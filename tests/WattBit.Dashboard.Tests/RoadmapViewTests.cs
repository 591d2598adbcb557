using System.Globalization;

namespace WattBit.Dashboard.Tests;

/// <summary>The roadmap view (ロードマップ, issue 17): a planner runs the server's roadmap and sees its run-out table and timeline.</summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task Roadmap_PlannerRunsIt_AndSeesTheRunOutYearsComputedFromItsTable_WithJapaneseAreaNames()
    {
        var d = await fixture.OpenAsync();
        var page = d.Page;
        await page.ClickAsync("[data-view=roadmap]");
        await Expect(page.Locator("#roadmap-need-key")).ToBeVisibleAsync();
        await d.UseKeyAsync(ServerProcess.KeyOf("planner"), "planner");
        await page.ClickAsync("[data-lang=ja]");
        await Expect(page.Locator("#roadmaps li[data-roadmap]")).ToHaveCountAsync(1);
        await page.Locator("#roadmaps li[data-roadmap='roadmap'] button").ClickAsync();
        await Expect(page.Locator("#roadmap-progress")).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 180_000 });

        // The oracle: each cluster's first year short without and with shifting, recomputed from the job's per-year table
        // (roadmap.csv: short_mwh and short_shifted_mwh above 0), not from the run-out table the page shows.
        using var planner = fixture.Server.Client("planner");
        var job = (await ServerProcess.OkJsonAsync(await planner.GetAsync("api/simulations"))).EnumerateArray().Last(j => j.GetProperty("scenario").GetString() == "roadmap");
        var id = job.GetProperty("id").GetString()!;
        var lines = (await planner.GetStringAsync($"api/simulations/{id}/report/roadmap.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        string First(string cluster, string column) => lines.Skip(1).Select(l => l.Split(','))
            .Where(c => c[Col("cluster")] == cluster && double.Parse(c[Col(column)], CultureInfo.InvariantCulture) > 1e-3)
            .Select(c => c[Col("year")]).FirstOrDefault() ?? "-";

        var expectedPoints = string.Join(" ", ((string[])["inzai", "keihanna"]).Select(c => $"{c}:{First(c, "short_mwh")}:{First(c, "short_shifted_mwh")}"));
        Assert.NotEqual("-", First("inzai", "short_mwh")); // 6 GW at one substation does not fit in 2026
        await Expect(page.Locator("#run-out-chart")).ToHaveAttributeAsync("data-points", expectedPoints);
        await Expect(page.Locator("#run-out-chart")).ToHaveAttributeAsync("data-labels", "inzai（東京）|keihanna（関西）");
        foreach (var (cluster, area) in ((string, string)[])[("inzai", "東京"), ("keihanna", "関西")])
        {
            var cells = page.Locator($"#run-out-table tr[data-cluster={cluster}] td");
            await Expect(cells.Nth(1)).ToHaveTextAsync(area);
            var without = First(cluster, "short_mwh");
            await Expect(cells.Nth(3)).ToHaveTextAsync(without == "-" ? "2026年まで不足なし" : without);
            var with = First(cluster, "short_shifted_mwh");
            await Expect(cells.Nth(4)).ToHaveTextAsync(with == "-" ? "2026年まで不足なし" : with);
        }

        await page.ClickAsync("[data-lang=en]");
        await Expect(page.Locator("#run-out-table tr[data-cluster=keihanna] td").Nth(1)).ToHaveTextAsync("Kansai");
        await d.ScreenshotAsync("roadmap");
        d.AssertClean();
    }
}
