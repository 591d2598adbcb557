using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Grid.Headroom;
using WattBit.Grid.Japan;

namespace WattBit.Server.Tests;

/// <summary>POST /api/grid/substations/{id}/what-if on the test server's layer (one day of three backbone substations).</summary>
[Collection(ServerCollection.Name)]
public sealed class WhatIfApiTests(TestServer server)
{
    private const string Id = "TK:上野";

    private async Task<(DateTimeOffset From, DateTimeOffset To)> WindowAsync()
    {
        var list = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        return (list.GetProperty("from").GetDateTimeOffset(), list.GetProperty("to").GetDateTimeOffset());
    }

    private async Task<JsonElement> PostAsync(object body, int status = 200)
    {
        var response = await server.Client().PostAsJsonAsync($"/api/grid/substations/{Uri.EscapeDataString(Id)}/what-if", body);
        return status == 200 ? await response.OkJsonAsync() : await response.ProblemAsync(status);
    }

    private static void AssertEqualsRebuild(JsonElement json, BusHeadroom rebuilt, IReadOnlyList<DateTimeOffset> times)
    {
        var hours = json.GetProperty("hours").EnumerateArray().ToList();
        Assert.Equal(times.Count, hours.Count);
        for (var t = 0; t < times.Count; t++)
        {
            Assert.Equal(times[t], hours[t].GetProperty("start").GetDateTimeOffset());
            Assert.Equal(rebuilt.N0Mw[t], hours[t].GetProperty("n0MwAfter").GetDouble(), 1e-5); // MW; the route rounds to 1e-6
            Assert.Equal(rebuilt.N1Mw[t], hours[t].GetProperty("n1MwAfter").GetDouble(), 1e-5);
        }
    }

    [Fact]
    public async Task WhatIf_UprateOfTheMostLimitingLine_EqualsARebuildOfTheChangedModel_AndNeverLowersHeadroom()
    {
        var (from, to) = await WindowAsync();
        var ranked = await (await server.Client().GetAsync($"/api/grid/substations/{Uri.EscapeDataString(Id)}/limiting-lines?top=1")).OkJsonAsync();
        var line = ranked.GetProperty("lines")[0].GetProperty("line").GetString()!;
        var json = await PostAsync(new { uprate = new { line, mw = 500 } });
        Assert.True(json.GetProperty("answerMs").GetDouble() >= 0);
        Assert.True(json.GetProperty("noSweep").ValueKind is JsonValueKind.True or JsonValueKind.False);

        // Oracle: the exported japan.m with the line's rating raised, rebuilt from scratch.
        var branch = JapanBackbone.LoadDefault().Branches.Select((b, i) => (b, i)).First(p => p.b.DisplayName == line).i;
        var (_, times, rebuilt) = ExportedModelEngine.Run(from, to, new BranchUprate(branch, 500), Id);
        AssertEqualsRebuild(json, rebuilt[Id], times);
        var (_, _, unchanged) = ExportedModelEngine.Run(from, to, Id);
        foreach (var (h, t) in json.GetProperty("hours").EnumerateArray().Select((h, t) => (h, t)))
        {
            Assert.Equal(unchanged[Id].N1Mw[t], h.GetProperty("n1MwBefore").GetDouble(), 1e-5);
            Assert.True(h.GetProperty("n1MwAfter").GetDouble() >= h.GetProperty("n1MwBefore").GetDouble() - 1e-9);
        }
    }

    [Fact]
    public async Task WhatIf_NewLineToAnotherSubstation_EqualsARebuildWithTheLine()
    {
        var (from, to) = await WindowAsync();
        var json = await PostAsync(new { newLine = new { to = "TK:上尾", x = 0.01, mw = 2000 } });
        var model = JapanBackbone.LoadDefault();
        int BusIndex(string id) => model.Network.BusIndex(model.Buses.Single(b => b.SubstationId == id).Number);
        var (_, times, rebuilt) = ExportedModelEngine.Run(from, to, new NewLine(BusIndex(Id), BusIndex("TK:上尾"), 0.01, 2000), Id);
        AssertEqualsRebuild(json, rebuilt[Id], times);
        Assert.Contains("new line", json.GetProperty("change").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIf_BadRequests_SayWhichField_UnknownSubstationIs404()
    {
        var unknownLine = await PostAsync(new { uprate = new { line = "no such line", mw = 100 } }, 400);
        Assert.Contains("uprate.line", unknownLine.GetRawText(), StringComparison.Ordinal);
        await PostAsync(new { uprate = new { line = "no such line", mw = 100 }, newLine = new { to = "TK:上尾", x = 0.01, mw = 100 } }, 400);
        var self = await PostAsync(new { newLine = new { to = Id, x = 0.01, mw = 100 } }, 400);
        Assert.Contains("newLine.to", self.GetRawText(), StringComparison.Ordinal);
        var response = await server.Client().PostAsJsonAsync("/api/grid/substations/TK:nowhere/what-if", new { uprate = new { line = "x", mw = 1 } });
        await response.ProblemAsync(404);
    }
}
