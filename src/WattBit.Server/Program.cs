using WattBit.Server;

// `dotnet run --project src/WattBit.Server` — embedded default: SQLite file wattbit.db + the synthetic reference year.
var app = await ServerHost.BuildAsync(args, TimeProvider.System).ConfigureAwait(false);
await app.RunAsync().ConfigureAwait(false);
