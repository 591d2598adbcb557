using System.Collections.Concurrent;
using WattBit.Data.Storage;
using WattBit.Time;

namespace WattBit.Server.Signals;

/// <summary>
/// The in-process read cache of published series (area signals, node headroom): the hot reads
/// (<c>GET .../signals/{metric}/current</c>, a node's headroom, a site's limit) answer from memory instead of a store
/// query each. A write forgets what it changed (decision 0219): the cached reads of the written series whose window
/// overlaps the written one, and that series' extent; reads of other series, and of other windows of the same series, stay.
/// A publication on this instance does so at once (after its commit), one on another instance sharing a PostgreSQL store
/// when its <c>signal</c> or <c>headroom</c> live event reaches this instance (LISTEN/NOTIFY, and the catch-up of the
/// shared event stream after a lost listen connection); an event that does not say what it wrote empties the whole cache.
/// An entry older than <see cref="MaxAge"/> is read again, which bounds staleness even if a writer died between its commit
/// and its event. A read that raced a write to its series is not kept (a generation counter per series and one for the
/// whole cache), so the cache never holds a value older than the last write it was told of. Reads that miss together
/// share one store read (per key, window and generation: decision 0217), and an entry past half its age is read again in
/// the background while still served (refresh ahead), so steady readers do not all wait for the store when it expires.
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
    private readonly ConcurrentDictionary<(SeriesKey Key, long Start, long End, Stamp Stamp), Lazy<Task<TimeSeries?>>> _readsInFlight = new();
    private readonly ConcurrentDictionary<(SeriesKey Key, Stamp Stamp), Lazy<Task<SeriesInfo?>>> _infosInFlight = new();
    private readonly ConcurrentDictionary<SeriesKey, long> _keyGenerations = new();
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

    /// <summary>How many times the whole cache was emptied (<see cref="Invalidate()"/>).</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>How many writes to <paramref name="key"/> the cache was told of (<see cref="Invalidate(SeriesKey, TimeWindow)"/>).</summary>
    public long GenerationOf(SeriesKey key) => _keyGenerations.TryGetValue(key, out var g) ? g : 0;

    /// <summary>Raised after each invalidation, whole or of one series (tests wait on it).</summary>
    public event Action? Invalidated;

    /// <summary>As <see cref="ISeriesStore.ReadSeriesAsync"/>, from memory while nothing changed.</summary>
    public async Task<TimeSeries?> ReadAsync(SeriesKey key, TimeWindow window, CancellationToken ct)
    {
        var k = (key, window.Start.UtcTicks, window.End.UtcTicks);
        var stamp = StampOf(key);
        Task<TimeSeries?> Read() => Shared(_readsInFlight, (key, k.Item2, k.Item3, stamp), async () =>
        {
            var series = await _store.ReadSeriesAsync(key, window, CancellationToken.None).ConfigureAwait(false);
            Keep(_reads, k, key, series, stamp);
            return series;
        });
        if (Fresh(_reads, k, stamp) is { } hit)
        {
            RefreshIfOld(hit, Read);
            return hit.Value;
        }

        return await Read().WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>As <see cref="ISeriesStore.GetSeriesInfoAsync"/>, from memory while nothing changed.</summary>
    public async Task<SeriesInfo?> InfoAsync(SeriesKey key, CancellationToken ct)
    {
        var stamp = StampOf(key);
        Task<SeriesInfo?> Read() => Shared(_infosInFlight, (key, stamp), async () =>
        {
            var info = await _store.GetSeriesInfoAsync(key, CancellationToken.None).ConfigureAwait(false);
            Keep(_infos, key, key, info, stamp);
            return info;
        });
        if (Fresh(_infos, key, stamp) is { } hit)
        {
            RefreshIfOld(hit, Read);
            return hit.Value;
        }

        return await Read().WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Forgets every cached read: a published series changed (here or on another instance) and which one is not known.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _reads.Clear();
        _infos.Clear();
        Invalidated?.Invoke();
    }

    /// <summary>
    /// Forgets what a write of <paramref name="key"/> over <paramref name="written"/> changed (here or on another
    /// instance): the series' extent and its cached reads whose window overlaps the written one. Call after the write
    /// committed. Reads of the series in flight are not kept, whatever their window (they may have read before the commit).
    /// </summary>
    public void Invalidate(SeriesKey key, TimeWindow written)
    {
        var generation = _keyGenerations.AddOrUpdate(key, 1, (_, g) => g + 1);
        _infos.TryRemove(key, out _);
        foreach (var (k, e) in _reads)
        {
            if (k.Key != key)
            {
                continue;
            }

            if (e.Stamp.Key == generation - 1 && !(k.Start < written.End.UtcTicks && written.Start.UtcTicks < k.End))
            {
                // Valid until this write and not changed by it: carried into the series' new generation, unless it changed
                // meanwhile (then it keeps its old stamp and is never served: a miss, never a wrong answer).
                _reads.TryUpdate(k, e with { Stamp = e.Stamp with { Key = generation } }, e);
            }
            else
            {
                // Changed by this write, or already stale (a read kept after an earlier write it may predate): forgotten,
                // unless replaced meanwhile.
                _reads.TryRemove(new KeyValuePair<(SeriesKey, long, long), Entry<TimeSeries>>(k, e));
            }
        }

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

    /// <summary>
    /// Refresh ahead (decision 0219): an entry past half its <see cref="MaxAge"/> is read again in the background (one read
    /// shared with any reader that misses meanwhile) while it is still served, so steady readers never wait for the store
    /// when it expires; nothing older than <see cref="MaxAge"/> is served either way. A failed refresh is dropped: the
    /// entry then expires and the next reader's own read reports the store's error.
    /// </summary>
    private void RefreshIfOld<T>(Entry<T> hit, Func<Task<T?>> read)
        where T : class
    {
        if (_time.GetUtcNow() - hit.ReadAt < MaxAge / 2)
        {
            return;
        }

        _ = read().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>The generations a read of <paramref name="key"/> starts in: the whole cache's and the series'.</summary>
    private Stamp StampOf(SeriesKey key) => new(Generation, GenerationOf(key));

    private Entry<T>? Fresh<TKey, T>(ConcurrentDictionary<TKey, Entry<T>> cache, TKey key, Stamp stamp)
        where TKey : notnull
        where T : class =>
        MaxAge > TimeSpan.Zero && cache.TryGetValue(key, out var e) && e.Stamp == stamp && _time.GetUtcNow() - e.ReadAt < MaxAge ? e : null;

    private void Keep<TKey, T>(ConcurrentDictionary<TKey, Entry<T>> cache, TKey key, SeriesKey series, T? value, Stamp stamp)
        where TKey : notnull
        where T : class
    {
        // Kept only when no write to the series (or whole invalidation) came while the store was read; an entry of an
        // older generation is never served.
        if (MaxAge <= TimeSpan.Zero || StampOf(series) != stamp)
        {
            return;
        }

        if (cache.Count >= Capacity)
        {
            cache.Clear();
        }

        cache[key] = new Entry<T>(value, stamp, _time.GetUtcNow());
    }

    /// <summary>The whole cache's generation and the series' when a read started.</summary>
    private readonly record struct Stamp(long Whole, long Key);

    private sealed record Entry<T>(T? Value, Stamp Stamp, DateTimeOffset ReadAt)
        where T : class;
}
