using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WattBit.Cluster.Market;
using WattBit.Server.Market;
using WattBit.Server.Tests;
using WattBit.Time;

namespace WattBit.Cluster.Tests;

/// <summary>
/// The server's market clearings through the cluster (decision 0138): with <c>WattBit:Cluster:Mode=Embedded</c> a
/// clearing is solved by the <see cref="IMarketClearingGrain"/> under the clearing id and journalled exactly as an
/// in-process clearing of the same book; a second server instance clearing the same window is answered from the grain.
/// </summary>
public sealed class ServerMarketClearingTests
{
    private const string MarketKey = "key-market-op-0123456789";

    // TestServer.Now is 2025-11-10 12:10 JST: the day-ahead clearing covers 2025-11-11 JST.
    private static readonly DateTimeOffset Tomorrow = new(2025, 11, 11, 0, 0, 0, Jst.Offset);

    private static object Offer(string id, string site, int fromHour, int toHour, double mw, double ask, params string[] tags) =>
        new { id, site, start = Tomorrow.AddHours(fromHour), end = Tomorrow.AddHours(toHour), mw, askYenPerMwh = ask, tags };

    private static object Bid(string id, double mw, int hours, int fromHour, int toHour, double value, string[] areas, string[] requires, bool divisible) =>
        new { id, mw, hours, release = Tomorrow.AddHours(fromHour), deadline = Tomorrow.AddHours(toHour), valueYenPerMwh = value, areas, requires, divisible };

    private static HttpClient Operator(TestServer server)
    {
        var c = server.Client();
        c.DefaultRequestHeaders.Add("X-Api-Key", MarketKey);
        return c;
    }

    /// <summary>A market operator's key, no headroom limit, and <paramref name="extra"/>.</summary>
    private static Dictionary<string, string> Settings(Dictionary<string, string> extra)
    {
        var all = new Dictionary<string, string>
        {
            ["WattBit:Market:Headroom"] = "none",
            ["WattBit:ApiKeys:7:Id"] = "market-op",
            ["WattBit:ApiKeys:7:Sha256"] = Server.Security.ApiKeyTable.Hash(MarketKey),
            ["WattBit:ApiKeys:7:Role"] = "market-operator",
        };
        foreach (var (k, v) in extra)
        {
            all[k] = v;
        }

        return all;
    }

    /// <summary>Posts the same book (the one MarketApiTests clears by hand) and runs the day-ahead clearing.</summary>
    private static async Task<JsonElement> ClearAsync(TestServer server)
    {
        var alpha = server.Client("dc-alpha");
        var beta = server.Client("dc-beta");
        var gamma = server.Client("dc-gamma");
        Assert.True((await alpha.PutJsonAsync("/api/sites/a1", new { area = "TK", itCapacityMw = 20.0, pue = 1.0 })).IsSuccessStatusCode);
        Assert.True((await beta.PutJsonAsync("/api/sites/b1", new { area = "KY", itCapacityMw = 10.0, pue = 1.0 })).IsSuccessStatusCode);
        await (await alpha.PostAsJsonAsync("/api/market/offers", new[] { Offer("o1", "a1", 0, 6, 10, 10_000, "gpu") })).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/market/offers", new[] { Offer("o2", "b1", 0, 6, 5, 8_000, "cpu") })).OkJsonAsync(201);
        await (await gamma.PostAsJsonAsync("/api/market/bids", new[] { Bid("g1", 4, 2, 0, 6, 20_000, ["*"], ["gpu"], false) })).OkJsonAsync(201);
        await (await beta.PostAsJsonAsync("/api/market/bids", new[] { Bid("k1", 5, 3, 0, 6, 15_000, ["TK"], [], true) })).OkJsonAsync(201);
        await (await alpha.PostAsJsonAsync("/api/market/bids", new[] { Bid("x1", 2, 1, 0, 6, 5_000, [], [], true) })).OkJsonAsync(201);
        return await (await Operator(server).PostAsJsonAsync("/api/market/clearings", new { kind = "dayAhead" })).OkJsonAsync(201);
    }

    [Fact]
    public async Task DayAheadClearing_IsSolvedByTheGrain_RecordsWhatInProcessRecords_AndASecondInstanceIsAnsweredWithoutASecondSolve()
    {
        var settings = new ClusterSettings { SiloPort = PostgresCluster.FreePort(), GatewayPort = PostgresCluster.FreePort(), ReminderPeriod = TimeSpan.FromSeconds(1) };
        var silo = await EmbeddedHost.StartAsync(settings);
        var cluster = Settings(new Dictionary<string, string>
        {
            ["WattBit:Cluster:Mode"] = "Embedded",
            ["WattBit:Cluster:SiloPort"] = settings.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WattBit:Cluster:GatewayPort"] = settings.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var local = new TestServer(Settings([]));
        var first = new TestServer(cluster);
        var second = new TestServer(cluster);
        try
        {
            await local.InitializeAsync();
            await first.InitializeAsync();
            await second.InitializeAsync();
            Assert.False(local.Services.GetRequiredService<IMarketClearer>().IsCluster);
            Assert.True(first.Services.GetRequiredService<IMarketClearer>().IsCluster);

            var inProcess = await ClearAsync(local);
            var viaGrain = await ClearAsync(first);

            // The same record as in process (and the hand-computed welfare of MarketApiTests' book).
            var id = viaGrain.GetProperty("id").GetString()!;
            Assert.Equal("day-ahead-2025-11-11", id);
            Assert.Equal(8 * 10_000 + 15 * 5_000, viaGrain.GetProperty("welfareYen").GetDouble(), 6);
            Assert.Equal(inProcess.GetRawText(), viaGrain.GetRawText());

            // The grain holds it, solved once.
            var grain = first.Services.GetRequiredService<IClusterClient>().GetGrain<IMarketClearingGrain>(id);
            var held = await grain.GetAsync();
            Assert.NotNull(held);
            Assert.Equal(MarketClearingStatus.Cleared, held.Status);
            Assert.Equal(1, held.Solves);
            Assert.Equal("market-op", held.RequestedBy);
            Assert.Equal(viaGrain.GetProperty("matches").GetArrayLength(), held.Matches.Length);

            // Another server instance (its own journal) clears the same window: answered from the grain, not solved again.
            var again = await ClearAsync(second);
            Assert.Equal(viaGrain.GetProperty("matches").GetRawText(), again.GetProperty("matches").GetRawText());
            var after = await grain.GetAsync();
            Assert.Equal(1, after!.Solves);
            Assert.Equal(held.ClearedAt, after.ClearedAt);

            // The journals of both clustered instances hold the clearing as the in-process one does.
            foreach (var server in new[] { local, first, second })
            {
                var market = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(server.JournalPath)!, "*market*"));
                Assert.Single(await File.ReadAllLinesAsync(market), l => l.Contains("clearing-run", StringComparison.Ordinal));
            }
        }
        finally
        {
            await second.DisposeAsync();
            await first.DisposeAsync();
            await local.DisposeAsync();
            await EmbeddedHost.StopAsync(silo);
        }
    }
}
