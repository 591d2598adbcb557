using System.Globalization;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Formats;

/// <summary>
/// Reads and writes the signal format of formats.md section 5: <c>timestamp,location,value</c>, long form, one row per
/// location and step. Rows may come in any order; every location must have the same start, step and length; an
/// empty value is a missing value (NaN), never a zero.
/// </summary>
public static class SignalCsv
{
    /// <summary>Reads a signal file.</summary>
    /// <exception cref="InputFormatException">The file is malformed: a missing column, a bad timestamp or number, a duplicate slot, mixed steps or gaps, or locations on different grids.</exception>
    public static SignalSet ReadFile(string path, SignalKind kind) => Read(CsvTable.ReadFile(path), kind);

    /// <summary>Reads signal CSV text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">The text is malformed (see <see cref="ReadFile"/>).</exception>
    public static SignalSet Parse(string text, string source, SignalKind kind) => Read(CsvTable.Parse(text, source), kind);

    /// <summary>The unit of a signal kind's values.</summary>
    public static SeriesUnit UnitOf(SignalKind kind) => kind switch
    {
        SignalKind.Carbon => SeriesUnit.GramsPerKilowattHour,
        SignalKind.Price => SeriesUnit.YenPerKilowattHour,
        SignalKind.Headroom => SeriesUnit.Megawatts,
        SignalKind.Curtailment => SeriesUnit.MegawattHours,
        SignalKind.Other => SeriesUnit.PerUnit,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown signal kind."),
    };

    private static SignalSet Read(CsvTable table, SignalKind kind)
    {
        int cTime = table.Require("timestamp"), cLoc = table.Require("location"), cValue = table.Require("value");
        var byLocation = new Dictionary<string, List<(DateTimeOffset Time, double Value, CsvRow Row)>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in table.Rows)
        {
            var timeText = table.Field(row, cTime);
            if (!Iso8601.TryParse(timeText, out var time, out var reason))
            {
                throw table.Error(row, cTime, reason + ".");
            }

            var location = table.Field(row, cLoc);
            if (location.Length == 0)
            {
                throw table.Error(row, cLoc, "location is empty.");
            }

            var valueText = table.Field(row, cValue);
            double value;
            if (valueText.Length == 0)
            {
                value = double.NaN;
            }
            else if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
            {
                throw table.Error(row, cValue, $"value '{valueText}' is not a number.");
            }
            else if (value < 0 && kind is SignalKind.Carbon or SignalKind.Curtailment)
            {
                throw table.Error(row, cValue, $"value {valueText} is negative; a {(kind == SignalKind.Carbon ? "carbon intensity" : "curtailment")} cannot be.");
            }

            if (!byLocation.TryGetValue(location, out var list))
            {
                list = [];
                byLocation[location] = list;
                order.Add(location);
            }

            list.Add((time, value, row));
        }

        if (order.Count == 0)
        {
            throw new InputFormatException(table.Source, 0, 0, "the signal has no rows.");
        }

        TimeSpan? step = null;
        foreach (var location in order)
        {
            var list = byLocation[location];
            list.Sort((a, b) => a.Time.CompareTo(b.Time) is var c && c != 0 ? c : a.Row.Line.CompareTo(b.Row.Line));
            for (var i = 1; i < list.Count; i++)
            {
                var gap = list[i].Time - list[i - 1].Time;
                if (gap == TimeSpan.Zero)
                {
                    throw table.Error(list[i].Row, cTime,
                        $"duplicate slot: location '{location}' already has {Iso8601.Format(list[i].Time)} on line {list[i - 1].Row.Line}.");
                }

                if (step is null)
                {
                    step = gap;
                }
                else if (gap != step)
                {
                    var what = gap > step && gap.Ticks % step.Value.Ticks == 0 ? "a gap" : "mixed steps";
                    throw table.Error(list[i].Row, cTime,
                        $"{what}: location '{location}' goes from {Iso8601.Format(list[i - 1].Time)} (line {list[i - 1].Row.Line}) to {Iso8601.Format(list[i].Time)}, {TimeSeries.FormatStep(gap)}, but the signal's step is {TimeSeries.FormatStep(step.Value)}.");
                }
            }
        }

        if (step is null)
        {
            throw new InputFormatException(table.Source, 0, 0, "cannot tell the signal's step: every location has a single row.");
        }

        if (step.Value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new InputFormatException(table.Source, 0, 0, $"the signal's step {step.Value} is not a whole number of seconds.");
        }

        var first = byLocation[order[0]];
        var series = new List<KeyValuePair<string, TimeSeries>>(order.Count);
        foreach (var location in order)
        {
            var list = byLocation[location];
            if (list[0].Time != first[0].Time || list.Count != first.Count)
            {
                throw table.Error(list[0].Row, cTime,
                    $"location '{location}' covers {Iso8601.Format(list[0].Time)} .. {Iso8601.Format(list[^1].Time)} ({list.Count} steps) but '{order[0]}' covers {Iso8601.Format(first[0].Time)} .. {Iso8601.Format(first[^1].Time)} ({first.Count} steps); every location needs the same period.");
            }

            var values = new double[list.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = list[i].Value;
            }

            series.Add(new(location, TimeSeries.Wrap(first[0].Time, step.Value, values, UnitOf(kind), location)));
        }

        return new SignalSet(kind, series);
    }

    /// <summary>Writes a signal in the long form, time-major (every location for one step, then the next step); missing values are empty cells.</summary>
    public static void Write(TextWriter writer, SignalSet signal, TimeSpan? offset = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(signal);
        writer.WriteLine("timestamp,location,value");
        for (var i = 0; i < signal.Count; i++)
        {
            var t = signal.Start + (signal.Step * i);
            var stamp = Iso8601.Format(offset is { } o ? t.ToOffset(o) : t);
            foreach (var location in signal.Locations)
            {
                var v = signal[location][i];
                writer.Write(stamp);
                writer.Write(',');
                writer.Write(Csv.Escape(location));
                writer.Write(',');
                writer.WriteLine(double.IsNaN(v) ? string.Empty : v.ToString("R", CultureInfo.InvariantCulture));
            }
        }
    }
}
