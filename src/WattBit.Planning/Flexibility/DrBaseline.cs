using WattBit.Formats;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Flexibility;

/// <summary>Which variant of the baseline applies to an event day.</summary>
public enum BaselineDayKind
{
    /// <summary>A weekday that is not a holiday: High 4 of 5.</summary>
    Weekday,

    /// <summary>A Saturday, Sunday or holiday: High 2 of 3.</summary>
    WeekendOrHoliday,
}

/// <summary>One 30-minute slot of an event: the baseline, what the meter read and what was delivered (kWh).</summary>
/// <param name="Start">The slot's start.</param>
/// <param name="Baseline">The baseline energy of the slot, same-day adjustment included.</param>
/// <param name="Actual">The metered energy of the slot.</param>
public sealed record BaselineSlot(DateTimeOffset Start, Energy Baseline, Energy Actual)
{
    /// <summary>Baseline minus actual: positive when consumption was reduced.</summary>
    public Energy Delivered => Baseline - Actual;
}

/// <summary>
/// The baseline of one DR event, or why it cannot be computed. When <see cref="IsComputable"/> is false,
/// <see cref="Reason"/> says which data was missing and <see cref="Slots"/> is empty: a missing baseline is never zero.
/// </summary>
public sealed record BaselineResult
{
    /// <summary>The event window.</summary>
    public required TimeWindow Event { get; init; }

    /// <summary>Weekday or weekend/holiday variant.</summary>
    public required BaselineDayKind DayKind { get; init; }

    /// <summary>Whether the baseline could be computed.</summary>
    public bool IsComputable => Reason is null;

    /// <summary>Why the baseline is not computable; null when it is.</summary>
    public string? Reason { get; init; }

    /// <summary>The pool of most recent same-kind days, newest first.</summary>
    public IReadOnlyList<DateOnly> PoolDays { get; init; } = [];

    /// <summary>Pool days left out because their event-window average was below the low-day share of the pool's mean.</summary>
    public IReadOnlyList<DateOnly> LowDays { get; init; } = [];

    /// <summary>The days averaged into the baseline (highest event-window average first).</summary>
    public IReadOnlyList<DateOnly> UsedDays { get; init; } = [];

    /// <summary>The same-day adjustment added to every slot (kWh per slot); zero when the rules turn it off.</summary>
    public Energy Adjustment { get; init; }

    /// <summary>One entry per 30-minute slot of the event.</summary>
    public IReadOnlyList<BaselineSlot> Slots { get; init; } = [];

    /// <summary>Total baseline energy over the event.</summary>
    public Energy TotalBaseline => Sum(s => s.Baseline);

    /// <summary>Total metered energy over the event.</summary>
    public Energy TotalActual => Sum(s => s.Actual);

    /// <summary>Total delivered energy over the event (baseline minus actual).</summary>
    public Energy TotalDelivered => Sum(s => s.Delivered);

    private Energy Sum(Func<BaselineSlot, Energy> pick) => Energy.Sum(Slots.Select(pick));
}

