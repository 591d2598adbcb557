using System.Globalization;
using System.Text.Json;

namespace WattBit.Server.Compat;

/// <summary>One point of the SDK's JSON emissions file: <c>{Location, Time, Rating, Duration}</c>.</summary>
/// <param name="Location">The location name (matched case-sensitively, as the SDK does).</param>
/// <param name="Time">The start of the point, with the file's offset.</param>
/// <param name="Rating">The carbon intensity (gCO2/kWh).</param>
/// <param name="Duration">How long the point lasts (zero when the file gives none).</param>
internal sealed record SdkEmission(string Location, DateTimeOffset Time, double Rating, TimeSpan Duration)
{
    /// <summary>The end of the point.</summary>
    public DateTimeOffset End => Time + Duration;
}

/// <summary>
/// The Carbon Aware SDK drop-in: when the SDK's own settings name a JSON emissions data source
/// (<c>DataSources:EmissionsDataSource</c> = a name under <c>DataSources:Configurations</c> whose <c>Type</c> is
/// <c>JSON</c>, with its <c>DataFileLocation</c>) the server reads that file — and the location files of
/// <c>LocationDataSourcesConfiguration:LocationSourceFiles:N</c> — once at start, and the SDK routes answer from them
/// with the SDK's semantics (<see cref="CarbonAwareSdkEndpoints"/>). Relative file names are looked up where the SDK
/// keeps them (<c>data-sources/json/</c> and <c>location-sources/json/</c> beside the binary), then in the working
/// folder. Immutable after loading; thread-safe.
/// </summary>
internal sealed class CarbonAwareSdkData
{
    private readonly List<SdkEmission> _emissions;

    private readonly Dictionary<string, LocationIndex> _byLocation;

    /// <summary>One location's points: their file positions ordered by start (UTC ticks), and the longest duration.</summary>
    private sealed record LocationIndex(int[] Positions, long[] StartTicks, long MaxDurationTicks);

    private CarbonAwareSdkData(string file, List<SdkEmission> emissions, Dictionary<string, LocationDto> locations)
    {
        File = file;
        _emissions = emissions;
        Locations = locations;
        _byLocation = Enumerable.Range(0, emissions.Count).GroupBy(i => emissions[i].Location, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
        {
            var positions = g.OrderBy(i => emissions[i].Time.UtcTicks).ThenBy(i => i).ToArray();
            return new LocationIndex(positions, [.. positions.Select(i => emissions[i].Time.UtcTicks)], Math.Max(0, positions.Max(i => emissions[i].Duration.Ticks)));
        }, StringComparer.Ordinal);
    }

    /// <summary>The emissions file read.</summary>
    public string File { get; }

    /// <summary>Every point, in file order.</summary>
    public IReadOnlyList<SdkEmission> Emissions => _emissions;

    /// <summary>The locations of the location files, by their (prefixed) name.</summary>
    public IReadOnlyDictionary<string, LocationDto> Locations { get; }

    /// <summary>
    /// The SDK's selection (its <c>IntervalHelper.FilterByDuration</c>): the points of <paramref name="locations"/> (exact
    /// names) with <c>Time + Duration &gt; start</c> and <c>Time ≤ end</c> — the end inclusive, a point that ends at the
    /// start left out — in file order.
    /// </summary>
    public List<SdkEmission> Select(IReadOnlyCollection<string> locations, DateTimeOffset start, DateTimeOffset end)
    {
        var names = locations as HashSet<string> ?? new HashSet<string>(locations, StringComparer.Ordinal);
        var hits = new List<int>();
        foreach (var name in names)
        {
            if (!_byLocation.TryGetValue(name, out var index))
            {
                continue;
            }

            // Only points starting in [start - the longest duration, end] can overlap; each is then checked exactly.
            var from = FirstAtOrAfter(index.StartTicks, Math.Max(0, start.UtcTicks - index.MaxDurationTicks));
            var to = FirstAtOrAfter(index.StartTicks, end.UtcTicks == long.MaxValue ? long.MaxValue : end.UtcTicks + 1);
            for (var k = from; k < to; k++)
            {
                var e = _emissions[index.Positions[k]];
                if (e.End > start && e.Time <= end)
                {
                    hits.Add(index.Positions[k]);
                }
            }
        }

        hits.Sort();
        return hits.ConvertAll(i => _emissions[i]);
    }

