using WattBit.Planning.Flexibility;
using WattBit.Time;
using static WattBit.Planning.Tests.Flexibility.MeterBuilder;

namespace WattBit.Planning.Tests.Flexibility;

/// <summary>
/// The ERAB standard baseline against cases computed by hand from the guideline's text (decision 0140). The meter runs
/// from 2025-06-20 to 2025-07-22; weekends read 500 kWh per slot unless set, so a weekday baseline that used one would show.
/// </summary>
public sealed class DrBaselineTests
{
    private static readonly DateOnly First = new(2025, 6, 20);
    private static readonly DateOnly Last = new(2025, 7, 22);
    private static readonly DateOnly MarineDay = new(2025, 7, 21);
    private static readonly TimeWindow WednesdayEvent = new(At(7, 9, 13), At(7, 9, 15));
    private static readonly BaselineRules NoAdjustment = BaselineRules.Erab with { SameDayAdjustment = false };

    private static bool Holiday(DateOnly d) => d == MarineDay;

    private static bool InAdjustmentHours(TimeOnly t) => t >= new TimeOnly(9, 0) && t < new TimeOnly(12, 0);

    private static bool InEventHours(TimeOnly t) => t >= new TimeOnly(13, 0) && t < new TimeOnly(15, 0);

    private static double? Flat(DateOnly d, IReadOnlyDictionary<DateOnly, double> levels) =>
        levels.TryGetValue(d, out var v) ? v : d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 500 : 100;

    private static DateOnly D(int month, int day) => new(2025, month, day);

    [Fact]
    public void Weekday_High4Of5WithSameDayAdjustment_MatchesHandComputation()
    {
        // Pool (5 most recent weekdays): 07-08 100, 07-07 120 (140 in 9-12), 07-04 80, 07-03 110, 07-02 90.
        // High 4 by event-hour average: 07-07 120, 07-03 110, 07-08 100, 07-02 90 -> 105 kWh per event slot.
        // Adjustment hours 9-12: event day 115; the 4 days' profile (140+110+100+90)/4 = 110 -> +5; baseline 110.
        // Actual 95 in the event -> delivered 15 per slot, 60 over the four slots.
        var levels = new Dictionary<DateOnly, double> { [D(7, 8)] = 100, [D(7, 7)] = 120, [D(7, 4)] = 80, [D(7, 3)] = 110, [D(7, 2)] = 90 };
        var meter = Build(First, Last, (d, t) =>
            d == D(7, 9) ? (InAdjustmentHours(t) ? 115 : InEventHours(t) ? 95 : 100)
            : d == D(7, 7) && InAdjustmentHours(t) ? 140
            : Flat(d, levels));

        var r = DrBaseline.Compute(meter, WednesdayEvent, Holiday);

        Assert.True(r.IsComputable, r.Reason);
        Assert.Equal(BaselineDayKind.Weekday, r.DayKind);
        Assert.Equal([D(7, 8), D(7, 7), D(7, 4), D(7, 3), D(7, 2)], r.PoolDays);
        Assert.Equal([D(7, 7), D(7, 3), D(7, 8), D(7, 2)], r.UsedDays);
        Assert.Equal(5, r.Adjustment.KilowattHours, 9);
        Assert.Equal(4, r.Slots.Count);
        Assert.All(r.Slots, s => Assert.Equal(110, s.Baseline.KilowattHours, 9));
        Assert.All(r.Slots, s => Assert.Equal(15, s.Delivered.KilowattHours, 9));
        Assert.Equal(60, r.TotalDelivered.KilowattHours, 9);
        Assert.Equal(At(7, 9, 13), r.Slots[0].Start);
        Assert.Equal(At(7, 9, 14, 30), r.Slots[^1].Start);
    }

