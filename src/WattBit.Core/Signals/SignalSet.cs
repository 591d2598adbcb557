using WattBit.Time;

namespace WattBit.Signals;

/// <summary>
/// One signal (carbon, price, headroom...) for several locations, all on the same time grid (same start, step and
/// length). Immutable and thread-safe.
/// </summary>
public sealed class SignalSet
{
    private readonly Dictionary<string, TimeSeries> _byLocation;

    /// <summary>Creates a set from aligned series keyed by location (compared case-sensitively).</summary>
    /// <exception cref="ArgumentException">The set is empty or a location appears twice.</exception>
    /// <exception cref="SeriesAlignmentException">The series are not on one grid.</exception>
    public SignalSet(SignalKind kind, IEnumerable<KeyValuePair<string, TimeSeries>> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        Kind = kind;
        _byLocation = new Dictionary<string, TimeSeries>(StringComparer.Ordinal);
        var order = new List<string>();
        TimeSeries? first = null;
        foreach (var (location, s) in series)
        {
            if (!_byLocation.TryAdd(location, s))
            {
                throw new ArgumentException($"Location '{location}' appears twice in the signal.", nameof(series));
            }

            first ??= s;
            first.EnsureAlignedWith(s);
            order.Add(location);
        }

        if (first is null)
        {
            throw new ArgumentException("A signal needs at least one location.", nameof(series));
        }

        Locations = order;
        Start = first.Start;
        Step = first.Step;
        Count = first.Count;
    }

    /// <summary>What the signal measures.</summary>
    public SignalKind Kind { get; }

    /// <summary>The locations in the order they were given (file order).</summary>
    public IReadOnlyList<string> Locations { get; }

    /// <summary>The start of the first step.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The step shared by every location.</summary>
    public TimeSpan Step { get; }

    /// <summary>The number of steps.</summary>
    public int Count { get; }

    /// <summary>The window the signal covers.</summary>
    public TimeWindow Window => new(Start, Start + (Step * Count));

    /// <summary>The series of a location.</summary>
    /// <exception cref="KeyNotFoundException">The location is not in the signal; the message lists the known ones.</exception>
    public TimeSeries this[string location] => _byLocation.TryGetValue(location, out var s)
        ? s
        : throw new KeyNotFoundException($"Location '{location}' is not in the signal (known: {string.Join(", ", Locations)}).");

    /// <summary>True when the signal has the location.</summary>
    public bool Contains(string location) => _byLocation.ContainsKey(location);
}
