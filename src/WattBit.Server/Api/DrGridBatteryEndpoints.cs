using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using WattBit.Data.Storage;
using WattBit.Grid.Headroom;
using WattBit.Headroom;
using WattBit.Planning.Flexibility;
using WattBit.Server.Connections;
using WattBit.Server.DemandResponse;
using WattBit.Server.Events;
using WattBit.Server.Grid;
using WattBit.Server.Security;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Server.Api;

/// <summary>A battery elsewhere on the grid that a DC operator wants to contract for one of its sites: its id, the layer substation it is at, the MW it discharges, the contract's price.</summary>
internal sealed record DrGridBatteryBody([property: JsonRequired] string Id, [property: JsonRequired] string Substation, [property: JsonRequired] double Mw,
    double PriceYen = 0);

/// <summary>
/// Grid-side battery contracts (issue 19, decision 0197): a DC operator contracts a battery at another substation for one
/// of its sites; the server's headroom layer decides, by its network's PTDF/LODF sensitivities (the grid engine's
/// <see cref="IHeadroomLayer"/> model through <see cref="BatteryReliefEngine"/>, ranked by the planner's
/// <see cref="GridBatteryContracts"/>), whether the battery's discharge raises the site's secure headroom. A battery that
/// does not (the wrong side of the site's limiting line, or a site no line limits) is refused with the reason; nothing is
/// stored. Journalled with the other DR actions (audit line, live event <c>dr-grid-battery</c>).
/// </summary>
internal static class DrGridBatteryEndpoints
{
    private const double MaxMw = 100_000;

    public static void Map(RouteGroupBuilder dr)
    {
        dr.MapPost("/sites/{site}/grid-batteries", ContractAsync)
            .WithSummary("DC operator: contract a battery at another substation of the headroom layer for one of its sites (the site's grid node must be on the layer's model). The layer's sensitivities decide whether its discharge raises the site's secure headroom (lowest over the layer's hours): 201 with headroom without and with it and the limiting lines; 422 with the reason when it does not relieve the site's limiting line.")
            .Produces<DrGridBatteryRecord>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        dr.MapGet("/grid-batteries", ListAsync)
            .WithSummary("Grid-side battery contracts: the caller's sites' (DC operator) or its area's (grid operator).")
            .Produces<List<DrGridBatteryRecord>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> ContractAsync(DrBook book, IWattBitStore store, SiteGrids grids, HeadroomLayerHost host, EventHub events, TimeProvider time,
        ClaimsPrincipal user, string site, DrGridBatteryBody body, CancellationToken ct)
    {
        if (Caller.From(user) is not { IsDcOperator: true } me)
        {
            return Problems.Forbidden("Only DC operator keys contract grid-side batteries for their sites.");
        }

        if (!OperatorEndpoints.IsValidId(site) || await store.GetSiteAsync(new SiteId(OperatorEndpoints.Scoped(me.Operator!, site)), ct).ConfigureAwait(false) is not { } stored)
        {
            return Problems.NotFound("site");
        }

        var model = await host.ModelAsync(ct).ConfigureAwait(false);
        var layer = await host.LayerAsync(ct).ConfigureAwait(false);
        var problems = new Problems();
        problems.Require(OperatorEndpoints.IsValidId(body.Id ?? string.Empty), "id", "A battery id has 1-64 letters, digits, '-', '_' or '.'.");
        problems.Require(double.IsFinite(body.Mw) && body.Mw is > 0 and <= MaxMw, "mw", $"mw is the battery's discharge, more than 0 and at most {MaxMw} MW.");
        problems.Require(double.IsFinite(body.PriceYen) && body.PriceYen >= 0, "priceYen", "priceYen is the contract's price, 0 or more JPY.");
        var batteryBus = await BusAsync(host, model, body.Substation ?? string.Empty, ct).ConfigureAwait(false);
        problems.Require(batteryBus is not null, "substation", $"'{body.Substation}' is not a substation of the headroom layer's model ({layer.Info.Model}); GET /api/grid/substations lists them.");
        if (problems.Any || batteryBus is not { } batteryNumber)
        {
            return problems.Result();
        }

        var node = (await grids.GetAsync(OperatorEndpoints.Scoped(me.Operator!, site), ct).ConfigureAwait(false))?.Substation;
        if (node is null || await BusAsync(host, model, node, ct).ConfigureAwait(false) is not { } dcBus)
        {
            return Problems.Conflict(node is null
                ? $"Site '{site}' has no grid node: PUT /api/sites/{site} with grid.node (its substation on the headroom layer) first."
                : $"Site '{site}' is at node '{node}', which is not on the headroom layer's model ({layer.Info.Model}).");
        }

        var relief = new BatteryReliefEngine(model.Engine);
        var offer = new GridBatteryOffer(body.Id!, batteryNumber.ToString(CultureInfo.InvariantCulture), Power.FromMegawatts(body.Mw), Money.FromYen(body.PriceYen));
        var choice = GridBatteryContracts.Rank(dcBus.ToString(CultureInfo.InvariantCulture), [offer], relief)[0];
        var r = choice.Relief;
        var why = Why(r, model, site);
        if (!r.Relieves)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The battery does not relieve the site",
                detail: string.Create(CultureInfo.InvariantCulture,
                    $"Battery '{body.Id}' at {body.Substation} ({body.Mw:0.###} MW) leaves site '{site}' at {r.Without.Megawatts:0.###} MW of headroom ({r.With.Megawatts:0.###} with it): {why}."));
        }

