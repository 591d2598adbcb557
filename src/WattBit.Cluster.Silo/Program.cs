using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WattBit.Cluster;
using WattBit.Cluster.Schema;

// One silo of the WattBit cluster. Settings come from the WattBit:Cluster section of appsettings.json, environment
// variables (WattBit__Cluster__Mode=Postgres) or the command line (--WattBit:Cluster:Mode=Postgres).
var builder = Host.CreateApplicationBuilder(args);
var settings = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
try
{
    settings.Validate();
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync("wattbit silo: " + e.Message);
    return 2;
}

if (settings.Mode == ClusterMode.Postgres)
{
    await PostgresSchema.ApplyAsync(settings.ConnectionString!);
}

builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.UseOrleans(silo => silo.UseWattBitCluster(settings));
using var host = builder.Build();
await host.StartAsync();
// Tests and scripts wait for this line.
Console.WriteLine($"WattBit silo ready: mode {settings.Mode}, cluster {settings.ClusterId}, silo port {settings.SiloPort}, gateway port {settings.GatewayPort}, pid {Environment.ProcessId}");
await host.WaitForShutdownAsync();
return 0;
