using System.Globalization;
using System.Text.Json;
using WattBit.Areas;
using WattBit.Time;

namespace WattBit.Formats;

/// <summary>One observed trunk line of an OCCTO day.</summary>
/// <param name="Area">The area whose list carries the line.</param>
/// <param name="Name">OCCTO's <c>lineName</c> as written.</param>
/// <param name="VoltageKv">Voltage class, kV.</param>
/// <param name="PositiveDirection">OCCTO's <c>positiveDirection</c> "A → B".</param>
/// <param name="FlowMw">48 half-hourly flows, MW, positive from A to B; NaN where the file has null.</param>
public sealed record OcctoLine(GridArea Area, string Name, double VoltageKv, string PositiveDirection, double[] FlowMw);

/// <summary>One observed inter-area tie (or fence aggregate) of an OCCTO day.</summary>
/// <param name="Name">OCCTO's <c>intertieName</c>.</param>
/// <param name="From">Source area (positive direction), or null where the file names none.</param>
/// <param name="To">Target area, or null.</param>
/// <param name="FlowMw">48 half-hourly flows, MW, positive from <paramref name="From"/> to <paramref name="To"/>.</param>
/// <remarks>The one record of an observed tie: the data importer's snapshot and the grid model's replay both read it.</remarks>
public sealed record OcctoTie(string Name, GridArea? From, GridArea? To, double[] FlowMw)
{
    /// <summary>The flow as a half-hourly series (MW, slot 0 starting at <paramref name="dayStart"/>; the array is shared, not copied).</summary>
    /// <param name="dayStart">00:00 JST of the tie's day (<see cref="OcctoDay.Start"/>).</param>
    public TimeSeries Flow(DateTimeOffset dayStart) => TimeSeries.Wrap(dayStart, TimeSpan.FromMinutes(30), FlowMw, SeriesUnit.Megawatts, $"intertie {Name}");
}

/// <summary>One large unit's output over an OCCTO day.</summary>
/// <param name="Area">The unit's area.</param>
/// <param name="Plant">Plant name (plantName).</param>
/// <param name="Unit">Unit name (unitName).</param>
/// <param name="Source">Source type as written (原子力, 火力（石炭）, ...).</param>
/// <param name="OutputMw">48 half-hourly mean outputs, MW (the file's kWh per 30 min × 2 / 1000).</param>
public sealed record OcctoUnit(GridArea Area, string Plant, string Unit, string Source, double[] OutputMw);

/// <summary>
/// One OCCTO grid-observatory day (<c>dashboard-YYYYMMDD.json</c>, hama-jp/occto-grid-observatory): trunk-line flows,
/// ties, unit outputs, area demand and supply capacity, all as 48 half-hours in file order (flow slots labelled by
/// their start, generation slots by their end: slot i of both covers the same half-hour, starting at 00:00 JST). The
/// one reader of these files: the data importer and the Japan backbone model both use it. Immutable.
/// </summary>
public sealed class OcctoDay
{
    /// <summary>Half-hours in a day.</summary>
    public const int Slots = 48;

    private OcctoDay(string source, DateOnly day, IReadOnlyList<OcctoLine> lines, IReadOnlyList<OcctoTie> ties,
        IReadOnlyList<OcctoUnit> units, IReadOnlyDictionary<string, double[]> demand, IReadOnlyDictionary<string, double[]> supply)
    {
        SupplyMw = supply;
        Source = source;
        Day = day;
        Lines = lines;
        Ties = ties;
        Units = units;
        DemandMw = demand;
    }

    /// <summary>The file read.</summary>
    public string Source { get; }

    /// <summary>The day (JST).</summary>
    public DateOnly Day { get; }

    /// <summary>Observed trunk lines in file order.</summary>
    public IReadOnlyList<OcctoLine> Lines { get; }

    /// <summary>Observed ties and fences in file order.</summary>
    public IReadOnlyList<OcctoTie> Ties { get; }

    /// <summary>Unit outputs in file order.</summary>
    public IReadOnlyList<OcctoUnit> Units { get; }

    /// <summary>Area demand (reserves.areaSeries.demandMw), MW, by area code.</summary>
    public IReadOnlyDictionary<string, double[]> DemandMw { get; }

