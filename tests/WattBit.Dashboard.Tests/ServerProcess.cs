using System.Net.Http.Json;
using System.Text.Json;

namespace WattBit.Dashboard.Tests;

/// <summary>
/// The real WattBit server (the built WattBit.Server.dll beside the tests, with its dashboard/ folder) started as a
/// process on a free loopback port, with a temporary store and test keys given through the environment.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>The backbone substations of the test server's headroom layer (Hokkaido, Tohoku, Tokyo, Kyushu).</summary>
    public static readonly string[] LayerSubstations = ["HKD:苫小牧", "HKD:函館", "TH:宮城", "TK:上尾", "TK:上野", "KY:西九州"];

    public static readonly (string Id, string Key, string Role, string? Area, string? Operator)[] Keys =
    [
        ("tso-tk", "key-tso-tk-0123456789", "grid-operator", "TK", null),
        ("dc-alpha", "key-dc-alpha-0123456789", "dc-operator", null, "alpha"),
        ("planner", "key-planner-0123456789", "planner", null, null),
        ("dc-beta", "key-dc-beta-0123456789", "dc-operator", null, "beta"),
        ("dc-gamma", "key-dc-gamma-0123456789", "dc-operator", null, "gamma"),
        ("market-op", "key-market-op-0123456789", "market-operator", null, null),
        ("agg-north", "key-agg-north-0123456789", "aggregator", null, "north"),
    ];

    /// <summary>The roadmap the test server offers planners: Inzai (Tokyo) and Keihanna (Kansai), 2025-2026, judged on one week.</summary>
    public const string RoadmapScenario = """
        name: small roadmap
        roadmap: {from: 2025, to: 2026, weeks: [2025-08-04], max_km: 60, grid_loads: clusters}
        clusters:
          - {id: inzai, area: TK, lat: 35.83, lon: 140.15, mw: {2025: 500, 2026: 6000}}
          - {id: keihanna, area: KN, lat: 34.76, lon: 135.77, mw: {2025: 200, 2026: 300}}
        """;

    private readonly Testing.ListeningProcess _process;

    private ServerProcess(Testing.ListeningProcess process, string folder, Uri baseAddress)
    {
        _process = process;
        Folder = folder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Folder { get; }

    /// <summary>What the server wrote to standard output and error so far (for failure messages).</summary>
    public string Output => _process.Output;

    public static string KeyOf(string id) => Keys.First(k => k.Id == id).Key;

    public static async Task<ServerProcess> StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "WattBit.Server.dll");
        Assert.True(File.Exists(dll), $"The server binary is missing: {dll}");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "dashboard", "index.html")),
            $"The dashboard was not built into {AppContext.BaseDirectory}dashboard (is npm on PATH? see docs/server.md).");

        var folder = Directory.CreateTempSubdirectory("wattbit-dashboard-").FullName;
        var port = Testing.ListeningProcess.FreePort();
        var start = Testing.DotnetProcess.StartInfo(folder);
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["WattBit__Store"] = Path.Combine(folder, "wattbit.db");
        start.Environment["WattBit__Journal"] = Path.Combine(folder, "journal.jsonl");
        start.Environment["WattBit__SitingStudies"] = Path.Combine(Testing.SharedData.RepoRoot, "samples", "siting");
        // One small roadmap (two clusters, two years, one week) for the roadmap view.
        var scenarios = Directory.CreateDirectory(Path.Combine(folder, "scenarios")).FullName;
        File.WriteAllText(Path.Combine(scenarios, "roadmap.yaml"), RoadmapScenario);
        start.Environment["WattBit__SimulationScenarios"] = scenarios;

        // A small headroom layer (one day of a few backbone substations, a second to compute) for the welcome-zone map and
        // the siting studies, instead of the whole backbone for a week.
        start.Environment["WattBit__HeadroomLayer__Days"] = "1";
        for (var i = 0; i < LayerSubstations.Length; i++)
        {
            start.Environment[$"WattBit__HeadroomLayer__Substations__{i}"] = LayerSubstations[i];
        }

        start.Environment["Logging__LogLevel__Default"] = "Information";
        Testing.ListeningProcess.AddApiKeys(start, Keys);

        return new ServerProcess(await Testing.ListeningProcess.StartAsync(start, TimeSpan.FromMinutes(2)), folder, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>A client that sends <paramref name="keyId"/>'s key.</summary>
    public HttpClient Client(string keyId)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", KeyOf(keyId));
        return client;
    }

    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PutJsonAsync<T>(HttpClient client, string url, T body) => client.PutAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PostJsonAsync<T>(HttpClient client, string url, T body) => client.PostAsJsonAsync(url, body);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open; the temp folder is cleaned by the OS.
        }
    }
}
