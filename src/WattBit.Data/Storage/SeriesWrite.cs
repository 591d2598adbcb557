using WattBit.Time;

namespace WattBit.Data.Storage;

/// <summary>
/// Values to store under <see cref="Key"/>. Every non-NaN value of <see cref="Series"/> is upserted at its step's start;
/// NaN values are not written, so a gap never erases a value already stored. Immutable.
/// </summary>
/// <param name="Key">The series to write to.</param>
/// <param name="Series">The values; its step and unit must match what is stored under the key, if anything is.</param>
public sealed record SeriesWrite(SeriesKey Key, TimeSeries Series);

/// <summary>What is stored under one key. Immutable.</summary>
/// <param name="Key">The series.</param>
/// <param name="Unit">The unit of its values.</param>
/// <param name="Step">The step of its values.</param>
/// <param name="First">The start of the first stored step.</param>
/// <param name="Last">The start of the last stored step.</param>
/// <param name="Points">How many values are stored.</param>
public sealed record SeriesInfo(SeriesKey Key, SeriesUnit Unit, TimeSpan Step, DateTimeOffset First, DateTimeOffset Last, long Points)
{
    /// <summary>The window from the first stored step to the end of the last.</summary>
    public TimeWindow Window => new(First, Last + Step);
}
