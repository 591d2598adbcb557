using WattBit.Server;

// `dotnet run --project src/WattBit.Server` — embedded default: SQLite file wattbit.db + the synthetic reference year,
// listening on http://127.0.0.1:5080 unless --urls or ASPNETCORE_URLS say otherwise.
var app = await ServerHost.BuildAsync(args, TimeProvider.System, builder =>
{
    if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    {
        builder.WebHost.UseUrls("http://127.0.0.1:5080");
    }

    // In a checkout, the sample siting studies and simulation scenarios are the default folders.
    foreach (var (setting, folder) in (ReadOnlySpan<(string, string)>)[("WattBit:SitingStudies", "siting"), ("WattBit:SimulationScenarios", "simulation")])
    {
        if (!string.IsNullOrEmpty(builder.Configuration[setting]))
        {
            continue;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var samples = Path.Combine(dir.FullName, "samples", folder);
            if (Directory.Exists(samples))
            {
                builder.Configuration[setting] = samples;
                break;
            }
        }
    }
}).ConfigureAwait(false);
await app.RunAsync().ConfigureAwait(false);
