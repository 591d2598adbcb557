namespace WattBit.Forecasting.Calendar;

/// <summary>How a day behaves for electricity demand in Japan.</summary>
public enum DayType
{
    /// <summary>Monday to Friday, not a holiday nor a low-demand period.</summary>
    Weekday,

    /// <summary>Saturday, or a weekday inside Golden Week or Obon (most offices and factories close).</summary>
    Saturday,

    /// <summary>Sunday, a national holiday, or the year-end and New Year days (29 Dec - 3 Jan).</summary>
    SundayOrHoliday,
}

/// <summary>The periods in which Japanese demand departs from its weekly pattern, used as calendar features.</summary>
public enum SpecialPeriod
{
    /// <summary>An ordinary day.</summary>
    None,

    /// <summary>Golden Week: 29 April to 5 May.</summary>
    GoldenWeek,

    /// <summary>Obon: 13 to 16 August (not a national holiday, but many businesses close).</summary>
    Obon,

    /// <summary>Year end and New Year: 29 December to 3 January.</summary>
    YearEnd,
}

/// <summary>
/// Japanese national holidays (国民の祝日) computed from the Act on National Holidays, years 2000 to 2099: fixed-date
/// holidays, Happy Monday holidays, the vernal and autumnal equinox days (from the astronomical approximation the
/// Cabinet Office's announcements follow), substitute holidays (振替休日: a holiday on a Sunday moves to the next
/// non-holiday), citizens' holidays (国民の休日: a day between two holidays), and the one-off changes of 2019 (the
/// enthronement) and 2020-2021 (the Tokyo Olympics). Thread-safe.
/// </summary>
public static class JapaneseCalendar
{
    /// <summary>The first year supported.</summary>
    public const int FirstYear = 2000;

    /// <summary>The last year supported.</summary>
    public const int LastYear = 2099;

    private static readonly Dictionary<int, IReadOnlyDictionary<DateOnly, string>> Cache = [];
    private static readonly Lock CacheLock = new();

    /// <summary>The day of the vernal equinox (春分日) in March of <paramref name="year"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 2000-2099.</exception>
    public static DateOnly VernalEquinox(int year)
    {
        CheckYear(year);
        return new DateOnly(year, 3, (int)Math.Floor(20.8431 + (0.242194 * (year - 1980)) - Math.Floor((year - 1980) / 4.0)));
    }

    /// <summary>The day of the autumnal equinox (秋分日) in September of <paramref name="year"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 2000-2099.</exception>
    public static DateOnly AutumnalEquinox(int year)
    {
        CheckYear(year);
        return new DateOnly(year, 9, (int)Math.Floor(23.2488 + (0.242194 * (year - 1980)) - Math.Floor((year - 1980) / 4.0)));
    }

    /// <summary>Every holiday of a year with its Japanese name, in date order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 2000-2099.</exception>
    public static IReadOnlyDictionary<DateOnly, string> Holidays(int year)
    {
        CheckYear(year);
        lock (CacheLock)
        {
            if (!Cache.TryGetValue(year, out var holidays))
            {
                holidays = Compute(year);
                Cache[year] = holidays;
            }

            return holidays;
        }
    }

    /// <summary>True when <paramref name="date"/> is a national, substitute or citizens' holiday.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 2000-2099.</exception>
    public static bool IsHoliday(DateOnly date) => Holidays(date.Year).ContainsKey(date);

    /// <summary>The holiday's Japanese name, or null on an ordinary day.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 2000-2099.</exception>
    public static string? HolidayName(DateOnly date) => Holidays(date.Year).TryGetValue(date, out var name) ? name : null;

    /// <summary>The special period a day falls in (Golden Week, Obon, year end), or <see cref="SpecialPeriod.None"/>.</summary>
    public static SpecialPeriod PeriodOf(DateOnly date) => (date.Month, date.Day) switch
    {
        (4, >= 29) or (5, <= 5) => SpecialPeriod.GoldenWeek,
        (8, >= 13 and <= 16) => SpecialPeriod.Obon,
        (12, >= 29) or (1, <= 3) => SpecialPeriod.YearEnd,
        _ => SpecialPeriod.None,
    };

