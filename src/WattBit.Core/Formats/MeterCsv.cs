using System.Globalization;
using WattBit.Time;

namespace WattBit.Formats;

/// <summary>
/// Metered consumption read from a file of formats.md section 9: one 30-minute slot per value, the energy drawn
/// from the grid in kWh. Slots the file does not have are missing (NaN in <see cref="Series"/>) and listed in
/// <see cref="Gaps"/>; nothing is ever filled with a zero. Immutable and thread-safe.
/// </summary>
/// <param name="Source">The file path or description the readings came from, for messages.</param>
/// <param name="Series">Every slot from the first to the last reading, in kWh per 30-minute slot; NaN where missing.</param>
/// <param name="Gaps">The runs of missing slots, in time order (empty when the file is complete).</param>
public sealed record MeterReadings(string Source, TimeSeries Series, IReadOnlyList<TimeWindow> Gaps)
{
    /// <summary>The first gap that overlaps <paramref name="window"/>, or null when the readings cover it completely.</summary>
    public TimeWindow? FirstGapIn(TimeWindow window)
    {
        foreach (var gap in Gaps)
        {
            if (gap.Overlaps(window))
            {
                return gap;
            }
        }

        return null;
    }
}

/// <summary>
/// Reads the meter format of formats.md section 9: <c>timestamp,kwh</c>, one row per 30-minute slot (the slot's
/// start with an offset). Rows may come in any order. A duplicate slot, a timestamp off the 30-minute grid, a bad or
/// negative number is an error naming the line and column; an empty <c>kwh</c> and a slot with no row are gaps.
/// </summary>
public static class MeterCsv
{
    /// <summary>The slot length of metered data in Japan (a 30-minute コマ).</summary>
    public static TimeSpan Slot { get; } = TimeSpan.FromMinutes(30);

    /// <summary>Reads a meter file.</summary>
    /// <exception cref="InputFormatException">The file is malformed (see the type's summary).</exception>
    public static MeterReadings ReadFile(string path) => Read(CsvTable.ReadFile(path));

    /// <summary>Reads meter CSV text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">The text is malformed (see the type's summary).</exception>
    public static MeterReadings Parse(string text, string source) => Read(CsvTable.Parse(text, source));

    private static MeterReadings Read(CsvTable table)
    {
        int cTime = table.Require("timestamp"), cKwh = table.Require("kwh");
        var rows = new List<(DateTimeOffset Time, double Kwh, CsvRow Row)>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var timeText = table.Field(row, cTime);
            if (!Iso8601.TryParse(timeText, out var time, out var reason))
            {
                throw table.Error(row, cTime, reason + ".");
            }

            if (time.UtcTicks % Slot.Ticks != 0)
            {
                throw table.Error(row, cTime, $"{timeText} is not the start of a 30-minute slot (:00 or :30).");
            }

            var kwhText = table.Field(row, cKwh);
            double kwh;
            if (kwhText.Length == 0)
            {
                kwh = double.NaN;
            }
            else if (!double.TryParse(kwhText, NumberStyles.Float, CultureInfo.InvariantCulture, out kwh) || !double.IsFinite(kwh))
            {
                throw table.Error(row, cKwh, $"kwh '{kwhText}' is not a number.");
            }
            else if (kwh < 0)
            {
                throw table.Error(row, cKwh, $"kwh {kwhText} is negative; a meter file holds the energy drawn from the grid.");
            }

            rows.Add((time, kwh, row));
        }

        if (rows.Count == 0)
        {
            throw new InputFormatException(table.Source, 0, 0, "the meter file has no rows.");
        }

        rows.Sort((a, b) => a.Time.CompareTo(b.Time) is var c && c != 0 ? c : a.Row.Line.CompareTo(b.Row.Line));
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].Time == rows[i - 1].Time)
            {
                throw table.Error(rows[i].Row, cTime,
                    $"duplicate slot: {Iso8601.Format(rows[i].Time)} is already on line {rows[i - 1].Row.Line}.");
            }
        }

        return FromSlots(table.Source, [.. rows.Select(r => (r.Time, r.Kwh))]);
    }

    /// <summary>
    /// Readings from slots already checked: each slot's start on the 30-minute grid, in time order, no slot twice; NaN
    /// for a slot whose value is missing. Slots between two given ones are gaps.
    /// </summary>
    /// <param name="source">Names the readings in messages.</param>
    /// <param name="slots">The slots, ascending.</param>
    /// <exception cref="ArgumentException">No slots, a slot off the grid, or slots not strictly ascending.</exception>
    public static MeterReadings FromSlots(string source, IReadOnlyList<(DateTimeOffset Start, double Kwh)> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (slots.Count == 0)
        {
            throw new ArgumentException($"{source}: no meter slots.", nameof(slots));
        }

        for (var i = 0; i < slots.Count; i++)
        {
            if (slots[i].Start.UtcTicks % Slot.Ticks != 0 || (i > 0 && slots[i].Start <= slots[i - 1].Start))
            {
                throw new ArgumentException($"{source}: slot {Iso8601.Format(slots[i].Start)} is off the 30-minute grid or out of order.", nameof(slots));
            }
        }

        var start = slots[0].Start;
        var count = (int)((slots[^1].Start - start).Ticks / Slot.Ticks) + 1;
        var values = new double[count];
        Array.Fill(values, double.NaN);
        foreach (var (time, kwh) in slots)
        {
            values[(int)((time - start).Ticks / Slot.Ticks)] = kwh;
        }

        var gaps = new List<TimeWindow>();
        for (var i = 0; i < count; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                continue;
            }

            var j = i;
            while (j + 1 < count && double.IsNaN(values[j + 1]))
            {
                j++;
            }

            gaps.Add(new TimeWindow(start + (Slot * i), start + (Slot * (j + 1))));
            i = j;
        }

        var series = TimeSeries.Wrap(start, Slot, values, SeriesUnit.KilowattHours, source);
        return new MeterReadings(source, series, gaps);
    }
}
