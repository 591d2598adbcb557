using Microsoft.AspNetCore.Mvc;
using WattBit.Data.Storage;
using WattBit.Headroom;
using WattBit.Server.Grid;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;
using WattBit.Time;

namespace WattBit.Server.Api;

/// <summary>The headroom layer (engine-computed, no upload needed): substations, their hourly headroom, welcome zones.</summary>
internal static class HeadroomLayerEndpoints
{
    /// <summary>The <c>/api/grid</c> route group every headroom-layer route is mapped on (public read, unknown query parameters refused).</summary>
    public static RouteGroupBuilder Group(IEndpointRouteBuilder app) =>
        app.MapGroup("/api/grid").WithTags("Headroom layer").RequireAuthorization(Roles.PublicRead).RejectUnknownQueryParameters();

    public static void Map(RouteGroupBuilder grid)
    {
        grid.MapGet("/substations", SubstationsAsync)
            .WithSummary("The layer's substations (id, name, area, voltage kV, lat, lon, source), its model, whether it is synthetic, and the hours it holds.");
        grid.MapGet("/substations/{id}/headroom", HeadroomAsync)
            .WithSummary("Per hour of [from, to) (default: all the layer holds): N-0 and N-1 headroom in MW and the limiting line; a grid operator's upload for the node overrides the model.");
        grid.MapGet("/substations/{id}/headroom/quantiles", QuantilesAsync)
            .WithSummary("Forecast P10/P50/P90 of the substation's secure headroom (N-1 MW) per hour of [from, to) (default: the layer's first day; at most 7 days; from on the hour): the forecasting engine on the model's hours of the 28 days before `from` (decision 0124).")
            .Produces<HeadroomQuantilesResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        grid.MapGet("/welcome-zones", ZonesAsync)
            .WithSummary("GeoJSON of the welcome zones (ウェルカムゾーン) for a connection of `mw` MW (default 50): firm / dynamic / curtailable (③) / constrained per substation, over the layer's hours, or those of [from, to) (a chosen day; `to` defaults to a day after `from`).");
        grid.MapGet("/headroom", AllHeadroomAsync)
            .WithSummary("Every substation's N-0 and N-1 headroom (MW) and limiting line per hour of [from, to) (default: the layer's first day; at most 7 days) in one answer, for maps with a time slider; null where an hour has no data.");
    }

    private static async Task<IResult> SubstationsAsync(HeadroomLayerHost host, IWattBitStore store, CancellationToken ct)
    {
        var layer = await host.EffectiveLayerAsync(store, ct).ConfigureAwait(false);
        var rows = new List<SubstationDto>(layer.Substations.Count);
        foreach (var s in layer.Substations)
        {
            rows.Add(new SubstationDto(s.Id, s.Name, s.Area?.Code, double.IsNaN(s.VoltageKv) ? null : s.VoltageKv,
                s.Location?.Latitude, s.Location?.Longitude, SourceName(layer.SourceOf(s.Id)), await host.UploadNodeAsync(s, ct).ConfigureAwait(false)));
        }

        return TypedResults.Ok(new SubstationsResponse(layer.Info.Model, layer.Info.Synthetic, layer.Info.Profile, layer.Info.First, layer.Info.End, rows));
    }

    private static async Task<IResult> HeadroomAsync(HeadroomLayerHost host, IWattBitStore store, string id, [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to,
        CancellationToken ct)
    {
        var layer = await host.LayerAsync(ct).ConfigureAwait(false);
        var problems = new Problems();
        if (!layer.TryGetSubstation(id, out var s))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown substation",
                detail: $"'{id}' is not a substation of the headroom layer ({layer.Info.Model}); GET /api/grid/substations lists them.");
        }

        var start = from ?? layer.Info.First;
        var end = to ?? layer.Info.End;
        problems.Require(end > start, "to", "to must be after from.");
        problems.Require(end - start <= TimeSpan.FromDays(366), "to", "At most 366 days at once.");
        if (problems.Any)
        {
            return problems.Result();
        }

