using System.Diagnostics;

namespace WattBit.Execution;

/// <summary>The outcome of one external command.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardOutput">What it wrote to standard output.</param>
/// <param name="StandardError">What it wrote to standard error.</param>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>Runs external commands (the engine's command-line tools). Implementations are thread-safe.</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> (no shell) and waits for it.</summary>
    /// <exception cref="EngineCommandException">It could not be started or ran longer than the runner's timeout.</exception>
    /// <exception cref="OperationCanceledException">Cancelled (the process is killed).</exception>
    Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default);
}

/// <summary>Runs commands as child processes with extra environment variables and a timeout.</summary>
/// <param name="time">Clock for the timeout.</param>
/// <param name="environment">Variables set for every command (for Slurm: <c>SLURM_CONF</c>, <c>TZ=UTC</c>).</param>
/// <param name="timeout">The longest a command may run; default 60 s.</param>
public sealed class ProcessCommandRunner(TimeProvider time, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    : ICommandRunner
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new EngineCommandException(CommandLine.Format(program, arguments), $"could not be started: {ex.Message}", ex);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timer = new CancellationTokenSource(_timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new EngineCommandException(CommandLine.Format(program, arguments), $"did not finish within {_timeout.TotalSeconds:0.#} s.");
        }

        return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}

/// <summary>Formats command lines for messages.</summary>
internal static class CommandLine
{
    public static string Format(string program, IReadOnlyList<string> arguments) =>
        string.Join(' ', arguments.Prepend(program).Select(a => a.Length == 0 || a.AsSpan().IndexOfAny(" \t'\"|;&") >= 0 ? $"'{a.Replace("'", "'\\''", StringComparison.Ordinal)}'" : a));
}
