using System.Text.Json;
using WattBit.Data.Storage;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// A journal kept as a stream of the shared store (<see cref="IJournalStore"/>, PostgreSQL): every server instance on
/// the database appends to the one ordered log and replays what the others appended (<see cref="CatchUp"/>), so they
/// serve the same state. An append takes the next position; when another instance took it first, this one catches up
/// and decides again, so a conditional write (acknowledge only an issued order) is decided on the latest state.
/// Thread-safe; store calls are made synchronously under the journal's lock (these are operator-paced writes).
/// </summary>
/// <typeparam name="T">The record type (serialised as camelCase JSON).</typeparam>
internal sealed class StoreJournal<T> : IJournal<T>
    where T : class
{
    private readonly IJournalStore _store;
    private readonly string _stream;
    private readonly Action<T, long> _apply;
    private readonly Lock _lock = new();
    private long _applied;

    /// <summary>Opens the stream, replaying every record into <paramref name="apply"/>.</summary>
    /// <exception cref="InvalidDataException">A stored record is not a <typeparamref name="T"/>; the message names the stream and position.</exception>
    public StoreJournal(IJournalStore store, string stream, Action<T> apply)
        : this(store, stream, (entry, _) => apply(entry), 0)
    {
        ArgumentNullException.ThrowIfNull(apply);
    }

    /// <summary>
    /// Opens the stream, replaying the records after position <paramref name="startAfter"/> into <paramref name="apply"/>
    /// with their positions (a log of which only the recent past matters, such as live events, starts near its end).
    /// </summary>
    /// <exception cref="InvalidDataException">A stored record is not a <typeparamref name="T"/>; the message names the stream and position.</exception>
    public StoreJournal(IJournalStore store, string stream, Action<T, long> apply, long startAfter)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentOutOfRangeException.ThrowIfNegative(startAfter);
        _store = store;
        _stream = stream;
        _apply = apply;
        _applied = startAfter;
        CatchUp();
    }

    /// <inheritdoc />
    public string Path => "store:" + _stream;

    /// <inheritdoc />
    public string? Recovery => null;

    /// <summary>The position of the last record applied (the stream's length as this instance knows it).</summary>
    public long Position => Volatile.Read(ref _applied);

    /// <summary>Called after this instance appended a record, with its position (outside nothing: under the journal's lock).</summary>
    public Action<long>? Appended { get; set; }

    /// <summary>
    /// When set, each append also sends a notification on this channel, in the same statement and transaction (live
    /// events: one round trip per event instead of an append and a separate NOTIFY).
    /// </summary>
    public (IStoreNotifications Via, string Channel)? NotifyOnAppend { get; init; }

    /// <inheritdoc />
    public void Append(T entry)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // Unconditional: try the next position first and catch up only when another instance took it (one round trip
        // per record when this instance is the only writer, instead of a read and a write).
        var body = JsonSerializer.Serialize(entry, Journals.Json);
        lock (_lock)
        {
            while (true)
            {
                var seq = _applied + 1;
                if (TryAppend(seq, body))
                {
                    _apply(entry, seq);
                    Volatile.Write(ref _applied, seq);
                    Appended?.Invoke(seq);
                    return;
                }

                CatchUpLocked();
            }
        }
    }

    private bool TryAppend(long seq, string body) =>
        (NotifyOnAppend is { } notify
            ? notify.Via.TryAppendJournalAndNotifyAsync(_stream, seq, body, notify.Channel, "")
            : _store.TryAppendJournalAsync(_stream, seq, body)).GetAwaiter().GetResult();

    /// <inheritdoc />
    public T? Append(Func<T?> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        lock (_lock)
        {
            while (true)
            {
                CatchUpLocked();
                if (decide() is not { } entry)
                {
                    return null;
                }

                var body = JsonSerializer.Serialize(entry, Journals.Json);
                var seq = _applied + 1;
                if (TryAppend(seq, body))
                {
                    _apply(entry, seq);
                    Volatile.Write(ref _applied, seq);
                    Appended?.Invoke(seq);
                    return entry;
                }
            }
        }
    }

    /// <inheritdoc />
    public void CatchUp()
    {
        lock (_lock)
        {
            CatchUpLocked();
        }
    }

    private void CatchUpLocked()
    {
        foreach (var record in _store.ReadJournalAsync(_stream, _applied).GetAwaiter().GetResult())
        {
            T entry;
            try
            {
                entry = JsonSerializer.Deserialize<T>(record.Body, Journals.Json) ?? throw new JsonException("null record");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{Path}:{record.Seq}: not a journal record ({e.Message}).", e);
            }

            _apply(entry, record.Seq);
            Volatile.Write(ref _applied, record.Seq);
        }
    }

    /// <summary>Nothing to release: the store belongs to the server.</summary>
    public void Dispose()
    {
    }
}
