using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using WattBit.Data.Storage;
using WattBit.Server.Connections;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;
using WattBit.Server.Signals;
using WattBit.Sites;

namespace WattBit.Server.Api;

/// <summary>A site's planned power against its grid limit, for its DC operator and its area's grid operator.</summary>
internal static class SitePowerEndpoints
{
    /// <summary>The longest window of one request (366 days of 30-min steps).</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/sites/{id}/power", PowerAsync).WithTags("DC operators", "Grid operators").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters()
            .WithSummary("Planned grid draw (current plan: runs' power × PUE) against the grid limit (connection less curtailment orders, capped by maintenance), per 30-min step over [from, to) (default: the next 24 h). DC operator: own sites; grid operator: sites in its area (give operator).");

    private static async Task<IResult> PowerAsync(IWattBitStore store, SitePower power, SignalCatalog catalog, ClaimsPrincipal user, string id,
        [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to, [FromQuery(Name = "operator")] string? op, CancellationToken ct)
    {
        var caller = Caller.From(user)!;
        if (!caller.IsDcOperator && caller.Role != Roles.GridOperator)
        {
            return Problems.Forbidden("A site's power is shown to its DC operator and its area's grid operator.");
        }

        var problems = new Problems();
        if (caller.IsDcOperator)
        {
            // Another operator's name reads like an unknown site: nothing there for this caller.
            if (op is not null && op != caller.Operator)
            {
                return Problems.NotFound("site");
            }

            op = caller.Operator;
        }
        else
        {
            problems.Require(op is not null, "operator", "A grid operator names the site's operator (as GET /api/areas/{area}/sites lists it).");
            problems.Require(op is null || ApiKeyTable.IsValidOperatorId(op), "operator", "Unknown operator id format.");
        }

        var start = SignalCatalog.Floor(from ?? catalog.Now);
        var window = SignalEndpoints.Window(problems, start, to is { } t ? SignalCatalog.Ceiling(t) : null, catalog.Now, SitePower.Step);
        problems.Require(window.Duration <= MaxWindow, "to", "At most 366 days per request.");
        if (problems.Any)
        {
            return problems.Result();
        }

        if (!OperatorEndpoints.IsValidId(id) || await store.GetSiteAsync(new SiteId(OperatorEndpoints.Scoped(op!, id)), ct).ConfigureAwait(false) is not { } site ||
            (!caller.IsDcOperator && !caller.IsGridOperatorOf(site.Value.Area.Code)))
        {
            return Problems.NotFound("site");
        }

        return TypedResults.Ok(await power.ComputeAsync(site.Value, window, ct).ConfigureAwait(false));
    }
}
