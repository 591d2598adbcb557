using System.Net.Http.Json;
using System.Text.Json;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>A server for the market tests: its own store and clock, a market-operator key, no headroom limit unless asked.</summary>
public sealed class MarketServer : IAsyncLifetime
{
    public const string MarketKey = "key-market-op-0123456789";

    private readonly Dictionary<string, string> _extra;

    public MarketServer() : this([])
    {
    }

    internal MarketServer(Dictionary<string, string> extra, string? folder = null)
    {
        _extra = new Dictionary<string, string>(Settings(extra));
        Server = new TestServer(_extra, folder);
    }

    internal static Dictionary<string, string> Settings(Dictionary<string, string> extra)
    {
        var all = new Dictionary<string, string>
        {
            ["WattBit:Market:Headroom"] = "none",
            ["WattBit:ApiKeys:7:Id"] = "market-op",
            ["WattBit:ApiKeys:7:Sha256"] = Security.ApiKeyTable.Hash(MarketKey),
            ["WattBit:ApiKeys:7:Role"] = "market-operator",
        };
        foreach (var (k, v) in extra)
        {
            all[k] = v;
        }

        return all;
    }

    public TestServer Server { get; }

    public HttpClient Client(string? keyId) => keyId == "market-op" ? MarketOperator() : Server.Client(keyId);

    public HttpClient MarketOperator()
    {
        var c = Server.Client();
        c.DefaultRequestHeaders.Add("X-Api-Key", MarketKey);
        return c;
    }

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// The market on the server (issue 16): operators post offers and bids, a market operator clears the next day, each
/// party sees only its own until and after the clearing, settlement sums hold, matches land in the plans, bad input is a
/// 400 naming row and field with nothing stored.
/// </summary>
public sealed class MarketApiTests(MarketServer market) : IClassFixture<MarketServer>
{
    // TestServer.Now is 2025-11-10 12:10 JST: the day-ahead clearing covers 2025-11-11 JST.
    private static readonly DateTimeOffset Tomorrow = new(2025, 11, 11, 0, 0, 0, Jst.Offset);

    private static object Offer(string id, string site, int fromHour, int toHour, double mw, double ask, params string[] tags) =>
        new { id, site, start = Tomorrow.AddHours(fromHour), end = Tomorrow.AddHours(toHour), mw, askYenPerMwh = ask, tags };

    private static object Bid(string id, double mw, int hours, int fromHour, int toHour, double value, string[] areas, string[] requires, bool divisible) =>
        new { id, mw, hours, release = Tomorrow.AddHours(fromHour), deadline = Tomorrow.AddHours(toHour), valueYenPerMwh = value, areas, requires, divisible };

    private static async Task SiteAsync(HttpClient dc, string id, string area, double itMw)
    {
        var r = await dc.PutJsonAsync($"/api/sites/{id}", new { area, itCapacityMw = itMw, pue = 1.0 });
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }

    private static List<string> Ids(JsonElement list, string path = "id") =>
        [.. list.EnumerateArray().Select(e => path == "bid.id" ? e.GetProperty("bid").GetProperty("id").GetString()! : e.GetProperty(path).GetString()!)];