    /// <summary>
    /// The demand day type: Sundays, holidays and the year end are <see cref="DayType.SundayOrHoliday"/>; Saturdays and
    /// the weekdays of Golden Week and Obon are <see cref="DayType.Saturday"/>; every other day is a weekday.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The year is outside 2000-2099.</exception>
    public static DayType DayTypeOf(DateOnly date)
    {
        var period = PeriodOf(date);
        if (date.DayOfWeek == DayOfWeek.Sunday || IsHoliday(date) || period == SpecialPeriod.YearEnd)
        {
            return DayType.SundayOrHoliday;
        }

        return date.DayOfWeek == DayOfWeek.Saturday || period is SpecialPeriod.GoldenWeek or SpecialPeriod.Obon
            ? DayType.Saturday
            : DayType.Weekday;
    }

    private static void CheckYear(int year)
    {
        if (year is < FirstYear or > LastYear)
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, $"The Japanese holiday calendar covers {FirstYear}-{LastYear}.");
        }
    }

    private static DateOnly NthMonday(int year, int month, int n)
    {
        var first = new DateOnly(year, month, 1);
        var offset = ((int)DayOfWeek.Monday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(offset + (7 * (n - 1)));
    }

    private static SortedDictionary<DateOnly, string> Compute(int year)
    {
        var h = new SortedDictionary<DateOnly, string>();
        void Add(int month, int day, string name) => h[new DateOnly(year, month, day)] = name;
        void AddDate(DateOnly date, string name) => h[date] = name;

        Add(1, 1, "元日");
        AddDate(NthMonday(year, 1, 2), "成人の日");
        Add(2, 11, "建国記念の日");
        if (year >= 2020)
        {
            Add(2, 23, "天皇誕生日");
        }

        AddDate(VernalEquinox(year), "春分の日");
        Add(4, 29, year >= 2007 ? "昭和の日" : "みどりの日");
        Add(5, 3, "憲法記念日");
        if (year >= 2007)
        {
            Add(5, 4, "みどりの日");
        }

        Add(5, 5, "こどもの日");
        switch (year)
        {
            case 2020:
                Add(7, 23, "海の日");
                Add(7, 24, "スポーツの日");
                Add(8, 10, "山の日");
                break;
            case 2021:
                Add(7, 22, "海の日");
                Add(7, 23, "スポーツの日");
                Add(8, 8, "山の日");
                break;
            default:
                AddDate(year >= 2003 ? NthMonday(year, 7, 3) : new DateOnly(year, 7, 20), "海の日");
                if (year >= 2016)
                {
                    Add(8, 11, "山の日");
                }

                AddDate(NthMonday(year, 10, 2), year >= 2020 ? "スポーツの日" : "体育の日");
                break;
        }

        AddDate(year >= 2003 ? NthMonday(year, 9, 3) : new DateOnly(year, 9, 15), "敬老の日");
        AddDate(AutumnalEquinox(year), "秋分の日");
        Add(11, 3, "文化の日");
        Add(11, 23, "勤労感謝の日");
        if (year <= 2018)
        {
            Add(12, 23, "天皇誕生日");
        }

        if (year == 2019)
        {
            Add(5, 1, "天皇の即位の日");
            Add(10, 22, "即位礼正殿の儀の行われる日");
        }

        // Citizens' holiday: an ordinary day with a holiday on both sides (2019's 30 Apr and 2 May, September's "Silver Week").
        foreach (var day in h.Keys.ToList())
        {
            var between = day.AddDays(1);
            if (!h.ContainsKey(between) && h.ContainsKey(between.AddDays(1)) && between.DayOfWeek != DayOfWeek.Sunday)
            {
                h[between] = "国民の休日";
            }
        }

        // Substitute holiday: a holiday on a Sunday moves to the next day that is not a holiday.
        foreach (var (day, _) in h.Where(kv => kv.Key.DayOfWeek == DayOfWeek.Sunday).ToList())
        {
            var next = day.AddDays(1);
            while (h.ContainsKey(next))
            {
                next = next.AddDays(1);
            }

            if (next.Year == year)
            {
                h[next] = "振替休日";
            }
        }

        return h;
    }
}
