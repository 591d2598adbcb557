using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WattBit.Cluster.Orders;
using WattBit.Cluster.Sites;
using WattBit.Server.Orders;
using WattBit.Server.Tests;
using WattBit.Sites;
using WattBit.Testing;

namespace WattBit.Cluster.Tests;

/// <summary>
/// The server as a client of the cluster (<c>WattBit:Cluster:Mode=Postgres</c>): a real PostgreSQL, one silo process and
/// the server on Kestrel in the test process. The silo is killed at the end, so this class has its own cluster.
/// </summary>
public sealed class ServerClientTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private SiloProcess? _silo;
    private TestServer? _server;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        var settings = new ClusterSettings
        {
            Mode = ClusterMode.Postgres,
            ConnectionString = await _postgres.CreateDatabaseAsync(),
            ClusterId = "server-" + Guid.NewGuid().ToString("N")[..8],
            ServiceId = "wattbit-server-test",
            FastFailureDetection = true,
            ReminderPeriod = TimeSpan.FromSeconds(2),
            SiloPort = PostgresCluster.FreePort(),
            GatewayPort = PostgresCluster.FreePort(),
        };
        _silo = await SiloProcess.StartAsync(settings, TimeSpan.FromSeconds(90));
        _server = new TestServer(new Dictionary<string, string>
        {
            ["WattBit:Cluster:Mode"] = "Postgres",
            ["WattBit:Cluster:ConnectionString"] = settings.ConnectionString,
            ["WattBit:Cluster:ClusterId"] = settings.ClusterId,
            ["WattBit:Cluster:ServiceId"] = settings.ServiceId,
            ["WattBit:Cluster:FastFailureDetection"] = "true",
            ["WattBit:Cluster:ResponseTimeout"] = "00:00:05",
            ["WattBit:ClusterAcceptTimeout"] = "00:00:15",
        });
        await _server.InitializeAsync();
        // The silo keeps real time; so do the orders (their deadlines are a minute ahead, not in the test clock's past).
        _server.Time.SetUtcNow(TimeProvider.System.GetUtcNow());
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _silo?.Dispose();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task IssuedOrder_IsPersistedInTheClusterBefore201_ExecutedOnceEvenWhenRetried_And503LeavesNothingWhenTheClusterIsDown()
    {
        var server = _server!;
        var grains = server.Services.GetRequiredService<IClusterClient>();
        var beta = server.Client("dc-beta");
        await (await beta.PutJsonAsync("/api/sites/c-1", new { area = "TK", itCapacityMw = 10.0, pue = 1.2 })).OkJsonAsync(201);
        var tso = server.Client("tso-tk");
        object Body() => new { @operator = "beta", siteId = "c-1", reductionMw = 3.0, noticeMinutes = 1, expectedDurationMinutes = 5 };

        var issued = await (await tso.PostAsJsonAsync("/api/areas/TK/curtailment-orders", Body())).OkJsonAsync(201);

        // Persisted in the cluster when the server answered: the grain has it under the server's id.
        var id = issued.GetProperty("id").GetString()!;
        var grain = grains.GetGrain<ICurtailmentOrderGrain>(id);
        var persisted = await grain.GetAsync();
        Assert.NotNull(persisted.Request);
        Assert.Equal(3.0, persisted.Request.ReductionMw);
        var siteId = persisted.Request.SiteId;
        var site = grains.GetGrain<ISiteGrain>(siteId);
        var setup = (await site.GetAsync()).Setup;
        Assert.Equal(new SiteSetup(siteId, "TK", 10.0, 1.2, 12.0), setup);
        var executed = await OrderWaits.UntilAsync(grain, s => s.Status != OrderStatus.Accepted);
        Assert.Equal(id, Assert.Single((await site.GetAsync()).Executions).OrderId);
        Assert.Equal(id, executed.Execution!.OrderId);

        // A retry of the same order (what the server does when an answer is lost) and a redelivery: still one execution.
        var relay = server.Services.GetRequiredService<IOrderRelay>();
        var order = (await server.Services.GetRequiredService<OrderBook>().FindAsync(id))!;
        var stored = (await server.Services.GetRequiredService<Data.Storage.IWattBitStore>().GetSiteAsync(new SiteId(siteId), CancellationToken.None))!.Value.Value;
        await relay.AcceptAsync(order, stored, 12.0, CancellationToken.None);
        await grain.DeliverAsync();
        Assert.Single((await site.GetAsync()).Executions);
        Assert.Equal(1, (await grain.GetAsync()).Deliveries);

        // The acknowledgement reaches the order's grain before the server answers; a second one is 409 and changes nothing there.
        var acked = await (await beta.PostAsync($"/api/curtailment-orders/{id}/acknowledgement", null)).OkJsonAsync();
        var inGrain = (await grain.GetAsync()).Acknowledgement;
        Assert.NotNull(inGrain);
        Assert.Equal("dc-beta", inGrain.AcknowledgedBy);
        Assert.Equal(acked.GetProperty("acknowledgedAt").GetDateTimeOffset(), inGrain.AcknowledgedAt);
        await (await beta.PostAsync($"/api/curtailment-orders/{id}/acknowledgement", null)).ProblemAsync(409);
        Assert.Equal(inGrain, (await grain.GetAsync()).Acknowledgement);
        Assert.True((await grain.AcknowledgeAsync("dc-beta", inGrain.AcknowledgedAt.AddMinutes(1)))!.AlreadyKnown);

        // The cluster goes down: 503 with a ProblemDetails, and the server keeps no order and writes no journal line.
        var journal = await File.ReadAllLinesAsync(server.JournalPath);
        _silo!.Kill();
        var refused = await tso.PostAsJsonAsync("/api/areas/TK/curtailment-orders", Body());
        var problem = await refused.ProblemAsync(503);
        Assert.Contains("did not accept", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var list = await (await tso.GetAsync("/api/curtailment-orders")).OkJsonAsync();
        Assert.Equal([id], list.EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        Assert.Equal(journal, await File.ReadAllLinesAsync(server.JournalPath));
    }
}
