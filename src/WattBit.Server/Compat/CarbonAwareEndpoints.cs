using Microsoft.AspNetCore.Mvc;
using WattBit.Areas;
using WattBit.Server.Api;
using WattBit.Server.Security;
using WattBit.Server.Signals;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Server.Compat;

/// <summary>
/// The Carbon Aware SDK WebAPI routes (<c>/emissions/...</c>, <c>/locations</c>) over Japan's ten areas, with the SDK's
/// parameter names, JSON shapes and status codes; differences are listed in docs/server.md.
/// </summary>
internal static class CarbonAwareEndpoints
{
    public const int MaxBatch = 100;
    public const int MaxPoints = 100_000;
    private static readonly TimeSpan s_maxSpan = TimeSpan.FromDays(366);

    // Representative points (the main load centre of each area), for clients that place locations on a map.
    private static readonly Dictionary<string, (double Lat, double Lon)> s_points = new(StringComparer.Ordinal)
    {
        ["HKD"] = (43.0687, 141.3508), ["TH"] = (38.2601, 140.8822), ["TK"] = (35.6812, 139.7671), ["CB"] = (35.1709, 136.8815),
        ["HR"] = (36.7013, 137.2137), ["KN"] = (34.7025, 135.4959), ["CG"] = (34.3978, 132.4753), ["SK"] = (34.3401, 134.0434),
        ["KY"] = (33.5902, 130.4017), ["ON"] = (26.2124, 127.6809),
    };

    /// <summary>
    /// Maps the SDK routes over Japan's areas; with <paramref name="sdk"/> (the SDK's own JSON data file configured) the
    /// observed-emissions routes and <c>/locations</c> answer from that file instead (<see cref="CarbonAwareSdkEndpoints"/>)
    /// and only the forecasts stay WattBit's.
    /// </summary>
    public static void Map(IEndpointRouteBuilder app, CarbonAwareSdkData? sdk = null)
    {
        var emissions = app.MapGroup("/emissions").WithTags("Carbon Aware SDK").RequireAuthorization(Roles.PublicRead);
        emissions.MapGet("/forecasts/current", CurrentForecastAsync)
            .WithSummary("The current 24 h carbon forecast per area with its optimal windows of windowSize minutes.");
        emissions.MapPost("/forecasts/batch", BatchForecastAsync)
            .WithSummary("Historical forecasts as issued at requestedAt, with their optimal windows.");
        if (sdk is not null)
        {
            CarbonAwareSdkEndpoints.Map(app, sdk);
            return;
        }

        emissions.MapGet("/bylocation", (SignalCatalog catalog, [FromQuery] string? location, [FromQuery] DateTimeOffset? time, [FromQuery] DateTimeOffset? toTime, [FromQuery] int? durationMinutes, CancellationToken ct) =>
            ByLocationsAsync(catalog, location is null ? [] : [location], time, toTime, durationMinutes, best: false, ct))
            .WithSummary("Observed carbon intensity (gCO2/kWh) of one area over [time, toTime].");
        emissions.MapGet("/bylocations", (SignalCatalog catalog, [FromQuery] string[]? location, [FromQuery] DateTimeOffset? time, [FromQuery] DateTimeOffset? toTime, [FromQuery] int? durationMinutes, CancellationToken ct) =>
            ByLocationsAsync(catalog, location ?? [], time, toTime, durationMinutes, best: false, ct))
            .WithSummary("Observed carbon intensity of several areas.");
        emissions.MapGet("/bylocations/best", (SignalCatalog catalog, [FromQuery] string[]? location, [FromQuery] DateTimeOffset? time, [FromQuery] DateTimeOffset? toTime, [FromQuery] int? durationMinutes, CancellationToken ct) =>
            ByLocationsAsync(catalog, location ?? [], time, toTime, durationMinutes, best: true, ct))
            .WithSummary("The lowest observed ratings among the areas and times (every tie).");
        emissions.MapGet("/average-carbon-intensity", AverageAsync)
            .WithSummary("Time-weighted average carbon intensity of one area over [startTime, endTime).");
        emissions.MapPost("/average-carbon-intensity/batch", AverageBatchAsync)
            .WithSummary("Averages for several time ranges of one area.");
        app.MapGet("/locations", () => TypedResults.Ok(JapanAreas.All.ToDictionary(a => a.Code, a => new LocationDto(s_points[a.Code].Lat, s_points[a.Code].Lon, a.Code))))
            .WithTags("Carbon Aware SDK").RequireAuthorization(Roles.PublicRead)
            .WithSummary("The locations this server knows: Japan's ten areas by code.");
    }

