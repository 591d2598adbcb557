using Microsoft.Extensions.Options;
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

    /// <summary>Stores <paramref name="entry"/> durably.</summary>
    void Append(MarketEntry entry);

    /// <summary>What opening the store recovered (a torn tail cut off), or null.</summary>
    string? Recovery { get; }
}

/// <summary>
/// The market's log as a JSON-lines journal beside the server's main journal (<c>{journal}.market.jsonl</c>), like the
/// order, site-connection and dispatch journals: each entry flushed to disk before the caller is answered.
/// </summary>
internal sealed class JsonLinesMarketStore(IOptions<ServerOptions> options) : IMarketStore
{
    private JsonLinesJournal<MarketEntry>? _journal;

    /// <inheritdoc/>
    public string? Recovery => _journal?.Recovery;

    /// <inheritdoc/>
    public void Replay(Action<MarketEntry> apply) =>
        _journal = new JsonLinesJournal<MarketEntry>(JsonLinesJournal<MarketEntry>.Beside(options.Value.Journal, "market"), apply);

    /// <inheritdoc/>
    public void Append(MarketEntry entry) => (_journal ?? throw new InvalidOperationException("Replay the market store first.")).Append(entry);

    /// <inheritdoc/>
    public void Dispose() => _journal?.Dispose();
}
