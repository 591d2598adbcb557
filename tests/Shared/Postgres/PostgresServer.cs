using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace WattBit.Testing;

/// <summary>
/// A real PostgreSQL server for the conformance suite: <c>initdb</c> into a temporary folder and <c>pg_ctl start</c> on a
/// free loopback port, with the Debian server binaries under /usr/lib/postgresql/*/bin. initdb refuses to run as root, so
/// as root the server runs as the <c>postgres</c> user (created by the Debian package) through <c>runuser</c>.
/// Any failure to start throws with the server's own log: the PostgreSQL tests fail, they never skip.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Superuser = "wattbit";
    private string? _dataDir;
    private string? _binDir;
    private string _parent = Path.GetTempPath();
    private int _databases;

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        _binDir = FindBinDir();
        var asRoot = Environment.UserName == "root";
        // As root the server runs as 'postgres', which must be able to create the folder: /tmp is writable by all,
        // a root-only TMPDIR may not be.
        _parent = asRoot ? "/tmp" : Path.GetTempPath();
        _dataDir = Path.Combine(_parent, "wattbit-pg-" + Guid.NewGuid().ToString("N"));
        Port = FreePort();
        await RunAsync(asRoot, "initdb", ["-D", _dataDir, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
        var options = $"-p {Port} -k {_dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        try
        {
            await RunAsync(asRoot, "pg_ctl", ["-D", _dataDir, "-o", options, "-l", Path.Combine(_dataDir, "server.log"), "-w", "-t", "60", "start"]);
        }
        catch (InvalidOperationException e)
        {
            var log = Path.Combine(_dataDir, "server.log");
            throw new InvalidOperationException(e.Message + (File.Exists(log) ? "\nserver.log:\n" + await File.ReadAllTextAsync(log) : ""), e);
        }
    }

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..24];
        await using (var c = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={Superuser};Database={database};Pooling=true;Maximum Pool Size=20";

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_dataDir is null || _binDir is null)
        {
            return;
        }

        try
        {
            await RunAsync(Environment.UserName == "root", "pg_ctl", ["-D", _dataDir, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            if (Directory.Exists(_dataDir))
            {
                Directory.Delete(_dataDir, recursive: true);
            }
        }
    }

    private static string FindBinDir()
    {
        const string root = "/usr/lib/postgresql";
        var candidates = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0).ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0]
            : throw new InvalidOperationException(
                "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install the Debian 'postgresql' package (.ci/run does).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunAsync(bool asRoot, string tool, string[] args)
    {
        var exe = Path.Combine(_binDir!, tool);
        var psi = asRoot ? new ProcessStartInfo("runuser") : new ProcessStartInfo(exe);
        if (asRoot)
        {
            foreach (var a in (string[])["-u", "postgres", "--", exe])
            {
                psi.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = _parent;
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"PostgreSQL test server: cannot run {psi.FileName} ({e.Message}). As root the server runs as user 'postgres' via runuser.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL test server: '{tool} {string.Join(' ', args)}'{(asRoot ? " (as user postgres)" : "")} failed with exit code {process.ExitCode}:\n{await stdout}\n{await stderr}");
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
