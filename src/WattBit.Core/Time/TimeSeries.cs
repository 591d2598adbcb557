using System.Globalization;

namespace WattBit.Time;

/// <summary>
/// A fixed-step time series: a start, a step and values held in one contiguous array. Value <c>i</c> holds over
/// [Start + i·Step, Start + (i+1)·Step). A missing value is <see cref="double.NaN"/> and is never replaced by a
/// made-up number. Immutable (the values are copied in) and thread-safe.
/// </summary>
public sealed class TimeSeries
{
    private readonly double[] _values;

    /// <summary>Creates a series; the values are copied.</summary>
    /// <param name="start">The start of the first step.</param>
    /// <param name="step">The step; must be positive and a whole number of seconds.</param>
    /// <param name="values">One value per step; NaN marks a missing value.</param>
    /// <param name="unit">The unit of the values and how they aggregate over time.</param>
    /// <param name="name">A name used in error messages (for example a location code).</param>
    /// <exception cref="ArgumentOutOfRangeException">The step is not positive or not whole seconds.</exception>
    public TimeSeries(DateTimeOffset start, TimeSpan step, ReadOnlySpan<double> values, SeriesUnit unit, string? name = null)
        : this(start, step, values.ToArray(), unit, name, owned: true)
    {
    }

    private TimeSeries(DateTimeOffset start, TimeSpan step, double[] values, SeriesUnit unit, string? name, bool owned)
    {
        _ = owned;
        if (step <= TimeSpan.Zero || step.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "A series step must be a positive whole number of seconds.");
        }

