using Microsoft.AspNetCore.Mvc;
using WattBit.Server.Api;
using WattBit.Server.Security;

namespace WattBit.Server.Compat;

/// <summary>
/// The Carbon Aware SDK routes answered from the SDK's own JSON emissions file (<see cref="CarbonAwareSdkData"/>), with the
/// SDK's semantics: locations matched exactly (case-sensitive), the window's end inclusive (a point is in when
/// <c>Time + Duration &gt; time</c> and <c>Time ≤ toTime</c>), no <c>time</c> = now and no <c>toTime</c> = <c>time</c>, the
/// points in file order, 204 when nothing matches (an unknown location), times with the file's offset, and the SDK's
/// overlap-weighted average that needs the data to cover the whole period. Differences are listed in docs/server.md.
/// </summary>
internal static class CarbonAwareSdkEndpoints
{
    public static void Map(IEndpointRouteBuilder app, CarbonAwareSdkData data)
    {
        // The file never changes: a query with its times given has one answer, kept as the bytes sent (decision 0203).
        var cache = new SdkAnswerCache();
        var emissions = app.MapGroup("/emissions").WithTags("Carbon Aware SDK").RequireAuthorization(Roles.PublicRead);
        emissions.MapGet("/bylocation", (TimeProvider clock, [FromQuery] string? location, [FromQuery(Name = "time")] DateTimeOffset? start, [FromQuery] DateTimeOffset? toTime, [FromQuery] int? durationMinutes) =>
            ByLocations(data, clock, location is null ? [] : [location], start, toTime, durationMinutes, best: false))
            .WithSummary("Emissions of one location of the SDK data file over [time, toTime] (both ends inclusive).")
            .AddEndpointFilterFactory((_, next) => cache.Filter(next, "time"));
        emissions.MapGet("/bylocations", (TimeProvider clock, [FromQuery] string[]? location, [FromQuery(Name = "time")] DateTimeOffset? start, [FromQuery] DateTimeOffset? toTime, [FromQuery] int? durationMinutes) =>
            ByLocations(data, clock, location ?? [], start, toTime, durationMinutes, best: false))
            .WithSummary("Emissions of several locations of the SDK data file.")
            .AddEndpointFilterFactory((_, next) => cache.Filter(next, "time"));
        emissions.MapGet("/bylocations/best", (TimeProvider clock, [FromQuery] string[]? location, [FromQuery(Name = "time")] DateTimeOffset? start, [FromQuery] DateTimeOffset? toTime, [FromQuery] int? durationMinutes) =>
            ByLocations(data, clock, location ?? [], start, toTime, durationMinutes, best: true))
            .WithSummary("The lowest ratings among the locations and times of the SDK data file (every tie).")
            .AddEndpointFilterFactory((_, next) => cache.Filter(next, "time"));
        emissions.MapGet("/average-carbon-intensity", ([FromQuery] string? location, [FromQuery] DateTimeOffset? startTime, [FromQuery] DateTimeOffset? endTime) =>
        {
            var problems = new Problems();
            problems.Require(!string.IsNullOrEmpty(location), "location", "location is not set");
            Range(problems, startTime, endTime, "");
            return problems.Any ? problems.Result() : Average(data, location!, startTime!.Value, endTime!.Value, out var dto) ?? TypedResults.Ok(dto);
        }).WithSummary("Overlap-weighted average rating of one location of the SDK data file over [startTime, endTime].")
            .AddEndpointFilterFactory((_, next) => cache.Filter(next, "startTime", "endTime"));
        emissions.MapPost("/average-carbon-intensity/batch", (List<CarbonIntensityBatchRequest?> items) =>
        {
            var problems = new Problems();
            problems.Require(items.Count is > 0 and <= CarbonAwareEndpoints.MaxBatch, "requestedCarbonIntensities", $"Send between 1 and {CarbonAwareEndpoints.MaxBatch} items.");
            for (var i = 0; i < items.Count; i++)
            {
                problems.Require(items[i] is not null, $"[{i}]", "requestedCarbonIntensities must not contain null.");
                if (items[i] is { } r)
                {
                    problems.Require(!string.IsNullOrEmpty(r.Location), $"[{i}].location", "location is not set");
                    Range(problems, r.StartTime, r.EndTime, $"[{i}].");
                }
            }

            problems.Require(items.Where(x => x is not null).Select(x => x!.Location).Distinct(StringComparer.Ordinal).Count() <= 1, "location", "A batch must name a single location.");
            if (problems.Any)
            {
                return problems.Result();
            }

            var results = new List<CarbonIntensityDto>(items.Count);
            foreach (var r in items)
            {
                if (Average(data, r!.Location, r.StartTime, r.EndTime, out var dto) is { } error)
                {
                    return error;
                }

                results.Add(dto!);
            }

            return TypedResults.Ok(results);
        }).WithSummary("Averages for several time ranges of one location of the SDK data file.");
        app.MapGet("/locations", () => data.Locations.Count == 0 ? (IResult)TypedResults.NoContent() : TypedResults.Ok(data.Locations))
            .WithTags("Carbon Aware SDK").RequireAuthorization(Roles.PublicRead)
            .WithSummary("The locations of the SDK location files (LocationDataSourcesConfiguration), by their prefixed names; 204 when none is configured.");
    }

