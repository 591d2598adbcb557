using System.Diagnostics;
using System.Text.Json.Serialization;
using WattBit.Grid.Headroom;
using WattBit.Server.Grid;

namespace WattBit.Server.Api;

/// <summary>
/// What-if on the server's headroom layer (decision 0114): uprate a line or add one, and see a substation's hourly
/// headroom on the changed network, answered from the layer's sensitivities by a rank-one update (no rebuild).
/// </summary>
internal static class WhatIfEndpoints
{
    public static void Map(RouteGroupBuilder grid)
    {
        grid.MapPost("/substations/{id}/what-if", WhatIf)
            .WithSummary("What if a line is uprated (`uprate: {line, mw}`, the line as the layer names it) or a new line is added (`newLine: {to, x, mw}`: to another substation, reactance x in p.u. of the model's base, rating MW)? The substation's N-0/N-1 headroom for every hour of the layer, before and after, the limiting line after, and the time the answer took.");
    }

    private static async Task<IResult> WhatIf(HeadroomLayerHost host, string id, WhatIfRequest body, CancellationToken ct)
    {
        var layer = await host.LayerAsync(ct).ConfigureAwait(false);
        if (!layer.TryGetSubstation(id, out var s))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown substation",
                detail: $"'{id}' is not a substation of the headroom layer ({layer.Info.Model}); GET /api/grid/substations lists them.");
        }

        var model = await host.ModelAsync(ct).ConfigureAwait(false);
        var problems = new Problems();
        problems.Require((body.Uprate is null) != (body.NewLine is null), "uprate", "Give exactly one change: uprate or newLine.");
        var bus = await BusOf(host, model, id, ct).ConfigureAwait(false);
        NetworkChange? change = null;
        if (body.Uprate is { } up)
        {
            problems.Require(model.TryFindBranch(up.Line, out var branch), "uprate.line", $"'{up.Line}' is not a line of {layer.Info.Model} (the names the headroom routes show).");
            problems.Require(double.IsFinite(up.Mw) && up.Mw is > 0 and <= 100_000, "uprate.mw", "uprate.mw is the MW added to the line's ratings, more than 0 and at most 100000.");
            change = new BranchUprate(branch, up.Mw);
        }
        else if (body.NewLine is { } nl)
        {
            var to = await BusOf(host, model, nl.To, ct).ConfigureAwait(false);
            problems.Require(to >= 0, "newLine.to", $"'{nl.To}' is not a substation of the headroom layer.");
            problems.Require(double.IsFinite(nl.X) && nl.X > 0 && nl.X <= 100, "newLine.x", "newLine.x is the line's series reactance in p.u. of the model's base, more than 0 and at most 100.");
            problems.Require(double.IsFinite(nl.Mw) && nl.Mw is > 0 and <= 100_000, "newLine.mw", "newLine.mw is the line's rating, more than 0 and at most 100000 MW.");
            problems.Require(to != bus, "newLine.to", "A new line needs two different substations.");
            change = new NewLine(bus, to, nl.X, nl.Mw);
        }

        if (problems.Any)
        {
            return problems.Result();
        }

        var engine = model.EngineAt(bus);
        var steps = engine.Steps;
        var prepared = model.Prepared(bus);
        var before = prepared.Base;
        var after = new BusHeadroom(steps);
        var started = Stopwatch.GetTimestamp();
        HeadroomWhatIf whatIf;
        try
        {
            whatIf = new HeadroomWhatIf(engine, change!);
        }
        catch (ArgumentException e)
        {
            problems.Add(body.Uprate is null ? "newLine" : "uprate", e.Message.Split(" (Parameter", 2)[0]);
            return problems.Result();
        }

        var noSweep = change is BranchUprate ? whatIf.Compute(prepared, after) : Compute(whatIf, bus, after);
        var answerMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var hours = new List<WhatIfHourDto>(steps);
        for (var t = 0; t < steps; t++)
        {
            var n1Known = !double.IsNaN(after.N1Mw[t]);
            var line = n1Known ? after.N1Branch[t] : after.N0Branch[t];
            var outage = n1Known ? after.N1Contingency[t] : -1;
            hours.Add(new WhatIfHourDto(model.Profile.Timestamps[t], Round(before.N0Mw[t]), Round(before.N1Mw[t]), Round(after.N0Mw[t]), Round(after.N1Mw[t]),
                line >= 0 ? model.LineName(line) : null, outage >= 0 ? model.LineName(outage) : null));
        }

        return TypedResults.Ok(new WhatIfResponse(s.Id, s.Name, layer.Info.Model, layer.Info.Synthetic, change!.Describe(model.Network), Math.Round(answerMs, 3), noSweep,
            Summary(before.N1Mw), Summary(after.N1Mw), hours));
    }

    private static bool Compute(HeadroomWhatIf whatIf, int bus, BusHeadroom result)
    {
        whatIf.Compute(bus, result);
        return false;
    }

    private static async Task<int> BusOf(HeadroomLayerHost host, LayerModel model, string id, CancellationToken ct) =>
        await host.BusNumberAsync(id, ct).ConfigureAwait(false) is { } number && model.Network.TryGetBusIndex(number, out var index) ? index : -1;

    private static WhatIfSummaryDto Summary(double[] n1) => new(
        Round(n1.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Min()), Round(n1.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average()));

    private static double? Round(double v) => double.IsNaN(v) ? null : Math.Round(v, 6);
}

/// <summary>A what-if: exactly one of the two changes.</summary>
internal sealed record WhatIfRequest(UprateRequest? Uprate, NewLineRequest? NewLine);

/// <summary>Uprate a line (its name as the layer shows it) by mw MW (normal and emergency ratings).</summary>
internal sealed record UprateRequest([property: JsonRequired] string Line, [property: JsonRequired] double Mw);

/// <summary>A new line from the substation to another one: series reactance x (p.u. of the model's base) and rating mw.</summary>
internal sealed record NewLineRequest([property: JsonRequired] string To, [property: JsonRequired] double X, [property: JsonRequired] double Mw);

/// <summary>The answer: the change, the time the answer took (ms, one bus, every hour; not counting the preparation at the bus's first question),
/// whether it came without a sweep (an uprate at a prepared bus, decision 0116), N-1 summaries and the hours.</summary>
internal sealed record WhatIfResponse(string Id, string Name, string Model, bool Synthetic, string Change, double AnswerMs, bool NoSweep, WhatIfSummaryDto Before,
    WhatIfSummaryDto After, IReadOnlyList<WhatIfHourDto> Hours);

/// <summary>The smallest and the mean N-1 headroom over the hours, MW.</summary>
internal sealed record WhatIfSummaryDto(double? MinN1Mw, double? MeanN1Mw);

/// <summary>One hour before and after the change, with the line that limits after it (and its outage; null: base case).</summary>
internal sealed record WhatIfHourDto(DateTimeOffset Start, double? N0MwBefore, double? N1MwBefore, double? N0MwAfter, double? N1MwAfter, string? LimitingLine,
    string? Contingency);
