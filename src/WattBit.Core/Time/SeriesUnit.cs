namespace WattBit.Time;

/// <summary>How a series' values combine over time, which decides how resampling preserves them.</summary>
public enum SeriesAggregation
{
    /// <summary>Each value is a rate or level that holds over its step (kW, gCO2/kWh, JPY/kWh): resampling takes time-weighted means.</summary>
    Mean,

    /// <summary>Each value is a total over its step (kWh per slot): resampling sums or splits so totals are preserved.</summary>
    Sum,
}

/// <summary>The unit of a time series' values and how they aggregate over time. Immutable and thread-safe.</summary>
/// <param name="Symbol">The unit symbol written in files and tables, for example "kW" or "gCO2/kWh".</param>
/// <param name="Aggregation">Whether values are levels (mean) or per-step totals (sum).</param>
public sealed record SeriesUnit(string Symbol, SeriesAggregation Aggregation)
{
    /// <summary>Power in kilowatts (a level).</summary>
    public static SeriesUnit Kilowatts { get; } = new("kW", SeriesAggregation.Mean);

    /// <summary>Power in megawatts (a level).</summary>
    public static SeriesUnit Megawatts { get; } = new("MW", SeriesAggregation.Mean);

    /// <summary>Energy in kWh per step (a total).</summary>
    public static SeriesUnit KilowattHours { get; } = new("kWh", SeriesAggregation.Sum);

    /// <summary>Energy in MWh per step (a total).</summary>
    public static SeriesUnit MegawattHours { get; } = new("MWh", SeriesAggregation.Sum);

    /// <summary>Carbon intensity in gCO2/kWh (a level).</summary>
    public static SeriesUnit GramsPerKilowattHour { get; } = new("gCO2/kWh", SeriesAggregation.Mean);

    /// <summary>Energy price in JPY/kWh (a level).</summary>
    public static SeriesUnit YenPerKilowattHour { get; } = new("JPY/kWh", SeriesAggregation.Mean);

    /// <summary>A dimensionless level such as a per-unit output or a scale factor.</summary>
    public static SeriesUnit PerUnit { get; } = new("p.u.", SeriesAggregation.Mean);

    /// <inheritdoc />
    public override string ToString() => Symbol;
}
