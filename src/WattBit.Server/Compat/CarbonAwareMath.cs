namespace WattBit.Server.Compat;

/// <summary>One data point: value over [Time, Time + Duration).</summary>
internal readonly record struct RatedInterval(DateTimeOffset Time, TimeSpan Duration, double Value)
{
    public DateTimeOffset End => Time + Duration;
}

/// <summary>
/// The Carbon Aware SDK's forecast arithmetic: keep the points that overlap [start, end), then average them over windows of
/// <c>windowSize</c> that start at each point (from <c>start</c> on) and end no later than <c>end</c>, weighting each
/// point by its overlap with the window. With 5-min ratings [10, 20, 30, 40] and a 10-min window: [15, 25, 35].
/// The optimal points are all windows with the lowest average (ties kept).
/// </summary>
internal static class CarbonAwareMath
{
    public static List<RatedInterval> FilterOverlapping(IReadOnlyList<RatedInterval> points, DateTimeOffset start, DateTimeOffset end)
    {
        var kept = new List<RatedInterval>(points.Count);
        foreach (var p in points)
        {
            if (p.End > start && p.Time < end)
            {
                kept.Add(p);
            }
        }

        return kept;
    }

    /// <summary>Rolling averages; a window of zero (or the points' own duration) returns the points unchanged.</summary>
    public static List<RatedInterval> RollingAverage(IReadOnlyList<RatedInterval> points, TimeSpan window, DateTimeOffset start, DateTimeOffset end)
    {
        var result = new List<RatedInterval>(points.Count);
        if (points.Count == 0)
        {
            return result;
        }

        if (window == TimeSpan.Zero)
        {
            window = points[0].Duration;
        }

        for (var i = 0; i < points.Count; i++)
        {
            var windowStart = points[i].Time < start ? start : points[i].Time;
            var windowEnd = windowStart + window;
            if (windowEnd > end)
            {
                break;
            }

            double weighted = 0;
            double covered = 0;
            for (var j = i; j < points.Count && points[j].Time < windowEnd; j++)
            {
                var from = points[j].Time > windowStart ? points[j].Time : windowStart;
                var to = points[j].End < windowEnd ? points[j].End : windowEnd;
                var seconds = (to - from).TotalSeconds;
                if (seconds > 0 && !double.IsNaN(points[j].Value))
                {
                    weighted += points[j].Value * seconds;
                    covered += seconds;
                }
            }

            // A window with any missing time has no honest average: leave it out rather than invent one.
            if (covered >= window.TotalSeconds - 1e-6)
            {
                result.Add(new RatedInterval(windowStart, window, weighted / covered));
            }
        }

        return result;
    }

    /// <summary>All points with the lowest value (every tie), in input order.</summary>
    public static List<T> Best<T>(IReadOnlyList<T> items, Func<T, double> value)
    {
        var best = double.PositiveInfinity;
        foreach (var item in items)
        {
            best = Math.Min(best, value(item));
        }

        var result = new List<T>();
        foreach (var item in items)
        {
            if (value(item) == best)
            {
                result.Add(item);
            }
        }

        return result;
    }

    /// <summary>Time-weighted average of the points over [start, end); NaN when any of that time has no value.</summary>
    public static double Average(IReadOnlyList<RatedInterval> points, DateTimeOffset start, DateTimeOffset end)
    {
        double weighted = 0;
        double covered = 0;
        foreach (var p in points)
        {
            var from = p.Time > start ? p.Time : start;
            var to = p.End < end ? p.End : end;
            var seconds = (to - from).TotalSeconds;
            if (seconds > 0 && !double.IsNaN(p.Value))
            {
                weighted += p.Value * seconds;
                covered += seconds;
            }
        }

        return covered >= (end - start).TotalSeconds - 1e-6 && covered > 0 ? weighted / covered : double.NaN;
    }
}