    [Fact]
    public async Task DayAhead_SealedBook_ClearsAtHandComputedWelfareAndSettlement_EachSeesOnlyItsOwn_AndMatchesBecomePlanPlacements()
    {
        var alpha = market.Client("dc-alpha");
        var beta = market.Client("dc-beta");
        var gamma = market.Client("dc-gamma");
        var op = market.MarketOperator();
        await SiteAsync(alpha, "a1", "TK", 20);
        await SiteAsync(beta, "b1", "KY", 10);

        await (await alpha.PostAsJsonAsync("/api/market/offers", new[] { Offer("o1", "a1", 0, 6, 10, 10_000, "gpu") })).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/market/offers", new[] { Offer("o2", "b1", 0, 6, 5, 8_000, "cpu") })).OkJsonAsync(201);
        // gamma: a 4 MW × 2 h gpu block (only o1 has gpu); beta: 5 MW × 3 h divisible in TK; alpha: a bid below every ask.
        await (await gamma.PostAsJsonAsync("/api/market/bids", new[] { Bid("g1", 4, 2, 0, 6, 20_000, ["*"], ["gpu"], false) })).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/market/bids", new[] { Bid("k1", 5, 3, 0, 6, 15_000, ["TK"], [], true) })).OkJsonAsync(201);
        await (await alpha.PostAsJsonAsync("/api/market/bids", new[] { Bid("x1", 2, 1, 0, 6, 5_000, [], [], true) })).OkJsonAsync(201);

        // Sealed before the clearing: each DC operator sees its own offers and bids, the market operator all, others none.
        Assert.Equal(["o1"], Ids(await (await alpha.GetAsync("/api/market/offers")).OkJsonAsync()));
        Assert.Empty((await (await gamma.GetAsync("/api/market/offers")).OkJsonAsync()).EnumerateArray());
        Assert.Equal(["g1"], Ids(await (await gamma.GetAsync("/api/market/bids")).OkJsonAsync(), "bid.id"));
        Assert.Equal(["o1", "o2"], Ids(await (await op.GetAsync("/api/market/offers")).OkJsonAsync()).Order());
        Assert.Equal(["g1", "k1", "x1"], Ids(await (await op.GetAsync("/api/market/bids")).OkJsonAsync(), "bid.id").Order());
        await (await market.Client("viewer").GetAsync("/api/market/offers")).ProblemAsync(403);
        await (await market.Client("tso-tk").GetAsync("/api/market/bids")).ProblemAsync(403);

        // Only the market operator clears, and a window clears once.
        await (await alpha.PostAsJsonAsync("/api/market/clearings", new { kind = "dayAhead" })).ProblemAsync(403);
        var all = await (await op.PostAsJsonAsync("/api/market/clearings", new { kind = "dayAhead" })).OkJsonAsync(201);
        await (await op.PostAsJsonAsync("/api/market/clearings", new { kind = "dayAhead" })).ProblemAsync(409);
        var id = all.GetProperty("id").GetString();
        Assert.Equal("day-ahead-2025-11-11", id);

        // Hand-computed: o1 (the only gpu offer, 10 MW) carries g1 (8 MWh at 20000 − 10000) and k1 (15 MWh at 15000 −
        // 10000); x1 is below every ask. o1 never fills (9 MW at most), so its rent is 0 and the TK price is its ask.
        Assert.Equal(8 * 10_000 + 15 * 5_000, all.GetProperty("welfareYen").GetDouble(), 6);
        Assert.Equal(23, all.GetProperty("matchedMwh").GetDouble(), 6);
        Assert.All(all.GetProperty("matches").EnumerateArray(), m => Assert.Equal("o1", m.GetProperty("offer").GetString()));
        Assert.All(all.GetProperty("prices").EnumerateArray(), p => Assert.Equal(10_000, p.GetProperty("yenPerMwh").GetDouble(), 6));
        var settlement = all.GetProperty("settlement").EnumerateArray().ToDictionary(s => s.GetProperty("operator").GetString()!);
        Assert.Equal(80_000, settlement["gamma"].GetProperty("paidYen").GetDouble(), 6);
        Assert.Equal(150_000, settlement["beta"].GetProperty("paidYen").GetDouble(), 6);
        Assert.Equal(230_000, settlement["alpha"].GetProperty("receivedYen").GetDouble(), 6);
        Assert.Equal(settlement.Values.Sum(s => s.GetProperty("paidYen").GetDouble()), settlement.Values.Sum(s => s.GetProperty("receivedYen").GetDouble()), 6);
        Assert.Equal(all.GetProperty("welfareYen").GetDouble(), settlement.Values.Sum(s => s.GetProperty("surplusYen").GetDouble()), 6);
        var x1 = Assert.Single(all.GetProperty("unmatched").EnumerateArray());
        Assert.Equal("x1", x1.GetProperty("bid").GetString());
        Assert.Contains("below every ask", x1.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var g1Hours = all.GetProperty("matches").EnumerateArray().Where(m => m.GetProperty("bid").GetString() == "g1").Select(m => m.GetProperty("hour").GetDateTimeOffset()).Order().ToList();
        Assert.Equal(2, g1Hours.Count);
        Assert.Equal(g1Hours[0].AddHours(1), g1Hours[1]);

        // After it: gamma sees only its own matches and settlement, with the public prices and volumes.
        var seen = await (await gamma.GetAsync($"/api/market/clearings/{id}")).OkJsonAsync();
        Assert.All(seen.GetProperty("matches").EnumerateArray(), m => Assert.Equal("gamma", m.GetProperty("buyer").GetString()));
        Assert.Equal(2, seen.GetProperty("matches").GetArrayLength());
        Assert.Equal("gamma", Assert.Single(seen.GetProperty("settlement").EnumerateArray()).GetProperty("operator").GetString());
        Assert.Empty(seen.GetProperty("unmatched").EnumerateArray());
        Assert.Equal(all.GetProperty("prices").GetArrayLength(), seen.GetProperty("prices").GetArrayLength());
        Assert.DoesNotContain("k1", seen.ToString(), StringComparison.Ordinal);
        var viewer = await (await market.Client("viewer").GetAsync($"/api/market/clearings/{id}")).OkJsonAsync();
        Assert.Empty(viewer.GetProperty("matches").EnumerateArray());
        Assert.Empty(viewer.GetProperty("settlement").EnumerateArray());
        Assert.Equal(23, viewer.GetProperty("volumes").EnumerateArray().Sum(v => v.GetProperty("mw").GetDouble()), 6);
        var alphaSeen = await (await alpha.GetAsync($"/api/market/clearings/{id}")).OkJsonAsync();
        Assert.Equal(all.GetProperty("matches").GetArrayLength(), alphaSeen.GetProperty("matches").GetArrayLength()); // it sold every row
        Assert.Equal("x1", Assert.Single(alphaSeen.GetProperty("unmatched").EnumerateArray()).GetProperty("bid").GetString());
        await (await gamma.GetAsync("/api/market/clearings/nope")).ProblemAsync(404);

        // Bids are matched (or stay open), positions sum up, and the audit log names every action and actor.
        Assert.Equal("matched", Assert.Single((await (await gamma.GetAsync("/api/market/bids")).OkJsonAsync()).EnumerateArray()).GetProperty("state").GetString());
        Assert.Equal("open", Assert.Single((await (await alpha.GetAsync("/api/market/bids")).OkJsonAsync()).EnumerateArray()).GetProperty("state").GetString());
        var positions = await (await alpha.GetAsync("/api/market/positions")).OkJsonAsync();
        Assert.Equal(230_000, positions.GetProperty("receivedYen").GetDouble(), 6);
        Assert.Equal(23, positions.GetProperty("soldMwh").GetDouble(), 6);
        var audit = (await (await op.GetAsync("/api/market/audit")).OkJsonAsync()).EnumerateArray()
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString())).ToList();
        Assert.Contains(("dc-alpha", "offers-posted"), audit);
        Assert.Contains(("dc-gamma", "bids-posted"), audit);
        Assert.Contains(("market-op", "clearing-run"), audit);
        await (await alpha.GetAsync("/api/market/audit")).ProblemAsync(403);

