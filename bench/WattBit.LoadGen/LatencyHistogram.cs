namespace WattBit.LoadGen;

/// <summary>
/// An HDR-style histogram of non-negative integer values (microseconds here): exact below 2×<see cref="HalfBucket"/>, then
/// log-linear, each power of two split into <see cref="HalfBucket"/> equal buckets, so a recorded value is known to within
/// 1/<see cref="HalfBucket"/> of itself (0.4 %). Percentiles report the highest value of the bucket that holds the rank, as
/// HdrHistogram does, so a reported percentile is never below the exact one. Recording is thread-safe (one interlocked
/// increment); reading while recording gives a consistent-enough snapshot for a trace.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Buckets per power of two above the exact range (a power of two).</summary>
    public const int HalfBucket = 256;

    private const int HalfBits = 8;

    /// <summary>The largest value recorded as itself; larger values are clamped to it (2^40 µs is about 12.7 days).</summary>
    public const long MaxTrackable = (1L << 40) - 1;

    private readonly long[] _counts = new long[BucketOf(MaxTrackable) + 1];
    private long _count;
    private long _max;
    private long _sum;

    /// <summary>Number of values recorded.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The largest value recorded, exactly (0 when empty).</summary>
    public long Max => Interlocked.Read(ref _max);

    /// <summary>The mean of the recorded values (0 when empty).</summary>
    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    /// <summary>Records one value; negative values are recorded as 0, values above <see cref="MaxTrackable"/> as it.</summary>
    public void Record(long value)
    {
        value = Math.Clamp(value, 0, MaxTrackable);
        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        var max = Interlocked.Read(ref _max);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
        {
            var c = Interlocked.Read(ref other._counts[i]);
            if (c != 0)
            {
                Interlocked.Add(ref _counts[i], c);
            }
        }

        Interlocked.Add(ref _count, other.Count);
        Interlocked.Add(ref _sum, Interlocked.Read(ref other._sum));
        var m = other.Max;
        if (m > Max)
        {
            Interlocked.Exchange(ref _max, m);
        }
    }

    /// <summary>
    /// The value at percentile <paramref name="percentile"/> (0-100): the highest value of the bucket holding the
    /// ceil(p/100 × count)-th smallest value (at least the first), capped at <see cref="Max"/>; 0 when empty.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The percentile is outside [0, 100].</exception>
    public long Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(HighestOf(i), Max);
            }
        }

        return Max;
    }

    /// <summary>The bucket of a value in [0, <see cref="MaxTrackable"/>].</summary>
    internal static int BucketOf(long value)
    {
        if (value < 2 * HalfBucket)
        {
            return (int)value;
        }

        var shift = 63 - (int)long.LeadingZeroCount(value) - HalfBits;   // msb - HalfBits: >= 1 here
        return (shift * HalfBucket) + (int)(value >> shift);
    }

    /// <summary>The lowest value a bucket holds.</summary>
    internal static long LowestOf(int bucket)
    {
        if (bucket < 2 * HalfBucket)
        {
            return bucket;
        }

        var shift = (bucket / HalfBucket) - 1;
        return (long)(bucket - (shift * HalfBucket)) << shift;
    }

    /// <summary>The highest value a bucket holds.</summary>
    internal static long HighestOf(int bucket) => LowestOf(bucket + 1) - 1;
}
