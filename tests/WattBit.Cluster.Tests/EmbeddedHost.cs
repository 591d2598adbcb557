using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WattBit.Cluster.Tests;

/// <summary>The embedded cluster the tests start: one process, localhost clustering on free ports, memory state and reminders, reminders every second.</summary>
internal static class EmbeddedHost
{
    public static Task<IHost> StartAsync() =>
        StartAsync(new ClusterSettings { SiloPort = PostgresCluster.FreePort(), GatewayPort = PostgresCluster.FreePort(), ReminderPeriod = TimeSpan.FromSeconds(1) });

    /// <summary>Starts it with these settings (a server in <c>Embedded</c> mode joins it through their gateway port).</summary>
    public static async Task<IHost> StartAsync(ClusterSettings settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(s => s.UseWattBitCluster(settings));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task StopAsync(IHost? host)
    {
        if (host is not null)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