        // The matches are placements in the buyer's plan (at the seller's site) and reservations in the seller's.
        var gammaPlan = await (await gamma.PostAsync("/api/plan", null)).OkJsonAsync();
        var bought = gammaPlan.GetProperty("runs").EnumerateArray().Where(r => r.GetProperty("workload").GetString() == "market:g1").ToList();
        Assert.Equal("alpha/a1", Assert.Single(bought).GetProperty("site").GetString());
        Assert.Equal(g1Hours[0], bought[0].GetProperty("start").GetDateTimeOffset());
        Assert.Equal(g1Hours[1].AddHours(1), bought[0].GetProperty("end").GetDateTimeOffset());
        var alphaPlan = await (await alpha.PostAsync("/api/plan", null)).OkJsonAsync();
        Assert.Contains(alphaPlan.GetProperty("runs").EnumerateArray(), r => r.GetProperty("workload").GetString() == "market:gamma/g1" && r.GetProperty("site").GetString() == "a1");
    }

    [Fact]
    public async Task BadOffers_Are400NamingRowAndField_AndNothingOfTheBatchIsStored()
    {
        var alpha = market.Client("dc-alpha");
        var beta = market.Client("dc-beta");
        await SiteAsync(alpha, "bad-a", "TK", 20);
        await SiteAsync(beta, "bad-b", "KY", 20);

        async Task ExpectAsync(HttpClient client, object[] batch, string field)
        {
            var problem = await (await client.PostAsJsonAsync("/api/market/offers", batch)).ProblemAsync(400);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        var good = Offer("bad-ok", "bad-a", 0, 4, 5, 1_000);
        await ExpectAsync(alpha, [good, Offer("bad-1", "bad-a", 0, 4, 5, -1)], "[1].askYenPerMwh");
        await ExpectAsync(alpha, [good, Offer("bad-2", "bad-a", 0, 4, 5, 1_000, "gpu", "gpus")], "[1].tags[1]");
        await ExpectAsync(alpha, [good, Offer("bad-3", "bad-b", 0, 4, 5, 1_000)], "[1].site");   // beta's site
        await ExpectAsync(alpha, [good, Offer("bad-4", "bad-a", 0, 4, 50, 1_000)], "[1].mw");    // above the site's 20 MW
        await ExpectAsync(alpha, [good, new { id = "bad-5", site = "bad-a", start = TestServer.Now.AddHours(-3).AddMinutes(-10), end = Tomorrow, mw = 1.0, askYenPerMwh = 1.0 }],
            "[1].start");
        await ExpectAsync(alpha, [good, Offer("bad-ok", "bad-a", 4, 8, 5, 1_000)], "[1].id");
        var nonNumeric = await (await alpha.PostRawAsync("/api/market/offers",
            $$"""[{"id":"bad-6","site":"bad-a","start":"{{Tomorrow:O}}","end":"{{Tomorrow.AddHours(2):O}}","mw":1,"askYenPerMwh":"cheap"}]""")).ProblemAsync(400);
        Assert.Contains("askYenPerMwh", nonNumeric.ToString(), StringComparison.Ordinal);

        Assert.DoesNotContain((await (await alpha.GetAsync("/api/market/offers")).OkJsonAsync()).EnumerateArray(), o => o.GetProperty("id").GetString()!.StartsWith("bad-", StringComparison.Ordinal));
        await (await market.Client("viewer").PostAsJsonAsync("/api/market/offers", new[] { good })).ProblemAsync(403);
    }

    [Fact]
    public async Task BadBids_Are400NamingRowAndField_AndNothingOfTheBatchIsStored()
    {
        var beta = market.Client("dc-beta");

        async Task ExpectAsync(object[] batch, string field)
        {
            var problem = await (await beta.PostAsJsonAsync("/api/market/bids", batch)).ProblemAsync(400);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        var good = Bid("badbid-ok", 1, 1, 0, 4, 10_000, [], [], true);
        await ExpectAsync([good, Bid("badbid-1", 1, 5, 0, 4, 10_000, [], [], true)], "[1].hours");       // longer than its window
        await ExpectAsync([good, Bid("badbid-2", 1, 1, 0, 4, -5, [], [], true)], "[1].valueYenPerMwh");
        await ExpectAsync([good, Bid("badbid-3", 1, 1, 0, 4, 10_000, ["TK", "Atlantis"], [], true)], "[1].areas[1]");
        await ExpectAsync([good, Bid("badbid-4", 1, 1, 0, 4, 10_000, [], ["quantum"], true)], "[1].requires[0]");
        await ExpectAsync([good, new { id = "badbid-5", mw = 1.0, hours = 1, release = new DateTimeOffset(2025, 11, 9, 0, 0, 0, TimeSpan.Zero), deadline = Tomorrow,
            valueYenPerMwh = 1.0, divisible = true }], "[1].release");
        await ExpectAsync([good, Bid("badbid-6", 0, 1, 0, 4, 10_000, [], [], true)], "[1].mw");

        Assert.DoesNotContain((await (await beta.GetAsync("/api/market/bids")).OkJsonAsync()).EnumerateArray(),
            b => b.GetProperty("bid").GetProperty("id").GetString()!.StartsWith("badbid-", StringComparison.Ordinal));
    }
}

/// <summary>The market's state survives a restart, and a cleared window is not cleared again.</summary>
public sealed class MarketRestartTests
{
    [Fact]
    public async Task Restart_KeepsOffersBidsAndClearings_AndTheClearedWindowStaysCleared()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-market-").FullName;
        var tomorrow = new DateTimeOffset(2025, 11, 11, 0, 0, 0, Jst.Offset);
        try
        {
            await using (var first = new Lifetime(new MarketServer([], folder)))
            {
                await first.StartAsync();
                var alpha = first.Market.Client("dc-alpha");
                var r = await alpha.PutJsonAsync("/api/sites/r1", new { area = "TH", itCapacityMw = 10.0, pue = 1.0 });
                Assert.True(r.IsSuccessStatusCode);
                await (await alpha.PostAsJsonAsync("/api/market/offers", new[]
                {
                    new { id = "ro", site = "r1", start = tomorrow, end = tomorrow.AddHours(2), mw = 3.0, askYenPerMwh = 100.0 },
                })).OkJsonAsync(201);
                await (await first.Market.Client("dc-beta").PostAsJsonAsync("/api/market/bids", new[]
                {
                    new { id = "rb", mw = 3.0, hours = 2, release = tomorrow, deadline = tomorrow.AddHours(2), valueYenPerMwh = 300.0, divisible = false },
                })).OkJsonAsync(201);
                var c = await (await first.Market.MarketOperator().PostAsJsonAsync("/api/market/clearings", new { kind = "dayAhead" })).OkJsonAsync(201);
                Assert.Equal(6 * 200, c.GetProperty("welfareYen").GetDouble(), 6);
            }

            await using var second = new Lifetime(new MarketServer([], folder));
            await second.StartAsync();
            var again = await (await second.Market.Client("dc-beta").GetAsync("/api/market/clearings/day-ahead-2025-11-11")).OkJsonAsync();
            Assert.Equal(6 * 200, again.GetProperty("settlement").EnumerateArray().Single().GetProperty("boughtMwh").GetDouble() * 200, 6);
            Assert.Equal("ro", Assert.Single((await (await second.Market.Client("dc-alpha").GetAsync("/api/market/offers")).OkJsonAsync()).EnumerateArray()).GetProperty("id").GetString());
            await (await second.Market.MarketOperator().PostAsJsonAsync("/api/market/clearings", new { kind = "dayAhead" })).ProblemAsync(409);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Schedule_RunsTheIntradayClearingAtTheNextWholeHour_ByItself()
    {
        await using var run = new Lifetime(new MarketServer(new() { ["WattBit:Market:Intraday"] = "true" }));
        await run.StartAsync();
        var server = run.Market.Server;
        var alpha = run.Market.Client("dc-alpha");
        var today14 = new DateTimeOffset(2025, 11, 10, 14, 0, 0, Jst.Offset);
        Assert.True((await alpha.PutJsonAsync("/api/sites/s1", new { area = "TK", itCapacityMw = 10.0, pue = 1.0 })).IsSuccessStatusCode);
        await (await alpha.PostAsJsonAsync("/api/market/offers", new[]
        {
            new { id = "io", site = "s1", start = today14, end = today14.AddHours(3), mw = 2.0, askYenPerMwh = 100.0 },
        })).OkJsonAsync(201);
        await (await run.Market.Client("dc-beta").PostAsJsonAsync("/api/market/bids", new[]
        {
            new { id = "ib", mw = 2.0, hours = 1, release = today14, deadline = today14.AddHours(3), valueYenPerMwh = 500.0, divisible = true },
        })).OkJsonAsync(201);

        await using var events = await LiveEventsTests.EventStream.OpenAsync(run.Market.Client("viewer"));
        server.Time.Advance(TimeSpan.FromMinutes(50)); // 13:00 JST: the intraday clearing of [14:00, 24:00)
        while (true)
        {
            var (type, data) = await events.NextAsync();
            if (type == "market-clearing")
            {
                Assert.Equal("intraday-2025-11-10T14", data.GetProperty("id").GetString());
                break;
            }
        }

        var c = await (await run.Market.MarketOperator().GetAsync("/api/market/clearings/intraday-2025-11-10T14")).OkJsonAsync();
        Assert.Equal("scheduler", c.GetProperty("runBy").GetString());
        Assert.Equal(2 * 400, c.GetProperty("welfareYen").GetDouble(), 6);
    }

    /// <summary>Starts and disposes a market server.</summary>
    private sealed class Lifetime(MarketServer market) : IAsyncDisposable
    {
        public MarketServer Market { get; } = market;

        public Task StartAsync() => Market.InitializeAsync();

        public async ValueTask DisposeAsync() => await Market.DisposeAsync();
    }
}
