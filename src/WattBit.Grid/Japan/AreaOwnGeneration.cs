using WattBit.Formats;

namespace WattBit.Grid.Japan;

/// <summary>Which of an area's own (TSO-published) weather-driven actuals a free-tie split reads (decision 0125).</summary>
public enum OwnActuals
{
    /// <summary>None: the split of decision 0109.</summary>
    None,

    /// <summary>The area's solar output (太陽光発電実績).</summary>
    Solar,

    /// <summary>The area's solar and wind output (太陽光発電実績, 風力発電実績).</summary>
    SolarWind,

    /// <summary>Solar, wind and the area's thermal output (火力, every fuel): with the placed units, close to the area's
    /// whole generation, so close to reading its ties by subtraction (measured, not the default; decision 0125).</summary>
    SolarWindThermal,
}

/// <summary>
/// An area's own generation actuals per OCCTO day, half-hour by half-hour in the flow slots' order (slot t starts at
/// t × 30 min, JST), as its TSO publishes them (area supply-demand files): solar and wind output, MW. Only the
/// weather-driven columns: the sum of every column of those files is the area's demand less its tie column, so reading
/// them all would read the ties (decision 0125). Immutable; built by the hosts (Grid does not read the files).
/// </summary>
public sealed class AreaOwnGeneration
{
    private readonly Dictionary<(string Area, DateOnly Day), (double[] Solar, double[] Wind, double[] Thermal)> _days;

    /// <summary>Creates the set from per-area, per-day series of 48 half-hours (NaN where a value is missing).</summary>
    /// <param name="days">(area code, day, solar MW, wind MW, thermal MW); a day whose series are not 48 long is an error naming it.</param>
    public AreaOwnGeneration(IEnumerable<(string Area, DateOnly Day, double[] SolarMw, double[] WindMw, double[] ThermalMw)> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        _days = [];
        foreach (var (area, day, solar, wind, thermal) in days)
        {
            if (solar.Length != OcctoDay.Slots || wind.Length != OcctoDay.Slots || thermal.Length != OcctoDay.Slots)
            {
                throw new ArgumentException($"{area} {day:yyyy-MM-dd}: {solar.Length} solar / {wind.Length} wind / {thermal.Length} thermal half-hours, not {OcctoDay.Slots}.", nameof(days));
            }

            _days[(area, day)] = ([.. solar], [.. wind], [.. thermal]);
        }

        Areas = [.. _days.Keys.Select(k => k.Area).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The areas with at least one day.</summary>
    public IReadOnlyList<string> Areas { get; }

    /// <summary>The days of an area (ordered).</summary>
    public IReadOnlyList<DateOnly> DaysOf(string area) => [.. _days.Keys.Where(k => k.Area == area).Select(k => k.Day).Order()];

    /// <summary>The area's actuals on a day, or false when it has none (or any half-hour of the columns read is missing).</summary>
    /// <param name="area">Area code.</param>
    /// <param name="day">The day.</param>
    /// <param name="what">The columns read.</param>
    /// <param name="features">Per half-hour, the values read (one per column).</param>
    public bool TryGet(string area, DateOnly day, OwnActuals what, out double[][] features)
    {
        features = [];
        if (what == OwnActuals.None || !_days.TryGetValue((area, day), out var v))
        {
            return false;
        }

        var rows = new double[OcctoDay.Slots][];
        for (var t = 0; t < OcctoDay.Slots; t++)
        {
            rows[t] = what switch
            {
                OwnActuals.Solar => [v.Solar[t]],
                OwnActuals.SolarWind => [v.Solar[t], v.Wind[t]],
                _ => [v.Solar[t], v.Wind[t], v.Thermal[t]],
            };
            if (!Array.TrueForAll(rows[t], double.IsFinite))
            {
                return false;
            }
        }

        features = rows;
        return true;
    }
}