    private static IResult ByLocations(CarbonAwareSdkData data, TimeProvider clock, string[] locations, DateTimeOffset? time, DateTimeOffset? toTime, int? durationMinutes, bool best)
    {
        var problems = new Problems();
        var names = locations.Where(l => !string.IsNullOrEmpty(l)).ToHashSet(StringComparer.Ordinal);
        problems.Require(names.Count > 0, "location", "location is not set");
        problems.Require(names.Count <= 100, "location", "At most 100 locations.");
        problems.Require(durationMinutes is null or >= 0, "durationMinutes", "durationMinutes must not be negative.");
        problems.Require(!(toTime.HasValue && !time.HasValue), "time", "time must be defined if toTime is defined");
        problems.Require(!(time.HasValue && toTime.HasValue) || time < toTime, "time", "time must be before toTime");
        if (problems.Any)
        {
            return problems.Result();
        }

        var start = time ?? clock.GetUtcNow();
        var selected = data.Select(names, start, toTime ?? start);
        if (best && selected.Count > 0)
        {
            var min = selected.Min(e => e.Rating);
            selected = selected.FindAll(e => e.Rating == min);
        }

        return selected.Count == 0 ? TypedResults.NoContent() : TypedResults.Ok(selected.ConvertAll(e => new EmissionsData(e.Location, e.Time, e.Rating, e.Duration)));
    }

    private static void Range(Problems problems, DateTimeOffset? start, DateTimeOffset? end, string prefix)
    {
        problems.Require(start.HasValue, prefix + "startTime", "startTime is not set");
        problems.Require(end.HasValue, prefix + "endTime", "endTime is not set");
        problems.Require(!(start.HasValue && end.HasValue) || start < end, prefix + "startTime", "startTime must be before endTime");
    }

    /// <summary>
    /// The SDK's average: each selected point weighted by its overlap with [start, end] over the period's length; the points
    /// must be continuous and cover both ends (400 otherwise, as the SDK). No point at all is 404 (the SDK answers 0).
    /// </summary>
    private static IResult? Average(CarbonAwareSdkData data, string location, DateTimeOffset start, DateTimeOffset end, out CarbonIntensityDto? dto)
    {
        dto = null;
        var points = data.Select(new HashSet<string>(StringComparer.Ordinal) { location }, start, end);
        if (points.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No data",
                detail: $"The data file has no point for '{location}' between {start:O} and {end:O}; WattBit does not report a made-up average (the SDK answers 0).");
        }

        var ordered = points.OrderBy(p => p.Time).ToList();
        double rating = 0;
        bool coversStart = false, coversEnd = false;
        var total = (end - start).Ticks;
        for (var i = 0; i < ordered.Count; i++)
        {
            var p = ordered[i];
            if (i > 0 && p.Time != ordered[i - 1].End)
            {
                var problems = new Problems();
                problems.Add("location", $"The data of '{location}' is not continuous: a point covers {ordered[i - 1].Time:O} through {ordered[i - 1].End:O}, the next starts at {p.Time:O}.");
                return problems.Result();
            }

            if (p.End > start && p.Time < end)
            {
                var lower = start >= p.Time ? start : p.Time;
                var upper = end < p.End ? end : p.End;
                rating += p.Rating * (upper - lower).Ticks / total;
            }

            coversStart |= start >= p.Time && start < p.End;
            coversEnd |= end <= p.End && end > p.Time;
        }

        if (!coversStart || !coversEnd)
        {
            var problems = new Problems();
            problems.Add("startTime", $"Period out of range. Data points did not cover the requested average period: {start:O} through {end:O}");
            return problems.Result();
        }

        dto = new CarbonIntensityDto(location, start, end, rating);
        return null;
    }
}
