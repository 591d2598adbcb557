using WattBit.Server;

// `dotnet run --project src/WattBit.Server` — embedded default: SQLite file wattbit.db + the synthetic reference year,
// listening on http://127.0.0.1:5080 unless --urls or ASPNETCORE_URLS say otherwise.
var app = await ServerHost.BuildAsync(args, TimeProvider.System, builder =>
{
    if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    {
        builder.WebHost.UseUrls("http://127.0.0.1:5080");
    }

    // In a checkout, the sample siting studies are the default study folder.
    if (string.IsNullOrEmpty(builder.Configuration["WattBit:SitingStudies"]))
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var samples = Path.Combine(dir.FullName, "samples", "siting");
            if (Directory.Exists(samples))
            {
                builder.Configuration["WattBit:SitingStudies"] = samples;
                break;
            }
        }
    }
}).ConfigureAwait(false);
await app.RunAsync().ConfigureAwait(false);