    [Fact]
    public void YearEnd_Dec29ToJan3_CountAsHolidays_ForTheEventDayAndThePools()
    {
        var meter = Build(new DateOnly(2025, 11, 20), new DateOnly(2026, 1, 6), (_, _) => 100);
        static bool NewYearsDay(DateOnly d) => d == new DateOnly(2026, 1, 1);

        // Tuesday 2025-12-30 is a year-end day: weekend/holiday kind, pool Mon 12-29 (year-end), Sun 12-28, Sat 12-27.
        var dec30 = new TimeWindow(At(12, 30, 13), At(12, 30, 14));
        var r = DrBaseline.Compute(meter, dec30, NewYearsDay);
        Assert.Equal(BaselineDayKind.WeekendOrHoliday, r.DayKind);
        Assert.Equal([D(12, 29), D(12, 28), D(12, 27)], r.PoolDays);

        // Without the rule it is a weekday, and Monday 12-29 joins the weekday pool.
        var plain = DrBaseline.Compute(meter, dec30, NewYearsDay, rules: BaselineRules.Erab with { YearEndHolidays = false });
        Assert.Equal(BaselineDayKind.Weekday, plain.DayKind);
        Assert.Equal([D(12, 29), D(12, 26), D(12, 25), D(12, 24), D(12, 23)], plain.PoolDays);

        // Monday 2026-01-05: the weekday pool skips Fri 01-02 and Mon-Wed 12-29..31 and reaches back to 12-22.
        var jan5 = new TimeWindow(new DateTimeOffset(2026, 1, 5, 13, 0, 0, MeterBuilder.Jst), new DateTimeOffset(2026, 1, 5, 14, 0, 0, MeterBuilder.Jst));
        var after = DrBaseline.Compute(meter, jan5, NewYearsDay);
        Assert.Equal(BaselineDayKind.Weekday, after.DayKind);
        Assert.Equal([D(12, 26), D(12, 25), D(12, 24), D(12, 23), D(12, 22)], after.PoolDays);
    }

    [Fact]
    public void Weekday_BaselineFollowsTheUsedDaysSlotBySlot()
    {
        // The four used days read 100 + 10*k in event slot k (k = 0..3); the fifth is lowest; no adjustment.
        var meter = Build(First, Last, (d, t) =>
        {
            var baseValue = d == D(7, 2) ? 50.0 : Flat(d, new Dictionary<DateOnly, double>())!.Value;
            return InEventHours(t) && d != D(7, 9) ? baseValue + (10 * ((t.Hour - 13) * 2 + (t.Minute / 30))) : baseValue;
        });

        var r = DrBaseline.Compute(meter, WednesdayEvent, Holiday, rules: NoAdjustment);

        Assert.True(r.IsComputable, r.Reason);
        Assert.DoesNotContain(D(7, 2), r.UsedDays);
        Assert.Equal([100.0, 110, 120, 130], r.Slots.Select(s => Math.Round(s.Baseline.KilowattHours, 9)));
        Assert.Equal([0.0, 10, 20, 30], r.Slots.Select(s => Math.Round(s.Delivered.KilowattHours, 9)));
    }

    [Fact]
    public void Weekday_DaysBelowAQuarterOfThePoolMean_AreLeftOut()
    {
        // Pool 100, 120, 5, 10, 90: mean 65, a quarter 16.25 -> 5 and 10 are left out; the baseline averages the
        // remaining three: (120 + 100 + 90) / 3 = 103.333 (High 4 of 5 alone would give (120+100+90+10)/4 = 80).
        var levels = new Dictionary<DateOnly, double> { [D(7, 8)] = 100, [D(7, 7)] = 120, [D(7, 4)] = 5, [D(7, 3)] = 10, [D(7, 2)] = 90 };
        var meter = Build(First, Last, (d, t) => Flat(d, levels));

        var r = DrBaseline.Compute(meter, WednesdayEvent, Holiday, rules: NoAdjustment);

        Assert.True(r.IsComputable, r.Reason);
        Assert.Equal([D(7, 4), D(7, 3)], r.LowDays);
        Assert.Equal([D(7, 7), D(7, 8), D(7, 2)], r.UsedDays);
        Assert.All(r.Slots, s => Assert.Equal(310.0 / 3, s.Baseline.KilowattHours, 9));
    }

    [Fact]
    public void Holiday_High2Of3OverWeekendsAndHolidays_MatchesHandComputation()
    {
        // Marine Day (Mon 07-21): pool Sun 07-20 300, Sat 07-19 200, Sun 07-13 260 -> High 2: (300 + 260) / 2 = 280.
        // Adjustment: event day 290 in 9-12 against the profile 280 -> +10; baseline 290; actual 250 -> delivered 40.
        var levels = new Dictionary<DateOnly, double> { [D(7, 20)] = 300, [D(7, 19)] = 200, [D(7, 13)] = 260, [D(7, 12)] = 1000 };
        var meter = Build(First, Last, (d, t) =>
            d == MarineDay ? (InAdjustmentHours(t) ? 290 : InEventHours(t) ? 250 : 280) : Flat(d, levels));

        var r = DrBaseline.Compute(meter, new TimeWindow(At(7, 21, 13), At(7, 21, 15)), Holiday);

        Assert.True(r.IsComputable, r.Reason);
        Assert.Equal(BaselineDayKind.WeekendOrHoliday, r.DayKind);
        Assert.Equal([D(7, 20), D(7, 19), D(7, 13)], r.PoolDays);
        Assert.Equal([D(7, 20), D(7, 13)], r.UsedDays);
        Assert.Equal(10, r.Adjustment.KilowattHours, 9);
        Assert.All(r.Slots, s => Assert.Equal(290, s.Baseline.KilowattHours, 9));
        Assert.Equal(160, r.TotalDelivered.KilowattHours, 9);
    }