        var window = new TimeWindow(start, end);
        var effective = await host.EffectiveLayerAsync(store, ct).ConfigureAwait(false);
        var hours = effective.Hourly(id, window);
        var source = SourceName(effective.SourceOf(id));
        if (hours.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No headroom data",
                detail: $"No headroom data: the layer holds no hour of {window} for '{id}'; it covers {new TimeWindow(layer.Info.First, layer.Info.End)}.");
        }

        return TypedResults.Ok(new SubstationHeadroomResponse(s.Id, s.Name, layer.Info.Model, layer.Info.Synthetic, source,
            [.. hours.Select(h => new HeadroomHourDto(h.Start, Round(h.N0Mw), Round(h.N1Mw), h.LimitingLine, h.Contingency))]));
    }

    private static async Task<IResult> QuantilesAsync(HeadroomLayerHost host, string id, [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to,
        CancellationToken ct)
    {
        var layer = await host.LayerAsync(ct).ConfigureAwait(false);
        if (!layer.TryGetSubstation(id, out var s))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown substation",
                detail: $"'{id}' is not a substation of the headroom layer ({layer.Info.Model}); GET /api/grid/substations lists them.");
        }

        var start = from ?? layer.Info.First;
        var end = to ?? start.AddDays(1);
        var problems = new Problems();
        problems.Require(end > start, "to", "to must be after from.");
        problems.Require(end - start <= TimeSpan.FromDays(7), "to", "At most 7 days of quantiles at once.");
        problems.Require(start.UtcTicks % TimeSpan.TicksPerHour == 0, "from", "from must be on the hour.");
        if (problems.Any)
        {
            return problems.Result();
        }

        if (await host.ForecastAsync(id, start, ct).ConfigureAwait(false) is not { } answer)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No headroom quantiles",
                detail: $"No headroom quantiles: they are forecast on the Japan backbone's reference-year history, and this server's layer is the case {layer.Info.Model}.");
        }

        var window = new TimeWindow(start, end);
        var hours = answer.Forecast.Forecast(id, window);
        if (hours.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No headroom quantiles",
                detail: $"No headroom quantiles for '{id}' in {window}: too little history before {TimeWindow.Format(start)}.");
        }

        return TypedResults.Ok(new HeadroomQuantilesResponse(s.Id, s.Name, layer.Info.Model, layer.Info.Synthetic, answer.Forecast.Name, answer.History,
            [.. hours.Select(h => new HeadroomQuantilesDto(h.Start, Math.Round(h.P10Mw, 6), Math.Round(h.P50Mw, 6), Math.Round(h.P90Mw, 6)))]));
    }

    private static async Task<IResult> ZonesAsync(HeadroomLayerHost host, IWattBitStore store, [FromQuery] double? mw, [FromQuery] DateTimeOffset? from,
        [FromQuery] DateTimeOffset? to, CancellationToken ct)
    {
        var size = mw ?? 50;
        var problems = new Problems();
        problems.Require(double.IsFinite(size) && size is > 0 and <= 10_000, "mw", "mw is a connection size in MW, more than 0 and at most 10000.");
        if (problems.Any)
        {
            return problems.Result();
        }

        var layer = await host.EffectiveLayerAsync(store, ct).ConfigureAwait(false);
        var window = Window(layer, from, to, from ?? layer.Info.First, to ?? (from is { } f ? f.AddDays(1) : layer.Info.End), TimeSpan.FromDays(366), out var problem);
        if (problem is not null)
        {
            return problem;
        }

        // The same layer, size and window give the same answer: kept until the layer changes (an upload), not recomputed.
        var answer = host.WelcomeZones.GetOrAdd(layer, size, window, () =>
        {
            using var buffer = new MemoryStream();
            WelcomeZoneMap.Write(buffer, layer, size, window);
            return buffer.ToArray();
        });
        return TypedResults.Bytes(answer, "application/geo+json");
    }

    private static async Task<IResult> AllHeadroomAsync(HeadroomLayerHost host, IWattBitStore store, [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to,
        CancellationToken ct)
    {
        var layer = await host.EffectiveLayerAsync(store, ct).ConfigureAwait(false);
        var start = from ?? layer.Info.First;
        var window = Window(layer, from, to, start, to ?? start.AddDays(1), TimeSpan.FromDays(7), out var problem);
        if (problem is not null)
        {
            return problem;
        }

        var times = new List<DateTimeOffset>();
        for (var t = layer.Info.First; t < layer.Info.End; t = t.AddHours(1))
        {
            if (window.Contains(t))
            {
                times.Add(t);
            }
        }

        var rows = new List<SubstationHoursDto>(layer.Substations.Count);
        foreach (var s in layer.Substations)
        {
            var n0 = new double?[times.Count];
            var n1 = new double?[times.Count];
            var lines = new string?[times.Count];
            foreach (var h in layer.Hourly(s.Id, window))
            {
                var k = times.BinarySearch(h.Start);
                if (k >= 0)
                {
                    (n0[k], n1[k], lines[k]) = (Round(h.N0Mw), Round(h.N1Mw), h.LimitingLine);
                }
            }

            rows.Add(new SubstationHoursDto(s.Id, SourceName(layer.SourceOf(s.Id)), n0, n1, lines));
        }

        return TypedResults.Ok(new LayerHoursResponse(layer.Info.Model, layer.Info.Synthetic, window.Start, window.End, times, rows));
    }

    /// <summary>The window asked for, or a 400 (to not after from, too long) / 404 (no hour of the layer in it).</summary>
    private static TimeWindow Window(IHeadroomLayer layer, DateTimeOffset? from, DateTimeOffset? to, DateTimeOffset start, DateTimeOffset end, TimeSpan longest,
        out IResult? problem)
    {
        var problems = new Problems();
        problems.Require(end > start, to is null ? "from" : "to", "to must be after from.");
        problems.Require(end - start <= longest, "to", $"At most {longest.TotalDays:0} days at once.");
        if (problems.Any)
        {
            problem = problems.Result();
            return default;
        }

        var window = new TimeWindow(start, end);
        var held = new TimeWindow(layer.Info.First, layer.Info.End);
        problem = (from is not null || to is not null) && !window.Overlaps(held)
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No headroom data",
                detail: $"No headroom data: the layer holds no hour of {window}; it covers {held}.")
            : null;
        return window;
    }

    /// <summary>The source name every face shows: model or tso-upload.</summary>
    internal static string SourceName(HeadroomSource source) => source == HeadroomSource.TsoUpload ? "tso-upload" : "model";

    private static double? Round(double v) => double.IsNaN(v) ? null : Math.Round(v, 6);
}

