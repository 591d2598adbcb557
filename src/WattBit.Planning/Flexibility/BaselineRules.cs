using WattBit.Time;

namespace WattBit.Planning.Flexibility;

/// <summary>
/// The windows and counts of the standard DR baseline of the ERAB guideline (エネルギー・リソース・アグリゲーション・
/// ビジネスに関するガイドライン, 資源エネルギー庁, 第2章 ベースライン: "High 4 of 5 当日調整あり" on weekdays and its
/// weekend/holiday variant). Each named parameter is one phrase of the guideline; decision 0140 quotes the text and
/// says what was implemented where the wording could not be confirmed. Immutable and thread-safe.
/// </summary>
public sealed record BaselineRules
{
    /// <summary>The rules as the guideline states them (the defaults of every property).</summary>
    public static BaselineRules Erab { get; } = new();

    /// <summary>Weekday pool: the most recent this-many weekdays before the event day ("直近5日間"). Default 5.</summary>
    public int WeekdayPoolDays { get; init; } = 5;

    /// <summary>Weekday days averaged: the highest this-many of the pool by event-window average ("多い4日間"). Default 4.</summary>
    public int WeekdayUsedDays { get; init; } = 4;

    /// <summary>Weekend/holiday pool: the most recent this-many weekend days or holidays ("直近3日間"). Default 3.</summary>
    public int HolidayPoolDays { get; init; } = 3;

    /// <summary>Weekend/holiday days averaged: the highest this-many of the pool ("多い2日間"). Default 2.</summary>
    public int HolidayUsedDays { get; init; } = 2;

    /// <summary>How far back the pool may reach, in days before the event day ("直近30日間"). Default 30.</summary>
    public int LookbackDays { get; init; } = 30;

    /// <summary>
    /// A pool day whose event-window average is below this share of the pool's mean is left out ("25%未満の日は除外").
    /// Default 0.25; 0 turns the rule off.
    /// </summary>
    public double LowDayShare { get; init; } = 0.25;

    /// <summary>Whether the same-day adjustment (当日調整) is applied. Default true.</summary>
    public bool SameDayAdjustment { get; init; } = true;

    /// <summary>Start of the adjustment window before the event start ("DR実施時間の4時間前から"). Default 4 h.</summary>
    public TimeSpan AdjustmentStartsBefore { get; init; } = TimeSpan.FromHours(4);

    /// <summary>End of the adjustment window before the event start ("1時間前までの3時間"). Default 1 h.</summary>
    public TimeSpan AdjustmentEndsBefore { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether the year-end and new-year days, December 29 to January 3 (年末年始), count as holidays for the
    /// weekend/holiday variant, as they do under the Act on Holidays of Administrative Organs (行政機関の休日に関する法律)
    /// and in most firms' calendars; decision 0145 says why. Default true.
    /// </summary>
    public bool YearEndHolidays { get; init; } = true;

    /// <summary>The offset whose calendar days the rules count (JST, +09:00).</summary>
    public TimeSpan UtcOffset { get; init; } = Jst.Offset;

    /// <summary>Checks that the counts and windows make sense.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, a used count exceeds its pool, the share is outside [0, 1) or the adjustment window is empty.</exception>
    public void Validate()
    {
        if (WeekdayPoolDays < 1 || WeekdayUsedDays < 1 || WeekdayUsedDays > WeekdayPoolDays)
        {
            throw new ArgumentOutOfRangeException(nameof(WeekdayUsedDays), $"weekday days used ({WeekdayUsedDays}) must be between 1 and the pool ({WeekdayPoolDays}).");
        }

        if (HolidayPoolDays < 1 || HolidayUsedDays < 1 || HolidayUsedDays > HolidayPoolDays)
        {
            throw new ArgumentOutOfRangeException(nameof(HolidayUsedDays), $"weekend/holiday days used ({HolidayUsedDays}) must be between 1 and the pool ({HolidayPoolDays}).");
        }

        if (LookbackDays < Math.Max(WeekdayPoolDays, HolidayPoolDays))
        {
            throw new ArgumentOutOfRangeException(nameof(LookbackDays), LookbackDays, "the lookback must be at least as many days as a pool.");
        }

        if (!(LowDayShare >= 0 && LowDayShare < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LowDayShare), LowDayShare, "the low-day share must be in [0, 1).");
        }

        if (AdjustmentEndsBefore < TimeSpan.Zero || AdjustmentStartsBefore <= AdjustmentEndsBefore)
        {
            throw new ArgumentOutOfRangeException(nameof(AdjustmentStartsBefore), "the adjustment window must start before it ends, both before the event.");
        }
    }
}
