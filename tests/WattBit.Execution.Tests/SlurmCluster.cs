using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WattBit.Execution.Slurm;

namespace WattBit.Execution.Tests;

/// <summary>
/// A real single-node Slurm cluster for the tests: its own munged (generated key, own socket), slurmctld and slurmd
/// (Debian slurm-wlm 22.05) on free loopback ports, with partitions tk and kn (one per site) on one node named after
/// this host, all state in a temporary folder. Start fails the tests with the reason and the daemons' logs.
/// </summary>
public sealed class SlurmCluster : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<Process> _daemons = [];
    private string _dir = string.Empty;

    public string ConfigFile => Path.Combine(_dir, "slurm.conf");

    public SlurmJobEngine Engine { get; private set; } = null!;

    public static QueueMap Queues { get; } = QueueMap.Parse("TK=tk,KN=kn");

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("wattbit-slurm-").FullName;
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("the Slurm tests need Linux (Debian slurm-wlm and munge).");
        }

        File.SetUnixFileMode(_dir, (UnixFileMode)Convert.ToInt32("755", 8));
        Directory.CreateDirectory(Path.Combine(_dir, "state"));
        Directory.CreateDirectory(Path.Combine(_dir, "spool"));
        var key = Path.Combine(_dir, "munge.key");
        var socket = Path.Combine(_dir, "munge.sock");
        await Run("mungekey", "--create", $"--keyfile={key}", "--bits=1024");
        File.SetUnixFileMode(key, UnixFileMode.UserRead);
        Start("munged", "-F", "--force", $"--socket={socket}", $"--key-file={key}", $"--log-file={_dir}/munged.log",
            $"--pid-file={_dir}/munged.pid", $"--seed-file={_dir}/munged.seed");
        await WaitUntil(() => File.Exists(socket), "munged to create its socket");

        var host = Environment.MachineName.Split('.')[0];
        var (ctldPort, slurmdPort) = (FreePort(), FreePort());
        File.WriteAllText(ConfigFile, $"""
            ClusterName=wattbittest
            SlurmctldHost={host}(127.0.0.1)
            SlurmctldPort={ctldPort}
            SlurmdPort={slurmdPort}
            SlurmUser=root
            SlurmdUser=root
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket={socket}
            StateSaveLocation={_dir}/state
            SlurmdSpoolDir={_dir}/spool
            SlurmctldPidFile={_dir}/slurmctld.pid
            SlurmdPidFile={_dir}/slurmd.pid
            SlurmctldLogFile={_dir}/slurmctld.log
            SlurmdLogFile={_dir}/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            SchedulerType=sched/backfill
            SchedulerParameters=sched_interval=1,bf_interval=1
            MpiDefault=none
            SwitchType=switch/none
            JobCompType=jobcomp/none
            AccountingStorageType=accounting_storage/none
            JobAcctGatherType=jobacct_gather/none
            ReturnToService=2
            MinJobAge=3600
            SlurmdParameters=config_overrides
            NodeName={host} NodeAddr=127.0.0.1 CPUs=16 RealMemory=1000 State=UNKNOWN
            PartitionName=tk Nodes={host} Default=YES MaxTime=INFINITE State=UP
            PartitionName=kn Nodes={host} MaxTime=INFINITE State=UP

            """);
        Start("slurmctld", "-D", "-f", ConfigFile);
        Start("slurmd", "-D", "-f", ConfigFile, "-N", host);
        await WaitUntil(async () => (await Run("sinfo", "--noheader", "--format=%T")).Split('\n').Any(s => s.Trim() == "idle"),
            "sinfo to report the node idle");
        Engine = new SlurmJobEngine(new SlurmOptions { ConfigFile = ConfigFile }, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Run("scancel", "--user=root");
        }
        catch (InvalidOperationException)
        {
            // The controller is already gone; the daemons are killed below either way.
        }

        for (var i = _daemons.Count - 1; i >= 0; i--)
        {
            if (!_daemons[i].HasExited)
            {
                _daemons[i].Kill(entireProcessTree: true);
                await _daemons[i].WaitForExitAsync();
            }

            _daemons[i].Dispose();
        }

        Engine?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // slurmstepd may still hold a file for a moment; the folder is in /tmp.
        }
    }

    /// <summary>Waits (polling every 200 ms) until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        T last = await probe();
        while (!condition(last))
        {
            try
            {
                await Task.Delay(200, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}; last seen: {last}");
            }

            last = await probe();
        }

        return last;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>The daemons live in /usr/sbin, which a non-root PATH may lack.</summary>
    private static string Resolve(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin"]).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists) ?? program;

    private void Start(string program, params string[] args)
    {
        var info = new ProcessStartInfo(Resolve(program)) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["SLURM_CONF"] = ConfigFile;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"cannot start {program} ({ex.Message}); install Debian packages slurm-wlm and munge (.ci/run does).", ex);
        }

        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _daemons.Add(process);
        _logs[program] = log;
    }

    private readonly Dictionary<string, StringBuilder> _logs = [];

    private Task WaitUntil(Func<bool> condition, string what) => WaitUntil(() => Task.FromResult(condition()), what);

    private async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var exited = _daemons.FirstOrDefault(d => d.HasExited);
            if (exited is not null)
            {
                throw new InvalidOperationException($"{exited.StartInfo.FileName} exited with {exited.ExitCode} while waiting for {what}.\n{Diagnostics()}");
            }

            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (InvalidOperationException)
            {
                // Not up yet (sinfo cannot reach slurmctld): keep waiting.
            }

            if (sw.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException($"timed out after {StartTimeout.TotalSeconds} s waiting for {what}.\n{Diagnostics()}");
            }

            await Task.Delay(200);
        }
    }

    private string Diagnostics()
    {
        var sb = new StringBuilder();
        foreach (var (name, log) in _logs)
        {
            lock (log)
            {
                sb.Append("--- ").Append(name).AppendLine(" output:").AppendLine(Tail(log.ToString()));
            }
        }

        foreach (var file in new[] { "slurmctld.log", "slurmd.log", "munged.log" })
        {
            var path = Path.Combine(_dir, file);
            if (File.Exists(path))
            {
                sb.Append("--- ").Append(file).AppendLine(":").AppendLine(Tail(File.ReadAllText(path)));
            }
        }

        return sb.ToString();
    }

    private static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];

    private async Task<string> Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(Resolve(program)) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["SLURM_CONF"] = ConfigFile;
        info.Environment["TZ"] = "UTC";
        try
        {
            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await p.WaitForExitAsync(cts.Token);
            return p.ExitCode == 0 ? await stdout : throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new FileNotFoundException($"cannot run {program} ({ex.Message}); install Debian packages slurm-wlm and munge (.ci/run does).", ex);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SlurmCollection : ICollectionFixture<SlurmCluster>
{
    public const string Name = "slurm";
}
