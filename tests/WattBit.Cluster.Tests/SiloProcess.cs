using System.Diagnostics;
using System.Text;

namespace WattBit.Cluster.Tests;

/// <summary>
/// One silo as its own OS process: the real WattBit.Cluster.Silo program (the built dll) run with the given settings
/// on the command line. <see cref="StartAsync"/> returns once the silo prints its ready line; <see cref="Kill"/> kills
/// it by process id, as a machine failure would.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, int siloPort)
    {
        _process = process;
        SiloPort = siloPort;
    }

    public int SiloPort { get; }

    public int Pid => _process.Id;

    public bool Running => !_process.HasExited;

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

    public static async Task<SiloProcess> StartAsync(ClusterSettings settings, TimeSpan timeout)
    {
        var start = Testing.DotnetProcess.StartInfo();
        // Run with this test assembly's runtime config and dependency manifest: they describe the folder as it is built
        // (with the server referenced too, the shared ASP.NET framework supplies assemblies the silo's own manifest
        // expects as files).
        var tests = Path.Combine(AppContext.BaseDirectory, typeof(SiloProcess).Assembly.GetName().Name!);
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add("--runtimeconfig");
        start.ArgumentList.Add(tests + ".runtimeconfig.json");
        start.ArgumentList.Add("--depsfile");
        start.ArgumentList.Add(tests + ".deps.json");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WattBit.Cluster.Silo.dll"));
        foreach (var (key, value) in Arguments(settings))
        {
            start.ArgumentList.Add($"--{ClusterSettings.Section}:{key}={value}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo program");
        var silo = new SiloProcess(process, settings.SiloPort);
        process.OutputDataReceived += (_, e) => silo.Line(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Line(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            // Let the output readers reach the end, so the message carries the silo's last words.
            process.WaitForExit();
            silo._ready.TrySetException(new InvalidOperationException($"silo on port {settings.SiloPort} exited before it was ready:\n{silo.Output}"));
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo._ready.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            silo.Dispose();
            throw new TimeoutException($"silo on port {settings.SiloPort} not ready within {timeout}:\n{silo.Output}");
        }

        return silo;
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static IEnumerable<(string, string)> Arguments(ClusterSettings s)
    {
        yield return ("Mode", s.Mode.ToString());
        if (s.ConnectionString is { } cs)
        {
            yield return ("ConnectionString", cs);
        }

        yield return ("ClusterId", s.ClusterId);
        yield return ("ServiceId", s.ServiceId);
        yield return ("SiloPort", s.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("GatewayPort", s.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("FastFailureDetection", s.FastFailureDetection ? "true" : "false");
        yield return ("ReminderPeriod", s.ReminderPeriod.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        yield return ("DeadlineGrace", s.DeadlineGrace.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
    }

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("WattBit silo ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
