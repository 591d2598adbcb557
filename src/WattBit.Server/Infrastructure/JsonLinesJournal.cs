using System.Text.Json;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// An append-only JSON-lines file of <typeparamref name="T"/> records: replayed in order when opened, each new record
/// flushed to disk before <see cref="Append(T)"/> returns, so an answer sent after it survives a crash or restart.
/// Thread-safe (appends are serialised by one lock; callers keep their own in-memory view, updated by the replay and
/// append callbacks under that lock).
/// </summary>
/// <typeparam name="T">The record type, serialised with the web defaults (camelCase).</typeparam>
internal sealed class JsonLinesJournal<T> : IJournal<T>
    where T : class
{
    private static readonly JsonSerializerOptions s_json = Journals.Json;
    private readonly Lock _lock = new();
    private FileStream _file;
    private int _records;
    private readonly Action<T> _apply;

    /// <summary>
    /// Opens (or creates) the journal at <paramref name="path"/>, replaying every record into <paramref name="apply"/>.
    /// A torn tail (a last line that is not a whole record, as a crash mid-append leaves) is cut off: every complete
    /// record is kept, the dropped bytes are saved beside the journal (<c>.torn</c>) and described in
    /// <see cref="Recovery"/>. A last record without its newline is completed, so the next append never joins it.
    /// Records that an older version wrote on one line without a newline between them are read one by one.
    /// </summary>
    /// <exception cref="InvalidDataException">A line before the last is not a record; the message names the file and line.</exception>
    public JsonLinesJournal(string path, Action<T> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        _apply = apply;
        Path = System.IO.Path.GetFullPath(path);
        var keep = File.Exists(Path) ? Replay(File.ReadAllBytes(Path)) : -1;
        _file = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        if (keep >= 0)
        {
            _file.SetLength(keep);
        }

        _file.Seek(0, SeekOrigin.End);
        if (keep > 0 && _endsWithoutNewline)
        {
            _file.WriteByte((byte)'\n');
            _file.Flush(flushToDisk: true);
        }
    }

    private bool _endsWithoutNewline;

    /// <summary>What was recovered when the journal was opened (a torn tail cut off), or null when it was whole.</summary>
    public string? Recovery { get; private set; }

    /// <summary>Replays <paramref name="bytes"/>; returns the length to keep (all of it unless the tail is torn).</summary>
    private long Replay(byte[] bytes)
    {
        var line = 0;
        var pos = 0;
        while (pos < bytes.Length)
        {
            line++;
            var nl = Array.IndexOf(bytes, (byte)'\n', pos);
            var end = nl < 0 ? bytes.Length : nl;
            var text = new ReadOnlySpan<byte>(bytes, pos, end - pos);
            if (text.Trim((byte)'\r').Trim((byte)' ').Length > 0)
            {
                var whole = TryRead(text, out var entries, out var consumed, out var error);
                if (!whole)
                {
                    if (nl >= 0 && bytes.AsSpan(nl + 1).IndexOfAnyExcept((byte)'\n', (byte)'\r', (byte)' ') >= 0)
                    {
                        throw new InvalidDataException($"{Path}:{line}: not a journal record ({error}).");
                    }

                    foreach (var entry in entries)
                    {
                        _apply(entry);
                        _records++;
                    }

                    var keep = pos + consumed;
                    var torn = Path + ".torn";
                    File.WriteAllBytes(torn, bytes[keep..]);
                    Recovery = $"{Path}:{line}: the last {bytes.Length - keep} bytes were not a whole record ({error}); they were cut off and saved to {torn}. Every complete record was kept.";
                    _endsWithoutNewline = keep > 0 && bytes[keep - 1] != (byte)'\n';
                    return keep;
                }

                foreach (var entry in entries)
                {
                    _apply(entry);
                    _records++;
                }
            }

            if (nl < 0)
            {
                _endsWithoutNewline = true;
                break;
            }

            pos = nl + 1;
        }

        return bytes.Length;
    }

    /// <summary>Reads one line: one record, or several records written without a newline between them.</summary>
    /// <returns>True when the whole line was records; else the records before the first bad one, and the bytes they took.</returns>
    private static bool TryRead(ReadOnlySpan<byte> text, out List<T> entries, out int consumed, out string error)
    {
        entries = [];
        error = "";
        consumed = 0;
        var reader = new Utf8JsonReader(text, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    error = $"a record is a JSON object, found {reader.TokenType}";
                    return false;
                }

                entries.Add(JsonSerializer.Deserialize<T>(ref reader, s_json) ?? throw new JsonException("empty record"));
                consumed = (int)reader.BytesConsumed;
            }

            return entries.Count > 0;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>The journal beside <paramref name="journal"/> (the server's main journal) named with <paramref name="suffix"/>: <c>x.jsonl</c> → <c>x.suffix.jsonl</c>.</summary>
    public static string Beside(string journal, string suffix)
    {
        var full = System.IO.Path.GetFullPath(journal);
        var ext = System.IO.Path.GetExtension(full);
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, System.IO.Path.GetFileNameWithoutExtension(full) + "." + suffix + (ext.Length > 0 ? ext : ".jsonl"));
    }

    /// <summary>Writes <paramref name="entry"/>, flushes it to disk, then applies it (under the journal's lock).</summary>
    public void Append(T entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(entry, s_json);
        lock (_lock)
        {
            _file.Write(bytes);
            _file.WriteByte((byte)'\n');
            _file.Flush(flushToDisk: true);
            _records++;
            _apply(entry);
        }
    }

    /// <summary>Asks <paramref name="decide"/> (under the journal's lock) for the record to write (null: nothing), writes, flushes and applies it.</summary>
    public T? Append(Func<T?> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        lock (_lock)
        {
            if (decide() is not { } entry)
            {
                return null;
            }

            var bytes = JsonSerializer.SerializeToUtf8Bytes(entry, s_json);
            _file.Write(bytes);
            _file.WriteByte((byte)'\n');
            _file.Flush(flushToDisk: true);
            _records++;
            _apply(entry);
            return entry;
        }
    }

    /// <inheritdoc />
    public Task AppendAsync(T entry, CancellationToken cancellationToken = default)
    {
        // A local file's write and flush: no store round trip to await.
        Append(entry);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<T?> AppendAsync(Func<T?> decide, CancellationToken cancellationToken = default) => Task.FromResult(Append(decide));

    /// <inheritdoc />
    /// <remarks>One process owns the file: there is nothing another instance could have appended.</remarks>
    public Task CatchUpAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    /// <remarks>
    /// The file is rewritten (the kept records to <c>{path}.trim</c>, flushed, then moved over the journal) once it holds
    /// more than <paramref name="keepLast"/> plus a quarter of it (at least one): a crash leaves either file whole.
    /// </remarks>
    public Task<int> TrimAsync(int keepLast, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keepLast);
        lock (_lock)
        {
            if (_records <= keepLast + Math.Max(1, keepLast / 4))
            {
                return Task.FromResult(0);
            }

            _file.Flush(flushToDisk: true);
            List<byte[]> lines = [];
            using (var read = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                var bytes = new byte[read.Length];
                read.ReadExactly(bytes);
                var pos = 0;
                while (pos < bytes.Length)
                {
                    var nl = Array.IndexOf(bytes, (byte)'\n', pos);
                    var end = nl < 0 ? bytes.Length : nl;
                    if (bytes.AsSpan(pos, end - pos).Trim((byte)'\r').Trim((byte)' ').Length > 0)
                    {
                        lines.Add(bytes[pos..end]);
                    }

                    pos = end + 1;
                }
            }

            var removed = Math.Max(0, lines.Count - keepLast);
            var trimmed = Path + ".trim";
            using (var write = new FileStream(trimmed, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                foreach (var line in lines.Skip(removed))
                {
                    write.Write(line);
                    write.WriteByte((byte)'\n');
                }

                write.Flush(flushToDisk: true);
            }

            _file.Dispose();
            File.Move(trimmed, Path, overwrite: true);
            _file = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.Read);
            _file.Seek(0, SeekOrigin.End);
            _records = lines.Count - removed;
            return Task.FromResult(removed);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();
}

/// <summary>What the server logs about its journals.</summary>
internal static partial class JournalLog
{
    /// <summary>A journal was opened with a torn tail cut off.</summary>
    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "Journal recovered: {Recovery}")]
    public static partial void Recovered(ILogger logger, string recovery);
}