    private static async Task<IResult> ByLocationsAsync(SignalCatalog catalog, string[] locations, DateTimeOffset? time, DateTimeOffset? toTime, int? durationMinutes,
        bool best, CancellationToken ct)
    {
        var problems = new Problems();
        var areas = ResolveLocations(problems, locations);
        problems.Require(durationMinutes is null or >= 0, "durationMinutes", "durationMinutes must not be negative.");
        problems.Require(!(toTime.HasValue && !time.HasValue), "time", "time must be defined if toTime is defined");
        if (time.HasValue && toTime.HasValue)
        {
            problems.Require(time < toTime, "time", "time must be before toTime");
            problems.Require(toTime - time <= s_maxSpan, "toTime", "At most 366 days per request.");
            problems.Require(toTime <= time || (toTime - time).Value.Ticks / SignalCatalog.Step.Ticks * locations.Length <= MaxPoints, "toTime",
                $"At most {MaxPoints} data points per answer (locations × 30-min slots); ask for a shorter span or fewer locations.");
        }

        if (problems.Any)
        {
            return problems.Result();
        }

        // No time: the slot that contains now; time alone: the slot that contains it; both: every slot overlapping [time, toTime].
        var from = time ?? catalog.Now;
        var window = toTime.HasValue ? new TimeWindow(from, toTime.Value) : new TimeWindow(SignalCatalog.Floor(from), SignalCatalog.Floor(from) + SignalCatalog.Step);
        var data = new List<EmissionsData>();
        foreach (var (name, area) in areas)
        {
            var series = await catalog.ReadAsync(area, SignalKind.Carbon, window, ct).ConfigureAwait(false);
            for (var i = 0; i < series.Count; i++)
            {
                if (!double.IsNaN(series[i]))
                {
                    data.Add(new EmissionsData(name, series.TimeAt(i), series[i], series.Step));
                }
            }
        }

        var result = best ? CarbonAwareMath.Best(data, d => d.Rating) : data;
        return result.Count == 0 ? TypedResults.NoContent() : TypedResults.Ok(result);
    }

    private static async Task<IResult> CurrentForecastAsync(SignalCatalog catalog, [FromQuery] string[]? location, [FromQuery] DateTimeOffset? dataStartAt,
        [FromQuery] DateTimeOffset? dataEndAt, [FromQuery] int? windowSize, CancellationToken ct)
    {
        var problems = new Problems();
        var areas = ResolveLocations(problems, location ?? []);
        CheckForecastParameters(problems, dataStartAt, dataEndAt, windowSize);
        if (problems.Any)
        {
            return problems.Result();
        }

        var now = catalog.Now;
        var results = new List<EmissionsForecastDto>(areas.Count);
        foreach (var (name, area) in areas)
        {
            var forecast = await ForecastAsync(catalog, problems, name, area, now, now, dataStartAt, dataEndAt, windowSize, ct).ConfigureAwait(false);
            if (forecast is null)
            {
                return problems.Result();
            }

            results.Add(forecast);
        }

        return TypedResults.Ok(results);
    }

    private static async Task<IResult> BatchForecastAsync(SignalCatalog catalog, List<EmissionsForecastBatchRequest?> items, CancellationToken ct)
    {
        var problems = new Problems();
        var requests = NonNull(problems, items, "requestedForecasts");
        problems.Require(requests.Count is > 0 and <= MaxBatch, "requestedForecasts", $"Send between 1 and {MaxBatch} requested forecasts.");
        var areas = new List<GridArea?>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            areas.Add(problems.Area(r.Location, $"[{i}].location"));
            CheckForecastParameters(problems, r.DataStartAt, r.DataEndAt, r.WindowSize, $"[{i}].");
            problems.Require(r.RequestedAt <= catalog.Now, $"[{i}].requestedAt", "requestedAt must not be in the future (use /emissions/forecasts/current).");
        }

        if (problems.Any)
        {
            return problems.Result();
        }

        var results = new List<EmissionsForecastDto>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var forecast = await ForecastAsync(catalog, problems, r.Location, areas[i]!, r.RequestedAt, r.RequestedAt, r.DataStartAt, r.DataEndAt, r.WindowSize, ct, $"[{i}].")
                .ConfigureAwait(false);
            if (forecast is null)
            {
                return problems.Result();
            }

