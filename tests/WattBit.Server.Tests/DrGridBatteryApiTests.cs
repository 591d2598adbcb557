using System.Globalization;
using System.Net.Http.Json;
using WattBit.Grid.Headroom;
using WattBit.Grid.Japan;

namespace WattBit.Server.Tests;

/// <summary>
/// Grid-side battery contracts on the server (issue 19, decision 0197): a DC operator contracts a battery at another
/// backbone substation for its site; the layer's sensitivities decide. The oracle is the grid engine rebuilt from the
/// exported japan.m over the layer's hours (the what-if tests' independent path): the site's headroom without a battery
/// is its N-1 minimum there, and the batteries chosen here are one that relieves the site most and one on the wrong side
/// of its limiting line.
/// </summary>
public sealed class DrGridBatteryApiTests(DrServer fixture) : IClassFixture<DrServer>
{
    private const string DcSubstation = "TK:上野";
    private const double BatteryMw = 100;

    [Fact]
    public async Task Contract_IsAcceptedWhereTheSensitivitiesSayTheBatteryRelievesTheSite_AndRefusedWithTheReasonWhereNot()
    {
        var server = fixture.Server;
        var (alpha, beta, tso, tsoKn) = (server.Client("dc-alpha"), server.Client("dc-beta"), server.Client("tso-tk"), server.Client("tso-kn"));
        var r = await alpha.PutJsonAsync("/api/sites/gb1", new { area = "TK", itCapacityMw = 20, pue = 1.0, grid = new { kind = "firm", node = TestServer.UploadNodeOf(DcSubstation), limitMw = 30 } });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());

        // The oracle: the engine on the exported model over the layer's hours.
        var list = await (await server.Client().GetAsync("/api/grid/substations")).OkJsonAsync();
        var (from, to) = (list.GetProperty("from").GetDateTimeOffset(), list.GetProperty("to").GetDateTimeOffset());
        var (backbone, net, _, engine) = ExportedModelEngine.Engine(from, to);
        var oracle = new BatteryReliefEngine(engine);
        var dc = backbone.Buses.Single(b => b.SubstationId == DcSubstation);
        var hours = new BusHeadroom(engine.Steps);
        engine.Compute(net.BusIndex(dc.Number), hours);
        var withoutMw = hours.N1Mw.Where(v => !double.IsNaN(v)).Min();
        var dcBus = Bus(backbone, DcSubstation);
        // Candidates: the twelve Tokyo substations nearest the site (any choice would do: the sensitivities decide, not
        // distance; the whole backbone would take minutes under N-1).
        var answers = backbone.Buses.Where(b => b.SubstationId != DcSubstation && b.Area.Code == "TK")
            .OrderBy(b => b.Location.DistanceKm(dc.Location)).ThenBy(b => b.Number).Take(12)
            .Select(b => (b.SubstationId, oracle.Assess(dcBus, b.Number.ToString(CultureInfo.InvariantCulture), WattBit.Units.Power.FromMegawatts(BatteryMw)))).ToList();
        var (reliefId, best) = answers.Where(a => a.Item2.Relieves).MaxBy(a => a.Item2.Relief.Megawatts);
        var (wrongId, wrong) = answers.First(a => !a.Item2.Relieves);
        Assert.Equal(withoutMw, best.Without.Megawatts, 1e-4);
        Assert.NotNull(wrong.LimitingBranch);

