namespace WattBit.Data.Storage;

/// <summary>
/// Identifies one stored time series: where (<see cref="Location"/>: an area code such as "TK", a site id, an
/// intertie name), what (<see cref="Metric"/>: "demand", "solar", "curtailment", "carbon.direct", "price"...) and
/// from whom (<see cref="Source"/>: "tso", "jepx", "occto", "synthetic", "forecast.p50"...). Text may be Japanese.
/// Comparison is ordinal and case-sensitive. Immutable.
/// </summary>
public readonly record struct SeriesKey
{
    /// <summary>Creates a key.</summary>
    /// <exception cref="ArgumentException">A part is empty, has surrounding white space, or is longer than 200 characters.</exception>
    public SeriesKey(string location, string metric, string source)
    {
        Location = Check(location, nameof(location));
        Metric = Check(metric, nameof(metric));
        Source = Check(source, nameof(source));
    }

    /// <summary>Where the series applies (area code, site id, ...).</summary>
    public string Location { get; }

    /// <summary>What the series measures.</summary>
    public string Metric { get; }

    /// <summary>Where the values come from.</summary>
    public string Source { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Location}/{Metric}/{Source}";

    private static string Check(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim() != value || value.Length > 200)
        {
            throw new ArgumentException($"A series key {name} must be non-empty, at most 200 characters, without surrounding spaces: '{value}'.", name);
        }

        return value;
    }
}
