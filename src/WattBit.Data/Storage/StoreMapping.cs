using System.Text.Json;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Plans;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Data.Storage;

/// <summary>Conversions between domain values and the columns both stores use.</summary>
internal static class StoreMapping
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Seconds since the Unix epoch (UTC) of a step start; steps are whole seconds so instants on a grid are too.</summary>
    public static long ToUnixSeconds(DateTimeOffset instant, string what)
    {
        if (instant.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException($"{what}: {Iso8601.Format(instant)} is not a whole second; stored series start on whole seconds.");
        }

        return instant.ToUnixTimeSeconds();
    }

    /// <summary>The end of the storable range: a stored step must end before 9999-12-31 (so its end can always be read back).</summary>
    public static readonly DateTimeOffset StorableEnd = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The start of the storable range.</summary>
    public static readonly DateTimeOffset StorableStart = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Refuses a series that starts before 1900 or whose last step ends after <see cref="StorableEnd"/>, before anything is written.</summary>
    /// <exception cref="ArgumentException">The series lies (partly) outside the storable range; the message names the key.</exception>
    public static void CheckStorable(SeriesKey key, TimeSeries series)
    {
        var room = (StorableEnd.UtcTicks - series.Start.UtcTicks) / Math.Max(1, series.Step.Ticks);
        if (series.Start < StorableStart || series.Start >= StorableEnd || series.Count > room)
        {
            throw new ArgumentException($"series {key}: {series.Count} steps from {Iso8601.Format(series.Start)} lie outside the storable range 1900-01-01 to 9999-12-31.");
        }
    }

    public static DateTimeOffset FromUnixSeconds(long seconds, TimeSpan offset) => DateTimeOffset.FromUnixTimeSeconds(seconds).ToOffset(offset);

    /// <summary>An instant as UTC ticks (for ordering and range queries); the offset is stored beside it in minutes.</summary>
    public static long UtcTicks(DateTimeOffset instant) => instant.UtcTicks;

    public static int OffsetMinutes(DateTimeOffset instant) => (int)instant.Offset.TotalMinutes;

    public static DateTimeOffset FromUtcTicks(long utcTicks, int offsetMinutes) =>
        new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    public static string WarningsToJson(IReadOnlyList<string> warnings) => JsonSerializer.Serialize(warnings, Json);

    public static IReadOnlyList<string> WarningsFromJson(string json) => JsonSerializer.Deserialize<string[]>(json, Json) ?? [];

    public static string LocationsToText(IReadOnlyList<string> locations) => string.Join('\n', locations);

    public static IReadOnlyList<string> LocationsFromText(string text) => text.Length == 0 ? [] : text.Split('\n');

    public static SeriesUnit Unit(string symbol, int aggregation) => symbol switch
    {
        "kW" when aggregation == 0 => SeriesUnit.Kilowatts,
        "MW" when aggregation == 0 => SeriesUnit.Megawatts,
        "kWh" when aggregation == 1 => SeriesUnit.KilowattHours,
        "MWh" when aggregation == 1 => SeriesUnit.MegawattHours,
        "gCO2/kWh" when aggregation == 0 => SeriesUnit.GramsPerKilowattHour,
        "JPY/kWh" when aggregation == 0 => SeriesUnit.YenPerKilowattHour,
        "p.u." when aggregation == 0 => SeriesUnit.PerUnit,
        _ => new SeriesUnit(symbol, (SeriesAggregation)aggregation),
    };

    public static GridArea Area(string code) => JapanAreas.TryFind(code, out var area)
        ? area
        : throw new InvalidDataException($"Stored site refers to unknown area '{code}'.");

    public static Site Site(string id, string name, string areaCode, double itKw, double pue, double? lat, double? lon) =>
        new(new SiteId(id), name, Area(areaCode), Power.FromKilowatts(itKw), pue, lat is { } la && lon is { } lo ? new GeoPoint(la, lo) : null);

    public static string PlanToJson(PlanRecord plan) => JsonSerializer.Serialize(new PlanDto(
        plan.Id,
        plan.CreatedAt,
        plan.Horizon.Start,
        plan.Horizon.End,
        plan.Caps.Select(c => new CapsDto(c.Site.Value, c.Start, c.Hourly.Select(p => p.Kilowatts).ToArray())).ToArray(),
        plan.Placements.Select(p => new PlacementDto(p.JobId, p.Location, p.Start, p.End)).ToArray(),
        plan.Note), Json);

    public static PlanRecord PlanFromJson(string json)
    {
        var dto = JsonSerializer.Deserialize<PlanDto>(json, Json) ?? throw new InvalidDataException("A stored plan is empty.");
        return new PlanRecord(
            dto.Id,
            dto.CreatedAt,
            new TimeWindow(dto.HorizonStart, dto.HorizonEnd),
            dto.Caps.Select(c => new SiteHourlyCaps(new SiteId(c.Site), c.Start, c.HourlyKw.Select(Power.FromKilowatts).ToArray())).ToArray(),
            dto.Placements.Select(p => new JobPlacement(p.JobId, p.Location, p.Start, p.End)).ToArray(),
            dto.Note);
    }

    private sealed record PlanDto(string Id, DateTimeOffset CreatedAt, DateTimeOffset HorizonStart, DateTimeOffset HorizonEnd,
        CapsDto[] Caps, PlacementDto[] Placements, string? Note);

    private sealed record CapsDto(string Site, DateTimeOffset Start, double[] HourlyKw);

    private sealed record PlacementDto(string JobId, string Location, DateTimeOffset Start, DateTimeOffset End);
}
