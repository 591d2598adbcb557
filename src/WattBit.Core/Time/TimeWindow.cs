using System.Globalization;

namespace WattBit.Time;

/// <summary>
/// A half-open interval of time [<see cref="Start"/>, <see cref="End"/>). An empty window (start = end) is allowed;
/// an end before the start is rejected. Immutable and thread-safe.
/// </summary>
public readonly record struct TimeWindow
{
    /// <summary>Creates the window [start, end).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="end"/> is before <paramref name="start"/>.</exception>
    public TimeWindow(DateTimeOffset start, DateTimeOffset end)
    {
        if (end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end,
                $"A time window's end ({Format(end)}) must not be before its start ({Format(start)}).");
        }

        Start = start;
        End = end;
    }

    /// <summary>The first instant inside the window.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The first instant after the window (exclusive).</summary>
    public DateTimeOffset End { get; }

    /// <summary>The length of the window.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>True when the window contains no instant.</summary>
    public bool IsEmpty => End == Start;

    /// <summary>Creates the window [start, start + duration).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative.</exception>
    public static TimeWindow FromDuration(DateTimeOffset start, TimeSpan duration) => new(start, start + duration);

    /// <summary>True when <paramref name="instant"/> lies in [Start, End).</summary>
    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    /// <summary>True when <paramref name="other"/> lies entirely inside this window.</summary>
    public bool Contains(TimeWindow other) => other.Start >= Start && other.End <= End;

    /// <summary>True when the two windows share at least one instant.</summary>
    public bool Overlaps(TimeWindow other) => other.Start < End && Start < other.End;

    /// <summary>The overlap of two windows, or null when they do not overlap.</summary>
    public TimeWindow? Intersect(TimeWindow other)
    {
        var start = Start > other.Start ? Start : other.Start;
        var end = End < other.End ? End : other.End;
        return start < end ? new TimeWindow(start, end) : null;
    }

    /// <summary>Formats as "[2025-04-01T00:00:00+09:00, 2025-04-02T00:00:00+09:00)".</summary>
    public override string ToString() => $"[{Format(Start)}, {Format(End)})";

    /// <summary>Formats an instant as ISO 8601 with its offset, e.g. 2025-04-01T00:00:00+09:00 (same as <c>Iso8601.Format</c>).</summary>
    public static string Format(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
}
