using System.Runtime.CompilerServices;
using WattBit.Forecasting.Calendar;
using WattBit.Time;

namespace WattBit.Forecasting;

/// <summary>
/// A request laid out for the models: the known values (index &lt; <see cref="Origin"/>), and for every index up to the
/// end of the horizon its slot of the day and day type in Japan Standard Time, and the exogenous values.
/// </summary>
internal sealed class SeriesView
{
    private static readonly ConditionalWeakTable<TimeSeries, CalendarColumns> CalendarCache = [];

    private SeriesView(double[] y, int origin, int steps, int slotsPerDay, CalendarColumns calendar, int calendarOffset, double[][] exogenous)
    {
        Y = y;
        Origin = origin;
        Steps = steps;
        SlotsPerDay = slotsPerDay;
        _calendar = calendar;
        _calendarOffset = calendarOffset;
        Exogenous = exogenous;
    }

    private readonly CalendarColumns _calendar;
    private readonly int _calendarOffset;

    /// <summary>Values by index; only indexes below <see cref="Origin"/> are ever read (later ones are NaN).</summary>
    public double[] Y { get; }

    /// <summary>The index of the first forecast step.</summary>
    public int Origin { get; }

    /// <summary>The number of steps to forecast.</summary>
    public int Steps { get; }

    /// <summary>Steps per day (48 for 30-min data).</summary>
    public int SlotsPerDay { get; }

    /// <summary>Exogenous values [series][index] for indexes up to Origin + Steps (NaN where missing).</summary>
    public double[][] Exogenous { get; }

    public DayType DayTypeAt(int index) => _calendar.DayTypes[(index + _calendarOffset) / SlotsPerDay];

    public SpecialPeriod PeriodAt(int index) => _calendar.Periods[(index + _calendarOffset) / SlotsPerDay];

    /// <summary>The known value at an index, NaN when unknown, missing or before the series.</summary>
    public double Known(int index) => index >= 0 && index < Origin ? Y[index] : double.NaN;

    public static SeriesView Create(ForecastRequest request)
    {
        var h = request.History;
        var stepTicks = h.Step.Ticks;
        if (TimeSpan.TicksPerDay % stepTicks != 0)
        {
            throw new ArgumentException($"{h.Name}: a step of {TimeSeries.FormatStep(h.Step)} does not divide a day; resample to 30 min or 1 h first.");
        }

        var slotsPerDay = (int)(TimeSpan.TicksPerDay / stepTicks);
        var originIndex = (int)((request.Origin - h.Start).Ticks / stepTicks);
        if (originIndex <= 0)
        {
            throw new InsufficientHistoryException($"{h.Name}: no history before the origin {WattBit.Formats.Iso8601.Format(request.Origin)}.");
        }

        var total = originIndex + request.Steps;
        var y = new double[total];
        var known = Math.Min(originIndex, h.Count);
        h.Values[..known].CopyTo(y);
        Array.Fill(y, double.NaN, known, total - known);

        var calendar = CalendarCache.GetValue(h, s => new CalendarColumns(s.Start));
        // Index 0 of the series sits this many slots after the start of its JST day.
        var offset = (int)((h.Start.ToOffset(Jst.Offset).TimeOfDay.Ticks) / stepTicks);
        calendar.EnsureDays(((total + offset) / slotsPerDay) + 1);

        var exogenous = new double[request.Exogenous.Count][];
        for (var e = 0; e < exogenous.Length; e++)
        {
            var x = request.Exogenous[e];
            var column = new double[total];
            Array.Fill(column, double.NaN);
            var shift = (int)((x.Start - h.Start).Ticks / stepTicks);
            for (var i = Math.Max(0, shift); i < total && i - shift < x.Count; i++)
            {
                column[i] = x[i - shift];
            }

            exogenous[e] = column;
        }

        return new SeriesView(y, originIndex, request.Steps, slotsPerDay, calendar, offset, exogenous);
    }

    /// <summary>Day types and periods per JST day from the series' first day, grown on demand; thread-safe.</summary>
    private sealed class CalendarColumns(DateTimeOffset start)
    {
        private readonly DateOnly _firstDay = DateOnly.FromDateTime(start.ToOffset(Jst.Offset).DateTime);
        private readonly Lock _lock = new();

        public DayType[] DayTypes { get; private set; } = [];

        public SpecialPeriod[] Periods { get; private set; } = [];

        public void EnsureDays(int days)
        {
            lock (_lock)
            {
                if (DayTypes.Length >= days)
                {
                    return;
                }

                var types = new DayType[days];
                var periods = new SpecialPeriod[days];
                for (var d = 0; d < days; d++)
                {
                    var date = _firstDay.AddDays(d);
                    types[d] = JapaneseCalendar.DayTypeOf(date);
                    periods[d] = JapaneseCalendar.PeriodOf(date);
                }

                Periods = periods;
                DayTypes = types;
            }
        }
    }
}
