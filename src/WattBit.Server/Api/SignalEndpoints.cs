using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using WattBit.Areas;
using WattBit.Headroom;
using WattBit.Data.Storage;
using WattBit.Server.Events;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;
using WattBit.Server.Signals;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Server.Api;

/// <summary>Areas, their signals (current, history, published), forecasts with quantiles, and per-node headroom.</summary>
internal static class SignalEndpoints
{
    public const int MaxPoints = 366 * 48;

    public static void Map(IEndpointRouteBuilder app)
    {
        var areas = app.MapGroup("/api/areas").WithTags("Areas and signals").RejectUnknownQueryParameters();
        areas.MapGet("/", () => TypedResults.Ok(JapanAreas.All.Select(ToResponse).ToList())).RequireAuthorization(Roles.PublicRead)
            .WithSummary("Japan's ten areas.");
        areas.MapGet("/{area}/signals/{metric}/current", CurrentAsync).RequireAuthorization(Roles.PublicRead)
            .WithSummary("The value of the 30-min slot that contains now (carbon gCO2/kWh, price JPY/kWh, curtailment MWh).");
        areas.MapGet("/{area}/signals/{metric}", HistoryAsync).RequireAuthorization(Roles.PublicRead)
            .WithSummary("The signal over [from, to) on the 30-min grid (default: the last 24 h).");
        areas.MapPut("/{area}/signals/{metric}", PublishAsync).RequireAuthorization(Roles.AnyKey)
            .WithSummary("Grid operator of the area: publish signal values (30-min grid) that replace the reference data.");
        areas.MapGet("/{area}/forecasts/{metric}", ForecastAsync).RequireAuthorization(Roles.PublicRead)
            .WithSummary("A forecast from now with quantiles (p10, p50, p90) for the next `hours` hours (1-48, default 24).");
        areas.MapPut("/{area}/nodes/{node}/headroom", PublishHeadroomAsync).RequireAuthorization(Roles.AnyKey)
            .WithSummary("Grid operator of the area: publish a node's headroom series (MW).");
        areas.MapGet("/{area}/nodes/{node}/headroom", HeadroomAsync).RequireAuthorization(Roles.PublicRead)
            .WithSummary("A node's published headroom (MW) over [from, to).");
        areas.MapGet("/{area}/nodes/{node}/provisional-profile", ProfileAsync).RequireAuthorization(Roles.PublicRead)
            .WithSummary("The provisional-operation profile: least headroom per JST hour of day over [from, to) (default: all published).");
    }

    internal static AreaResponse ToResponse(GridArea a) => new(a.Code, a.Number, a.NameEn, a.NameJa, a.FrequencyHz, a.Tso);

    private static async Task<IResult> CurrentAsync(SignalCatalog catalog, string area, string metric, CancellationToken ct)
    {
        var problems = new Problems();
        var a = problems.Area(area, "area");
        var kind = Kind(problems, metric);
        if (problems.Any)
        {
            return problems.Result();
        }

        var start = SignalCatalog.Floor(catalog.Now);
        var s = await catalog.ReadAsync(a!, kind, new TimeWindow(start, start + SignalCatalog.Step), ct).ConfigureAwait(false);
        return TypedResults.Ok(new SignalValue(a!.Code, metric, s.Unit.Symbol, start, s.End, double.IsNaN(s[0]) ? null : s[0]));
    }

