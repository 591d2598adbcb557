using System.Collections.Immutable;
using WattBit.Time;

namespace WattBit.Headroom;

/// <summary>
/// The provisional profile (暫定運用) of one node: for each JST hour of day (0-23), the least headroom over every day of
/// the period, N-0 and N-1, and optionally for each month and JST hour. NaN where no hour of the period fell in a slot
/// or every value there was missing. The one implementation used by the grid engine, the headroom layer, the server,
/// siting and the simulator. Immutable and thread-safe.
/// </summary>
/// <param name="N0Mw">Per JST hour of day, MW.</param>
/// <param name="N1Mw">Per JST hour of day, MW (NaN where N-1 is not known).</param>
/// <param name="MonthlyN0Mw">Per month (index 0 = January, months in JST) and JST hour, [12 × 24], MW; empty unless asked for.</param>
/// <param name="MonthlyN1Mw">As <paramref name="MonthlyN0Mw"/> for N-1.</param>
public sealed record ProvisionalProfile(ImmutableArray<double> N0Mw, ImmutableArray<double> N1Mw,
    ImmutableArray<double> MonthlyN0Mw, ImmutableArray<double> MonthlyN1Mw)
{
    /// <summary>Builds the profile from values per step (hourly or finer; every step counts for its JST hour).</summary>
    /// <param name="timestamps">Start of each step.</param>
    /// <param name="n0Mw">N-0 headroom per step (NaN = missing).</param>
    /// <param name="n1Mw">N-1 headroom per step, or null when only one figure is known.</param>
    /// <param name="byMonth">Also compute the month × hour profile.</param>
    /// <exception cref="ArgumentException">The series have different lengths.</exception>
    public static ProvisionalProfile Of(IReadOnlyList<DateTimeOffset> timestamps, IReadOnlyList<double> n0Mw, IReadOnlyList<double>? n1Mw = null, bool byMonth = false)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(n0Mw);
        if (n0Mw.Count != timestamps.Count || (n1Mw is not null && n1Mw.Count != timestamps.Count))
        {
            throw new ArgumentException("the headroom series and the timestamps must have the same length.", nameof(n0Mw));
        }

        var n0 = Filled(24);
        var n1 = Filled(24);
        var m0 = byMonth ? Filled(12 * 24) : [];
        var m1 = byMonth ? Filled(12 * 24) : [];
        for (var t = 0; t < timestamps.Count; t++)
        {
            var local = timestamps[t].ToOffset(Jst.Offset);
            var h = local.Hour;
            var v1 = n1Mw is null ? double.NaN : n1Mw[t];
            Min(n0, h, n0Mw[t]);
            Min(n1, h, v1);
            if (byMonth)
            {
                var slot = ((local.Month - 1) * 24) + h;
                Min(m0, slot, n0Mw[t]);
                Min(m1, slot, v1);
            }
        }

        return new ProvisionalProfile([.. n0], [.. n1], [.. m0], [.. m1]);
    }

    /// <summary>Builds the profile of one headroom series (one figure per step, taken as N-0; N-1 unknown).</summary>
    /// <param name="headroomMw">Headroom per step, MW (NaN = missing).</param>
    public static ProvisionalProfile Of(TimeSeries headroomMw)
    {
        ArgumentNullException.ThrowIfNull(headroomMw);
        var times = new DateTimeOffset[headroomMw.Count];
        var values = new double[headroomMw.Count];
        for (var i = 0; i < times.Length; i++)
        {
            times[i] = headroomMw.TimeAt(i);
            values[i] = headroomMw[i];
        }

        return Of(times, values);
    }

    /// <summary>Builds the profile of hourly headroom records.</summary>
    public static ProvisionalProfile Of(IReadOnlyList<HeadroomHour> hours)
    {
        ArgumentNullException.ThrowIfNull(hours);
        return Of([.. hours.Select(h => h.Start)], [.. hours.Select(h => h.N0Mw)], [.. hours.Select(h => h.N1Mw)]);
    }

    /// <summary>The secure profile: per JST hour the N-1 value where known, else N-0, MW (NaN where neither is).</summary>
    public ImmutableArray<double> SecureMw => [.. Enumerable.Range(0, 24).Select(h => double.IsNaN(N1Mw[h]) ? N0Mw[h] : N1Mw[h])];

    /// <summary>
    /// The firm headroom: the least secure value over the 24 hours (the profile's minimum), MW; NaN when no hour has data.
    /// </summary>
    public double FirmMw
    {
        get
        {
            var min = double.NaN;
            foreach (var v in SecureMw)
            {
                if (!double.IsNaN(v) && (double.IsNaN(min) || v < min))
                {
                    min = v;
                }
            }

            return min;
        }
    }

    /// <summary>
    /// What the annual profile leaves unused compared with a monthly one: the mean over month × hour slots of
    /// (monthly minimum − annual minimum for that hour), MW, for N-1 (N-0 when N-1 is missing). NaN without monthly data.
    /// </summary>
    public double MonthlyGainMw()
    {
        var useN1 = !MonthlyN1Mw.IsDefaultOrEmpty && N1Mw.Any(v => !double.IsNaN(v));
        var monthly = useN1 ? MonthlyN1Mw : MonthlyN0Mw;
        var annual = useN1 ? N1Mw : N0Mw;
        if (monthly.IsDefaultOrEmpty)
        {
            return double.NaN;
        }

        double sum = 0;
        var count = 0;
        for (var slot = 0; slot < monthly.Length; slot++)
        {
            var v = monthly[slot];
            var a = annual[slot % 24];
            if (!double.IsNaN(v) && !double.IsNaN(a))
            {
                sum += v - a;
                count++;
            }
        }

        return count == 0 ? double.NaN : sum / count;
    }

    private static double[] Filled(int n)
    {
        var a = new double[n];
        Array.Fill(a, double.NaN);
        return a;
    }

    private static void Min(double[] slots, int i, double v)
    {
        if (!double.IsNaN(v) && (double.IsNaN(slots[i]) || v < slots[i]))
        {
            slots[i] = v;
        }
    }
}