    [Fact]
    public void Weekday_AfterAHoliday_PoolSkipsTheHoliday()
    {
        var meter = Build(First, Last, (d, t) => Flat(d, new Dictionary<DateOnly, double>()));

        var r = DrBaseline.Compute(meter, new TimeWindow(At(7, 22, 13), At(7, 22, 15)), Holiday);

        Assert.True(r.IsComputable, r.Reason);
        Assert.Equal([D(7, 18), D(7, 17), D(7, 16), D(7, 15), D(7, 14)], r.PoolDays);
        Assert.All(r.Slots, s => Assert.Equal(100, s.Baseline.KilowattHours, 9));
    }

    [Fact]
    public void EarlierEventDays_NeverEnterThePool()
    {
        var meter = Build(First, Last, (d, t) => Flat(d, new Dictionary<DateOnly, double>()));

        var r = DrBaseline.Compute(meter, WednesdayEvent, Holiday, new HashSet<DateOnly> { D(7, 7) });

        Assert.Equal([D(7, 8), D(7, 4), D(7, 3), D(7, 2), D(7, 1)], r.PoolDays);
    }

    [Fact]
    public void GapInAPoolDaysEventHours_MakesTheBaselineNotComputable_NeverZero()
    {
        var meter = Build(First, Last, (d, t) => d == D(7, 3) && t == new TimeOnly(14, 0) ? null : Flat(d, new Dictionary<DateOnly, double>()));

        var r = DrBaseline.Compute(meter, WednesdayEvent, Holiday);

        Assert.False(r.IsComputable);
        Assert.Contains("2025-07-03T14:00:00+09:00", r.Reason, StringComparison.Ordinal);
        Assert.Contains("2025-07-03", r.Reason, StringComparison.Ordinal);
        Assert.Empty(r.Slots);
    }

    [Fact]
    public void GapInTheSameDayAdjustmentHours_MakesTheBaselineNotComputable()
    {
        var meter = Build(First, Last, (d, t) => d == D(7, 9) && t == new TimeOnly(10, 30) ? null : Flat(d, new Dictionary<DateOnly, double>()));

        var r = DrBaseline.Compute(meter, WednesdayEvent, Holiday);

        Assert.False(r.IsComputable);
        Assert.Contains("adjustment", r.Reason, StringComparison.Ordinal);
        Assert.Contains("2025-07-09T10:30:00+09:00", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void GapOutsideTheDaysTheBaselineReads_DoesNotMatter()
    {
        var meter = Build(First, Last, (d, t) => d == D(6, 30) ? null : Flat(d, new Dictionary<DateOnly, double>()));

        var r = DrBaseline.Compute(meter, WednesdayEvent, Holiday);

        Assert.True(r.IsComputable, r.Reason);
        Assert.Single(meter.Gaps);
    }

    [Fact]
    public void MeterTooShortForThePool_IsNotComputable()
    {
        var meter = Build(D(7, 6), Last, (d, t) => Flat(d, new Dictionary<DateOnly, double>()));

        var r = DrBaseline.Compute(meter, WednesdayEvent, Holiday);

        Assert.False(r.IsComputable);
        Assert.Contains("no reading", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PoolLongerThanTheLookback_IsNotComputable()
    {
        var meter = Build(First, Last, (d, t) => Flat(d, new Dictionary<DateOnly, double>()));
        var excluded = Enumerable.Range(1, 30).Select(i => D(7, 9).AddDays(-i)).Where(d => d.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday).Skip(3).ToHashSet();

        var r = DrBaseline.Compute(meter, WednesdayEvent, Holiday, excluded);

        Assert.False(r.IsComputable);
        Assert.Contains("only 3 of the 5 weekdays", r.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(7, 9, 23, 0, 7, 10, 1, 0)]
    [InlineData(7, 9, 13, 15, 7, 9, 15, 0)]
    public void Event_SpanningTwoDaysOrOffTheSlotGrid_IsRejected(int m1, int d1, int h1, int min1, int m2, int d2, int h2, int min2)
    {
        var meter = Build(First, Last, (d, t) => 100);

        Assert.Throws<ArgumentException>(() => DrBaseline.Compute(meter, new TimeWindow(At(m1, d1, h1, min1), At(m2, d2, h2, min2)), Holiday));
    }
}
