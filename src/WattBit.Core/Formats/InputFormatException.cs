namespace WattBit.Formats;

/// <summary>
/// Thrown when an input file (or text) is malformed. The message names the source, the 1-based line and column
/// when they apply, and what was wrong, in the form <c>file:line:column: message</c>.
/// </summary>
public sealed class InputFormatException : Exception
{
    /// <summary>Creates the exception for a place in a source.</summary>
    /// <param name="source">The file path or a description of the input.</param>
    /// <param name="line">1-based line, or 0 when the problem is not on one line.</param>
    /// <param name="column">1-based column, or 0 when the problem is the whole line.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    public InputFormatException(string source, int line, int column, string problem)
        : base(Compose(source, line, column, problem))
    {
        Source = source;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>Creates the exception with a plain message.</summary>
    public InputFormatException(string message) : this("input", 0, 0, message)
    {
    }

    /// <summary>Creates the exception with a plain message and its cause.</summary>
    public InputFormatException(string message, Exception innerException) : base(message, innerException)
    {
        Source = "input";
        Problem = message;
    }

    /// <summary>Creates the exception with a default message.</summary>
    public InputFormatException() : this("input", 0, 0, "The input is malformed.")
    {
    }

    /// <summary>The file path or description of the input.</summary>
    public new string Source { get; }

    /// <summary>The 1-based line, or 0.</summary>
    public int Line { get; }

    /// <summary>The 1-based column, or 0.</summary>
    public int Column { get; }

    /// <summary>What was wrong, without the place.</summary>
    public string Problem { get; }

    private static string Compose(string source, int line, int column, string problem) => (line, column) switch
    {
        (<= 0, _) => $"{source}: {problem}",
        (_, <= 0) => $"{source}:{line}: {problem}",
        _ => $"{source}:{line}:{column}: {problem}",
    };
}
