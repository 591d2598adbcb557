namespace WattBit.Cluster.Tests;

/// <summary>The silo host program's handling of its settings.</summary>
public sealed class SiloProgramTests
{
    [Fact]
    public async Task Silo_PostgresModeWithoutConnectionString_ExitsNamingTheSetting()
    {
        var settings = new ClusterSettings { Mode = ClusterMode.Postgres, SiloPort = PostgresCluster.FreePort(), GatewayPort = PostgresCluster.FreePort() };

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(settings, TimeSpan.FromSeconds(60)));

        Assert.Contains("WattBit:Cluster:ConnectionString is required", e.Message, StringComparison.Ordinal);
    }
}