            results.Add(forecast);
        }

        return TypedResults.Ok(results);
    }

    private static void CheckForecastParameters(Problems problems, DateTimeOffset? start, DateTimeOffset? end, int? windowSize, string prefix = "")
    {
        problems.Require(windowSize is null or >= 0, prefix + "windowSize", "windowSize must not be negative.");
        if (start.HasValue && end.HasValue)
        {
            problems.Require(start < end, prefix + "dataStartAt", "dataStartAt must be before dataEndAt");
        }
    }

    private static async Task<EmissionsForecastDto?> ForecastAsync(SignalCatalog catalog, Problems problems, string name, GridArea area, DateTimeOffset requestedAt,
        DateTimeOffset issuedAt, DateTimeOffset? dataStartAt, DateTimeOffset? dataEndAt, int? windowSize, CancellationToken ct, string prefix = "")
    {
        const int steps = 48;
        var forecast = await catalog.ForecastAsync(area, SignalKind.Carbon, issuedAt, steps, ct).ConfigureAwait(false);
        var median = forecast.Median;
        var points = new List<RatedInterval>(steps);
        for (var i = 0; i < steps; i++)
        {
            points.Add(new RatedInterval(median.TimeAt(i), median.Step, median[i]));
        }

        var first = points[0].Time;
        var last = points[^1].End;
        var start = dataStartAt ?? first;
        var end = dataEndAt ?? last;
        problems.Require(start >= first && start < last, prefix + "dataStartAt", $"dataStartAt must be within the forecast's data points ({first:O} to {last:O}).");
        problems.Require(end > first && end <= last, prefix + "dataEndAt", $"dataEndAt must be within the forecast's data points ({first:O} to {last:O}).");
        if (problems.Any)
        {
            return null;
        }

        var window = TimeSpan.FromMinutes(windowSize ?? 0);
        var rolled = CarbonAwareMath.RollingAverage(CarbonAwareMath.FilterOverlapping(points, start, end), window, start, end);
        var minutes = (int)(window == TimeSpan.Zero ? median.Step : window).TotalMinutes;
        var data = rolled.ConvertAll(p => new EmissionsDataDto(name, p.Time, minutes, p.Value));
        return new EmissionsForecastDto(forecast.Origin, requestedAt, name, start, end, minutes, CarbonAwareMath.Best(data, d => d.Value), data);
    }

    private static async Task<IResult> AverageAsync(SignalCatalog catalog, [FromQuery] string? location, [FromQuery] DateTimeOffset? startTime, [FromQuery] DateTimeOffset? endTime,
        CancellationToken ct)
    {
        var problems = new Problems();
        var area = problems.Area(location, "location");
        CheckRange(problems, startTime, endTime, "");
        if (problems.Any)
        {
            return problems.Result();
        }

        var dto = await AverageOfAsync(catalog, location!, area!, startTime!.Value, endTime!.Value, ct).ConfigureAwait(false);
        return dto is null ? NoData(location!) : TypedResults.Ok(dto);
    }

    private static async Task<IResult> AverageBatchAsync(SignalCatalog catalog, List<CarbonIntensityBatchRequest?> items, CancellationToken ct)
    {
        var problems = new Problems();
        var requests = NonNull(problems, items, "requestedCarbonIntensities");
        problems.Require(requests.Count is > 0 and <= MaxBatch, "requestedCarbonIntensities", $"Send between 1 and {MaxBatch} items.");
        var areas = new List<GridArea?>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            areas.Add(problems.Area(requests[i].Location, $"[{i}].location"));
            CheckRange(problems, requests[i].StartTime, requests[i].EndTime, $"[{i}].");
        }

        // The SDK batches one location with several time ranges and rejects a mix of locations.
        problems.Require(areas.Where(a => a is not null).Select(a => a!.Code).Distinct().Count() <= 1, "location", "A batch must name a single location.");
        if (problems.Any)
        {
            return problems.Result();
        }

        var results = new List<CarbonIntensityDto>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var dto = await AverageOfAsync(catalog, r.Location, areas[i]!, r.StartTime, r.EndTime, ct).ConfigureAwait(false);
            if (dto is null)
            {
                return NoData(r.Location);
            }

            results.Add(dto);
        }

        return TypedResults.Ok(results);
    }

    private static List<T> NonNull<T>(Problems problems, List<T?> items, string field) where T : class
    {
        for (var i = 0; i < items.Count; i++)
        {
            problems.Require(items[i] is not null, $"[{i}]", $"{field} must not contain null.");
        }

        return items.Where(x => x is not null).Select(x => x!).ToList();
    }

    private static void CheckRange(Problems problems, DateTimeOffset? start, DateTimeOffset? end, string prefix)
    {
        problems.Require(start.HasValue, prefix + "startTime", "startTime is required.");
        problems.Require(end.HasValue, prefix + "endTime", "endTime is required.");
        if (start.HasValue && end.HasValue)
        {
            problems.Require(start < end, prefix + "startTime", "startTime must be before endTime");
            problems.Require(end - start <= s_maxSpan, prefix + "endTime", "At most 366 days per request.");
        }
    }

    private static async Task<CarbonIntensityDto?> AverageOfAsync(SignalCatalog catalog, string name, GridArea area, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var series = await catalog.ReadAsync(area, SignalKind.Carbon, new TimeWindow(start, end), ct).ConfigureAwait(false);
        var points = new List<RatedInterval>(series.Count);
        for (var i = 0; i < series.Count; i++)
        {
            points.Add(new RatedInterval(series.TimeAt(i), series.Step, series[i]));
        }

        var average = CarbonAwareMath.Average(points, start, end);
        return double.IsNaN(average) ? null : new CarbonIntensityDto(name, start, end, average);
    }

    private static IResult NoData(string location) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No data",
        detail: $"Part of the requested time has no carbon intensity for '{location}'; WattBit does not report a made-up average.");

    private static List<(string Name, GridArea Area)> ResolveLocations(Problems problems, string[] locations)
    {
        var result = new List<(string, GridArea)>();
        if (locations.Length == 0)
        {
            problems.Add("location", "The location field is required.");
            return result;
        }

        problems.Require(locations.Length <= 10 * 4, "location", "Too many locations.");
        foreach (var l in locations)
        {
            if (problems.Area(l, "location") is { } area)
            {
                result.Add((l, area));
            }
        }

        return result;
    }
}
