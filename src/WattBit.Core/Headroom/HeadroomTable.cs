using System.Collections.Frozen;
using WattBit.Time;

namespace WattBit.Headroom;

/// <summary>
/// A headroom layer held as given hours per substation (a TSO's published table, a test's hand-made layer, or another
/// layer with a grid operator's uploads laid over it). Hours outside <see cref="HeadroomLayerInfo"/>'s span are
/// refused. Immutable and thread-safe.
/// </summary>
public sealed class HeadroomTable : IHeadroomLayer
{
    private readonly FrozenDictionary<string, int> _index;
    private readonly Substation[] _substations;
    private readonly HeadroomHour[][] _hours;
    private readonly HeadroomSource[] _sources;

    /// <summary>Creates the layer.</summary>
    /// <param name="info">What it is built from; its span must hold every hour given.</param>
    /// <param name="substations">Each substation (ids unique), its source, and its hours (any order, each start once).</param>
    /// <exception cref="ArgumentException">A repeated id or hour start, or an hour outside the span.</exception>
    public HeadroomTable(HeadroomLayerInfo info, IEnumerable<(Substation Substation, HeadroomSource Source, IEnumerable<HeadroomHour> Hours)> substations)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(substations);
        Info = info;
        var list = substations.ToList();
        _substations = [.. list.Select(s => s.Substation)];
        _sources = [.. list.Select(s => s.Source)];
        _hours = new HeadroomHour[list.Count][];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var s = list[i].Substation ?? throw new ArgumentException($"substation {i} is null.", nameof(substations));
            if (!index.TryAdd(s.Id, i))
            {
                throw new ArgumentException($"substation '{s.Id}' is given twice.", nameof(substations));
            }

            var hours = list[i].Hours.OrderBy(h => h.Start).ToArray();
            for (var h = 0; h < hours.Length; h++)
            {
                if (hours[h].Start < info.First || hours[h].Start >= info.End)
                {
                    throw new ArgumentException($"substation '{s.Id}': hour {TimeWindow.Format(hours[h].Start)} is outside the layer's span [{TimeWindow.Format(info.First)}, {TimeWindow.Format(info.End)}).", nameof(substations));
                }

                if (h > 0 && hours[h].Start == hours[h - 1].Start)
                {
                    throw new ArgumentException($"substation '{s.Id}': hour {TimeWindow.Format(hours[h].Start)} is given twice.", nameof(substations));
                }
            }

            _hours[i] = hours;
        }

        _index = index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>
    /// <paramref name="layer"/> with some substations' hours replaced (for example by a grid operator's uploads): an
    /// hour of <paramref name="overrides"/> replaces the layer's hour with the same start, and marks the substation
    /// <see cref="HeadroomSource.TsoUpload"/>; hours the override does not give keep the layer's values.
    /// </summary>
    /// <exception cref="UnknownSubstationException">An override names a substation the layer does not have.</exception>
    public static HeadroomTable Overlay(IHeadroomLayer layer, IReadOnlyDictionary<string, IReadOnlyList<HeadroomHour>> overrides)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(overrides);
        foreach (var id in overrides.Keys)
        {
            if (!layer.TryGetSubstation(id, out _))
            {
                throw new UnknownSubstationException(id);
            }
        }

        return new HeadroomTable(layer.Info, layer.Substations.Select(s =>
        {
            var hours = layer.AllHours(s.Id);
            if (!overrides.TryGetValue(s.Id, out var over) || over.Count == 0)
            {
                return (s, layer.SourceOf(s.Id), (IEnumerable<HeadroomHour>)hours);
            }

            var merged = hours.ToDictionary(h => h.Start);
            var replaced = false;
            foreach (var h in over)
            {
                if (h.Start >= layer.Info.First && h.Start < layer.Info.End)
                {
                    merged[h.Start] = h;
                    replaced = true;
                }
            }

            return (s, replaced ? HeadroomSource.TsoUpload : layer.SourceOf(s.Id), merged.Values);
        }));
    }

    /// <inheritdoc />
    public HeadroomLayerInfo Info { get; }

    /// <inheritdoc />
    public IReadOnlyList<Substation> Substations => _substations;

    /// <inheritdoc />
    public bool TryGetSubstation(string id, out Substation substation)
    {
        var i = id is null ? -1 : _index.GetValueOrDefault(id, -1);
        substation = i >= 0 ? _substations[i] : null!;
        return i >= 0;
    }

    /// <inheritdoc />
    public HeadroomSource SourceOf(string id) =>
        id is not null && _index.TryGetValue(id, out var i) ? _sources[i] : throw new UnknownSubstationException(id ?? string.Empty);

    /// <inheritdoc />
    public IReadOnlyList<HeadroomHour> Hourly(string id, TimeWindow window)
    {
        if (id is null || !_index.TryGetValue(id, out var i))
        {
            throw new UnknownSubstationException(id ?? string.Empty);
        }

        var hours = _hours[i];
        var result = new List<HeadroomHour>();
        foreach (var h in hours)
        {
            if (h.Start >= window.Start && h.Start < window.End)
            {
                result.Add(h);
            }
        }

        return result;
    }
}
