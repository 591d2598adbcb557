using System.Globalization;
using WattBit.Grid.Japan;

namespace WattBit.Server.Tests;

/// <summary>The headroom layer under /api/grid (the test server computes one day of three backbone substations).</summary>
[Collection(ServerCollection.Name)]
public sealed class HeadroomLayerApiTests(TestServer server)
{
    [Fact]
    public async Task Substations_AreTheBackbones_WithModelAndSyntheticLabels()
    {
        var json = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        Assert.Equal("japan-backbone", json.GetProperty("model").GetString());
        Assert.True(json.GetProperty("synthetic").GetBoolean());
        var subs = json.GetProperty("substations").EnumerateArray().ToList();
        Assert.Equal(3, subs.Count);
        var ageo = subs.Single(s => s.GetProperty("id").GetString() == "TK:上尾");
        Assert.Equal("TK", ageo.GetProperty("area").GetString());
        Assert.Equal(35.969024, ageo.GetProperty("lat").GetDouble(), 6); // japan-buses.csv
        Assert.Equal(275, ageo.GetProperty("voltageKv").GetDouble());
    }

    [Fact]
    public async Task Headroom_EqualsTheEngineOnTheExportedModel_HourByHour()
    {
        var list = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        var from = list.GetProperty("from").GetDateTimeOffset();
        var to = list.GetProperty("to").GetDateTimeOffset();
        var json = await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("TK:上野")}/headroom")).OkJsonAsync();
        var hours = json.GetProperty("hours").EnumerateArray().ToList();
        Assert.Equal((int)(to - from).TotalHours, hours.Count);
        Assert.Equal("model", json.GetProperty("source").GetString());

