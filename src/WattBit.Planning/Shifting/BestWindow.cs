using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Planning.Shifting;

/// <summary>One candidate of a best-window query: where, when, and the time-weighted average signal over it.</summary>
/// <param name="Location">The location.</param>
/// <param name="Window">The window [start, start + window size).</param>
/// <param name="Average">The time-weighted average of the signal over the window (gCO2/kWh or JPY/kWh).</param>
public sealed record WindowCandidate(string Location, TimeWindow Window, double Average);

/// <summary>The answer of a best-window query.</summary>
/// <param name="Best">Every (location, start) whose average equals the best one (ties), earliest first.</param>
/// <param name="Evaluated">How many (location, start) candidates were evaluated.</param>
/// <param name="SkippedMissing">How many candidates were skipped because the signal has missing values in them.</param>
/// <param name="Range">The part of the requested range the signal covers.</param>
public sealed record BestWindowResult(IReadOnlyList<WindowCandidate> Best, int Evaluated, int SkippedMissing, TimeWindow Range);

/// <summary>
/// The Carbon-Aware-SDK-style query: the location and start time with the lowest rolling time-weighted average of a
/// signal over a window of a given length inside a time range. Exact for any window length and any start: the rolling
/// average is piecewise linear in the start, with breakpoints where the start or the end meets a step boundary, and all
/// breakpoints are evaluated. Thread-safe (stateless).
/// </summary>
public static class BestWindow
{
    /// <summary>Finds the best (location, start) pairs.</summary>
    /// <param name="signal">The signal to minimise.</param>
    /// <param name="locations">The locations to compare (at least one).</param>
    /// <param name="range">Starts and ends of candidate windows must lie inside this range (clipped to the signal).</param>
    /// <param name="window">The window length; null means one signal step (the best single data point).</param>
    /// <exception cref="ArgumentException">An unknown location, an empty list, a non-positive window, or a range the signal does not cover with room for the window.</exception>
    public static BestWindowResult Find(SignalSet signal, IReadOnlyList<string> locations, TimeWindow range, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(signal);
        ArgumentNullException.ThrowIfNull(locations);
        if (locations.Count == 0)
        {
            throw new ArgumentException("Give at least one location.", nameof(locations));
        }

        foreach (var l in locations)
        {
            if (!signal.Contains(l))
            {
                throw new ArgumentException($"Unknown location '{l}' (the signal has: {string.Join(", ", signal.Locations)}).", nameof(locations));
            }
        }

        var size = window ?? signal.Step;
        if (size <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The window must be positive (got {size.TotalMinutes} min).", nameof(window));
        }

        var clipped = range.Intersect(signal.Window) ?? throw new ArgumentException(
            $"The range {range} does not overlap the signal, which covers {signal.Window}.", nameof(range));
        if (clipped.Duration < size)
        {
            throw new ArgumentException(
                $"A {size.TotalMinutes} min window does not fit in {clipped} (the part of the range the signal covers).", nameof(window));
        }

        long from = clipped.Start.UtcTicks, to = clipped.End.UtcTicks, w = size.Ticks, last = to - w;
        var best = new List<WindowCandidate>();
        var bestValue = double.PositiveInfinity;
        int evaluated = 0, skipped = 0;
        var offset = range.Start.Offset;
        foreach (var location in locations)
        {
            var sig = new PrefixIntegral(signal[location]);
            var starts = new SortedSet<long> { from, last };
            for (var i = sig.BoundaryAfter(from); sig.Boundary(i) < last; i++)
            {
                starts.Add(sig.Boundary(i));
            }

            for (var i = sig.BoundaryAfter(from + w); sig.Boundary(i) - w < last; i++)
            {
                starts.Add(sig.Boundary(i) - w);
            }

            foreach (var s in starts)
            {
                if (sig.HasMissing(s, s + w))
                {
                    skipped++;
                    continue;
                }

                evaluated++;
                var avg = sig.Over(s, s + w) / size.TotalHours;
                var tol = double.IsPositiveInfinity(bestValue) ? 0 : 1e-9 * Math.Max(1, Math.Abs(bestValue));
                if (avg < bestValue - tol)
                {
                    best.Clear();
                    bestValue = avg;
                }

                if (avg <= bestValue + tol)
                {
                    var start = new DateTimeOffset(s, TimeSpan.Zero).ToOffset(offset);
                    best.Add(new WindowCandidate(location, TimeWindow.FromDuration(start, size), avg));
                }
            }
        }

        if (best.Count == 0)
        {
            throw new ArgumentException($"Every candidate window in {clipped} has missing signal values.", nameof(signal));
        }

        var order = locations.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        best.Sort((a, b) => a.Window.Start != b.Window.Start
            ? a.Window.Start.CompareTo(b.Window.Start)
            : order[a.Location].CompareTo(order[b.Location]));
        return new BestWindowResult(best, evaluated, skipped, clipped);
    }
}
