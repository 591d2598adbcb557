using System.Collections.Immutable;
using System.Globalization;
using WattBit.Formats;

namespace WattBit.Grid.TimeSeries;

/// <summary>
/// A profile file (formats.md §2): <c>timestamp,demand_scale,solar_pu</c>, one row per step (an hour or a half hour),
/// contiguous and strictly increasing. Immutable.
/// </summary>
public sealed class GridProfile
{
    /// <summary>Creates a profile; the arrays are copied.</summary>
    /// <exception cref="ArgumentException">Lengths differ, fewer than one step, a non-positive or uneven step, or a
    /// non-finite value.</exception>
    public GridProfile(IReadOnlyList<DateTimeOffset> timestamps, IReadOnlyList<double> demandScale, IReadOnlyList<double> solarPu)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(demandScale);
        ArgumentNullException.ThrowIfNull(solarPu);
        if (timestamps.Count == 0 || timestamps.Count != demandScale.Count || timestamps.Count != solarPu.Count)
        {
            throw new ArgumentException("a profile needs at least one step and equal numbers of timestamps, demand scales and solar values.", nameof(timestamps));
        }

        Step = timestamps.Count > 1 ? timestamps[1] - timestamps[0] : TimeSpan.FromHours(1);
        for (var i = 1; i < timestamps.Count; i++)
        {
            if (Step <= TimeSpan.Zero || timestamps[i] - timestamps[i - 1] != Step)
            {
                throw new ArgumentException($"profile step {i + 1} is not {Step} after the previous one: a gap or an uneven step.", nameof(timestamps));
            }
        }

        for (var i = 0; i < demandScale.Count; i++)
        {
            if (!double.IsFinite(demandScale[i]) || !double.IsFinite(solarPu[i]))
            {
                throw new ArgumentException($"profile step {i + 1} has a non-finite value.", nameof(demandScale));
            }
        }

        Timestamps = [.. timestamps];
        DemandScale = [.. demandScale];
        SolarPu = [.. solarPu];
    }

    /// <summary>Timestamps with their offsets, ascending, evenly spaced.</summary>
    public ImmutableArray<DateTimeOffset> Timestamps { get; }

    /// <summary>Demand scale per step (multiplies every bus's Pd).</summary>
    public ImmutableArray<double> DemandScale { get; }

    /// <summary>Solar output per unit of installed capacity per step.</summary>
    public ImmutableArray<double> SolarPu { get; }

    /// <summary>The step (1 h or 30 min for the files we use; any positive constant step is accepted).</summary>
    public TimeSpan Step { get; }

    /// <summary>Number of steps.</summary>
    public int Count => Timestamps.Length;

    /// <summary>A constant profile of one step: the case as written (demand scale 1, no solar).</summary>
    public static GridProfile Snapshot(DateTimeOffset timestamp) => new([timestamp], [1.0], [0.0]);

    /// <summary>Reads a profile file.</summary>
    /// <exception cref="InputFormatException">A missing column, an unparsable or missing value, a step other than one
    /// hour or half an hour, a timestamp that is not one step after the previous (a gap, a duplicate, a step change),
    /// or an empty file; names line and column.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static GridProfile Load(string path) => Parse(CsvTable.ReadFile(path));

    /// <summary>Parses a profile table (see <see cref="Load"/>).</summary>
    /// <exception cref="InputFormatException">The table is malformed.</exception>
    public static GridProfile Parse(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        int ts = table.Require("timestamp"), ds = table.Require("demand_scale"), pv = table.Require("solar_pu");
        if (table.Rows.Count == 0)
        {
            throw new InputFormatException(table.Source, 1, 0, "the profile has no rows.");
        }

        var times = new List<DateTimeOffset>(table.Rows.Count);
        var scale = new List<double>(table.Rows.Count);
        var solar = new List<double>(table.Rows.Count);
        var step = TimeSpan.Zero;
        foreach (var row in table.Rows)
        {
            var text = table.Field(row, ts);
            if (!Iso8601.TryParse(text, out var t, out var reason))
            {
                throw table.Error(row, ts, reason + ".");
            }

            if (times.Count == 1)
            {
                step = t - times[0];
                if (step != TimeSpan.FromHours(1) && step != TimeSpan.FromMinutes(30))
                {
                    throw table.Error(row, ts, step <= TimeSpan.Zero
                        ? $"timestamp {text} is not after the previous one."
                        : $"the first two rows are {step} apart; a profile has one row per hour or per half hour (a gap at the start?).");
                }
            }
            else if (times.Count > 1 && t - times[^1] != step)
            {
                var gap = t - times[^1];
                throw table.Error(row, ts, gap > step
                    ? $"gap in the profile: {text} follows {Iso8601.Format(times[^1])} ({gap} later, expected {step}); profiles must be contiguous."
                    : $"timestamp {text} is {gap} after the previous one, expected the step {step} (duplicate or uneven step).");
            }

            times.Add(t);
            scale.Add(Number(table, row, ds, "demand_scale"));
            solar.Add(Number(table, row, pv, "solar_pu"));
        }

        return new GridProfile(times, scale, solar);
    }

    private static double Number(CsvTable table, CsvRow row, int col, string name)
    {
        var text = table.Field(row, col);
        if (text.Length == 0)
        {
            throw table.Error(row, col, $"{name} is missing; a profile needs a value at every step.");
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw table.Error(row, col, $"{name} '{text}' is not a number.");
    }
}
