using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
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
    ];

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, string folder, Uri baseAddress)
    {
        _process = process;
        Folder = folder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Folder { get; }

    /// <summary>What the server wrote to standard output and error so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string KeyOf(string id) => Keys.First(k => k.Id == id).Key;

    public static async Task<ServerProcess> StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "WattBit.Server.dll");
        Assert.True(File.Exists(dll), $"The server binary is missing: {dll}");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "dashboard", "index.html")),
            $"The dashboard was not built into {AppContext.BaseDirectory}dashboard (is npm on PATH? see docs/server.md).");

        var folder = Directory.CreateTempSubdirectory("wattbit-dashboard-").FullName;
        var port = FreePort();
        var start = Testing.DotnetProcess.StartInfo(folder);
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["WattBit__Store"] = Path.Combine(folder, "wattbit.db");
        start.Environment["WattBit__Journal"] = Path.Combine(folder, "journal.jsonl");
        start.Environment["WattBit__SitingStudies"] = Path.Combine(Testing.SharedData.RepoRoot, "samples", "siting");

        // A small headroom layer (one day of a few backbone substations, a second to compute) for the welcome-zone map and
        // the siting studies, instead of the whole backbone for a week.
        start.Environment["WattBit__HeadroomLayer__Days"] = "1";
        for (var i = 0; i < LayerSubstations.Length; i++)
        {
            start.Environment[$"WattBit__HeadroomLayer__Substations__{i}"] = LayerSubstations[i];
        }

        start.Environment["Logging__LogLevel__Default"] = "Information";
        for (var i = 0; i < Keys.Length; i++)
        {
            var k = Keys[i];
            start.Environment[$"WattBit__ApiKeys__{i}__Id"] = k.Id;
            start.Environment[$"WattBit__ApiKeys__{i}__Key"] = k.Key;
            start.Environment[$"WattBit__ApiKeys__{i}__Role"] = k.Role;
            if (k.Area is not null)
            {
                start.Environment[$"WattBit__ApiKeys__{i}__Area"] = k.Area;
            }

            if (k.Operator is not null)
            {
                start.Environment[$"WattBit__ApiKeys__{i}__Operator"] = k.Operator;
            }
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        var server = new ServerProcess(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => server.Append(e.Data, listening);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data, listening);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(2)));
        if (first != listening.Task)
        {
            await server.DisposeAsync();
            Assert.Fail($"The server did not start listening on port {port}:\n{server.Output}");
        }

        return server;
    }

    private void Append(string? line, TaskCompletionSource listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Now listening on:", StringComparison.Ordinal))
        {
            listening.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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