/// <summary>
/// Computes the ERAB guideline's standard baseline for a DR event from 30-minute metered data: the weekday
/// "High 4 of 5" or the weekend/holiday "High 2 of 3", with the same-day adjustment, following
/// <see cref="BaselineRules"/> (decision 0140). Stateless and thread-safe.
/// </summary>
public static class DrBaseline
{
    /// <summary>Computes the baseline, actual and delivered energy of every slot of <paramref name="event"/>.</summary>
    /// <param name="meter">The site's metered readings (30-minute kWh).</param>
    /// <param name="event">The event window: 30-minute boundaries, within one calendar day at the rules' offset.</param>
    /// <param name="isHoliday">Whether a date is a public holiday (weekends, and the year-end days when <see cref="BaselineRules.YearEndHolidays"/>, are recognised without it).</param>
    /// <param name="excludedDays">Earlier DR event days, which never enter a pool (DR実施日を除く); may be null.</param>
    /// <param name="rules">The rules; <see cref="BaselineRules.Erab"/> when null.</param>
    /// <returns>The baseline, or a result whose <see cref="BaselineResult.Reason"/> says why it cannot be computed.</returns>
    /// <exception cref="ArgumentException">The event is empty, off the 30-minute grid or spans two days.</exception>
    public static BaselineResult Compute(MeterReadings meter, TimeWindow @event, Func<DateOnly, bool> isHoliday,
        IReadOnlySet<DateOnly>? excludedDays = null, BaselineRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(isHoliday);
        rules ??= BaselineRules.Erab;
        rules.Validate();
        if (rules.YearEndHolidays)
        {
            var publicHoliday = isHoliday;
            isHoliday = d => publicHoliday(d) || IsYearEnd(d);
        }

        var slot = MeterCsv.Slot;
        var offset = rules.UtcOffset;
        if (@event.IsEmpty || @event.Start.UtcTicks % slot.Ticks != 0 || @event.End.UtcTicks % slot.Ticks != 0)
        {
            throw new ArgumentException($"the event {@event} must be non-empty and start and end on 30-minute slot boundaries.", nameof(@event));
        }

        var day = DayOf(@event.Start, offset);
        if (DayOf(@event.End - TimeSpan.FromTicks(1), offset) != day)
        {
            throw new ArgumentException($"the event {@event} spans more than one day; the baseline is defined per event day.", nameof(@event));
        }

        var kind = IsWeekendOrHoliday(day, isHoliday) ? BaselineDayKind.WeekendOrHoliday : BaselineDayKind.Weekday;
        var (poolSize, used) = kind == BaselineDayKind.Weekday
            ? (rules.WeekdayPoolDays, rules.WeekdayUsedDays)
            : (rules.HolidayPoolDays, rules.HolidayUsedDays);
        var result = new BaselineResult { Event = @event, DayKind = kind };

        // The event's actual readings and the adjustment window's must be there before anything else.
        var adjustment = new TimeWindow(@event.Start - rules.AdjustmentStartsBefore, @event.Start - rules.AdjustmentEndsBefore);
        if (Missing(meter, @event) is { } eventGap)
        {
            return result with { Reason = $"{meter.Source} has no reading for {eventGap} during the event." };
        }

        if (rules.SameDayAdjustment && Missing(meter, adjustment) is { } adjustmentGap)
        {
            return result with { Reason = $"{meter.Source} has no reading for {adjustmentGap} in the same-day adjustment window {adjustment}." };
        }

        // The pool: the most recent days of the same kind, skipping earlier event days, within the lookback.
        var pool = new List<DateOnly>(poolSize);
        for (var back = 1; back <= rules.LookbackDays && pool.Count < poolSize; back++)
        {
            var candidate = day.AddDays(-back);
            if (excludedDays?.Contains(candidate) == true || IsWeekendOrHoliday(candidate, isHoliday) != (kind == BaselineDayKind.WeekendOrHoliday))
            {
                continue;
            }

            pool.Add(candidate);
        }

        var kindName = kind == BaselineDayKind.Weekday ? "weekdays" : "weekend days or holidays";
        if (pool.Count < poolSize)
        {
            return result with { PoolDays = pool, Reason = $"only {pool.Count} of the {poolSize} {kindName} the baseline needs lie within {rules.LookbackDays} days before {day:yyyy-MM-dd}." };
        }

        // Every pool day needs its event hours (and adjustment hours) metered: a gap makes the baseline not computable.
        var averages = new double[pool.Count];
        for (var i = 0; i < pool.Count; i++)
        {
            var shift = Shift(day, pool[i]);
            var window = new TimeWindow(@event.Start - shift, @event.End - shift);
            if (Missing(meter, window) is { } gap)
            {
                return result with { PoolDays = pool, Reason = $"{meter.Source} has no reading for {gap}, in the event hours of pool day {pool[i]:yyyy-MM-dd}." };
            }

            if (rules.SameDayAdjustment && Missing(meter, new TimeWindow(adjustment.Start - shift, adjustment.End - shift)) is { } adjGap)
            {
                return result with { PoolDays = pool, Reason = $"{meter.Source} has no reading for {adjGap}, in the adjustment hours of pool day {pool[i]:yyyy-MM-dd}." };
            }

            averages[i] = MeanKwh(meter, window);
        }

        var poolMean = averages.Average();
        var low = new List<DateOnly>();
        var kept = new List<(DateOnly Day, double Average, int Recency)>();
        for (var i = 0; i < pool.Count; i++)
        {
            if (averages[i] < rules.LowDayShare * poolMean)
            {
                low.Add(pool[i]);
            }
            else
            {
                kept.Add((pool[i], averages[i], i));
            }
        }

        if (kept.Count == 0)
        {
            return result with { PoolDays = pool, LowDays = low, Reason = "every pool day is below the low-day share of the pool's mean." };
        }

        // Highest event-window averages first; on a tie the more recent day.
        var chosen = kept.OrderByDescending(k => k.Average).ThenBy(k => k.Recency).Take(used).Select(k => k.Day).ToArray();

        double Profile(DateTimeOffset t)
        {
            var sum = 0.0;
            foreach (var d in chosen)
            {
                sum += meter.Series[meter.Series.IndexOf(t - Shift(day, d))];
            }

            return sum / chosen.Length;
        }

        var adjustmentKwh = 0.0;
        if (rules.SameDayAdjustment)
        {
            var actual = 0.0;
            var profile = 0.0;
            var n = 0;
            for (var t = adjustment.Start; t < adjustment.End; t += slot)
            {
                actual += meter.Series[meter.Series.IndexOf(t)];
                profile += Profile(t);
                n++;
            }

            adjustmentKwh = (actual - profile) / n;
        }

        var slots = new List<BaselineSlot>();
        for (var t = @event.Start; t < @event.End; t += slot)
        {
            slots.Add(new BaselineSlot(t, Energy.FromKilowattHours(Profile(t) + adjustmentKwh),
                Energy.FromKilowattHours(meter.Series[meter.Series.IndexOf(t)])));
        }

        return result with
        {
            PoolDays = pool,
            LowDays = low,
            UsedDays = chosen,
            Adjustment = Energy.FromKilowattHours(adjustmentKwh),
            Slots = slots,
        };
    }

