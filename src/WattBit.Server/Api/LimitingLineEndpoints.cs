using Microsoft.AspNetCore.Mvc;
using WattBit.Data.Storage;
using WattBit.Headroom;
using WattBit.Server.Grid;
using WattBit.Time;

namespace WattBit.Server.Api;

/// <summary>Reinforcement candidates on the server's headroom layer: the lines that limit a substation most often.</summary>
internal static class LimitingLineEndpoints
{
    public static void Map(RouteGroupBuilder grid)
    {
        grid.MapGet("/substations/{id}/limiting-lines", RankAsync)
            .WithSummary("The lines that limit the substation's secure (N-1) headroom most often over [from, to) (default: all the layer holds), ranked by hours, with the outage that most often comes with each and the smallest headroom while it limits: reinforcement candidates. `top` (1-100, default 10).");
    }

    private static async Task<IResult> RankAsync(HeadroomLayerHost host, IWattBitStore store, string id, [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to,
        [FromQuery] int? top, CancellationToken ct)
    {
        var layer = await host.LayerAsync(ct).ConfigureAwait(false);
        if (!layer.TryGetSubstation(id, out var s))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown substation",
                detail: $"'{id}' is not a substation of the headroom layer ({layer.Info.Model}); GET /api/grid/substations lists them.");
        }

        var start = from ?? layer.Info.First;
        var end = to ?? layer.Info.End;
        var count = top ?? 10;
        var problems = new Problems();
        problems.Require(end > start, "to", "to must be after from.");
        problems.Require(end - start <= TimeSpan.FromDays(366), "to", "At most 366 days at once.");
        problems.Require(count is >= 1 and <= 100, "top", "top is how many lines to list, 1 to 100.");
        if (problems.Any)
        {
            return problems.Result();
        }

        var window = new TimeWindow(start, end);
        var effective = await host.EffectiveLayerAsync(store, ct).ConfigureAwait(false);
        var hours = effective.Hourly(id, window);
        if (hours.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No headroom data",
                detail: $"No headroom data: the layer holds no hour of {window} for '{id}'; it covers {new TimeWindow(layer.Info.First, layer.Info.End)}.");
        }

        var ranked = LimitingLines.Rank(hours, count);
        return TypedResults.Ok(new LimitingLinesResponse(s.Id, s.Name, layer.Info.Model, layer.Info.Synthetic,
            HeadroomLayerEndpoints.SourceName(effective.SourceOf(id)), start, end, hours.Count,
            [.. ranked.Select(r => new LimitingLineDto(r.Line, r.Hours, Math.Round(r.Share, 6), Math.Round(r.MinSecureMw, 6), r.MostOftenContingency))]));
    }
}

/// <summary>A substation's limiting lines over a window.</summary>
internal sealed record LimitingLinesResponse(string Id, string Name, string Model, bool Synthetic, string Source, DateTimeOffset From, DateTimeOffset To, int Hours,
    IReadOnlyList<LimitingLineDto> Lines);

/// <summary>One limiting line: hours it limits, their share of the window's hours, the smallest secure headroom then (MW) and the outage most often with it (null: the base case).</summary>
internal sealed record LimitingLineDto(string Line, int Hours, double Share, double MinSecureMw, string? MostOftenContingency);
