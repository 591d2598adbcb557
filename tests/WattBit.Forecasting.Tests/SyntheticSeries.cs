using WattBit.Forecasting.Calendar;
using WattBit.Time;

namespace WattBit.Forecasting.Tests;

/// <summary>Deterministic demand-like and solar-like series with a known structure, for model tests.</summary>
internal static class SyntheticSeries
{
    public static readonly TimeSpan Jst = WattBit.Time.Jst.Offset;
    public static readonly DateTimeOffset Start = new(2025, 4, 1, 0, 0, 0, Jst);
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Demand = daily shape × day-type factor (weekday 1, Saturday-like 0.85, Sunday/holiday 0.75) + a slowly wandering
    /// level + weather (temperature departure × 800 MW/°C) + noise. Returns the series and the temperature departure.
    /// </summary>
    public static (TimeSeries Demand, TimeSeries Temperature) Demand(int days, int seed = 7)
    {
        var rng = new Random(seed);
        var n = days * 48;
        var y = new double[n];
        var temp = new double[n];
        double level = 0, weather = 0;
        for (var i = 0; i < n; i++)
        {
            var t = Start + (Step * i);
            var date = DateOnly.FromDateTime(t.DateTime);
            var factor = JapaneseCalendar.DayTypeOf(date) switch
            {
                DayType.Weekday => 1.0,
                DayType.Saturday => 0.85,
                _ => 0.75,
            };
            var hour = t.TimeOfDay.TotalHours;
            var shape = 28_000 + (7_000 * Math.Exp(-Math.Pow((hour - 14) / 4.0, 2))) + (3_000 * Math.Exp(-Math.Pow((hour - 19) / 2.0, 2)));
            if (i % 48 == 0)
            {
                weather = (0.6 * weather) + (rng.NextDouble() * 6) - 3;
            }

            level += (rng.NextDouble() - 0.5) * 20;
            temp[i] = weather;
            y[i] = (shape * factor) + level + (800 * weather) + ((rng.NextDouble() - 0.5) * 400);
        }

        return (new TimeSeries(Start, Step, y, SeriesUnit.Megawatts, "TK/demand"), new TimeSeries(Start, Step, temp, SeriesUnit.PerUnit, "temperature"));
    }

    /// <summary>Solar-like: zero at night, a bell by day scaled by a random daily cloudiness.</summary>
    public static TimeSeries Solar(int days, int seed = 11)
    {
        var rng = new Random(seed);
        var y = new double[days * 48];
        double sky = 1;
        for (var i = 0; i < y.Length; i++)
        {
            if (i % 48 == 0)
            {
                sky = 0.3 + (0.7 * rng.NextDouble());
            }

            var hour = (i % 48) / 2.0;
            y[i] = hour is > 6 and < 18 ? 10_000 * sky * Math.Sin(Math.PI * (hour - 6) / 12) : 0;
        }

        return new TimeSeries(Start, Step, y, SeriesUnit.Megawatts, "TK/solar");
    }

    /// <summary>Curtailment-like: zero on most days; on a random quarter of days a midday block that often repeats the next day.</summary>
    public static TimeSeries Curtailment(int days, int seed = 5)
    {
        var rng = new Random(seed);
        var y = new double[days * 48];
        var active = false;
        for (var d = 0; d < days; d++)
        {
            active = active ? rng.NextDouble() < 0.6 : rng.NextDouble() < 0.15;
            var size = 200 + (800 * rng.NextDouble());
            for (var h = 20; active && h < 30; h++)
            {
                y[(d * 48) + h] = size * Math.Sin(Math.PI * (h - 19) / 11);
            }
        }

        return new TimeSeries(Start, Step, y, SeriesUnit.Megawatts, "KY/curtailment");
    }
}
