using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WattBit.Testing;

/// <summary>
/// A child process that serves HTTP on a loopback port (a built server of the repository): started with its output
/// captured, ready once it logs ASP.NET Core's "Now listening on:", killed (with its children) when disposed.
/// </summary>
internal sealed class ListeningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ListeningProcess(Process process) => _process = process;

    /// <summary>What the process wrote to standard output and error so far (for failure messages).</summary>
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

    /// <summary>A free TCP port on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Gives a WattBit server its API keys through the environment (<c>WattBit__ApiKeys__{i}__...</c>, clear development keys).</summary>
    public static void AddApiKeys(ProcessStartInfo start, IReadOnlyList<(string Id, string Key, string Role, string? Area, string? Operator)> keys)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            var (id, key, role, area, op) = keys[i];
            start.Environment[$"WattBit__ApiKeys__{i}__Id"] = id;
            start.Environment[$"WattBit__ApiKeys__{i}__Key"] = key;
            start.Environment[$"WattBit__ApiKeys__{i}__Role"] = role;
            if (area is not null)
            {
                start.Environment[$"WattBit__ApiKeys__{i}__Area"] = area;
            }

            if (op is not null)
            {
                start.Environment[$"WattBit__ApiKeys__{i}__Operator"] = op;
            }
        }
    }

    /// <summary>Starts <paramref name="start"/> (output redirected) and waits until it listens; fails the test with its output if it exits or <paramref name="timeout"/> passes first.</summary>
    public static async Task<ListeningProcess> StartAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var child = new ListeningProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(child._listening.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        if (first != child._listening.Task)
        {
            await child.DisposeAsync();
            Assert.Fail($"{string.Join(' ', start.ArgumentList)} did not start listening:\n{child.Output}");
        }

        return child;
    }

    private void Append(string? line)
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
            _listening.TrySetResult();
        }
    }

    /// <summary>Kills the process at once (as a crash would) and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
