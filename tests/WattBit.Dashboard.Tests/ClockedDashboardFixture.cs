using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace WattBit.Dashboard.Tests;

/// <summary>
/// The WattBit server in this process on a <see cref="FakeTimeProvider"/> (the server's one TimeProvider registration),
/// with the dashboard built beside the tests, a temporary store, the test keys and one Chromium: a test moves the
/// server's clock past a demand-response window so that it can be metered and settled, which the real clock of
/// <see cref="BrowserFixture"/>'s process cannot do. The browser keeps the real clock, which is later than the fake one.
/// </summary>
public sealed class ClockedDashboardFixture : ChromiumFixture
{
    /// <summary>The server's "now" at start: Monday 2025-11-10 12:10 JST (fiscal year 2025, real signals).</summary>
    public static readonly DateTimeOffset Start = new(2025, 11, 10, 3, 10, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("wattbit-dashboard-clocked-").FullName;
    private WebApplication? _app;

    /// <summary>The server's clock.</summary>
    public FakeTimeProvider Time { get; } = new(Start);

    protected override async Task<Uri> StartServerAsync()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "dashboard", "index.html")),
            $"The dashboard was not built into {AppContext.BaseDirectory}dashboard (is npm on PATH? see docs/server.md).");
        var settings = new Dictionary<string, string?>
        {
            ["WattBit:Store"] = Path.Combine(_folder, "wattbit.db"),
            ["WattBit:Journal"] = Path.Combine(_folder, "journal.jsonl"),
            ["WattBit:HeadroomLayer:Days"] = "1",
        };
        for (var i = 0; i < ServerProcess.LayerSubstations.Length; i++)
        {
            settings[$"WattBit:HeadroomLayer:Substations:{i}"] = ServerProcess.LayerSubstations[i];
        }

        for (var i = 0; i < ServerProcess.Keys.Length; i++)
        {
            var (id, key, role, area, op) = ServerProcess.Keys[i];
            settings[$"WattBit:ApiKeys:{i}:Id"] = id;
            settings[$"WattBit:ApiKeys:{i}:Key"] = key;
            settings[$"WattBit:ApiKeys:{i}:Role"] = role;
            settings[$"WattBit:ApiKeys:{i}:Area"] = area;
            settings[$"WattBit:ApiKeys:{i}:Operator"] = op;
        }

        _app = await WattBit.Server.ServerHost.BuildAsync([], Time, b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Logging.ClearProviders();
        });
        await _app.StartAsync();
        return new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    /// <summary>A client that sends <paramref name="keyId"/>'s key.</summary>
    public HttpClient Client(string keyId)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ServerProcess.KeyOf(keyId));
        return client;
    }

    protected override async ValueTask StopServerAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open; the temp folder is cleaned by the OS.
        }
    }
}
