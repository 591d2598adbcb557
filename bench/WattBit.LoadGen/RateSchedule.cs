namespace WattBit.LoadGen;

/// <summary>
/// A fixed-rate schedule: request i is intended at i / <see cref="Rate"/> seconds after the start, for i in
/// [0, <see cref="Count"/>), where <see cref="Count"/> = floor(rate × duration). Open loop: the times do not depend on
/// when earlier requests were answered.
/// </summary>
public readonly record struct RateSchedule
{
    /// <summary>Creates a schedule.</summary>
    /// <param name="rate">Requests per second, &gt; 0.</param>
    /// <param name="duration">How long the schedule runs, &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">The rate or the duration is not positive (or the rate not finite).</exception>
    public RateSchedule(double rate, TimeSpan duration)
    {
        if (!double.IsFinite(rate) || rate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "the rate must be a positive number of requests per second");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        Rate = rate;
        Duration = duration;
    }

    /// <summary>Requests per second.</summary>
    public double Rate { get; }

    /// <summary>How long the schedule runs.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Number of requests the schedule sends: floor(rate × duration in seconds).</summary>
    public long Count => (long)Math.Floor((Rate * Duration.Ticks / TimeSpan.TicksPerSecond) + 1e-9);

    /// <summary>When request <paramref name="index"/> is intended, in timestamp ticks of <paramref name="frequency"/> per second after the start.</summary>
    public long OffsetOf(long index, long frequency) => (long)Math.Round(index * (frequency / Rate));
}
