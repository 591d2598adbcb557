using System.Text.Json;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Data.Import;

/// <summary>One intertie's flow over a day: MW per 30-minute slot, positive from <see cref="From"/> to <see cref="To"/>.</summary>
/// <param name="Name">The intertie's Japanese name (e.g. 相馬双葉幹線).</param>
/// <param name="From">The source area, or null where OCCTO gives none (the "fence" aggregates).</param>
/// <param name="To">The target area, or null.</param>
/// <param name="Flow">Flow in MW, positive from <paramref name="From"/> to <paramref name="To"/>.</param>
public sealed record IntertieFlow(string Name, GridArea? From, GridArea? To, TimeSeries Flow);

/// <summary>One day of OCCTO grid data: intertie flows and each area's demand and supply capacity (MW, 30 min).</summary>
/// <param name="Source">The file.</param>
/// <param name="Day">The day (JST).</param>
/// <param name="Interties">The interties, in file order.</param>
/// <param name="AreaDemand">Area demand (需要), MW, by area code.</param>
/// <param name="AreaSupply">Area supply capacity (供給力), MW, by area code.</param>
public sealed record OcctoSnapshot(string Source, DateOnly Day, IReadOnlyList<IntertieFlow> Interties,
    IReadOnlyDictionary<string, TimeSeries> AreaDemand, IReadOnlyDictionary<string, TimeSeries> AreaSupply);

/// <summary>
/// Reads the OCCTO grid-observatory day snapshots (<c>dashboard-YYYYMMDD.json</c>): <c>flows.intertieSeries</c> and
/// <c>reserves.areaSeries</c>. Slots are start-labelled 00:00 .. 23:30 JST (the file's <c>slotLabels.flow</c>).
/// </summary>
public static class OcctoSnapshotImporter
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(30);

    /// <summary>Reads a snapshot file.</summary>
    /// <exception cref="InputFormatException">The file is not valid JSON or lacks the expected parts.</exception>
    public static OcctoSnapshot ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses a snapshot's bytes (UTF-8 JSON).</summary>
    /// <exception cref="InputFormatException">The content is not valid JSON or lacks the expected parts.</exception>
    public static OcctoSnapshot Parse(ReadOnlyMemory<byte> content, string source)
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
            if (!AreaSupplyDemandImporter.TryParseDate(dayText, out var day))
            {
                throw new InputFormatException(source, 0, 0, $"meta.targetDate '{dayText}' is not a date.");
            }

            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(9));
            var interties = new List<IntertieFlow>();
            foreach (var s in Get(root, source, "flows", "intertieSeries").EnumerateArray())
            {
                var name = s.GetProperty("intertieName").GetString() ?? "?";
                var from = JapanAreas.TryFind(s.GetProperty("sourceArea").GetString(), out var f) ? f : null;
                var to = JapanAreas.TryFind(s.GetProperty("targetArea").GetString(), out var t) ? t : null;
                interties.Add(new IntertieFlow(name, from, to, Series(s.GetProperty("values"), start, source, $"intertie {name}")));
            }

            var demand = new Dictionary<string, TimeSeries>(StringComparer.Ordinal);
            var supply = new Dictionary<string, TimeSeries>(StringComparer.Ordinal);
            foreach (var a in Get(root, source, "reserves", "areaSeries").EnumerateArray())
            {
                var areaName = a.GetProperty("area").GetString();
                if (!JapanAreas.TryFind(areaName, out var area))
                {
                    throw new InputFormatException(source, 0, 0, $"reserves.areaSeries: unknown area '{areaName}'.");
                }

                demand[area.Code] = Series(a.GetProperty("demandMw"), start, source, $"{area.Code} demand");
                supply[area.Code] = Series(a.GetProperty("supplyMw"), start, source, $"{area.Code} supply");
            }

            return new OcctoSnapshot(source, day, interties, demand, supply);
        }
    }

    private static JsonElement Get(JsonElement root, string source, params string[] path)
    {
        var e = root;
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                throw new InputFormatException(source, 0, 0, $"missing '{string.Join('.', path)}': not an OCCTO grid-observatory snapshot.");
            }
        }

        return e;
    }

    private static TimeSeries Series(JsonElement values, DateTimeOffset start, string source, string what)
    {
        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() != 48)
        {
            throw new InputFormatException(source, 0, 0, $"{what}: expected 48 half-hourly values.");
        }

        var v = new double[48];
        var i = 0;
        foreach (var x in values.EnumerateArray())
        {
            v[i++] = x.ValueKind switch
            {
                JsonValueKind.Number => x.GetDouble(),
                JsonValueKind.Null => double.NaN,
                _ => throw new InputFormatException(source, 0, 0, $"{what}: value {i} is {x.ValueKind}, not a number."),
            };
        }

        return TimeSeries.Wrap(start, s_step, v, SeriesUnit.Megawatts, what);
    }
}
