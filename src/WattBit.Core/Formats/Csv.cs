namespace WattBit.Formats;

/// <summary>Helpers for writing CSV.</summary>
public static class Csv
{
    /// <summary>Quotes a field when it contains a comma, a quote or a line break (RFC 4180).</summary>
    public static string Escape(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }
}
