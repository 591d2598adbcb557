using System.Globalization;
using System.Text;
using WattBit.Formats;

namespace WattBit.Planning.Tests.Flexibility;

/// <summary>Writes meter CSV text (formats.md section 9) for hand-computed baseline cases, in JST.</summary>
internal static class MeterBuilder
{
    public static readonly TimeSpan Jst = WattBit.Time.Jst.Offset;

    /// <summary>One row per 30-minute slot from <paramref name="first"/> to <paramref name="last"/> (whole days); null kWh leaves the slot out.</summary>
    public static MeterReadings Build(DateOnly first, DateOnly last, Func<DateOnly, TimeOnly, double?> kwh)
    {
        var sb = new StringBuilder("timestamp,kwh\n");
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            for (var i = 0; i < 48; i++)
            {
                var t = TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(30 * i));
                if (kwh(d, t) is { } v)
                {
                    var at = new DateTimeOffset(d.ToDateTime(t), Jst);
                    sb.Append(Iso8601.Format(at)).Append(',').Append(v.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        return MeterCsv.Parse(sb.ToString(), "m.csv");
    }

    public static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2025, month, day, hour, minute, 0, Jst);
}