        // Independent path: the model as written to japan.m, read back, driven by the reference year's demand of its
        // areas over the same hours, solved by the engine as `wattbit grid headroom japan.m --profile` does.
        var (backbone, times, engine) = ExportedModelEngine.Run(from, to, "TK:上野");
        var h = engine["TK:上野"];
        for (var t = 0; t < times.Count; t++)
        {
            Assert.Equal(times[t], hours[t].GetProperty("start").GetDateTimeOffset());
            Assert.Equal(h.N0Mw[t], hours[t].GetProperty("n0Mw").GetDouble(), 1e-5); // MW; the route rounds to 1e-6 MW
            Assert.Equal(h.N1Mw[t], hours[t].GetProperty("n1Mw").GetDouble(), 1e-5);
            var branch = double.IsNaN(h.N1Mw[t]) ? h.N0Branch[t] : h.N1Branch[t];
            var line = hours[t].GetProperty("limitingLine");
            Assert.Equal(branch < 0 ? null : backbone.Branches[branch].DisplayName, line.ValueKind == System.Text.Json.JsonValueKind.Null ? null : line.GetString());
        }
    }

    [Fact]
    public async Task Headroom_UnknownSubstation_OrWindowWithoutData_IsA404ThatSaysSo_NeverZero()
    {
        var unknown = await (await server.Client().GetAsync("/api/grid/substations/TK:nowhere/headroom")).ProblemAsync(404);
        Assert.Contains("TK:nowhere", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var far = Uri.EscapeDataString(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture));
        var farEnd = Uri.EscapeDataString(new DateTimeOffset(2030, 1, 2, 0, 0, 0, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture));
        var none = await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("TK:上尾")}/headroom?from={far}&to={farEnd}")).ProblemAsync(404);
        Assert.Contains("no hour", none.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("TK:上尾")}/headroom?from={farEnd}&to={far}")).ProblemAsync(400);
    }

    [Fact]
    public async Task Headroom_UploadedByTheAreasGridOperatorForTheBusNode_OverridesTheModel()
    {
        var list = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        var from = list.GetProperty("from").GetDateTimeOffset();
        var bus = JapanBackbone.LoadDefault().Buses.Single(b => b.SubstationId == "TK:上尾").Number;
        await (await server.Client("tso-tk").PutJsonAsync($"/api/areas/TK/nodes/{bus}/headroom", new { start = from, stepMinutes = 60, values = new[] { 12.5, 13.5 } })).OkJsonAsync();
        var json = await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("TK:上尾")}/headroom")).OkJsonAsync();
        Assert.Equal("tso-upload", json.GetProperty("source").GetString());
        var hours = json.GetProperty("hours").EnumerateArray().ToList();
        Assert.Equal(12.5, hours[0].GetProperty("n0Mw").GetDouble());
        Assert.Equal(13.5, hours[1].GetProperty("n1Mw").GetDouble());
    }

    [Fact]
    public async Task WelcomeZones_AreGeoJson_ClassifiedFromEachSubstationsHours()
    {
        var response = await server.Client().GetAsync("/api/grid/welcome-zones?mw=50");
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.OkJsonAsync();
        Assert.Equal("FeatureCollection", json.GetProperty("type").GetString());
        var hkd = json.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("properties").GetProperty("id").GetString() == "HKD:函館");
        var p = hkd.GetProperty("properties");
        var hours = (await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("HKD:函館")}/headroom")).OkJsonAsync())
            .GetProperty("hours").EnumerateArray().Select(h => h.GetProperty("n1Mw").GetDouble()).ToArray();
        // Firm = least N-1 hour; the class by the rule of docs/headroom-layer.md, recomputed here from the hours.
        Assert.Equal(hours.Min(), p.GetProperty("firm_mw").GetDouble(), 3);
        var sorted = hours.Order().ToArray();
        var median = 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
        var expected = hours.Min() >= 50 ? "firm" : median >= 50 ? "dynamic" : null;
        if (expected is not null)
        {
            Assert.Equal(expected, p.GetProperty("zone").GetString());
        }
        else
        {
            Assert.Contains(p.GetProperty("zone").GetString(), new[] { "curtailable", "constrained" });
        }

        Assert.Equal(hours.Count(v => v >= 50), p.GetProperty("hours_with_room").GetInt32());
        await (await server.Client().GetAsync("/api/grid/welcome-zones?mw=0")).ProblemAsync(400);
    }
    [Fact]
    public async Task AllHeadroom_OfAWindow_IsEverySubstationsHourlyRoute_AlignedToItsHours()
    {
        var list = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        var from = list.GetProperty("from").GetDateTimeOffset();
        var q = $"from={Uri.EscapeDataString(from.AddHours(2).ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(from.AddHours(8).ToString("O", CultureInfo.InvariantCulture))}";
        var all = await (await server.Client().GetAsync($"/api/grid/headroom?{q}")).OkJsonAsync();
        var times = all.GetProperty("hours").EnumerateArray().Select(h => h.GetDateTimeOffset()).ToList();
        Assert.Equal(Enumerable.Range(2, 6).Select(h => from.AddHours(h)), times);
        var subs = all.GetProperty("substations").EnumerateArray().ToList();
        Assert.Equal(list.GetProperty("substations").GetArrayLength(), subs.Count);
        foreach (var s in subs)
        {
            var id = s.GetProperty("id").GetString()!;
            var one = await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString(id)}/headroom?{q}")).OkJsonAsync();
            Assert.Equal(one.GetProperty("source").GetString(), s.GetProperty("source").GetString());
            var hours = one.GetProperty("hours").EnumerateArray().ToList();
            Assert.Equal(hours.Count, s.GetProperty("n1Mw").GetArrayLength());
            for (var k = 0; k < hours.Count; k++)
            {
                Assert.Equal(hours[k].GetProperty("start").GetDateTimeOffset(), times[k]);
                Assert.Equal(hours[k].GetProperty("n0Mw").GetRawText(), s.GetProperty("n0Mw")[k].GetRawText());
                Assert.Equal(hours[k].GetProperty("n1Mw").GetRawText(), s.GetProperty("n1Mw")[k].GetRawText());
                Assert.Equal(hours[k].GetProperty("limitingLine").GetRawText(), s.GetProperty("limitingLine")[k].GetRawText());
            }
        }

        var week = Uri.EscapeDataString(from.AddDays(8).ToString("O", CultureInfo.InvariantCulture));
        await (await server.Client().GetAsync($"/api/grid/headroom?to={week}")).ProblemAsync(400);
        var far = Uri.EscapeDataString(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture));
        await (await server.Client().GetAsync($"/api/grid/headroom?from={far}")).ProblemAsync(404);
    }

    [Fact]
    public async Task WelcomeZones_OfAWindow_AreClassifiedOverThatWindowsHoursOnly()
    {
        var list = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        var from = list.GetProperty("from").GetDateTimeOffset();
        var q = $"from={Uri.EscapeDataString(from.AddHours(3).ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(from.AddHours(9).ToString("O", CultureInfo.InvariantCulture))}";
        var zones = await (await server.Client().GetAsync($"/api/grid/welcome-zones?mw=20&{q}")).OkJsonAsync();
        Assert.Equal(from.AddHours(3), zones.GetProperty("from").GetDateTimeOffset());
        var p = zones.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("properties").GetProperty("id").GetString() == "HKD:函館").GetProperty("properties");
        var n1 = (await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString("HKD:函館")}/headroom?{q}")).OkJsonAsync())
            .GetProperty("hours").EnumerateArray().Select(h => h.GetProperty("n1Mw").GetDouble()).ToArray();
        Assert.Equal(6, n1.Length);
        Assert.Equal(6, p.GetProperty("hours").GetInt32());
        Assert.Equal(n1.Min(), p.GetProperty("firm_mw").GetDouble(), 3);
        Assert.Equal(n1.Count(v => v >= 20), p.GetProperty("hours_with_room").GetInt32());
        var far = Uri.EscapeDataString(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture));
        await (await server.Client().GetAsync($"/api/grid/welcome-zones?from={far}")).ProblemAsync(404);
    }
}
