namespace WattBit.Data.Storage;

/// <summary>
/// The record of one imported file, stored in the same transaction as its values so that a re-import of the same
/// content (same <see cref="Sha256"/>) is detected and changes nothing. Immutable.
/// </summary>
/// <param name="Sha256">The SHA-256 of the file's bytes, lower-case hex (64 characters).</param>
/// <param name="FileName">The file's name or path as given by the user (for display).</param>
/// <param name="Format">The detected format, for example "tso-area-30min" or "jepx-spot".</param>
/// <param name="Rows">How many data rows the file held.</param>
/// <param name="Warnings">Warnings raised while reading, each naming file and line ("file:line: message").</param>
/// <param name="ImportedAt">When the import ran (from the injected clock).</param>
public sealed record ImportRecord(string Sha256, string FileName, string Format, long Rows, IReadOnlyList<string> Warnings, DateTimeOffset ImportedAt)
{
    /// <summary>Computes the lower-case hex SHA-256 of a file's bytes.</summary>
    public static string HashOf(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));

    /// <summary>Computes the lower-case hex SHA-256 of a file.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        var hash = await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }
}

/// <summary>What an import did.</summary>
public enum ImportOutcome
{
    /// <summary>The file's values and its record were written.</summary>
    Stored,

    /// <summary>A file with the same hash was imported before; nothing was written.</summary>
    AlreadyImported,
}

/// <summary>The result of <see cref="ISeriesStore.ImportAsync"/>. Immutable.</summary>
/// <param name="Outcome">Whether the batch was stored or skipped as a re-import.</param>
/// <param name="PointsWritten">How many values were upserted (0 when skipped).</param>
/// <param name="Previous">The earlier record when <see cref="ImportOutcome.AlreadyImported"/>; otherwise null.</param>
public sealed record ImportResult(ImportOutcome Outcome, long PointsWritten, ImportRecord? Previous);