/// <summary>The layer's substations.</summary>
internal sealed record SubstationsResponse(string Model, bool Synthetic, string Profile, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<SubstationDto> Substations);

/// <summary>One substation: where its values come from (model or tso-upload) and the node a grid operator publishes its headroom under (null when none can).</summary>
internal sealed record SubstationDto(string Id, string Name, string? Area, double? VoltageKv, double? Lat, double? Lon, string Source, string? UploadNode);

/// <summary>One substation's hours.</summary>
internal sealed record SubstationHeadroomResponse(string Id, string Name, string Model, bool Synthetic, string Source, IReadOnlyList<HeadroomHourDto> Hours);

/// <summary>One substation's forecast quantiles of secure headroom: what they come from and per hour P10/P50/P90 (MW).</summary>
internal sealed record HeadroomQuantilesResponse(string Id, string Name, string Model, bool Synthetic, string Forecaster, string History,
    IReadOnlyList<HeadroomQuantilesDto> Hours);

/// <summary>One hour's P10, P50 and P90 of secure headroom, MW.</summary>
internal sealed record HeadroomQuantilesDto(DateTimeOffset Start, double P10Mw, double P50Mw, double P90Mw);

/// <summary>Every substation's hours of a window, aligned to <c>Hours</c>.</summary>
internal sealed record LayerHoursResponse(string Model, bool Synthetic, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<DateTimeOffset> Hours,
    IReadOnlyList<SubstationHoursDto> Substations);

/// <summary>One substation's N-0 and N-1 headroom (MW; null = no data) and limiting line per hour of the window, and where they come from.</summary>
internal sealed record SubstationHoursDto(string Id, string Source, IReadOnlyList<double?> N0Mw, IReadOnlyList<double?> N1Mw, IReadOnlyList<string?> LimitingLine);

/// <summary>One hour: N-0 and N-1 headroom (MW; null = not known) and the limiting line.</summary>
internal sealed record HeadroomHourDto(DateTimeOffset Start, double? N0Mw, double? N1Mw, string? LimitingLine, string? Contingency);
