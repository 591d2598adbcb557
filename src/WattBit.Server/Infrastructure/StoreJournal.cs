using System.Text.Json;
using WattBit.Data.Storage;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// A journal kept as a stream of the shared store (<see cref="IJournalStore"/>, PostgreSQL): every server instance on
/// the database appends to the one ordered log and replays what the others appended (<see cref="CatchUp"/>), so they
/// serve the same state. An append takes the next position; when another instance took it first, this one catches up
/// and decides again, so a conditional write (acknowledge only an issued order) is decided on the latest state.
/// Thread-safe. The journal's turn is a <see cref="SemaphoreSlim"/> held across awaited store calls, so the asynchronous
/// methods never block a thread while the store answers (decision 0193); the synchronous ones block only their caller.
/// </summary>
/// <typeparam name="T">The record type (serialised as camelCase JSON).</typeparam>
internal sealed class StoreJournal<T> : IJournal<T>
    where T : class
{
    private readonly IJournalStore _store;
    private readonly string _stream;
    private readonly Action<T, long> _apply;
    private readonly SemaphoreSlim _gate = new(1, 1);
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

    /// <summary>Called after this instance appended a record, with its position (in the journal's turn).</summary>
    public Action<long>? Appended { get; set; }

    /// <summary>
    /// When set, each append also sends a notification on this channel, in the same statement and transaction (live
    /// events: one round trip per event instead of an append and a separate NOTIFY).
    /// </summary>
    public (IStoreNotifications Via, string Channel)? NotifyOnAppend { get; init; }

    /// <inheritdoc />
    /// <remarks>Blocks the calling thread until the store answers; request paths use <see cref="AppendAsync(T, CancellationToken)"/>.</remarks>
    public void Append(T entry) => AppendAsync(entry).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task AppendAsync(T entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // Unconditional: try the next position first and catch up only when another instance took it (one round trip
        // per record when this instance is the only writer, instead of a read and a write).
        var body = JsonSerializer.Serialize(entry, Journals.Json);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var seq = _applied + 1;
                if (await TryAppendAsync(seq, body).ConfigureAwait(false))
                {
                    _apply(entry, seq);
                    Volatile.Write(ref _applied, seq);
                    Appended?.Invoke(seq);
                    return;
                }

                await CatchUpLockedAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Appends <paramref name="entries"/> in order at the next positions, in one round trip when the journal notifies
    /// (<see cref="NotifyOnAppend"/>: one statement for all, one notification), then applies them; when another instance
    /// took a position first, catches up and tries again. A group commit: concurrent writers' records share a round trip.
    /// </summary>
    public async Task AppendManyAsync(IReadOnlyList<T> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (NotifyOnAppend is not { } notify || entries.Count == 1)
        {
            foreach (var entry in entries)
            {
                await AppendAsync(entry, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var bodies = entries.Select(e => JsonSerializer.Serialize(e, Journals.Json)).ToList();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                var first = _applied + 1;
                if (await notify.Via.TryAppendJournalBatchAndNotifyAsync(_stream, first, bodies, notify.Channel, "").ConfigureAwait(false))
                {
                    for (var i = 0; i < entries.Count; i++)
                    {
                        _apply(entries[i], first + i);
                        Volatile.Write(ref _applied, first + i);
                        Appended?.Invoke(first + i);
                    }

                    return;
                }

                await CatchUpLockedAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // Not cancelled once the turn is taken: a write the store may have committed is always followed by its apply.
    private Task<bool> TryAppendAsync(long seq, string body) =>
        NotifyOnAppend is { } notify
            ? notify.Via.TryAppendJournalAndNotifyAsync(_stream, seq, body, notify.Channel, "")
            : _store.TryAppendJournalAsync(_stream, seq, body);

    /// <inheritdoc />
    /// <remarks>Blocks the calling thread until the store answers; request paths use <see cref="AppendAsync(Func{T}, CancellationToken)"/>.</remarks>
    public T? Append(Func<T?> decide) => AppendAsync(decide).GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task<T?> AppendAsync(Func<T?> decide, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decide);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                await CatchUpLockedAsync().ConfigureAwait(false);
                if (decide() is not { } entry)
                {
                    return null;
                }

                var body = JsonSerializer.Serialize(entry, Journals.Json);
                var seq = _applied + 1;
                if (await TryAppendAsync(seq, body).ConfigureAwait(false))
                {
                    _apply(entry, seq);
                    Volatile.Write(ref _applied, seq);
                    Appended?.Invoke(seq);
                    return entry;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>Blocks the calling thread until the store answers; request paths use <see cref="CatchUpAsync"/>.</remarks>
    public void CatchUp() => CatchUpAsync().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CatchUpLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<int> TrimAsync(int keepLast, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keepLast);
        var through = Position - keepLast;
        return through > 0 ? _store.PruneJournalAsync(_stream, through, cancellationToken) : Task.FromResult(0);
    }

    private async Task CatchUpLockedAsync()
    {
        foreach (var record in await _store.ReadJournalAsync(_stream, _applied).ConfigureAwait(false))
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
