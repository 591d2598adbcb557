namespace WattBit.Time;

/// <summary>Japan Standard Time (UTC+9, no daylight saving): the clock of hours of day in Japanese grid rules.</summary>
public static class Jst
{
    /// <summary>The offset of JST from UTC: +9 hours.</summary>
    public static TimeSpan Offset { get; } = TimeSpan.FromHours(9);

    /// <summary>The JST hour of day (0-23) of an instant.</summary>
    public static int HourOfDay(DateTimeOffset instant) => instant.ToOffset(Offset).Hour;
}
