using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Server.Grid;

/// <summary>
/// The welcome-zone answers (GeoJSON bytes) of one headroom layer, per connection size and window, so that a repeated
/// <c>GET /api/grid/welcome-zones</c> is a lookup rather than a classification of every substation. An answer is kept only
/// for the layer it was computed from: asked with another layer (a grid operator's upload made
/// <see cref="HeadroomLayerHost.EffectiveLayerAsync"/> build a new one), the cache empties first, so it is invalidated
/// exactly when the layer is. Bounded: at most <see cref="Capacity"/> answers, the least recently used dropped first.
/// Thread-safe.
/// </summary>
internal sealed class WelcomeZoneCache
{
    private readonly object _gate = new();
    private readonly Dictionary<Key, LinkedListNode<(Key Key, byte[] Answer)>> _entries = [];
    private readonly LinkedList<(Key Key, byte[] Answer)> _recency = new();
    private IHeadroomLayer? _layer;

    /// <summary>A cache of at most <paramref name="capacity"/> answers (at least 1).</summary>
    public WelcomeZoneCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The most answers kept at once.</summary>
    public int Capacity { get; }

    /// <summary>The answers kept now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// The answer for a connection of <paramref name="sizeMw"/> MW over <paramref name="window"/> of
    /// <paramref name="layer"/>: the kept one, or <paramref name="compute"/>'s, then kept. <paramref name="compute"/> runs
    /// outside the lock (two requests for a new key may both compute; both answers are equal).
    /// </summary>
    public byte[] GetOrAdd(IHeadroomLayer layer, double sizeMw, TimeWindow window, Func<byte[]> compute)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(compute);
        var key = new Key(sizeMw, window.Start.UtcTicks, window.End.UtcTicks);
        lock (_gate)
        {
            if (ReferenceEquals(_layer, layer) && _entries.TryGetValue(key, out var hit))
            {
                _recency.Remove(hit);
                _recency.AddFirst(hit);
                return hit.Value.Answer;
            }
        }

        var answer = compute();
        lock (_gate)
        {
            if (!ReferenceEquals(_layer, layer))
            {
                // A new layer (or, in a race, an older one a slower request still holds): nothing kept was computed from it.
                _entries.Clear();
                _recency.Clear();
                _layer = layer;
            }

            if (!_entries.ContainsKey(key))
            {
                if (_entries.Count >= Capacity && _recency.Last is { } oldest)
                {
                    _entries.Remove(oldest.Value.Key);
                    _recency.RemoveLast();
                }

                _entries[key] = _recency.AddFirst((key, answer));
            }
        }

        return answer;
    }

    /// <summary>What an answer depends on besides the layer: the size (MW) and the window's UTC bounds.</summary>
    private readonly record struct Key(double SizeMw, long StartTicks, long EndTicks);
}
