using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace WattBit.Cluster;

/// <summary>
/// Configures a silo of the WattBit cluster (the client's side is
/// <see cref="ClusterClientHosting"/> in WattBit.Cluster.Abstractions) from <see cref="ClusterSettings"/>: embedded (localhost
/// clustering, memory state and reminders) or PostgreSQL (ADO.NET clustering, grain state and reminders). One code
/// path; the mode is configuration.
/// </summary>
public static class ClusterHosting
{
    /// <summary>Name of the grain storage every WattBit grain uses.</summary>
    public const string StorageName = "wattbit";

    private const string Invariant = "Npgsql";

    /// <summary>Configures a silo.</summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="settings">The settings (validated here).</param>
    /// <exception cref="InvalidOperationException">The settings are invalid.</exception>
    public static ISiloBuilder UseWattBitCluster(this ISiloBuilder silo, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings));
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = settings.ReminderPeriod);
        if (settings.Mode == ClusterMode.Embedded)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
            silo.AddMemoryGrainStorage(StorageName);
            silo.UseInMemoryReminderService();
            return silo;
        }

        var cs = settings.ConnectionString!;
        silo.ConfigureEndpoints(System.Net.IPAddress.Loopback, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = cs;
        });
        silo.AddAdoNetGrainStorage(StorageName, o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = cs;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = cs;
        });
        if (settings.FastFailureDetection)
        {
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
            });
        }

        return silo;
    }
}