        // The relieving battery: 201 with the oracle's headroom without and with it; listed for the operator and the area's grid operator.
        var contract = await (await alpha.PostAsJsonAsync("/api/dr/sites/gb1/grid-batteries", new { id = "far", substation = reliefId, mw = BatteryMw, priceYen = 3_000_000 })).OkJsonAsync(201);
        Assert.Equal(withoutMw, contract.GetProperty("withoutMw").GetDouble(), 1e-4);
        Assert.Equal(best.With.Megawatts, contract.GetProperty("withMw").GetDouble(), 1e-4);
        Assert.True(contract.GetProperty("reliefMw").GetDouble() > 0);
        Assert.Equal(3_000_000 / best.Relief.Megawatts, contract.GetProperty("yenPerMwOfRelief").GetDouble(), 1e-2);
        Assert.Equal(LineName(backbone, best.LimitingBranch), contract.GetProperty("limitingLine").GetString());
        Assert.Equal("TK", contract.GetProperty("area").GetString());
        Assert.Single((await (await alpha.GetAsync("/api/dr/grid-batteries")).OkJsonAsync()).EnumerateArray());
        Assert.Single((await (await tso.GetAsync("/api/dr/grid-batteries")).OkJsonAsync()).EnumerateArray());
        Assert.Empty((await (await tsoKn.GetAsync("/api/dr/grid-batteries")).OkJsonAsync()).EnumerateArray());
        Assert.Empty((await (await beta.GetAsync("/api/dr/grid-batteries")).OkJsonAsync()).EnumerateArray());
        await (await alpha.PostAsJsonAsync("/api/dr/sites/gb1/grid-batteries", new { id = "far", substation = reliefId, mw = BatteryMw })).ProblemAsync(409);

        // The battery on the wrong side of the limiting line: 422 naming the line and both sensitivities; nothing stored.
        var refused = await (await alpha.PostAsJsonAsync("/api/dr/sites/gb1/grid-batteries", new { id = "wrong", substation = wrongId, mw = BatteryMw })).ProblemAsync(422);
        var detail = refused.GetProperty("detail").GetString()!;
        Assert.Contains("does not relieve", detail, StringComparison.Ordinal);
        Assert.Contains(LineName(backbone, wrong.LimitingBranch)!, detail, StringComparison.Ordinal);
        Assert.Contains(wrong.DcSensitivity.ToString("0.###", CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
        Assert.Contains(wrong.BatterySensitivity.ToString("0.###", CultureInfo.InvariantCulture), detail, StringComparison.Ordinal);
        Assert.Single((await (await alpha.GetAsync("/api/dr/grid-batteries")).OkJsonAsync()).EnumerateArray());
        var audit = await (await alpha.GetAsync("/api/dr/audit")).OkJsonAsync();
        Assert.Single(audit.EnumerateArray(), a => a.GetProperty("kind").GetString() == "grid-battery-contracted");
    }

    [Fact]
    public async Task BadContracts_SayWhichField_PerRole()
    {
        var server = fixture.Server;
        var alpha = server.Client("dc-alpha");
        var r = await alpha.PutJsonAsync("/api/sites/gb2", new { area = "TK", itCapacityMw = 20, pue = 1.0 });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        var bad = await (await alpha.PostAsJsonAsync("/api/dr/sites/gb2/grid-batteries", new { id = "x", substation = "TK:nowhere", mw = -1 })).ProblemAsync(400);
        Assert.Contains("substation", bad.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("mw", bad.GetRawText(), StringComparison.Ordinal);
        // A site without a grid node cannot be assessed; another operator's site is not found; other roles may not contract.
        await (await alpha.PostAsJsonAsync("/api/dr/sites/gb2/grid-batteries", new { id = "x", substation = "TK:上尾", mw = 10 })).ProblemAsync(409);
        await (await server.Client("dc-beta").PostAsJsonAsync("/api/dr/sites/gb2/grid-batteries", new { id = "x", substation = "TK:上尾", mw = 10 })).ProblemAsync(404);
        await (await server.Client("tso-tk").PostAsJsonAsync("/api/dr/sites/gb2/grid-batteries", new { id = "x", substation = "TK:上尾", mw = 10 })).ProblemAsync(403);
        await (await server.Client("agg-north").GetAsync("/api/dr/grid-batteries")).ProblemAsync(403);
    }

    private static string Bus(JapanBackbone backbone, string id) =>
        backbone.Buses.Single(b => b.SubstationId == id).Number.ToString(CultureInfo.InvariantCulture);

    // The exported case has no branch names: the engine names a branch by its 1-based index; the layer shows the backbone's names.
    private static string? LineName(JapanBackbone backbone, string? branch) =>
        branch is not null && int.TryParse(branch, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? backbone.Branches[n - 1].DisplayName : branch;
}
