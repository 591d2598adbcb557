using System.Text.Json;
using WattBit.Data.Storage;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// A journal kept as a stream of the shared store (<see cref="IJournalStore"/>, PostgreSQL): every server instance on
/// the database appends to the one ordered log and replays what the others appended (<see cref="CatchUpAsync"/>), so they
/// serve the same state. A conditional write (<see cref="AppendAsync(Func{T}, CancellationToken)"/>: acknowledge only an
/// issued order) names the next position it knows; when another instance took it first, this one catches up and decides
/// again, so it is decided on the latest state. An unconditional one (<see cref="AppendAsync(T, CancellationToken)"/>,
/// <see cref="AppendManyAsync"/>) lets the store give it the next free position and applies what it missed first:
/// instances never retry each other's positions for records that decide nothing (decision 0204).
/// Thread-safe. The journal's turn is a <see cref="SemaphoreSlim"/> held across awaited store calls, so no method blocks a
/// thread while the store answers (decisions 0193, 0218); only opening does, once, replaying the stream at start-up.
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
        // Opened at start-up (the server's singletons are built before it listens): the replay blocks that one thread, once.
        CatchUpAsync().GetAwaiter().GetResult();
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
    /// When set, each append also sends a notification on this channel with this payload, in the same statement and
    /// transaction (live events: one round trip per event instead of an append and a separate NOTIFY).
    /// </summary>
    public (IStoreNotifications Via, string Channel, string Payload)? NotifyOnAppend { get; init; }

    /// <inheritdoc />
    /// <remarks>
    /// An unconditional record decides on nothing before it, so the store gives it the next free position (decision 0204:
    /// one round trip, never a retry against another instance) and answers what this instance had not yet applied; those
    /// records are applied first, then this one, so every instance applies the stream in one order.
    /// </remarks>
    public Task AppendAsync(T entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return AppendManyAsync([entry], cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="entries"/> in order at the stream's next free positions (the store assigns them; with
    /// <see cref="NotifyOnAppend"/> one notification for all), in one round trip whatever other instances append meanwhile,
    /// then applies the records this instance missed and its own. A group commit: concurrent writers' records share a round
    /// trip, and instances never retry each other's positions (decision 0204).
    /// </summary>
    public async Task AppendManyAsync(IReadOnlyList<T> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var bodies = new string[entries.Count];
        for (var i = 0; i < bodies.Length; i++)
        {
            bodies[i] = JsonSerializer.Serialize(entries[i], Journals.Json);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Not cancelled once the turn is taken: a write the store may have committed is always followed by its apply.
            var appended = NotifyOnAppend is { } notify
                ? await notify.Via.AppendJournalAndNotifyAsync(_stream, bodies, _applied, notify.Channel, notify.Payload).ConfigureAwait(false)
                : await _store.AppendJournalAsync(_stream, bodies, _applied).ConfigureAwait(false);
            ApplyLocked(appended.Missed);
            for (var i = 0; i < entries.Count; i++)
            {
                var seq = appended.FirstSeq + i;
                _apply(entries[i], seq);
                Volatile.Write(ref _applied, seq);
                Appended?.Invoke(seq);
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
            ? notify.Via.TryAppendJournalAndNotifyAsync(_stream, seq, body, notify.Channel, notify.Payload)
            : _store.TryAppendJournalAsync(_stream, seq, body);

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

    private async Task CatchUpLockedAsync() => ApplyLocked(await _store.ReadJournalAsync(_stream, _applied).ConfigureAwait(false));

    private void ApplyLocked(IReadOnlyList<JournalRecord> records)
    {
        foreach (var record in records)
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