    private static async Task<IResult> HistoryAsync(SignalCatalog catalog, string area, string metric, [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to, CancellationToken ct)
    {
        var problems = new Problems();
        var a = problems.Area(area, "area");
        var kind = Kind(problems, metric);
        var window = Window(problems, from, to, catalog.Now);
        if (problems.Any)
        {
            return problems.Result();
        }

        var s = await catalog.ReadAsync(a!, kind, window, ct).ConfigureAwait(false);
        return TypedResults.Ok(ToResponse(a!.Code, metric, s));
    }

    private static async Task<IResult> PublishAsync(SignalCatalog catalog, EventHub events, ClaimsPrincipal user, string area, string metric, SeriesBody body, CancellationToken ct)
    {
        if (Problems.UnlessGridOperatorOf(user, area, "publishes its signals", out var a, out var caller) is { } denied)
        {
            return denied;
        }

        var problems = new Problems();
        var kind = Kind(problems, metric);
        if (problems.Any)
        {
            return problems.Result();
        }

        var series = ToSeries(problems, body, SignalCatalog.UnitOf(kind), requireStep: SignalCatalog.Step, nonNegative: kind != SignalKind.Price);
        if (series is null)
        {
            return problems.Result();
        }

        var n = await catalog.PublishAsync(a, kind, series, ct).ConfigureAwait(false);
        await events.PublishAsync("signal", a.Code, null, new { area = a.Code, metric, start = series.Start, end = series.End }).ConfigureAwait(false);
        return TypedResults.Ok(new { stored = n });
    }

    private static async Task<IResult> ForecastAsync(SignalCatalog catalog, string area, string metric, [FromQuery] int? hours, CancellationToken ct)
    {
        var problems = new Problems();
        var a = problems.Area(area, "area");
        var kind = Kind(problems, metric);
        problems.Require(hours is null or (>= 1 and <= 48), "hours", "hours must be between 1 and 48.");
        if (problems.Any)
        {
            return problems.Result();
        }

        var steps = (hours ?? 24) * 2;
        var f = await catalog.ForecastAsync(a!, kind, catalog.Now, steps, ct).ConfigureAwait(false);
        var quantiles = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (var l = 0; l < f.Levels.Count; l++)
        {
            var values = new double[steps];
            for (var i = 0; i < steps; i++)
            {
                values[i] = f.ValueAt(l, i);
            }

            quantiles["p" + (f.Levels[l] * 100).ToString("0.#", CultureInfo.InvariantCulture)] = values;
        }

        return TypedResults.Ok(new ForecastResponse(a!.Code, metric, f.Unit.Symbol, f.Model, f.Origin, (int)f.Step.TotalMinutes, f.Levels, quantiles));
    }

    private static async Task<IResult> PublishHeadroomAsync(SignalCatalog catalog, EventHub events, Grid.HeadroomLayerHost layers, ClaimsPrincipal user, string area, string node,
        SeriesBody body, CancellationToken ct)
    {
        if (Problems.UnlessGridOperatorOf(user, area, "publishes headroom there", out var a, out _) is { } denied)
        {
            return denied;
        }

        var problems = new Problems();
        CheckNode(problems, node);
        var series = problems.Any ? null : ToSeries(problems, body, SeriesUnit.Megawatts, requireStep: null, nonNegative: true);
        if (series is null)
        {
            return problems.Result();
        }

        // An upload overrides a substation of the headroom layer; one for a node the layer does not have would be stored
        // and never read by any face, so it is refused (nothing stored).
        problems.Require(await layers.IsUploadNodeAsync(a, node, ct).ConfigureAwait(false), "node",
            $"'{node}' is not a node of the headroom layer in {a.Code}: publish under a substation's uploadNode (GET /api/grid/substations).");
        if (problems.Any)
        {
            return problems.Result();
        }

        var n = await catalog.Writes.WriteAsync([new SeriesWrite(HeadroomKey(a, node), series)], ct).ConfigureAwait(false);
        catalog.Published.Invalidate(HeadroomKey(a, node), series.Window);
        layers.UploadsChanged();
        await events.PublishAsync("headroom", a.Code, null, new { area = a.Code, node, start = series.Start, end = series.End }).ConfigureAwait(false);
        return TypedResults.Ok(new { stored = n });
    }

    private static async Task<IResult> HeadroomAsync(SignalCatalog catalog, string area, string node, [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to,
        CancellationToken ct)
    {
        var (s, error) = await ReadHeadroomAsync(catalog, area, node, from, to, ct).ConfigureAwait(false);
        return error ?? TypedResults.Ok(ToResponse(node, "headroom", s!));
    }

    /// <summary>A node's published headroom over [from, to) (default: all of it), or the problem to answer.</summary>
    private static async Task<(TimeSeries? Series, IResult? Error)> ReadHeadroomAsync(SignalCatalog catalog, string area, string node,
        DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var problems = new Problems();
        var a = problems.Area(area, "area");
        CheckNode(problems, node);
        if (problems.Any)
        {
            return (null, problems.Result());
        }

        var info = await catalog.Published.InfoAsync(HeadroomKey(a!, node), ct).ConfigureAwait(false);
        if (info is null)
        {
            return (null, Problems.NotFound($"published headroom for node '{node}' in {a!.Code}"));
        }

        var window = Window(problems, from ?? info.First, to ?? (from is null ? info.Window.End : null), catalog.Now, info.Step);
        if (problems.Any)
        {
            return (null, problems.Result());
        }

        return (await catalog.Published.ReadAsync(info.Key, window, ct).ConfigureAwait(false), null);
    }

    private static async Task<IResult> ProfileAsync(SignalCatalog catalog, string area, string node, [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to,
        CancellationToken ct)
    {
        var (series, error) = await ReadHeadroomAsync(catalog, area, node, from, to, ct).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var s = series!;
        var hourly = ProvisionalProfile.Of(s).N0Mw.Select(v => double.IsNaN(v) ? (double?)null : v).ToArray();
        return TypedResults.Ok(new ProvisionalProfileResponse(JapanAreas.Get(area).Code, node, s.Start, s.End, hourly));
    }

    internal static SeriesKey HeadroomKey(GridArea area, string node) => new($"{area.Code}:{node}", "headroom", SignalCatalog.PublishedSource);

    private static void CheckNode(Problems problems, string node) =>
        problems.Require(IsValidNode(node), "node", "A node id has 1-64 letters, digits, '-', '_' or '.'.");

    internal static bool IsValidNode(string node) => node.Length is > 0 and <= 64 && node.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static SignalKind Kind(Problems problems, string metric)
    {
        if (!SignalCatalog.TryParseKind(metric, out var kind))
        {
            problems.Add("metric", $"Unknown metric '{metric}'; use carbon, price or curtailment.");
        }

        return kind;
    }

    /// <summary>The first instant a published series may cover (reads cover 2000-2100 only).</summary>
    internal static readonly DateTimeOffset EarliestStored = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The end of the last instant a published series may cover.</summary>
    internal static readonly DateTimeOffset LatestStored = new(2101, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The body as a series, or null with the problems: the whole series is checked before anything is written (step,
    /// count, every value, and that it lies within years 2000-2100); <paramref name="nonNegative"/> refuses values below 0.
    /// </summary>
    internal static TimeSeries? ToSeries(Problems problems, SeriesBody body, SeriesUnit unit, TimeSpan? requireStep, bool nonNegative = false)
    {
        problems.Require(body.StepMinutes is >= 1 and <= 1440, "stepMinutes", "stepMinutes must be between 1 and 1440.");
        problems.Require(body.Start >= EarliestStored && body.Start < LatestStored, "start", "start must lie within years 2000-2100.");
        problems.Require(body.Start.Ticks % TimeSpan.TicksPerSecond == 0, "start", "start must be a whole second.");
        problems.Require(requireStep is null || body.StepMinutes == requireStep.Value.TotalMinutes, "stepMinutes", $"This series has a fixed step of {requireStep?.TotalMinutes} minutes.");
        problems.Require(body.Values.Length is > 0 and <= MaxPoints, "values", $"Send between 1 and {MaxPoints} values.");
        if (requireStep is not null)
        {
            problems.Require(SignalCatalog.Floor(body.Start) == body.Start, "start", "start must be on the 30-min grid.");
        }

        if (problems.Any)
        {
            return null;
        }

        problems.Require(body.Start.UtcDateTime.AddMinutes((double)body.StepMinutes * body.Values.Length) <= LatestStored.UtcDateTime, "values",
            "The series must end by 2101-01-01T00:00:00+00:00 (years 2000-2100).");
        var values = new double[body.Values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = body.Values[i];
            problems.Require(v is null || (double.IsFinite(v.Value) && Math.Abs(v.Value) <= 1e7), $"values[{i}]", "A value must be finite and at most 1e7 in size.");
            problems.Require(!nonNegative || v is null || v.Value >= 0, $"values[{i}]", "A value must not be negative.");
            values[i] = v ?? double.NaN;
        }

        return problems.Any ? null : TimeSeries.Wrap(body.Start.ToUniversalTime(), TimeSpan.FromMinutes(body.StepMinutes), values, unit);
    }

    internal static TimeWindow Window(Problems problems, DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset now, TimeSpan? step = null)
    {
        var s = step ?? SignalCatalog.Step;
        var end = to ?? (from.HasValue ? from.Value + TimeSpan.FromDays(1) : SignalCatalog.Ceiling(now));
        var start = from ?? end - TimeSpan.FromDays(1);
        problems.Require(start < end, "from", "from must be before to.");
        problems.Require((end - start).Ticks / s.Ticks <= MaxPoints, "to", $"At most {MaxPoints} points per request.");
        if (step is { } st && start < end)
        {
            problems.Require((end - start).Ticks % st.Ticks == 0, "to", $"The window must be a whole number of {st.TotalMinutes}-min steps.");
        }

        return start < end ? new TimeWindow(start, end) : new TimeWindow(start, start);
    }

    private static SeriesResponse ToResponse(string location, string metric, TimeSeries s)
    {
        var values = new double?[s.Count];
        for (var i = 0; i < s.Count; i++)
        {
            values[i] = double.IsNaN(s[i]) ? null : s[i];
        }

        return new SeriesResponse(location, metric, s.Unit.Symbol, s.Start, (int)s.Step.TotalMinutes, values);
    }
}
