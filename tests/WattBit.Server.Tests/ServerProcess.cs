namespace WattBit.Server.Tests;

/// <summary>
/// The real WattBit server (the built WattBit.Server.dll beside the tests) started as a child process on a free
/// loopback port, configured through the environment with the test keys of <see cref="TestServer.Keys"/>; for the tests
/// of several instances sharing one PostgreSQL store. Real time (not the fake clock).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Testing.ListeningProcess _process;

    private ServerProcess(Testing.ListeningProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the server wrote so far (for failure messages).</summary>
    public string Output => _process.Output;

    /// <summary>Starts a server on the store <paramref name="store"/>, its journal files (unused with PostgreSQL) in <paramref name="folder"/>.</summary>
    public static async Task<ServerProcess> StartAsync(string store, string folder, IReadOnlyDictionary<string, string>? extra = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "WattBit.Server.dll");
        Assert.True(File.Exists(dll), $"The server binary is missing: {dll}");
        var port = Testing.ListeningProcess.FreePort();
        var start = Testing.DotnetProcess.StartInfo(folder);
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["WattBit__Store"] = store;
        start.Environment["WattBit__Journal"] = Path.Combine(folder, "journal.jsonl");
        start.Environment["WattBit__AreaMap"] = "builtin";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        Testing.ListeningProcess.AddApiKeys(start, TestServer.Keys);

        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new ServerProcess(await Testing.ListeningProcess.StartAsync(start, TimeSpan.FromMinutes(3)), new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>A client that sends <paramref name="keyId"/>'s key.</summary>
    public HttpClient Client(string keyId)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", TestServer.KeyOf(keyId));
        return client;
    }

    /// <summary>Stops the server at once (as a crash or a kill would).</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
