using System.CommandLine;
using Spectre.Console;
using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Cli;

/// <summary>Runs the command line and turns every expected failure into one clear line and a non-zero exit code.</summary>
internal static class CliApp
{
    /// <summary>Exit code for bad input (a malformed file, an invalid option value).</summary>
    public const int InputError = 2;

    /// <summary>Exit code for a failure while running (I/O, solver).</summary>
    public const int RunError = 3;

    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A bad option value or an unknown word is bad input like any other: one line each, exit code 2, no usage dump.
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync("error: " + error.Message.ReplaceLineEndings(" ")).ConfigureAwait(false);
            }

            var path = string.Join(' ', CommandPath(parse.CommandResult));
            await Console.Error.WriteLineAsync($"(see '{path} --help')").ConfigureAwait(false);
            return InputError;
        }

        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        try
        {
            return await parse.InvokeAsync(config).ConfigureAwait(false);
        }
        catch (Exception ex) when (Describe(ex) is { } message)
        {
            // One line on standard error, never wrapped, so scripts and people can read it.
            var line = message.Message.ReplaceLineEndings(" ");
            if (Console.IsErrorRedirected)
            {
                await Console.Error.WriteLineAsync("error: " + line).ConfigureAwait(false);
            }
            else
            {
                Ui.Error.MarkupLine($"[red]error:[/] {Markup.Escape(line)}");
            }

            return message.Code;
        }
    }

    private static List<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult c)
            {
                names.Insert(0, c.Parent is null ? "wattbit" : c.Command.Name);
            }
        }

        return names;
    }

    /// <summary>Maps an exception to a one-line message and exit code; null for bugs, which keep their stack trace.</summary>
    internal static (string Message, int Code)? Describe(Exception ex) => ex switch
    {
        InputFormatException e => (e.Message, InputError),
        SeriesAlignmentException e => (e.Message, InputError),
        FileNotFoundException e => ($"file not found: {e.FileName ?? e.Message}", InputError),
        DirectoryNotFoundException e => (e.Message, InputError),
        UnauthorizedAccessException e => (e.Message, RunError),
        IOException e => (e.Message, RunError),
        // The message without .NET's " (Parameter 'name')" suffix: the user never named a parameter.
        ArgumentException e => (e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal), InputError),
        FormatException e => (e.Message, InputError),
        CliException e => (e.Message, e.ExitCode),
        OperationCanceledException => ("cancelled.", RunError),
        _ => null,
    };
}

/// <summary>An expected failure of a command, reported as one line.</summary>
internal sealed class CliException(string message, int exitCode = CliApp.InputError) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
