namespace WattBit.Execution;

/// <summary>
/// A job engine command failed: the message names the command line, its exit code and its standard error. An
/// <see cref="IOException"/>, so the CLI reports it as one line.
/// </summary>
public sealed class EngineCommandException : IOException
{
    /// <summary>Creates the exception for <paramref name="commandLine"/>.</summary>
    public EngineCommandException(string commandLine, int exitCode, string standardError)
        : base($"`{commandLine}` failed (exit {exitCode}): {Clean(standardError)}")
    {
        CommandLine = commandLine;
        ExitCode = exitCode;
        StandardError = standardError;
    }

    /// <summary>Creates the exception with a message of its own (the command could not be started or its output not understood).</summary>
    public EngineCommandException(string commandLine, string message, Exception? inner = null)
        : base($"`{commandLine}`: {message}", inner)
    {
        CommandLine = commandLine;
        ExitCode = -1;
        StandardError = string.Empty;
    }

    /// <summary>The command line that failed.</summary>
    public string CommandLine { get; }

    /// <summary>Its exit code; -1 when it could not be started or its output was not understood.</summary>
    public int ExitCode { get; }

    /// <summary>What it wrote to standard error (or to standard output, where a tool reports refusals there and standard error was empty).</summary>
    public string StandardError { get; }

    private static string Clean(string stderr)
    {
        var text = stderr.Trim().ReplaceLineEndings(" | ");
        return text.Length == 0 ? "(no error output)" : text;
    }
}
