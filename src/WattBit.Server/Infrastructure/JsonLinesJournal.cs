using System.Text.Json;
using System.Text.Json.Serialization;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// An append-only JSON-lines file of <typeparamref name="T"/> records: replayed in order when opened, each new record
/// flushed to disk before <see cref="Append"/> returns, so an answer sent after it survives a crash or restart.
/// Thread-safe (appends are serialised by one lock; callers keep their own in-memory view, updated by the replay and
/// append callbacks under that lock).
/// </summary>
/// <typeparam name="T">The record type, serialised with the web defaults (camelCase).</typeparam>
internal sealed class JsonLinesJournal<T> : IDisposable
    where T : class
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };
    private readonly Lock _lock = new();
    private readonly FileStream _file;
    private readonly Action<T> _apply;

    /// <summary>Opens (or creates) the journal at <paramref name="path"/>, replaying every record into <paramref name="apply"/>.</summary>
    /// <exception cref="InvalidDataException">A line is not a record; the message names the file and line.</exception>
    public JsonLinesJournal(string path, Action<T> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        _apply = apply;
        Path = System.IO.Path.GetFullPath(path);
        if (File.Exists(Path))
        {
            var line = 0;
            foreach (var text in File.ReadLines(Path))
            {
                line++;
                if (text.Length == 0)
                {
                    continue;
                }

                T? entry;
                try
                {
                    entry = JsonSerializer.Deserialize<T>(text, s_json);
                }
                catch (JsonException e)
                {
                    throw new InvalidDataException($"{Path}:{line}: not a journal record ({e.Message}).", e);
                }

                apply(entry ?? throw new InvalidDataException($"{Path}:{line}: empty journal record."));
            }
        }

        _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
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
            _apply(entry);
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();
}