        var record = new DrGridBatteryRecord(me.Operator!, site, stored.Value.Area.Code, body.Id!, body.Substation!, body.Mw, body.PriceYen, Round(r.Without.Megawatts),
            Round(r.With.Megawatts), Round(r.Relief.Megawatts), Round(choice.YenPerMwOfRelief ?? 0), LineName(r.LimitingBranch, model), LineName(r.LimitingBranchWith, model),
            why, relief.Description, time.GetUtcNow().ToOffset(Jst.Offset), me.KeyId);
        if (!await book.ContractGridBatteryAsync(me.KeyId, record, ct).ConfigureAwait(false))
        {
            return Problems.Conflict($"Site '{site}' already has a contract for battery '{body.Id}'.");
        }

        await events.PublishAsync("dr-grid-battery", record.Area, me.Operator, record).ConfigureAwait(false);
        return TypedResults.Created($"/api/dr/grid-batteries?site={Uri.EscapeDataString(site)}", record);
    }

    private static async Task<IResult> ListAsync(DrBook book, ClaimsPrincipal user, CancellationToken ct) => Caller.From(user) switch
    {
        { IsDcOperator: true } me => TypedResults.Ok(await book.GridBatteriesAsync(k => k.Operator == me.Operator, ct).ConfigureAwait(false)),
        { Role: Roles.GridOperator, Area: not null } me => TypedResults.Ok(await book.GridBatteriesAsync(k => k.Area == me.Area, ct).ConfigureAwait(false)),
        _ => Problems.Forbidden("Grid-side battery contracts are for DC operator and grid operator keys."),
    };

    // The model's bus number of a layer substation id, or of a node given as a bus number (the upload node of a substation).
    private static async Task<int?> BusAsync(HeadroomLayerHost host, LayerModel model, string node, CancellationToken ct)
    {
        if (await host.BusNumberAsync(node, ct).ConfigureAwait(false) is { } number)
        {
            return number;
        }

        return int.TryParse(node, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && model.Network.TryGetBusIndex(n, out _) ? n : null;
    }

    // The engine names a branch by its 1-based index when the network has no names; every face shows the layer's line names.
    private static string? LineName(string? branch, LayerModel model) =>
        branch is not null && int.TryParse(branch, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= model.Network.Branches.Length
            ? model.LineName(n - 1)
            : branch;

    // Why, in the layer's line names (the planner's ranking states the same with the engine's branch indices).
    private static string Why(BatteryRelief r, LayerModel model, string site)
    {
        var without = LineName(r.LimitingBranch, model);
        return r.Relieves
            ? string.Create(CultureInfo.InvariantCulture,
                $"adds {r.Relief.Megawatts:0.###} MW at {site} ({r.ReliefPerMw:0.###} MW per MW discharged); limiting line {without} -> {LineName(r.LimitingBranchWith, model) ?? "none"}")
            : without is null
                ? $"no line limits {site} (its headroom is the layer's cap), so no battery can add headroom"
                : string.Create(CultureInfo.InvariantCulture,
                    $"it does not relieve {site}'s limiting line {without}: load at {site} moves that line's flow by {r.DcSensitivity:0.###} MW per MW, the battery's discharge by {r.BatterySensitivity:0.###} MW per MW (it must push the other way)");
    }

    private static double Round(double v) => Math.Round(v, 6);
}
