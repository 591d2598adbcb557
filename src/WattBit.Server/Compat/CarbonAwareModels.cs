using System.Text.Json.Serialization;

namespace WattBit.Server.Compat;

// JSON shapes of the Green Software Foundation Carbon Aware SDK WebAPI, field for field.

/// <summary>An observed rating: <c>{ location, time, rating, duration }</c> (rating in gCO2/kWh, duration "hh:mm:ss").</summary>
internal sealed record EmissionsData(string Location, DateTimeOffset Time, double Rating, TimeSpan Duration);

/// <summary>A forecast point: <c>{ location, timestamp, duration, value }</c> (duration in minutes).</summary>
internal sealed record EmissionsDataDto(string Location, DateTimeOffset Timestamp, int Duration, double Value);

/// <summary>One forecast with its optimal windows, as the SDK's <c>EmissionsForecastDTO</c>.</summary>
internal sealed record EmissionsForecastDto(
    DateTimeOffset GeneratedAt,
    DateTimeOffset RequestedAt,
    string Location,
    DateTimeOffset DataStartAt,
    DateTimeOffset DataEndAt,
    int WindowSize,
    IReadOnlyList<EmissionsDataDto> OptimalDataPoints,
    IReadOnlyList<EmissionsDataDto> ForecastData);

/// <summary>A request item of <c>POST /emissions/forecasts/batch</c>.</summary>
internal sealed record EmissionsForecastBatchRequest(
    [property: JsonRequired] string Location,
    [property: JsonRequired] DateTimeOffset RequestedAt,
    DateTimeOffset? DataStartAt,
    DateTimeOffset? DataEndAt,
    int? WindowSize);

/// <summary>A request item of <c>POST /emissions/average-carbon-intensity/batch</c>.</summary>
internal sealed record CarbonIntensityBatchRequest(
    [property: JsonRequired] string Location,
    [property: JsonRequired] DateTimeOffset StartTime,
    [property: JsonRequired] DateTimeOffset EndTime);

/// <summary>An average: <c>{ location, startTime, endTime, carbonIntensity }</c>.</summary>
internal sealed record CarbonIntensityDto(string Location, DateTimeOffset StartTime, DateTimeOffset EndTime, double CarbonIntensity);

/// <summary>An entry of <c>GET /locations</c>: <c>{ latitude, longitude, name }</c>.</summary>
internal sealed record LocationDto(double Latitude, double Longitude, string Name);