    /// <summary>Whether a date lies in the year-end and new-year days, December 29 to January 3 (年末年始).</summary>
    public static bool IsYearEnd(DateOnly date) => (date.Month == 12 && date.Day >= 29) || (date.Month == 1 && date.Day <= 3);

    /// <summary>Whether a date is a Saturday, a Sunday or a holiday by <paramref name="isHoliday"/>.</summary>
    public static bool IsWeekendOrHoliday(DateOnly date, Func<DateOnly, bool> isHoliday)
    {
        ArgumentNullException.ThrowIfNull(isHoliday);
        return date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || isHoliday(date);
    }

    private static DateOnly DayOf(DateTimeOffset instant, TimeSpan offset) => DateOnly.FromDateTime(instant.ToOffset(offset).DateTime);

    // The offset is fixed (JST has no daylight saving), so a day earlier is always 24 hours earlier.
    private static TimeSpan Shift(DateOnly eventDay, DateOnly poolDay) => TimeSpan.FromDays(eventDay.DayNumber - poolDay.DayNumber);

    private static string? Missing(MeterReadings meter, TimeWindow window)
    {
        var series = meter.Series;
        if (window.Start < series.Start || window.End > series.End)
        {
            var covered = series.Window.Intersect(window);
            return covered is null ? window.ToString() : $"part of {window} (the file covers {series.Window})";
        }

        return meter.FirstGapIn(window)?.ToString();
    }

    private static double MeanKwh(MeterReadings meter, TimeWindow window)
    {
        var from = meter.Series.IndexOf(window.Start);
        var count = (int)(window.Duration.Ticks / MeterCsv.Slot.Ticks);
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += meter.Series[from + i];
        }

        return sum / count;
    }
}
