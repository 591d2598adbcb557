using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WattBit.Cluster.Schema;
using WattBit.Testing;

namespace WattBit.Cluster.Tests;

/// <summary>
/// A real three-silo cluster on loopback: a PostgreSQL server (initdb + pg_ctl), the cluster schema, three silo processes
/// with fast failure detection, and a cluster client in the test process. Shared by the tests of one collection, which
/// run one after another; a test that kills a silo starts it again.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    public const int SiloCount = 3;
    private readonly PostgresServer _postgres = new();
    private readonly List<SiloProcess> _silos = [];
    private IHost? _client;

    public ClusterSettings Settings { get; private set; } = new();

    internal IReadOnlyList<SiloProcess> Silos => _silos;

    public IGrainFactory Grains => _client!.Services.GetRequiredService<IClusterClient>();

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        var cs = await _postgres.CreateDatabaseAsync();
        Settings = new ClusterSettings
        {
            Mode = ClusterMode.Postgres,
            ConnectionString = cs,
            ClusterId = "test-" + Guid.NewGuid().ToString("N")[..8],
            ServiceId = "wattbit-test",
            FastFailureDetection = true,
            ReminderPeriod = TimeSpan.FromSeconds(2),
            DeadlineGrace = TimeSpan.FromSeconds(3),
            ResponseTimeout = TimeSpan.FromSeconds(60),
        };
        // The silos apply the schema too (idempotently, under a lock); applying it first checks it on its own.
        await PostgresSchema.ApplyAsync(cs);
        var starting = Enumerable.Range(0, SiloCount).Select(_ => StartSiloAsync(FreePort())).ToList();
        _silos.AddRange(await Task.WhenAll(starting));
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(c => c.UseWattBitCluster(Settings));
        _client = builder.Build();
        await _client.StartAsync();
    }

    /// <summary>Starts a silo on the given silo port (and a fresh gateway port).</summary>
    internal Task<SiloProcess> StartSiloAsync(int siloPort)
    {
        var s = new ClusterSettings
        {
            Mode = Settings.Mode,
            ConnectionString = Settings.ConnectionString,
            ClusterId = Settings.ClusterId,
            ServiceId = Settings.ServiceId,
            FastFailureDetection = true,
            ReminderPeriod = Settings.ReminderPeriod,
            DeadlineGrace = Settings.DeadlineGrace,
            SiloPort = siloPort,
            GatewayPort = FreePort(),
        };
        return SiloProcess.StartAsync(s, TimeSpan.FromSeconds(90));
    }

    /// <summary>Replaces a silo (after it was killed) by a new process on the same silo port.</summary>
    internal async Task<SiloProcess> RestartAsync(SiloProcess dead)
    {
        var i = _silos.IndexOf(dead);
        var fresh = await StartSiloAsync(dead.SiloPort);
        _silos[i] = fresh;
        dead.Dispose();
        return fresh;
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            try
            {
                await _client.StopAsync();
            }
            finally
            {
                _client.Dispose();
            }
        }

        foreach (var s in _silos)
        {
            s.Dispose();
        }

        await _postgres.DisposeAsync();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "Three silos on PostgreSQL";
}