    /// <summary>Area supply capacity (reserves.areaSeries.supplyMw), MW, by area code.</summary>
    public IReadOnlyDictionary<string, double[]> SupplyMw { get; }

    /// <summary>The start of slot 0: 00:00 JST of <see cref="Day"/>.</summary>
    public DateTimeOffset Start => new(Day.ToDateTime(TimeOnly.MinValue), Jst.Offset);

    /// <summary>Reads a day file.</summary>
    /// <exception cref="InputFormatException">Not JSON, another layout (a missing part, not 48 slots), an unknown
    /// area, or a value that is not a number; the message names the file and the line, tie, unit or area. Files
    /// without <c>flows.lineSeries</c> or <c>generation.unitSeries</c> read with those lists empty.</exception>
    public static OcctoDay Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses a day's UTF-8 JSON; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">See <see cref="Load"/>.</exception>
    public static OcctoDay Parse(ReadOnlyMemory<byte> content, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content);
        }
        catch (JsonException e)
        {
            throw new InputFormatException(source, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, "not valid JSON: " + e.Message);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var dayText = Get(root, source, "meta", "targetDate").GetString() ?? string.Empty;
            if (!DateOnly.TryParseExact(dayText.Trim().Replace('-', '/'), ["yyyy/M/d", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                throw new InputFormatException(source, 0, 0, $"meta.targetDate '{dayText}' is not a date like 2026/03/20.");
            }

            if (root.GetProperty("meta").TryGetProperty("slotCount", out var slotCount) && (slotCount.ValueKind != JsonValueKind.Number || slotCount.GetInt32() != Slots))
            {
                throw new InputFormatException(source, 0, 0, $"meta.slotCount is {slotCount}, not {Slots}: another day layout than the 48 half-hours this reader knows.");
            }

            var ties = new List<OcctoTie>();
            foreach (var s in Array(root, source, "flows", "intertieSeries"))
            {
                var name = Text(s, "intertieName", source, "flows.intertieSeries");
                var from = JapanAreas.TryFind(s.TryGetProperty("sourceArea", out var f) ? f.GetString() : null, out var fa) ? fa : null;
                var to = JapanAreas.TryFind(s.TryGetProperty("targetArea", out var t) ? t.GetString() : null, out var ta) ? ta : null;
                ties.Add(new OcctoTie(name, from, to, Values(s, "values", source, $"tie {name}", 1)));
            }

            var lines = new List<OcctoLine>();
            foreach (var s in Optional(root, "flows", "lineSeries"))
            {
                var name = Text(s, "lineName", source, "flows.lineSeries");
                var what = $"line {name}";
                var area = Area(Text(s, "area", source, what), source, what);
                var kvText = s.TryGetProperty("voltageKv", out var kvElement) ? kvElement.ToString() : string.Empty;
                if (!double.TryParse(kvText, NumberStyles.Float, CultureInfo.InvariantCulture, out var kv) || kv <= 0)
                {
                    throw new InputFormatException(source, 0, 0, $"{what} ({area.NameJa}): voltageKv '{kvText}' is not a positive number.");
                }

                lines.Add(new OcctoLine(area, name, kv, Text(s, "positiveDirection", source, what), Values(s, "values", source, what, 1)));
            }

            var units = new List<OcctoUnit>();
            foreach (var s in Optional(root, "generation", "unitSeries"))
            {
                var plant = Text(s, "plantName", source, "generation.unitSeries");
                var unit = s.TryGetProperty("unitName", out var u) ? u.GetString() ?? string.Empty : string.Empty;
                var what = $"unit {plant} {unit}";
                var area = Area(Text(s, "area", source, what), source, what);
                var sourceType = s.TryGetProperty("sourceType", out var st) ? st.GetString() ?? string.Empty : string.Empty;
                units.Add(new OcctoUnit(area, plant, unit, sourceType, Values(s, "values", source, what, 2.0 / 1000)));
            }

            var demand = new Dictionary<string, double[]>(StringComparer.Ordinal);
            var supply = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (var s in Array(root, source, "reserves", "areaSeries"))
            {
                var area = Area(Text(s, "area", source, "reserves.areaSeries"), source, "reserves.areaSeries");
                demand[area.Code] = Values(s, "demandMw", source, $"{area.Code} demand", 1);
                supply[area.Code] = Values(s, "supplyMw", source, $"{area.Code} supply", 1);
            }

            return new OcctoDay(source, day, lines, ties, units, demand, supply);
        }
    }

    private static GridArea Area(string name, string source, string what) => JapanAreas.TryFind(name, out var area)
        ? area
        : throw new InputFormatException(source, 0, 0, $"{what}: unknown area '{name}'.");

    private static string Text(JsonElement e, string property, string source, string what) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString())
            ? v.GetString()!
            : throw new InputFormatException(source, 0, 0, $"{what}: missing '{property}'.");

    private static JsonElement.ArrayEnumerator Array(JsonElement root, string source, params string[] path)
    {
        var e = Get(root, source, path);
        return e.ValueKind == JsonValueKind.Array
            ? e.EnumerateArray()
            : throw new InputFormatException(source, 0, 0, $"'{string.Join('.', path)}' is not an array: not an OCCTO grid-observatory day.");
    }

    private static IEnumerable<JsonElement> Optional(JsonElement root, params string[] path)
    {
        var e = root;
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return [];
            }
        }

        return e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToArray() : [];
    }

    private static JsonElement Get(JsonElement root, string source, params string[] path)
    {
        var e = root;
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                throw new InputFormatException(source, 0, 0, $"missing '{string.Join('.', path)}': not an OCCTO grid-observatory day.");
            }
        }

        return e;
    }

    private static double[] Values(JsonElement s, string property, string source, string what, double scale)
    {
        if (!s.TryGetProperty(property, out var values) || values.ValueKind != JsonValueKind.Array || values.GetArrayLength() != Slots)
        {
            throw new InputFormatException(source, 0, 0, $"{what}: '{property}' must hold {Slots} half-hourly values (another day layout?).");
        }

        var v = new double[Slots];
        var i = 0;
        foreach (var x in values.EnumerateArray())
        {
            v[i] = x.ValueKind switch
            {
                JsonValueKind.Number => x.GetDouble() * scale,
                JsonValueKind.Null => double.NaN,
                _ => throw new InputFormatException(source, 0, 0, $"{what}: value {i + 1} of '{property}' is {x.ValueKind}, not a number."),
            };
            i++;
        }

        return v;
    }
}

