using System.Collections.Immutable;

namespace WattBit.Grid.Headroom;

/// <summary>
/// The provisional profile (暫定運用) of one bus: the minimum headroom over all days of the period for each hour of
/// the day (0-23, local time of the timestamps), and optionally for each month and hour. NaN where no step fell in a
/// slot or the headroom is missing.
/// </summary>
/// <param name="Bus">0-based bus index.</param>
/// <param name="N0Mw">Per hour of day, MW.</param>
/// <param name="N1Mw">Per hour of day, MW (NaN when N-1 was not computed).</param>
/// <param name="MonthlyN0Mw">Per month (index 0 = January) and hour, [12 × 24], MW; empty unless asked for.</param>
/// <param name="MonthlyN1Mw">As <paramref name="MonthlyN0Mw"/> for N-1.</param>
public sealed record ProvisionalProfile(int Bus, ImmutableArray<double> N0Mw, ImmutableArray<double> N1Mw,
    ImmutableArray<double> MonthlyN0Mw, ImmutableArray<double> MonthlyN1Mw)
{
    /// <summary>Builds the profile of one bus from its headroom series.</summary>
    /// <param name="headroom">The bus's headroom per step.</param>
    /// <param name="timestamps">The step timestamps.</param>
    /// <param name="byMonth">Also compute the month × hour profile.</param>
    public static ProvisionalProfile From(BusHeadroom headroom, IReadOnlyList<DateTimeOffset> timestamps, bool byMonth)
    {
        ArgumentNullException.ThrowIfNull(headroom);
        ArgumentNullException.ThrowIfNull(timestamps);
        var n0 = Filled(24);
        var n1 = Filled(24);
        var m0 = byMonth ? Filled(12 * 24) : [];
        var m1 = byMonth ? Filled(12 * 24) : [];
        for (var t = 0; t < timestamps.Count; t++)
        {
            var h = timestamps[t].Hour;
            Min(n0, h, headroom.N0Mw[t]);
            Min(n1, h, headroom.N1Mw[t]);
            if (byMonth)
            {
                var slot = ((timestamps[t].Month - 1) * 24) + h;
                Min(m0, slot, headroom.N0Mw[t]);
                Min(m1, slot, headroom.N1Mw[t]);
            }
        }

        return new ProvisionalProfile(headroom.Bus, [.. n0], [.. n1], [.. m0], [.. m1]);
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