    /// <summary>The first position of sorted <paramref name="ticks"/> whose value is at least <paramref name="value"/> (the length when none).</summary>
    private static int FirstAtOrAfter(long[] ticks, long value)
    {
        int lo = 0, hi = ticks.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (ticks[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// Reads the SDK settings from <paramref name="configuration"/>: null when no emissions data source is named (WattBit's
    /// own Japan-area data then answers the SDK routes).
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting names something that is not there, a file is missing, or a file is not what the SDK reads (the message names the file, line and column).</exception>
    public static CarbonAwareSdkData? Load(IConfiguration configuration, string baseDirectory)
    {
        var sourceName = configuration["DataSources:EmissionsDataSource"];
        if (string.IsNullOrWhiteSpace(sourceName))
        {
            return null;
        }

        var source = configuration.GetSection($"DataSources:Configurations:{sourceName}");
        var type = source["Type"];
        if (!string.Equals(type ?? sourceName, "JSON", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"DataSources:EmissionsDataSource '{sourceName}': DataSources:Configurations:{sourceName}:Type is '{type}'; WattBit reads only the SDK's JSON data source (Type JSON).");
        }

        var location = source["DataFileLocation"];
        if (string.IsNullOrWhiteSpace(location))
        {
            throw new InvalidOperationException($"DataSources:Configurations:{sourceName}:DataFileLocation is required (the SDK's JSON emissions file).");
        }

        var file = Find(location, Path.Combine(baseDirectory, "data-sources", "json"), $"DataSources:Configurations:{sourceName}:DataFileLocation");
        var emissions = ReadEmissions(file);
        var locations = new Dictionary<string, LocationDto>(StringComparer.Ordinal);
        var files = configuration.GetSection("LocationDataSourcesConfiguration:LocationSourceFiles").GetChildren().ToList();
        for (var i = 0; i < files.Count; i++)
        {
            var setting = $"LocationDataSourcesConfiguration:LocationSourceFiles:{files[i].Key}:DataFileLocation";
            var path = files[i]["DataFileLocation"];
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new InvalidOperationException($"{setting} is required.");
            }

            var prefix = files[i]["Prefix"] ?? "";
            var delimiter = files[i]["Delimiter"] ?? "";
            foreach (var (name, loc) in ReadLocations(Find(path, Path.Combine(baseDirectory, "location-sources", "json"), setting)))
            {
                var key = prefix.Length == 0 ? name : prefix + delimiter + name;
                if (!locations.TryAdd(key, loc))
                {
                    throw new InvalidOperationException($"{setting}: location '{key}' is also in an earlier location file; give the files different prefixes.");
                }
            }
        }

        return new CarbonAwareSdkData(file, emissions, locations);
    }

    private static string Find(string location, string sdkFolder, string setting)
    {
        if (Path.IsPathRooted(location))
        {
            return System.IO.File.Exists(location) ? location : throw new InvalidOperationException($"{setting}: {location} does not exist.");
        }

        var beside = Path.Combine(sdkFolder, location);
        if (System.IO.File.Exists(beside))
        {
            return beside;
        }

        var here = Path.GetFullPath(location);
        return System.IO.File.Exists(here) ? here : throw new InvalidOperationException($"{setting}: '{location}' is neither {beside} nor {here}.");
    }

    private static JsonDocument Parse(string file)
    {
        try
        {
            return JsonDocument.Parse(System.IO.File.ReadAllBytes(file), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{file}:{(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}: not valid JSON: {ex.Message}", ex);
        }
    }

    private static List<SdkEmission> ReadEmissions(string file)
    {
        using var doc = Parse(file);
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !TryGet(doc.RootElement, "Emissions", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidOperationException($"{file}: expected an object with an array \"Emissions\" of {{Location, Time, Rating, Duration}} (the SDK's JSON data file).");
        }

        var result = new List<SdkEmission>(array.GetArrayLength());
        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            var where = $"{file}: Emissions[{i}]";
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"{where}: expected an object {{Location, Time, Rating, Duration}}.");
            }

            var name = TryGet(e, "Location", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : throw new InvalidOperationException($"{where}.Location: a string is required.");
            var time = TryGet(e, "Time", out var t) && t.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                ? at : throw new InvalidOperationException($"{where}.Time: an ISO 8601 time is required.");
            var rating = TryGet(e, "Rating", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetDouble(out var v) && double.IsFinite(v)
                ? v : throw new InvalidOperationException($"{where}.Rating: a finite number is required.");
            var duration = TimeSpan.Zero;
            if (TryGet(e, "Duration", out var d) && d.ValueKind != JsonValueKind.Null
                && !(d.ValueKind == JsonValueKind.String && TimeSpan.TryParse(d.GetString(), CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero))
            {
                throw new InvalidOperationException($"{where}.Duration: a non-negative time span like \"00:30:00\" is required.");
            }

            result.Add(new SdkEmission(name, time, rating, duration));
            i++;
        }

        return result;
    }

    private static List<(string Name, LocationDto Location)> ReadLocations(string file)
    {
        using var doc = Parse(file);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"{file}: expected an object of locations {{\"name\": {{Latitude, Longitude, Name}}}} (the SDK's location file).");
        }

        var result = new List<(string, LocationDto)>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var where = $"{file}: {p.Name}";
            if (p.Value.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"{where}: expected {{Latitude, Longitude, Name}}.");
            }

            var lat = Coordinate(p.Value, "Latitude", 90, where);
            var lon = Coordinate(p.Value, "Longitude", 180, where);
            var name = TryGet(p.Value, "Name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : p.Name;
            result.Add((p.Name, new LocationDto(lat, lon, name)));
        }

        return result;
    }

    private static double Coordinate(JsonElement e, string field, double limit, string where)
    {
        // The SDK's own location files write coordinates as strings ("37.3719"); numbers are accepted too.
        double value = double.NaN;
        var ok = TryGet(e, field, out var c) && (c.ValueKind == JsonValueKind.Number ? c.TryGetDouble(out value)
            : c.ValueKind == JsonValueKind.String && double.TryParse(c.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value));
        return ok && Math.Abs(value) <= limit ? value : throw new InvalidOperationException($"{where}.{field}: a number within ±{limit} is required.");
    }

    /// <summary>A property by name, case-insensitively (the SDK's files write PascalCase; camelCase is accepted too).</summary>
    private static bool TryGet(JsonElement e, string name, out JsonElement value)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}
