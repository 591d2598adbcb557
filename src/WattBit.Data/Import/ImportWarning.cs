namespace WattBit.Data.Import;

/// <summary>A problem in an imported file that did not stop the import: the row was kept as written and the problem reported.</summary>
/// <param name="Source">The file (or other source) the warning is about.</param>
/// <param name="Line">1-based line in the file; 0 when the warning is about the file as a whole.</param>
/// <param name="Message">What is wrong, in one sentence.</param>
public readonly record struct ImportWarning(string Source, int Line, string Message)
{
    /// <summary>Formats the warning as <c>file:line: message</c> (or <c>file: message</c> for whole-file warnings).</summary>
    public override string ToString() => Line > 0 ? $"{Source}:{Line}: {Message}" : $"{Source}: {Message}";
}
