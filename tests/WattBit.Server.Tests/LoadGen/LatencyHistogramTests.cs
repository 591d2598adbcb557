using WattBit.LoadGen;

namespace WattBit.Server.Tests.LoadGen;

public sealed class LatencyHistogramTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void Percentiles_RandomLatencies_WithinOneBucketAboveTheSortedArray(int seed)
    {
        // Heavy-tailed, like latencies: mostly hundreds of microseconds, a few seconds.
        var random = new Random(seed);
        var values = Enumerable.Range(0, 50_000).Select(_ => (long)Math.Exp(random.NextDouble() * random.NextDouble() * 16)).ToArray();
        var histogram = new LatencyHistogram();
        foreach (var v in values)
        {
            histogram.Record(v);
        }

        Array.Sort(values);
        foreach (var p in new[] { 0, 1, 50, 90, 99, 99.9, 99.99, 100 })
        {
            var exact = values[Math.Max(1, (long)Math.Ceiling(p / 100 * values.Length)) - 1];
            var reported = histogram.Percentile(p);
            Assert.InRange(reported, exact, exact + (exact / LatencyHistogram.HalfBucket));
        }

        Assert.Equal(values[^1], histogram.Max);
        Assert.Equal(values.Length, histogram.Count);
        Assert.Equal(values.Average(), histogram.Mean, 6);
    }

    [Fact]
    public void Buckets_EveryValue_LiesInItsBucketsRange()
    {
        var values = Enumerable.Range(0, 2000).Select(i => (long)i)
            .Concat(Enumerable.Range(0, 41).SelectMany(b => new[] { (1L << b) - 1, 1L << b, (1L << b) + 1 }))
            .Where(v => v is >= 0 and <= LatencyHistogram.MaxTrackable);
        foreach (var v in values)
        {
            var bucket = LatencyHistogram.BucketOf(v);
            Assert.InRange(v, LatencyHistogram.LowestOf(bucket), LatencyHistogram.HighestOf(bucket));
            // Each bucket is at most 1/HalfBucket of its lowest value wide (exact below 2 x HalfBucket).
            Assert.True(LatencyHistogram.HighestOf(bucket) - LatencyHistogram.LowestOf(bucket) <= LatencyHistogram.LowestOf(bucket) / LatencyHistogram.HalfBucket, $"bucket of {v}");
        }
    }

    [Fact]
    public void Add_TwoHistograms_AnswersAsOneOfAllTheirValues()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var both = new LatencyHistogram();
        for (var i = 0; i < 1000; i++)
        {
            (i % 3 == 0 ? a : b).Record(i * 37);
            both.Record(i * 37);
        }

        a.Add(b);
        Assert.Equal(both.Count, a.Count);
        Assert.Equal(both.Max, a.Max);
        Assert.Equal(both.Percentile(99), a.Percentile(99));
    }

    [Fact]
    public void Percentile_Empty_IsZero_AndOutOfRangeThrows()
    {
        var h = new LatencyHistogram();
        Assert.Equal(0, h.Percentile(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Percentile(100.5));
    }
}
