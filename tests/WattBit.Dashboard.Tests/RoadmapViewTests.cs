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

        // "To defer it one year" (decisions 0226, 0234): the line and MW of the job's run-out JSON (0.1 MW rounded up) rounded up to 1 MW as
        // the report does, in the page's words.
        var runOut = (await ServerProcess.OkJsonAsync(await planner.GetAsync($"api/simulations/{id}/run-out"))).EnumerateArray()
            .Single(r => r.GetProperty("cluster").GetString() == "inzai");
        var uprateLine = runOut.GetProperty("uprateLine").GetString();
        Assert.NotNull(uprateLine); // inzai runs out, and the backbone's layer names the line and its factor
        var limiting = runOut.GetProperty("limitingLine").GetString();
        var uprateMw = Math.Ceiling(runOut.GetProperty("lineUprateMw").GetDouble() - 1e-6).ToString("N0", CultureInfo.InvariantCulture);
        var atLeast = runOut.GetProperty("lineUprateAtLeast").GetBoolean();
        var runsOut = runOut.GetProperty("runsOut").GetInt32();
        var others = runOut.GetProperty("otherLines").EnumerateArray().Select(o => (Line: o.GetProperty("line").GetString()!, Hours: o.GetProperty("hours").GetInt32())).ToList();
        var othersJa = others.Count == 0 ? "" : $"（単独では先送りできない：{string.Join("、", others.Select(o => $"{o.Line}（{o.Hours.ToString("N0", CultureInfo.InvariantCulture)}時間）"))}も超過）";
        var othersEn = others.Count == 0 ? "" : $"; alone it does not defer it: {string.Join(", ", others.Select(o => $"{o.Line} ({o.Hours.ToString("N0", CultureInfo.InvariantCulture)} h)"))} also over";
        var lineJa = uprateLine != limiting ? $"{uprateLine}（各回線）" : uprateLine;
        var uprateCell = page.Locator("#run-out-table tr[data-cluster=inzai] td").Nth(7);
        await Expect(page.Locator("#run-out-table th").Nth(7)).ToHaveTextAsync("1年先送りするには");
        await Expect(uprateCell).ToHaveTextAsync(atLeast ? $"{runsOut}年までに{lineJa}を少なくとも{uprateMw} MW増強{othersJa}" : $"{runsOut}年までに{lineJa}を{uprateMw} MW増強{othersJa}");

        await page.ClickAsync("[data-lang=en]");
        await Expect(page.Locator("#run-out-table tr[data-cluster=keihanna] td").Nth(1)).ToHaveTextAsync("Kansai");
        var lineEn = uprateLine != limiting ? $"{uprateLine} (each circuit)" : uprateLine;
        await Expect(uprateCell).ToHaveTextAsync($"uprate {lineEn} by {(atLeast ? "at least " : "")}{uprateMw} MW by {runsOut}{othersEn}");
        await d.ScreenshotAsync("roadmap");
        d.AssertClean();
    }
}
