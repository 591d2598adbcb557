using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace WattBit.Dashboard.Tests;

/// <summary>The welcome-zone view (issue 15): substations by class, the hour slider, the click-through chart, sources, an upload.</summary>
public sealed partial class DashboardTests
{
    // The legend's colours as the page documents them (docs/headroom-layer.md): the oracle for what is drawn.
    private static readonly Dictionary<string, string> s_zoneColours = new(StringComparer.Ordinal)
    {
        ["firm"] = "#1a9850",
        ["dynamic"] = "#4575b4",
        ["curtailable"] = "#f39c12",
        ["constrained"] = "#d73027",
        ["missing"] = "#9e9e9e",
    };

    [Fact]
    public async Task WelcomeZones_ColourEverySubstationByItsClass_TheSliderPicksTheHour_AndAClickShowsItsHoursAndLimitingLine()
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var list = await ServerProcess.OkJsonAsync(await client.GetAsync("api/grid/substations"));
        var subs = list.GetProperty("substations").EnumerateArray().ToList();
        Assert.Equal(ServerProcess.LayerSubstations.Length, subs.Count);

        var d = await fixture.OpenAsync();
        var page = d.Page;
        await page.ClickAsync("[data-view=zones]");
        var map = page.Locator("#zones-map");
        await Expect(map).ToHaveAttributeAsync("data-substation-count", subs.Count.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#zones-info")).ToHaveAttributeAsync("data-synthetic", "true");
        await Expect(page.Locator("#zones-info")).ToContainTextAsync("synthetic");
        var day = DateTimeOffset.Parse(await map.GetAttributeAsync("data-day") ?? "", CultureInfo.InvariantCulture);

        // Each substation's class for 50 MW over the chosen day, recomputed here from its hours as the route serves them.
        var hoursOf = new Dictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        foreach (var s in subs)
        {
            var id = s.GetProperty("id").GetString()!;
            var hours = await HoursAsync(client, id, day);
            hoursOf[id] = hours;
            var expected = Classify(hours, 50);
            var row = page.Locator($"#zones-table tr[data-substation='{id}']");
            await Expect(row).ToHaveAttributeAsync("data-zone", expected);
            await Expect(row).ToHaveAttributeAsync("data-colour", s_zoneColours[expected]);
            await Expect(row).ToHaveAttributeAsync("data-source", s.GetProperty("source").GetString()!);
            // The Japanese name as the API gives it (上尾, 函館...), whatever the page's language.
            await Expect(row.Locator("td.name")).ToHaveTextAsync(s.GetProperty("name").GetString()!);
        }

        // A larger connection: fewer substations can take it; the classes follow the size.
        await page.FillAsync("#zones-mw", "400");
        await page.Locator("#zones-mw").BlurAsync(); // the browser's own change event
        await Expect(map).ToHaveAttributeAsync("data-mw", "400");
        foreach (var (id, hours) in hoursOf)
        {
            await Expect(page.Locator($"#zones-table tr[data-substation='{id}']")).ToHaveAttributeAsync("data-zone", Classify(hours, 400));
        }

        // The slider picks the hour: the map's MW are that hour's N-1 headroom.
        const int hour = 7;
        await page.EvalOnSelectorAsync("#zones-hour", $"(e) => {{ e.value = '{hour}'; e.dispatchEvent(new Event('input')); }}");
        var ueno = hoursOf["TK:上野"];
        await Expect(map).ToHaveAttributeAsync("data-hour", ueno[hour].GetProperty("start").GetString()!);
        foreach (var (id, hours) in hoursOf)
        {
            var n1 = hours[hour].GetProperty("n1Mw");
            await Expect(page.Locator($"#zones-table tr[data-substation='{id}']"))
                .ToHaveAttributeAsync("data-n1-mw", n1.ValueKind == JsonValueKind.Null ? "" : n1.GetDouble().ToString("F1", CultureInfo.InvariantCulture));
        }

        // Click-through: the substation's hourly N-0/N-1 chart and the limiting line (OCCTO name) of every hour.
        await page.ClickAsync("#zones-table tr[data-substation='TK:上野']");
        var detail = page.Locator("#zones-detail");
        try
        {
            await Expect(detail).ToBeVisibleAsync();
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"status: '{await page.Locator("#status").TextContentAsync()}', detail note: '{await page.Locator("#zones-detail-empty").TextContentAsync()}', selected rows: {await page.Locator("#zones-table tr.selected").CountAsync()}", e);
        }

        await Expect(detail).ToHaveAttributeAsync("data-substation", "TK:上野");
        await Expect(detail).ToHaveAttributeAsync("data-hours", ueno.Count.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#zones-chart")).ToHaveAttributeAsync("data-n1-points", ueno.Count.ToString(CultureInfo.InvariantCulture));
        await Expect(page.Locator("#zones-detail-title")).ToContainTextAsync("上野");
        await Expect(page.Locator("#zones-detail-source")).ToHaveAttributeAsync("data-source", "model");
        await Expect(page.Locator("#zones-detail-source")).ToContainTextAsync("synthetic");
        var lines = page.Locator("#zones-lines tbody tr");
        await Expect(lines).ToHaveCountAsync(ueno.Count);
        for (var k = 0; k < ueno.Count; k++)
        {
            var line = ueno[k].GetProperty("limitingLine");
            await Expect(lines.Nth(k).Locator("td.line")).ToHaveTextAsync(line.ValueKind == JsonValueKind.Null ? "-" : line.GetString()!);
        }

        Assert.Contains(ueno, h => h.GetProperty("limitingLine").ValueKind == JsonValueKind.String);
        await Expect(lines.Nth(hour)).ToHaveClassAsync("selected");
        await d.ScreenshotAsync("welcome-zones");

        await page.ClickAsync("[data-lang=ja]");
        await Expect(page.Locator("[data-view=zones]")).ToHaveTextAsync("ウェルカムゾーン");
        await Expect(page.Locator("#zones-detail-source")).ToContainTextAsync("合成データ");
        await d.ScreenshotAsync("welcome-zones-ja");
        d.AssertClean();
    }

    [Fact]
    public async Task WelcomeZones_AnUploadByTheAreasGridOperator_RecoloursItsSubstationLive_AndLabelsItsSource()
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var tso = fixture.Server.Client("tso-tk");
        var list = await ServerProcess.OkJsonAsync(await client.GetAsync("api/grid/substations"));
        var ageo = list.GetProperty("substations").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "TK:上尾");
        var from = list.GetProperty("from").GetDateTimeOffset();
        var hours = await HoursAsync(client, "TK:上尾", from);
        const double size = 50;
        var before = Classify(hours, size);
        // Whatever the model says, the upload flips it: 500 MW every hour is firm, 1 MW every hour is constrained.
        var uploaded = before == "firm" ? 1.0 : 500.0;
        var after = before == "firm" ? "constrained" : "firm";

