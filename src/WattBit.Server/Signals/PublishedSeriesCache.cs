using System.Collections.Concurrent;
using WattBit.Data.Storage;
using WattBit.Time;

namespace WattBit.Server.Signals;

/// <summary>
/// The in-process read cache of published series (area signals, node headroom): the hot reads
/// (<c>GET .../signals/{metric}/current</c>, a node's headroom, a site's limit) answer from memory instead of a store
/// query each. Every write empties it: a publication on this instance at once (after its commit), one on another instance
/// sharing a PostgreSQL store when its <c>signal</c> or <c>headroom</c> live event reaches this instance (LISTEN/NOTIFY,
/// and the catch-up of the shared event stream after a lost listen connection). An entry older than
/// <see cref="MaxAge"/> is read again, which bounds staleness even if a writer died between its commit and its event.
/// A read that raced an invalidation is not kept (a generation counter), so the cache never holds a value older than the
/// last invalidation it saw. Reads that miss together share one store read (per key and generation: decision 0217), so
/// while publications keep emptying the cache the store sees one read per key per invalidation, not one per request.
/// Thread-safe.
/// </summary>
internal sealed class PublishedSeriesCache
{
    /// <summary>At most this many cached reads; beyond, the cache is emptied (reads are of few keys and windows).</summary>
    public const int Capacity = 4096;

    private readonly ISeriesStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(SeriesKey Key, long Start, long End), Entry<TimeSeries>> _reads = new();
    private readonly ConcurrentDictionary<SeriesKey, Entry<SeriesInfo>> _infos = new();
    private readonly ConcurrentDictionary<(SeriesKey Key, long Start, long End, long Generation), Lazy<Task<TimeSeries?>>> _readsInFlight = new();
    private readonly ConcurrentDictionary<(SeriesKey Key, long Generation), Lazy<Task<SeriesInfo?>>> _infosInFlight = new();
    private long _generation;

    /// <summary>A cache over <paramref name="store"/>; <paramref name="maxAge"/> zero disables it (every read goes to the store).</summary>
    public PublishedSeriesCache(ISeriesStore store, TimeProvider time, TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAge.Ticks, nameof(maxAge));
        _store = store;
        _time = time;
        MaxAge = maxAge;
    }

    /// <summary>How long a cached read is served at most (the staleness bound when a change is never announced).</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>How many times the cache was emptied (writes here or elsewhere).</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>Raised after each <see cref="Invalidate"/> (tests wait on it).</summary>
    public event Action? Invalidated;

    /// <summary>As <see cref="ISeriesStore.ReadSeriesAsync"/>, from memory while nothing changed.</summary>
    public async Task<TimeSeries?> ReadAsync(SeriesKey key, TimeWindow window, CancellationToken ct)
    {
        var k = (key, window.Start.UtcTicks, window.End.UtcTicks);
        var generation = Generation;
        if (Fresh(_reads, k, generation) is { } hit)
        {
            return hit.Value;
        }

        var shared = Shared(_readsInFlight, (key, k.Item2, k.Item3, generation), async () =>
        {
            var series = await _store.ReadSeriesAsync(key, window, CancellationToken.None).ConfigureAwait(false);
            Keep(_reads, k, series, generation);
            return series;
        });
        return await shared.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>As <see cref="ISeriesStore.GetSeriesInfoAsync"/>, from memory while nothing changed.</summary>
    public async Task<SeriesInfo?> InfoAsync(SeriesKey key, CancellationToken ct)
    {
        var generation = Generation;
        if (Fresh(_infos, key, generation) is { } hit)
        {
            return hit.Value;
        }

        var shared = Shared(_infosInFlight, (key, generation), async () =>
        {
            var info = await _store.GetSeriesInfoAsync(key, CancellationToken.None).ConfigureAwait(false);
            Keep(_infos, key, info, generation);
            return info;
        });
        return await shared.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Forgets every cached read: a published series changed (here or on another instance).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _reads.Clear();
        _infos.Clear();
        Invalidated?.Invoke();
    }

    /// <summary>
    /// The store read in flight for <paramref name="key"/> (a key and the generation it was read in), or a new one:
    /// readers that miss together await one read; it is not cancelled by any one of them, and forgotten once done. A
    /// reader that arrives after an invalidation has a newer generation, so it never shares a read started before a write
    /// it must see.
    /// </summary>
    private static Task<T?> Shared<TKey, T>(ConcurrentDictionary<TKey, Lazy<Task<T?>>> inFlight, TKey key, Func<Task<T?>> read)
        where TKey : notnull
        where T : class
    {
        var lazy = inFlight.GetOrAdd(key, k => new Lazy<Task<T?>>(async () =>
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            finally
            {
                inFlight.TryRemove(k, out _);
            }
        }));
        return lazy.Value;
    }

    private Entry<T>? Fresh<TKey, T>(ConcurrentDictionary<TKey, Entry<T>> cache, TKey key, long generation)
        where TKey : notnull
        where T : class =>
        MaxAge > TimeSpan.Zero && cache.TryGetValue(key, out var e) && e.Generation == generation && _time.GetUtcNow() - e.ReadAt < MaxAge ? e : null;

    private void Keep<TKey, T>(ConcurrentDictionary<TKey, Entry<T>> cache, TKey key, T? value, long generation)
        where TKey : notnull
        where T : class
    {
        // Kept only when no invalidation came while the store was read; an entry of an older generation is never served.
        if (MaxAge <= TimeSpan.Zero || Generation != generation)
        {
            return;
        }

        if (cache.Count >= Capacity)
        {
            cache.Clear();
        }

        cache[key] = new Entry<T>(value, generation, _time.GetUtcNow());
    }

    private sealed record Entry<T>(T? Value, long Generation, DateTimeOffset ReadAt)
        where T : class;
}
