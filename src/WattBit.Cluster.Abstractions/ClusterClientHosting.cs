using Orleans.Configuration;

namespace WattBit.Cluster;

/// <summary>
/// Configures a client of the WattBit cluster (the server, a test, a sweep driver) from <see cref="ClusterSettings"/>:
/// embedded (localhost gateway) or PostgreSQL (ADO.NET clustering). It needs only the Orleans client, not the server.
/// </summary>
public static class ClusterClientHosting
{
    private const string Invariant = "Npgsql";

    /// <summary>Configures a client of the cluster (the server, a test, a sweep driver).</summary>
    /// <param name="client">The client builder.</param>
    /// <param name="settings">The settings (validated here).</param>
    /// <exception cref="InvalidOperationException">The settings are invalid.</exception>
    public static IClientBuilder UseWattBitCluster(this IClientBuilder client, ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = settings.ResponseTimeout);
        if (settings.Mode == ClusterMode.Embedded)
        {
            client.UseLocalhostClustering(settings.GatewayPort, settings.ServiceId, settings.ClusterId);
            return client;
        }

        client.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = settings.ConnectionString!;
        });
        if (settings.FastFailureDetection)
        {
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        }

        return client;
    }
}
