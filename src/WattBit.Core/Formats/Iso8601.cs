using System.Globalization;

namespace WattBit.Formats;

/// <summary>Parsing and formatting of the ISO 8601 timestamps with a UTC offset that WattBit's files use.</summary>
public static class Iso8601
{
    private static readonly string[] s_formats =
    [
        "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mmzzz",
    ];

    /// <summary>Parses a timestamp such as <c>2025-04-01T00:00:00+09:00</c>; the offset is required.</summary>
    /// <returns>False with a reason when the text is not such a timestamp.</returns>
    public static bool TryParse(string text, out DateTimeOffset value, out string reason)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (DateTimeOffset.TryParseExact(t, s_formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value))
        {
            reason = string.Empty;
            return true;
        }

        reason = DateTime.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? $"timestamp '{text}' has no UTC offset; write it like 2025-04-01T00:00:00+09:00"
            : $"'{text}' is not an ISO 8601 timestamp like 2025-04-01T00:00:00+09:00";
        return false;
    }

    /// <summary>Parses a timestamp or throws a <see cref="FormatException"/> with the reason.</summary>
    /// <exception cref="FormatException">The text is not an ISO 8601 timestamp with an offset.</exception>
    public static DateTimeOffset Parse(string text) =>
        TryParse(text, out var value, out var reason) ? value : throw new FormatException(reason);

    /// <summary>Formats as <c>2025-04-01T00:00:00+09:00</c> (UTC written as +00:00).</summary>
    public static string Format(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
