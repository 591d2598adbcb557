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
    public static void Map(IEndpointRouteBuilder app)
    {
        var grid = app.MapGroup("/api/grid").WithTags("Headroom layer").RequireAuthorization(Roles.PublicRead).RejectUnknownQueryParameters();
        grid.MapGet("/substations", SubstationsAsync)
            .WithSummary("The layer's substations (id, name, area, voltage kV, lat, lon, source), its model, whether it is synthetic, and the hours it holds.");
        grid.MapGet("/substations/{id}/headroom", HeadroomAsync)
            .WithSummary("Per hour of [from, to) (default: all the layer holds): N-0 and N-1 headroom in MW and the limiting line; a grid operator's upload for the node overrides the model.");
        grid.MapGet("/welcome-zones", ZonesAsync)
            .WithSummary("GeoJSON of the welcome zones (ウェルカムゾーン) for a connection of `mw` MW (default 50): firm / dynamic / curtailable (③) / constrained per substation.");
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

    private static async Task<IResult> ZonesAsync(HttpContext http, HeadroomLayerHost host, IWattBitStore store, [FromQuery] double? mw, CancellationToken ct)
    {
        var size = mw ?? 50;
        var problems = new Problems();
        problems.Require(double.IsFinite(size) && size is > 0 and <= 10_000, "mw", "mw is a connection size in MW, more than 0 and at most 10000.");
        if (problems.Any)
        {
            return problems.Result();
        }

        var layer = await host.EffectiveLayerAsync(store, ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        WelcomeZoneMap.Write(buffer, layer, size);
        return TypedResults.Bytes(buffer.ToArray(), "application/geo+json");
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

/// <summary>One hour: N-0 and N-1 headroom (MW; null = not known) and the limiting line.</summary>
internal sealed record HeadroomHourDto(DateTimeOffset Start, double? N0Mw, double? N1Mw, string? LimitingLine, string? Contingency);