/// <summary>What the observed OCCTO days say about the inter-area ties, summarised for studies that need a tie's typical flow. Stateless.</summary>
public static class OcctoTieFlows
{
    /// <summary>
    /// Each tie's mean flow by JST hour of day over the days given (decision 0211): the two half-hours of each hour averaged,
    /// then the mean over the days that have both values; MW, positive in the file's direction (<see cref="OcctoTie.From"/> to
    /// <see cref="OcctoTie.To"/>). Ties with no value at some hour on every day are left out.
    /// </summary>
    /// <param name="days">The observed days.</param>
    /// <returns>Per OCCTO tie name, its direction and 24 hourly means.</returns>
    public static IReadOnlyDictionary<string, (GridArea? From, GridArea? To, double[] MeanMw)> ByHourOfDay(IEnumerable<OcctoDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var sums = new Dictionary<string, (GridArea? From, GridArea? To, double[] Sum, int[] Count)>(StringComparer.Ordinal);
        foreach (var day in days)
        {
            foreach (var tie in day.Ties)
            {
                if (!sums.TryGetValue(tie.Name, out var acc))
                {
                    sums[tie.Name] = acc = (tie.From, tie.To, new double[24], new int[24]);
                }

                for (var h = 0; h < 24 && (2 * h) + 1 < tie.FlowMw.Length; h++)
                {
                    var (a, b) = (tie.FlowMw[2 * h], tie.FlowMw[(2 * h) + 1]);
                    if (double.IsFinite(a) && double.IsFinite(b))
                    {
                        acc.Sum[h] += (a + b) / 2;
                        acc.Count[h]++;
                    }
                }
            }
        }

        return sums.Where(p => p.Value.Count.All(c => c > 0))
            .ToDictionary(p => p.Key, p => (p.Value.From, p.Value.To, Enumerable.Range(0, 24).Select(h => p.Value.Sum[h] / p.Value.Count[h]).ToArray()), StringComparer.Ordinal);
    }
}
