namespace WattBit.Data.Storage;

/// <summary>One record of a journal stream: its position (1, 2, 3... within the stream) and its text (JSON, as written).</summary>
/// <param name="Seq">The record's position in its stream, from 1 without gaps.</param>
/// <param name="Body">The record as written.</param>
public sealed record JournalRecord(long Seq, string Body);

/// <summary>
/// What <see cref="IJournalStore.AppendJournalAsync"/> wrote: the position the store gave the first record (the others
/// follow it without a gap), and the records of the stream the writer had not yet seen (after the position it named, up
/// to the one before <see cref="FirstSeq"/>), in order, so it applies them and then its own and keeps the one order.
/// </summary>
/// <param name="FirstSeq">The position of the first record written.</param>
/// <param name="Missed">The records between the writer's last known position and <see cref="FirstSeq"/>, in order.</param>
public sealed record JournalAppend(long FirstSeq, IReadOnlyList<JournalRecord> Missed);

/// <summary>
/// Append-only journal streams (part of <see cref="IWattBitStore"/>): named sequences of records, numbered 1, 2, 3...
/// without gaps. Two ways to append: <see cref="TryAppendJournalAsync"/> names the position it expects to write and, when
/// another writer (another process on the same database) took it first, writes nothing and answers false, so the writer
/// reads what it missed and decides again (for a record that depends on the state before it); <see cref="AppendJournalAsync"/>
/// lets the store give the next free positions, one writer at a time per stream, and answers what the writer missed (for a
/// record that depends on nothing before it: never a retry). So several processes keep one ordered log per stream, each
/// with the same view of it: the server's
/// orders, acknowledgements, dispatch orders, site connections, idempotency keys, background jobs and live events when
/// its store is PostgreSQL. Records are never changed; only <see cref="PruneJournalAsync"/> removes them (the server prunes
/// only its live-event stream, never a stream state is rebuilt from).
/// </summary>
public interface IJournalStore
{
    /// <summary>The records of <paramref name="stream"/> after position <paramref name="afterSeq"/>, in order.</summary>
    Task<IReadOnlyList<JournalRecord>> ReadJournalAsync(string stream, long afterSeq, CancellationToken cancellationToken = default);

    /// <summary>The position of the last record of <paramref name="stream"/> (0 when it has none).</summary>
    Task<long> JournalLengthAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="body"/> at position <paramref name="seq"/> of <paramref name="stream"/> (the last position
    /// read + 1); false, writing nothing, when that position is taken.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seq"/> is below 1.</exception>
    Task<bool> TryAppendJournalAsync(string stream, long seq, string body, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="bodies"/> at the next free positions of <paramref name="stream"/>, consecutive and in order,
    /// whatever other writers append meanwhile (the store serialises the appends of one stream: on PostgreSQL an advisory
    /// lock per stream held for one statement, on SQLite the write lock), all or nothing; answers the first position written
    /// and the records after <paramref name="afterSeq"/> (the writer's last known position) that precede it. One round trip.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="bodies"/> is empty or holds a null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterSeq"/> is negative.</exception>
    Task<JournalAppend> AppendJournalAsync(string stream, IReadOnlyList<string> bodies, long afterSeq, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the records of <paramref name="stream"/> at positions up to <paramref name="throughSeq"/>, always keeping
    /// the stream's last record (so <see cref="JournalLengthAsync"/> and the next append's position never go back).
    /// Positions are not renumbered; a read after a removed position starts at the first record still held. Answers how
    /// many records were removed. Only for a stream nothing is rebuilt from (the server's live events).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="throughSeq"/> is negative.</exception>
    Task<int> PruneJournalAsync(string stream, long throughSeq, CancellationToken cancellationToken = default);
}

/// <summary>
/// Notifications between the processes that share a store (PostgreSQL <c>LISTEN</c>/<c>NOTIFY</c>): a process says
/// "something changed on this channel" and every process listening hears it, itself included. Implemented by
/// <see cref="PostgresStore"/>; a store without it is used by one process.
/// </summary>
public interface IStoreNotifications
{
    /// <summary>Sends <paramref name="payload"/> (at most 7,000 bytes of UTF-8) on <paramref name="channel"/> to every listener.</summary>
    Task NotifyAsync(string channel, string payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="IJournalStore.TryAppendJournalAsync"/>, and when the record is written sends <paramref name="payload"/>
    /// on <paramref name="channel"/> in the same transaction (one round trip: listeners hear it once the record is there).
    /// </summary>
    Task<bool> TryAppendJournalAndNotifyAsync(string stream, long seq, string body, string channel, string payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="bodies"/> at positions <paramref name="firstSeq"/>, <paramref name="firstSeq"/> + 1, ... all
    /// or nothing (false, nothing written, when another writer took any of them) and, when written, sends
    /// <paramref name="payload"/> on <paramref name="channel"/> once, in the same statement and transaction: a group commit
    /// of records, one round trip for all of them.
    /// </summary>
    Task<bool> TryAppendJournalBatchAndNotifyAsync(string stream, long firstSeq, IReadOnlyList<string> bodies, string channel, string payload,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="IJournalStore.AppendJournalAsync"/> (the store gives the positions, never a retry between writers) that
    /// also sends <paramref name="payload"/> on <paramref name="channel"/> once, in the same transaction and round trip.
    /// </summary>
    Task<JournalAppend> AppendJournalAndNotifyAsync(string stream, IReadOnlyList<string> bodies, long afterSeq, string channel, string payload,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Listens on <paramref name="channel"/> until <paramref name="cancellationToken"/> is cancelled, calling
    /// <paramref name="received"/> with each payload. <paramref name="listening"/> is called each time the listen is in place
    /// (at the start and after a lost connection is re-established; anything sent before may have been missed, so the
    /// caller catches up then).
    /// </summary>
    Task ListenAsync(string channel, Action<string> received, Action listening, CancellationToken cancellationToken);
}
