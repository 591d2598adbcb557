using WattBit.Forecasting.Calendar;

namespace WattBit.Forecasting.Tests;

public sealed class JapaneseCalendarTests
{
    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    [Fact]
    public void Holidays_2025_MatchCabinetOfficeList()
    {
        // 内閣府「令和7年（2025年）の国民の祝日・休日」.
        DateOnly[] official =
        [
            D(2025, 1, 1), D(2025, 1, 13), D(2025, 2, 11), D(2025, 2, 23), D(2025, 2, 24), D(2025, 3, 20), D(2025, 4, 29),
            D(2025, 5, 3), D(2025, 5, 4), D(2025, 5, 5), D(2025, 5, 6), D(2025, 7, 21), D(2025, 8, 11), D(2025, 9, 15),
            D(2025, 9, 23), D(2025, 10, 13), D(2025, 11, 3), D(2025, 11, 23), D(2025, 11, 24),
        ];
        Assert.Equal(official, JapaneseCalendar.Holidays(2025).Keys);
        Assert.Equal("振替休日", JapaneseCalendar.HolidayName(D(2025, 5, 6)));
        Assert.Equal("春分の日", JapaneseCalendar.HolidayName(D(2025, 3, 20)));
    }

    [Fact]
    public void Holidays_2026_IncludeSilverWeekCitizensHoliday()
    {
        // 2026: 敬老の日 21 Sep, 秋分の日 23 Sep, so 22 Sep is a 国民の休日; 3 May is a Sunday, so 6 May is a substitute.
        Assert.Equal("国民の休日", JapaneseCalendar.HolidayName(D(2026, 9, 22)));
        Assert.Equal("振替休日", JapaneseCalendar.HolidayName(D(2026, 5, 6)));
        Assert.Equal(D(2026, 3, 20), JapaneseCalendar.VernalEquinox(2026));
        Assert.Equal(D(2026, 9, 23), JapaneseCalendar.AutumnalEquinox(2026));
    }

    [Theory]
    [InlineData(2024, 20, 22)]
    [InlineData(2012, 20, 22)]
    [InlineData(2016, 20, 22)]
    [InlineData(2030, 20, 23)]
    public void Equinoxes_MatchAnnouncedDays(int year, int vernal, int autumnal)
    {
        Assert.Equal(D(year, 3, vernal), JapaneseCalendar.VernalEquinox(year));
        Assert.Equal(D(year, 9, autumnal), JapaneseCalendar.AutumnalEquinox(year));
    }

    [Fact]
    public void Holidays_OneOffChangesOf2019To2021()
    {
        Assert.True(JapaneseCalendar.IsHoliday(D(2019, 4, 30)));
        Assert.Equal("天皇の即位の日", JapaneseCalendar.HolidayName(D(2019, 5, 1)));
        Assert.True(JapaneseCalendar.IsHoliday(D(2019, 5, 2)));
        Assert.True(JapaneseCalendar.IsHoliday(D(2019, 10, 22)));
        Assert.False(JapaneseCalendar.IsHoliday(D(2019, 12, 23)));
        Assert.Equal("スポーツの日", JapaneseCalendar.HolidayName(D(2020, 7, 24)));
        Assert.Equal("振替休日", JapaneseCalendar.HolidayName(D(2021, 8, 9)));
        Assert.False(JapaneseCalendar.IsHoliday(D(2021, 10, 11)));
    }

    [Fact]
    public void DayType_ObonAndGoldenWeekWeekdaysAreSaturdayLike_YearEndIsHoliday()
    {
        Assert.Equal(DayType.Saturday, JapaneseCalendar.DayTypeOf(D(2025, 8, 14)));   // Thursday in Obon
        Assert.Equal(SpecialPeriod.Obon, JapaneseCalendar.PeriodOf(D(2025, 8, 14)));
        Assert.Equal(DayType.Saturday, JapaneseCalendar.DayTypeOf(D(2025, 5, 1)));    // Thursday in Golden Week
        Assert.Equal(DayType.SundayOrHoliday, JapaneseCalendar.DayTypeOf(D(2025, 5, 5)));
        Assert.Equal(DayType.SundayOrHoliday, JapaneseCalendar.DayTypeOf(D(2025, 12, 30)));
        Assert.Equal(DayType.SundayOrHoliday, JapaneseCalendar.DayTypeOf(D(2025, 11, 24))); // substitute holiday Monday
        Assert.Equal(DayType.Weekday, JapaneseCalendar.DayTypeOf(D(2025, 11, 25)));
        Assert.Equal(DayType.Saturday, JapaneseCalendar.DayTypeOf(D(2025, 11, 29)));
        Assert.Equal(SpecialPeriod.None, JapaneseCalendar.PeriodOf(D(2025, 8, 17)));
    }

    [Fact]
    public void Holidays_YearOutsideRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JapaneseCalendar.Holidays(1999));
        Assert.Throws<ArgumentOutOfRangeException>(() => JapaneseCalendar.IsHoliday(D(2100, 1, 1)));
    }
}
