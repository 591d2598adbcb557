using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace WattBit.Server.Tests;

/// <summary>A real WattBit server on Kestrel at 127.0.0.1 (free port), with a fake clock, a temporary SQLite store and test keys.</summary>
public sealed class TestServer : IAsyncLifetime
{
    /// <summary>"Now" for the tests: 2025-11-10 12:10 JST (a Monday in fiscal year 2025).</summary>
    public static readonly DateTimeOffset Now = new(2025, 11, 10, 3, 10, 0, TimeSpan.Zero);

    public static readonly (string Id, string Key, string Role, string? Area, string? Operator)[] Keys =
    [
        ("tso-tk", "key-tso-tk-0123456789", "grid-operator", "TK", null),
        ("tso-kn", "key-tso-kn-0123456789", "grid-operator", "KN", null),
        ("dc-alpha", "key-dc-alpha-0123456789", "dc-operator", null, "alpha"),
        ("dc-beta", "key-dc-beta-0123456789", "dc-operator", null, "beta"),
        ("dc-gamma", "key-dc-gamma-0123456789", "dc-operator", null, "gamma"),
        ("planner", "key-planner-0123456789", "planner", null, null),
        ("viewer", "key-viewer-0123456789", "viewer", null, null),
        ("agg-north", "key-agg-north-0123456789", "aggregator", null, "north"),
        ("agg-south", "key-agg-south-0123456789", "aggregator", null, "south"),
        ("dc-delta", "key-dc-delta-0123456789", "dc-operator", null, "delta"),
    ];

    /// <summary>The HMAC key bearer tokens are signed with in tests.</summary>
    public static readonly byte[] JwtSigningKey = [.. Enumerable.Range(1, 32).Select(i => (byte)(i * 7))];

    private readonly Dictionary<string, string> _extra;
    private WebApplication? _app;

    public TestServer() : this([])
    {
    }

    internal TestServer(Dictionary<string, string> extra, string? folder = null, Action<IServiceCollection>? services = null)
    {
        _extra = extra;
        _services = services;
        Folder = folder ?? Directory.CreateTempSubdirectory("wattbit-server-").FullName;
        _ownsFolder = folder is null;
    }

    private readonly bool _ownsFolder;
    private readonly Action<IServiceCollection>? _services;

    public string Folder { get; }

    /// <summary>The node a grid operator publishes a backbone substation's headroom under: its bus number.</summary>
    public static string UploadNodeOf(string substationId) =>
        WattBit.Grid.Japan.JapanBackbone.LoadDefault().Buses.Single(b => b.SubstationId == substationId).Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public FakeTimeProvider Time { get; } = new(Now);

    public Uri BaseAddress { get; private set; } = null!;

    public string JournalPath => Path.Combine(Folder, "journal.jsonl");

    public IServiceProvider Services => _app!.Services;

    /// <summary>Everything the server logged (Debug and above).</summary>
    public CapturingLoggerProvider Log { get; } = new();

    public static string KeyOf(string id) => Keys.First(k => k.Id == id).Key;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["WattBit:Store"] = Path.Combine(Folder, "wattbit.db"),
            ["WattBit:Journal"] = JournalPath,
            ["WattBit:MaxRequestBodyBytes"] = "65536",
            ["WattBit:HeadroomLayer:Days"] = "1",
            // The faces' consistency tests drive every area by the reference year; the real areas are tested in RealAreaLayerTests.
            ["WattBit:HeadroomLayer:RealAreas"] = "false",
            ["WattBit:HeadroomLayer:Substations:0"] = "TK:上尾",
            ["WattBit:HeadroomLayer:Substations:1"] = "TK:上野",
            ["WattBit:HeadroomLayer:Substations:2"] = "HKD:函館",
            ["WattBit:Jwt:Issuer"] = "https://idp.test",
            ["WattBit:Jwt:Audience"] = "wattbit",
            ["WattBit:Jwt:SigningKey"] = Convert.ToBase64String(JwtSigningKey),
            ["WattBit:SitingStudies"] = Path.Combine(Testing.SharedData.RepoRoot, "samples", "siting"),
        };
        for (var i = 0; i < Keys.Length; i++)
        {
            var k = Keys[i];
            settings[$"WattBit:ApiKeys:{i}:Id"] = k.Id;
            settings[$"WattBit:ApiKeys:{i}:Sha256"] = Security.ApiKeyTable.Hash(k.Key);
            settings[$"WattBit:ApiKeys:{i}:Role"] = k.Role;
            settings[$"WattBit:ApiKeys:{i}:Area"] = k.Area;
            settings[$"WattBit:ApiKeys:{i}:Operator"] = k.Operator;
        }

        foreach (var (name, value) in _extra)
        {
            settings[name] = value;
        }

        _app = await ServerHost.BuildAsync([], Time, b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            _services?.Invoke(b.Services);
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Logging.ClearProviders();
            b.Logging.AddProvider(Log);
            b.Logging.SetMinimumLevel(LogLevel.Debug);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsFolder)
        {
            return;
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platforms; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>A client that sends <paramref name="keyId"/>'s key (or none).</summary>
    public HttpClient Client(string? keyId = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (keyId is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", KeyOf(keyId));
        }

        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<TestServer>
{
    public const string Name = "server";
}

internal static class Http
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        return json;
    }

    public static async Task<JsonElement> OkJsonAsync(this HttpResponseMessage response, int status = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PutJsonAsync<T>(this HttpClient client, string url, T body) => client.PutAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body) =>
        client.PostAsync(url, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
}

/// <summary>Keeps every log line (with exception text) in memory, for tests that look at what the server logs.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
