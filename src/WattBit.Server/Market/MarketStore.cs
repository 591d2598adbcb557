using WattBit.Server.Infrastructure;

namespace WattBit.Server.Market;

/// <summary>
/// Where the market keeps its state: an ordered log of <see cref="MarketEntry"/> records, replayed on start-up. An
/// append returns only once the entry is durable, so an answer sent after it survives a crash. Implementations are
/// thread-safe; the market serialises its own appends.
/// </summary>
internal interface IMarketStore : IDisposable
{
    /// <summary>Replays every stored entry, oldest first, into <paramref name="apply"/>; called once, before any append.</summary>
    void Replay(Action<MarketEntry> apply);

    /// <summary>
    /// Catches up, asks <paramref name="decide"/> for the entry to write on the up-to-date view (null writes nothing), and
    /// stores it durably; asks again if another instance appended first. Returns the entry written, or null. Awaited: no
    /// thread waits while a shared store answers (decision 0193).
    /// </summary>
    Task<MarketEntry?> AppendAsync(Func<MarketEntry?> decide);

    /// <summary>Applies the entries other server instances appended since the last call (nothing to do for a file).</summary>
    Task CatchUpAsync();

    /// <summary>What opening the store recovered (a torn tail cut off), or null.</summary>
    string? Recovery { get; }
}

/// <summary>
/// The market's log as one of the server's journals (<see cref="Journals"/>): a JSON-lines file beside the server's main
/// journal (<c>{journal}.market.jsonl</c>), each entry flushed to disk before the caller is answered, or — with a
/// PostgreSQL store — the shared stream <c>market</c> there, like the order, site-connection and dispatch journals.
/// </summary>
internal sealed class JournalMarketStore(Journals journals) : IMarketStore
{
    private IJournal<MarketEntry>? _journal;

    /// <inheritdoc/>
    public string? Recovery => _journal?.Recovery;

    /// <inheritdoc/>
    public void Replay(Action<MarketEntry> apply) =>
        _journal = journals.Open("market", apply);

    /// <inheritdoc/>
    public Task<MarketEntry?> AppendAsync(Func<MarketEntry?> decide) => Journal.AppendAsync(decide);

    /// <inheritdoc/>
    public Task CatchUpAsync() => Journal.CatchUpAsync();

    private IJournal<MarketEntry> Journal => _journal ?? throw new InvalidOperationException("Replay the market store first.");

    /// <inheritdoc/>
    public void Dispose() => _journal?.Dispose();
}