        ArgumentNullException.ThrowIfNull(unit);
        Start = start;
        Step = step;
        _values = values;
        Unit = unit;
        Name = name ?? "series";
    }

    /// <summary>The start of the first step.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The length of every step.</summary>
    public TimeSpan Step { get; }

    /// <summary>The unit of the values.</summary>
    public SeriesUnit Unit { get; }

    /// <summary>The name used in messages (a location, an area code...).</summary>
    public string Name { get; }

    /// <summary>The number of steps.</summary>
    public int Count => _values.Length;

    /// <summary>The end of the last step (exclusive).</summary>
    public DateTimeOffset End => Start + (Step * Count);

    /// <summary>The window [Start, End) the series covers.</summary>
    public TimeWindow Window => new(Start, End);

    /// <summary>The values, one per step.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value of step <paramref name="index"/> (NaN when missing).</summary>
    public double this[int index] => _values[index];

    /// <summary>True when any value is missing (NaN).</summary>
    public bool HasMissing => Array.Exists(_values, double.IsNaN);

    /// <summary>Creates a series that takes ownership of <paramref name="values"/> without copying (the caller must not change it afterwards).</summary>
    public static TimeSeries Wrap(DateTimeOffset start, TimeSpan step, double[] values, SeriesUnit unit, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new TimeSeries(start, step, values, unit, name, owned: true);
    }

    /// <summary>The start of step <paramref name="index"/>.</summary>
    public DateTimeOffset TimeAt(int index) => Start + (Step * index);

    /// <summary>The window of step <paramref name="index"/>.</summary>
    public TimeWindow StepWindow(int index) => TimeWindow.FromDuration(TimeAt(index), Step);

    /// <summary>The index of the step that starts at <paramref name="instant"/>.</summary>
    /// <exception cref="SeriesAlignmentException">The instant is not a step boundary of this series or lies outside it.</exception>
    public int IndexOf(DateTimeOffset instant)
    {
        if (!TryIndexOf(instant, out var index))
        {
            throw new SeriesAlignmentException(
                $"{Name}: {TimeWindow.Format(instant)} is not the start of a step (series {Window}, step {FormatStep(Step)}).");
        }

        return index;
    }

    /// <summary>Finds the step that starts at <paramref name="instant"/>; false when it is off the grid or outside the series.</summary>
    public bool TryIndexOf(DateTimeOffset instant, out int index)
    {
        var offset = (instant - Start).Ticks;
        index = -1;
        if (offset < 0 || offset % Step.Ticks != 0)
        {
            return false;
        }

        var i = offset / Step.Ticks;
        if (i >= Count)
        {
            return false;
        }

        index = (int)i;
        return true;
    }

    /// <summary>The part of the series inside <paramref name="window"/>, whose ends must be step boundaries inside the series.</summary>
    /// <exception cref="SeriesAlignmentException">The window is off the grid or outside the series.</exception>
    public TimeSeries Slice(TimeWindow window)
    {
        if (!Window.Contains(window))
        {
            throw new SeriesAlignmentException($"{Name}: cannot slice {window}: the series covers only {Window}.");
        }

        var from = OffsetSteps(window.Start);
        var to = OffsetSteps(window.End);
        return new TimeSeries(window.Start, Step, _values.AsSpan(from, to - from), Unit, Name);
    }

    /// <summary>
    /// Resamples to a new step, keeping the start. Levels (<see cref="SeriesAggregation.Mean"/>) become
    /// time-weighted means, totals (<see cref="SeriesAggregation.Sum"/>) are summed or split in proportion to time,
    /// so the energy of the series is the same before and after. Works for any ratio (5-min, 30-min, hourly...).
    /// A new step that overlaps a missing value is missing.
    /// </summary>
    /// <exception cref="SeriesAlignmentException">The series' length is not a whole number of new steps.</exception>
    public TimeSeries Resample(TimeSpan newStep)
    {
        if (newStep <= TimeSpan.Zero || newStep.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(newStep), newStep, "A series step must be a positive whole number of seconds.");
        }

        if (newStep == Step)
        {
            return this;
        }

        var total = (End - Start).Ticks;
        if (total % newStep.Ticks != 0)
        {
            throw new SeriesAlignmentException(
                $"{Name}: cannot resample {Window} from {FormatStep(Step)} to {FormatStep(newStep)}: the period is not a whole number of {FormatStep(newStep)} steps; slice it first.");
        }

        var n = (int)(total / newStep.Ticks);
        var result = new double[n];
        var inStep = Step.Ticks;
        var outStep = newStep.Ticks;
        var sum = Unit.Aggregation == SeriesAggregation.Sum;
        var j = 0;
        for (var k = 0; k < n; k++)
        {
            long a = k * outStep, b = a + outStep;
            double acc = 0;
            // Walk the input steps that overlap [a, b); j never moves backwards.
            while ((j + 1) * inStep <= a)
            {
                j++;
            }

            for (var i = j; i < Count && i * inStep < b; i++)
            {
                long lo = Math.Max(a, i * inStep), hi = Math.Min(b, (i + 1) * inStep);
                if (hi <= lo)
                {
                    continue;
                }

                acc += _values[i] * (hi - lo);
            }

            // One division per output step keeps exact values exact (no 1/6 + 1/6 + ... drift).
            result[k] = sum ? acc / inStep : acc / outStep;
        }

        return new TimeSeries(Start, newStep, result, Unit, Name, owned: true);
    }

    /// <summary>
    /// The integral of the series over [from, to) in value·hours (kW → kWh, gCO2/kWh → gCO2·h/kWh), treating each value as
    /// constant over its step, so partial steps at the edges count in proportion to the time covered. For per-step totals
    /// it is the total over the window.
    /// </summary>
    /// <exception cref="SeriesAlignmentException">The window is not inside the series.</exception>
    public double Integral(TimeWindow window)
    {
        if (!Window.Contains(window))
        {
            throw new SeriesAlignmentException($"{Name}: {window} is not inside the series ({Window}).");
        }

        if (window.IsEmpty)
        {
            return 0;
        }

        var stepTicks = Step.Ticks;
        long a = (window.Start - Start).Ticks, b = (window.End - Start).Ticks;
        var first = (int)(a / stepTicks);
        var last = (int)((b - 1) / stepTicks);
        var perUnit = Unit.Aggregation == SeriesAggregation.Sum ? 1.0 / stepTicks : 1.0 / TimeSpan.TicksPerHour;
        double acc = 0;
        for (var i = first; i <= last; i++)
        {
            long lo = Math.Max(a, i * stepTicks), hi = Math.Min(b, (i + 1) * stepTicks);
            acc += _values[i] * (hi - lo) * perUnit;
        }

        return acc;
    }

    /// <summary>The time-weighted mean value over a non-empty window inside the series.</summary>
    /// <exception cref="SeriesAlignmentException">The window is not inside the series.</exception>
    /// <exception cref="ArgumentException">The window is empty.</exception>
    public double Average(TimeWindow window)
    {
        if (window.IsEmpty)
        {
            throw new ArgumentException("Cannot average over an empty window.", nameof(window));
        }

        var integral = Integral(window);
        return Unit.Aggregation == SeriesAggregation.Sum
            ? integral / window.Duration.Ticks * Step.Ticks
            : integral / window.Duration.TotalHours;
    }

    /// <summary>True when both series have the same start, step and length.</summary>
    public bool IsAlignedWith(TimeSeries other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return other.Start == Start && other.Step == Step && other.Count == Count;
    }

    /// <summary>Throws unless both series have the same start, step and length, naming what differs.</summary>
    /// <exception cref="SeriesAlignmentException">The series differ in step, start or length.</exception>
    public void EnsureAlignedWith(TimeSeries other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Step != Step)
        {
            throw new SeriesAlignmentException(
                $"{Name} (step {FormatStep(Step)}) and {other.Name} (step {FormatStep(other.Step)}) have different steps; resample one first.");
        }

        if (other.Start != Start || other.Count != Count)
        {
            throw new SeriesAlignmentException(
                $"{Name} covers {Window} but {other.Name} covers {other.Window}; slice both to a common window first.");
        }
    }

    /// <summary>Combines two aligned series value by value.</summary>
    /// <exception cref="SeriesAlignmentException">The series are not aligned.</exception>
    public TimeSeries Zip(TimeSeries other, Func<double, double, double> combine, SeriesUnit? unit = null)
    {
        ArgumentNullException.ThrowIfNull(combine);
        EnsureAlignedWith(other);
        var result = new double[Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = combine(_values[i], other._values[i]);
        }

        return new TimeSeries(Start, Step, result, unit ?? Unit, Name, owned: true);
    }

    /// <summary>Applies a function to every value.</summary>
    public TimeSeries Map(Func<double, double> map, SeriesUnit? unit = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var result = new double[Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = map(_values[i]);
        }

        return new TimeSeries(Start, Step, result, unit ?? Unit, Name, owned: true);
    }

    /// <summary>The same values under another name.</summary>
    public TimeSeries WithName(string name) => new(Start, Step, _values, Unit, name, owned: true);

    /// <summary>Formats a step as "30 min", "1 h" or "5 min".</summary>
    public static string FormatStep(TimeSpan step) => step.TotalMinutes switch
    {
        < 1 => step.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s",
        < 60 => step.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " min",
        _ => step.TotalHours.ToString(CultureInfo.InvariantCulture) + " h",
    };

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Count} x {FormatStep(Step)} from {TimeWindow.Format(Start)} ({Unit})";

    private int OffsetSteps(DateTimeOffset instant)
    {
        var offset = (instant - Start).Ticks;
        if (offset % Step.Ticks != 0)
        {
            throw new SeriesAlignmentException(
                $"{Name}: {TimeWindow.Format(instant)} is not on the series' {FormatStep(Step)} grid (which starts {TimeWindow.Format(Start)}).");
        }

        return (int)(offset / Step.Ticks);
    }
}
