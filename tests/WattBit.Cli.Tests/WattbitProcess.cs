using System.Diagnostics;

namespace WattBit.Cli.Tests;

/// <summary>Runs the real <c>wattbit</c> program (the built wattbit.dll) as a child process and captures its output.</summary>
internal static class WattbitProcess
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunAsync(string workingDirectory, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "wattbit.dll");
        var start = Testing.DotnetProcess.StartInfo(workingDirectory);
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start wattbit");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
