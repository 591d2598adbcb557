using System.Diagnostics;
using System.Text;

namespace WattBit.Testing;

/// <summary>Starting a built .NET program of the repository as a real child process, with its output captured.</summary>
internal static class DotnetProcess
{
    /// <summary>
    /// The start of a <c>dotnet</c> command (the host that runs the tests, else <c>dotnet</c> on PATH) with standard
    /// output and error redirected as UTF-8; the caller adds the arguments (the program's dll first) and environment.
    /// </summary>
    public static ProcessStartInfo StartInfo(string? workingDirectory = null)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        return start;
    }
}
