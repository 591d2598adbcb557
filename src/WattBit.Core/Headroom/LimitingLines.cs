namespace WattBit.Headroom;

/// <summary>A line that limits a substation's secure headroom over a window (see <see cref="LimitingLines.Rank"/>).</summary>
/// <param name="Line">The limiting line's name as the layer gives it.</param>
/// <param name="Hours">Hours in which it limits.</param>
/// <param name="Share">Those hours over the hours of the window that have a value (0..1).</param>
/// <param name="MinSecureMw">The smallest secure headroom (N-1, or N-0 where N-1 is missing) while it limits, MW.</param>
/// <param name="MostOftenContingency">The outage that most often accompanies it; null for the base case (N-0 limits).</param>
public sealed record LimitingLine(string Line, int Hours, double Share, double MinSecureMw, string? MostOftenContingency);

/// <summary>Reinforcement candidates from a substation's hours (any headroom layer: model or grid operator's upload).</summary>
public static class LimitingLines
{
    /// <summary>
    /// The lines that limit the secure headroom most often, by hours (then by name, ordinal), at most
    /// <paramref name="top"/>. Hours without a value (NaN) are not counted; hours with a value but no limiting line
    /// (capped, or a source that does not say) count in the share's denominator only. The accompanying outage with the
    /// most hours wins, the base case (null) first on a tie, then by name.
    /// </summary>
    /// <param name="hours">The substation's hours.</param>
    /// <param name="top">How many lines at most (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is below 1.</exception>
    public static IReadOnlyList<LimitingLine> Rank(IEnumerable<HeadroomHour> hours, int top = 10)
    {
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var known = 0;
        var stats = new Dictionary<string, (int Count, double Min, Dictionary<string, int> ByOutage)>(StringComparer.Ordinal);
        const string baseCase = "";
        foreach (var h in hours)
        {
            var mw = h.SecureMw;
            if (double.IsNaN(mw))
            {
                continue;
            }

            known++;
            if (h.LimitingLine is not { } line)
            {
                continue;
            }

            if (!stats.TryGetValue(line, out var s))
            {
                s = (0, double.PositiveInfinity, new Dictionary<string, int>(StringComparer.Ordinal));
            }

            var outage = h.Contingency ?? baseCase;
            s.ByOutage[outage] = s.ByOutage.GetValueOrDefault(outage) + 1;
            stats[line] = (s.Count + 1, Math.Min(s.Min, mw), s.ByOutage);
        }

        return [.. stats.OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top)
            .Select(p =>
            {
                var outage = p.Value.ByOutage.OrderByDescending(o => o.Value).ThenBy(o => o.Key, StringComparer.Ordinal).First().Key;
                return new LimitingLine(p.Key, p.Value.Count, (double)p.Value.Count / known, p.Value.Min, outage.Length == 0 ? null : outage);
            })];
    }
}
