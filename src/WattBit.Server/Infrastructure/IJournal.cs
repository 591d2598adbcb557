namespace WattBit.Server.Infrastructure;

/// <summary>
/// An append-only log of <typeparamref name="T"/> records that its owner replays into an in-memory view: a JSON-lines
/// file beside the server's journal (<see cref="JsonLinesJournal{T}"/>, one process, the embedded default) or a stream of
/// the shared store (<see cref="StoreJournal{T}"/>, PostgreSQL: every server instance on the database sees one log). Open
/// one with <see cref="Journals.Open{T}"/>.
/// <para>
/// Rules for owners: the journal calls the apply callback under its own lock, so the callback may take the owner's lock
/// (as a leaf) but an owner never calls the journal while holding its own lock. Before reading its view an owner calls
/// <see cref="CatchUpAsync"/> (records other instances appended); a write that depends on the view (acknowledge only what
/// is still issued) goes through <see cref="AppendAsync(Func{T}, CancellationToken)"/>, whose decision runs on an
/// up-to-date view in the journal's turn. Every method is asynchronous: no thread is blocked while a shared store answers
/// (decision 0193, 0218).
/// </para>
/// </summary>
/// <typeparam name="T">The record type (serialised as camelCase JSON).</typeparam>
internal interface IJournal<T> : IDisposable
    where T : class
{
    /// <summary>Where the records live: the file, or <c>store:{stream}</c>.</summary>
    string Path { get; }

    /// <summary>What opening the journal recovered (a torn tail cut off), or null.</summary>
    string? Recovery { get; }

    /// <summary>
    /// Writes <paramref name="entry"/> durably, then applies it, without blocking a thread while the store answers (a
    /// shared store's round trip is awaited, and so is the journal's turn: its gate is a <see cref="SemaphoreSlim"/>, not a
    /// thread lock).
    /// </summary>
    Task AppendAsync(T entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Brings the view up to date, asks <paramref name="decide"/> (in the journal's turn) for the record to write — null
    /// writes nothing — and writes and applies it. If another instance appended first, catches up and asks again.
    /// </summary>
    /// <returns>The record written, or null.</returns>
    Task<T?> AppendAsync(Func<T?> decide, CancellationToken cancellationToken = default);

    /// <summary>Applies the records other instances appended since the last call (nothing to do for a file).</summary>
    Task CatchUpAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the oldest records so that about the last <paramref name="keepLast"/> remain (a retention): a store stream
    /// is pruned to exactly that many (its positions never go back); a file is rewritten only once it holds a quarter more
    /// than that (at least one more), so a file's rewrite is rare. The owner drops the removed records from its view itself.
    /// </summary>
    /// <returns>How many records were removed.</returns>
    Task<int> TrimAsync(int keepLast, CancellationToken cancellationToken = default);
}
