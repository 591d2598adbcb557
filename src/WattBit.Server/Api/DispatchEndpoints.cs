using System.Security.Claims;
using WattBit.Server.Dispatch;
using WattBit.Server.Events;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;

namespace WattBit.Server.Api;

/// <summary>Dispatch orders for DC operators: what to do at their sites about each curtailment order, and their acknowledgement.</summary>
internal static class DispatchEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/dispatch-orders").WithTags("DC operators").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        group.MapGet("/", async (DispatchBook book, ClaimsPrincipal user) =>
            DcOperator(user) is { } me ? TypedResults.Ok(await book.OfAsync(me.Operator!).ConfigureAwait(false)) : NotDcOperator())
            .WithSummary("The dispatch orders for the caller's sites (one per curtailment order), oldest first.");
        group.MapGet("/{id}", async (DispatchBook book, ClaimsPrincipal user, string id) =>
            DcOperator(user) is not { } me ? NotDcOperator()
            : await book.FindAsync(id).ConfigureAwait(false) is { } o && o.Operator == me.Operator ? TypedResults.Ok(o) : Problems.NotFound("dispatch order"))
            .WithSummary("One dispatch order: the actions (defer, pause, move, stop...), when each is in place, and whether the curtailment is met within its notice.");
        group.MapPost("/{id}/acknowledgement", async (DispatchBook book, EventHub events, TimeProvider time, ClaimsPrincipal user, string id) =>
        {
            if (DcOperator(user) is not { } me)
            {
                return NotDcOperator();
            }

            if (await book.FindAsync(id).ConfigureAwait(false) is not { } o || o.Operator != me.Operator)
            {
                return Problems.NotFound("dispatch order");
            }

            if (await book.AcknowledgeAsync(me.KeyId, o, time.GetUtcNow()).ConfigureAwait(false) is not { } acked)
            {
                return Problems.Conflict("The dispatch order is already acknowledged.");
            }

            await DispatchEvents.PublishAsync(events, acked).ConfigureAwait(false);
            return TypedResults.Ok(acked);
        }).WithSummary("Acknowledge a dispatch order (409 if already acknowledged).");
    }

    private static Caller? DcOperator(ClaimsPrincipal user) => Caller.From(user) is { IsDcOperator: true } c ? c : null;

    private static IResult NotDcOperator() => Problems.Forbidden("Dispatch orders are for DC operator keys.");
}
