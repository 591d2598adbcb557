using WattBit.Areas;

namespace WattBit.Planning.Market;

/// <summary>
/// The grid's limit on the extra draw the market may add per area and hour (formats.md section 7, headroom.csv),
/// MW. An area-hour the limit does not name is not limited. Immutable and thread-safe.
/// </summary>
public sealed class MarketHeadroom
{
    private readonly Dictionary<(string Area, DateTimeOffset Hour), double> _mw;

    /// <summary>Creates the limit from area-hour values (MW, non-negative; hours as UTC instants are compared as instants).</summary>
    /// <exception cref="ArgumentException">A value is negative or not finite, or an area-hour appears twice.</exception>
    public MarketHeadroom(IEnumerable<(GridArea Area, DateTimeOffset Hour, double Mw)> limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _mw = [];
        foreach (var (area, hour, mw) in limits)
        {
            if (!double.IsFinite(mw) || mw < 0)
            {
                throw new ArgumentException($"Headroom {area.Code} {hour:O}: {mw} MW must be a finite non-negative number.", nameof(limits));
            }

            if (!_mw.TryAdd((area.Code, hour.ToUniversalTime()), mw))
            {
                throw new ArgumentException($"Headroom {area.Code} {hour:O} appears twice.", nameof(limits));
            }
        }
    }

    /// <summary>No limit anywhere.</summary>
    public static MarketHeadroom None { get; } = new([]);

    /// <summary>How many area-hours are limited.</summary>
    public int Count => _mw.Count;

    /// <summary>The limit in MW for the area and hour, or null when that area-hour is not limited.</summary>
    public double? Limit(GridArea area, DateTimeOffset hour)
    {
        ArgumentNullException.ThrowIfNull(area);
        return _mw.TryGetValue((area.Code, hour.ToUniversalTime()), out var mw) ? mw : null;
    }
}