        var d = await fixture.OpenAsync();
        var page = d.Page;
        await d.UseKeyAsync(ServerProcess.KeyOf("tso-tk"), "grid-operator");
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("data-live", "live");
        await page.ClickAsync("[data-view=zones]");
        var row = page.Locator("#zones-table tr[data-substation='TK:上尾']");
        await Expect(row).ToHaveAttributeAsync("data-zone", before);
        await row.ClickAsync();
        await Expect(page.Locator("#zones-detail-source")).ToHaveAttributeAsync("data-source", "model");

        var node = ageo.GetProperty("uploadNode").GetString()!;
        await ServerProcess.OkJsonAsync(await ServerProcess.PutJsonAsync(tso, $"api/areas/TK/nodes/{node}/headroom",
            new { start = from, stepMinutes = 60, values = Enumerable.Repeat(uploaded, hours.Count).ToArray() }));

        // No polling while live: only the headroom event can bring the new class.
        await Expect(row).ToHaveAttributeAsync("data-zone", after);
        await Expect(row).ToHaveAttributeAsync("data-colour", s_zoneColours[after]);
        await Expect(row).ToHaveAttributeAsync("data-source", "tso-upload");
        await Expect(row.Locator("td.source")).ToHaveTextAsync("TSO upload");
        await Expect(page.Locator("#zones-detail-source")).ToHaveAttributeAsync("data-source", "tso-upload");
        await Expect(page.Locator("#zones-lines tbody tr").First.Locator("td.num").Nth(1)).ToHaveTextAsync(uploaded.ToString("F1", CultureInfo.GetCultureInfo("en-GB")));
        await d.ScreenshotAsync("welcome-zones-upload");
        d.AssertClean();
    }

    /// <summary>A substation's hours of one day (24 from <paramref name="day"/>) as the hourly route serves them.</summary>
    private static async Task<List<JsonElement>> HoursAsync(HttpClient client, string id, DateTimeOffset day)
    {
        var q = $"from={Uri.EscapeDataString(day.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(day.AddDays(1).ToString("O", CultureInfo.InvariantCulture))}";
        var json = await ServerProcess.OkJsonAsync(await client.GetAsync($"api/grid/substations/{Uri.EscapeDataString(id)}/headroom?{q}"));
        return [.. json.GetProperty("hours").EnumerateArray()];
    }

    /// <summary>
    /// The welcome-zone rule written out here (docs/headroom-layer.md): firm if the least N-1 covers the size, dynamic if
    /// the median N-1 does, curtailable (③) if the least N-0 does, else constrained; N-1 missing in an hour counts as its N-0.
    /// </summary>
    private static string Classify(List<JsonElement> hours, double size)
    {
        static double? Mw(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
        var n0 = hours.Select(h => Mw(h.GetProperty("n0Mw"))).OfType<double>().ToArray();
        var secure = hours.Select(h => Mw(h.GetProperty("n1Mw")) ?? Mw(h.GetProperty("n0Mw"))).OfType<double>().Order().ToArray();
        if (n0.Length == 0 || secure.Length == 0)
        {
            return "missing";
        }

        var n = secure.Length;
        var median = n % 2 == 1 ? secure[n / 2] : 0.5 * (secure[(n / 2) - 1] + secure[n / 2]);
        return secure[0] >= size ? "firm" : median >= size ? "dynamic" : n0.Min() >= size ? "curtailable" : "constrained";
    }
}
