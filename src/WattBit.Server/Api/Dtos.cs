using System.Text.Json.Serialization;

namespace WattBit.Server.Api;

/// <summary>A regular series: values (null = missing) every <c>stepMinutes</c> from <c>start</c>.</summary>
internal sealed record SeriesBody([property: JsonRequired] DateTimeOffset Start, [property: JsonRequired] int StepMinutes, [property: JsonRequired] double?[] Values);

/// <summary>A series as served, with its unit.</summary>
internal sealed record SeriesResponse(string Location, string Metric, string Unit, DateTimeOffset Start, int StepMinutes, double?[] Values);

/// <summary>The value of one slot.</summary>
internal sealed record SignalValue(string Area, string Metric, string Unit, DateTimeOffset Start, DateTimeOffset End, double? Value);

/// <summary>A probabilistic forecast: one array per quantile level ("p10", "p50", "p90").</summary>
internal sealed record ForecastResponse(string Area, string Metric, string Unit, string Model, DateTimeOffset Origin, int StepMinutes,
    IReadOnlyList<double> Levels, IReadOnlyDictionary<string, double[]> Quantiles);

/// <summary>An area of Japan.</summary>
internal sealed record AreaResponse(string Code, int Number, string Name, string NameJa, int FrequencyHz, string Tso);

/// <summary>A provisional (暫定運用) profile: for each JST hour of the day, the least headroom over the window.</summary>
internal sealed record ProvisionalProfileResponse(string Area, string Node, DateTimeOffset From, DateTimeOffset To, double?[] HourlyMw);

/// <summary>Registration or update of a site.</summary>
internal sealed record SiteRequest(string? Name, [property: JsonRequired] string Area, [property: JsonRequired] double ItCapacityMw, double? Pue,
    double? Latitude, double? Longitude, long? Version, Connections.SiteGrid? Grid = null);

/// <summary>A site as its operator (or its area's grid operator) sees it.</summary>
internal sealed record SiteResponse(string Id, string Operator, string Name, string Area, double ItCapacityMw, double Pue, double? Latitude, double? Longitude, long Version,
    Connections.SiteGrid? Grid);

/// <summary>Submission of a deferrable workload: a Core job; its kind is batch (the default), training or backup (inference is a service, not a job).</summary>
internal sealed record WorkloadRequest([property: JsonRequired] string Id, [property: JsonRequired] DateTimeOffset Release, [property: JsonRequired] DateTimeOffset Deadline,
    [property: JsonRequired] int DurationMinutes, [property: JsonRequired] double PowerKw, bool Interruptible, string[]? Sites, WattBit.Workloads.WorkloadKind? Kind = null);

/// <summary>A workload as its operator sees it.</summary>
internal sealed record WorkloadResponse(string Id, DateTimeOffset Release, DateTimeOffset Deadline, int DurationMinutes, double PowerKw, bool Interruptible,
    IReadOnlyList<string> Sites, long Version, WattBit.Workloads.WorkloadKind Kind);

/// <summary>A curtailment order request from a grid operator.</summary>
internal sealed record CurtailmentRequest([property: JsonRequired] string Operator, [property: JsonRequired] string SiteId, [property: JsonRequired] double ReductionMw,
    [property: JsonRequired] int NoticeMinutes, [property: JsonRequired] int ExpectedDurationMinutes, string? Reason);

/// <summary>A planned maintenance notice.</summary>
internal sealed record MaintenanceRequest([property: JsonRequired] string Node, [property: JsonRequired] DateTimeOffset Start, [property: JsonRequired] DateTimeOffset End,
    [property: JsonRequired] double LimitMw, string? Description);

/// <summary>The caller's identity.</summary>
internal sealed record MeResponse(string Id, string Role, string? Area, string? Operator);
