using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using WattBit.Data.Storage;
using WattBit.Server.Dispatch;
using WattBit.Server.Events;
using WattBit.Server.Infrastructure;
using WattBit.Server.Orders;
using WattBit.Server.Security;
using WattBit.Sites;

namespace WattBit.Server.Api;

/// <summary>Curtailment orders (grid operator issues, DC operator acknowledges), planned maintenance and the live event stream.</summary>
internal static class GridEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api").WithTags("Curtailment").RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters();
        orders.MapPost("/areas/{area}/curtailment-orders", IssueAsync)
            .WithSummary("Grid operator of the area: order a site to reduce its draw by reductionMw after noticeMinutes, for about expectedDurationMinutes.");
        orders.MapGet("/curtailment-orders", List).WithSummary("Orders the caller may see: a DC operator its own, a grid operator its area's.");
        orders.MapGet("/curtailment-orders/{id}", Get).WithSummary("One order.");
        orders.MapPost("/curtailment-orders/{id}/acknowledgement", Acknowledge).WithSummary("DC operator: acknowledge an order for one of its sites.");
        orders.MapPost("/areas/{area}/maintenance", PublishMaintenance).WithTags("Grid operators")
            .WithSummary("Grid operator of the area: publish planned maintenance (a node's limit over a window).");
        orders.MapGet("/areas/{area}/maintenance", async Task<IResult> (string area, OrderBook book) =>
        {
            var problems = new Problems();
            var a = problems.Area(area, "area");
            return problems.Any ? problems.Result() : TypedResults.Ok(await book.MaintenanceOfAsync(a!.Code).ConfigureAwait(false));
        }).WithTags("Grid operators").WithSummary("Planned maintenance in an area.");
        orders.MapGet("/audit", Audit).WithTags("Curtailment")
            .WithSummary("The audit log (who issued, acknowledged, published what, when): a grid operator's area, or the orders addressed to a DC operator; the last `limit` entries (1-1000, default 200).");
        app.MapGet("/api/events", Events).RequireAuthorization(Roles.AnyKey).RejectUnknownQueryParameters().WithTags("Live events")
            .WithSummary("Server-sent events: ready, curtailment-order, dispatch-order, dispatch-status, plan, signal, headroom, maintenance, site, workload, siting-job (each caller sees only what it may).");
    }

    private static bool CanSee(Caller c, BookedOrder o) => (c.IsDcOperator && c.Operator == o.Operator) || c.IsGridOperatorOf(o.Area);

    private static async Task<IResult> IssueAsync(IWattBitStore store, OrderBook book, IOrderRelay relay, Connections.SiteGrids grids, DispatchService dispatch,
        EventHub events, ClaimsPrincipal user, HttpContext http, string area, CurtailmentRequest body, CancellationToken ct)
    {
        if (Problems.UnlessGridOperatorOf(user, area, "issues curtailment orders there", out var a, out var caller) is { } denied)
        {
            return denied;
        }

        var problems = new Problems();

        problems.Require(ApiKeyTable.IsValidOperatorId(body.Operator), "operator", "Unknown operator id format.");
        problems.Require(OperatorEndpoints.IsValidId(body.SiteId), "siteId", "A site id has 1-64 letters, digits, '-', '_' or '.'.");
        problems.Require(body.NoticeMinutes is >= 0 and <= 60 * 24 * 30, "noticeMinutes", "noticeMinutes must be between 0 and 43200.");
        problems.Require(body.ExpectedDurationMinutes is >= 1 and <= 60 * 24 * 366, "expectedDurationMinutes", "expectedDurationMinutes must be between 1 and 527040.");
        problems.Require(body.Reason is null || body.Reason.Length <= 500, "reason", "reason has at most 500 characters.");
        if (problems.Any)
        {
            return problems.Result();
        }

        var site = await store.GetSiteAsync(new SiteId(OperatorEndpoints.Scoped(body.Operator, body.SiteId)), ct).ConfigureAwait(false);
        if (site is not { } s || s.Value.Area.Code != a.Code)
        {
            return Problems.NotFound($"site in {a.Code}");
        }

        var maxMw = s.Value.GridDraw(s.Value.ItCapacity).Megawatts;
        problems.Require(body.ReductionMw > 0 && body.ReductionMw <= maxMw + 1e-9, "reductionMw", $"reductionMw must be above 0 and at most the site's grid draw at full load ({maxMw:0.###} MW).");
        if (problems.Any)
        {
            return problems.Result();
        }

        // With an Idempotency-Key the id comes from it: a retry after a 503 reaches the same order in the cluster.
        var key = IdempotencyKeys.KeyOf(http, out _);
        var id = key is null ? null : IdempotencyKeys.OrderId(caller.KeyId, key);
        if (id is not null && await book.FindAsync(id).ConfigureAwait(false) is { } already)
        {
            return TypedResults.Created($"/api/curtailment-orders/{already.Id}", already);
        }

        var order = book.Draft(caller.KeyId, a.Code, body.Operator, body.SiteId, body.ReductionMw, TimeSpan.FromMinutes(body.NoticeMinutes),
            TimeSpan.FromMinutes(body.ExpectedDurationMinutes), body.Reason, id);
        if (id is not null)
        {
            order = await relay.ReconcileAsync(order, ct).ConfigureAwait(false);
        }

        try
        {
            // In cluster mode the order is durable there before it exists here; not cut short by the caller hanging up.
            var limitMw = await grids.GetAsync(s.Value.Id.Value, ct).ConfigureAwait(false) is { Kind: WattBit.Sites.ConnectionKind.Firm } firm ? firm.Firm.Megawatts : maxMw;
            await relay.AcceptAsync(order, s.Value, limitMw, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OrderRelayUnavailableException e)
        {
            return Problems.Unavailable(id is null
                ? e.Message
                : $"{e.Message} Retry with the same {IdempotencyKeys.Header}: the order would be {id}, and a retry finds it if the cluster accepted it after all.");
        }

        await book.RecordAsync(order).ConfigureAwait(false);
        await events.PublishAsync("curtailment-order", order.Area, order.Operator, order).ConfigureAwait(false);

        // The order is issued whatever happens next; its dispatch must not be cut short by the grid operator hanging up.
        await dispatch.DispatchAsync(order, CancellationToken.None).ConfigureAwait(false);
        return TypedResults.Created($"/api/curtailment-orders/{order.Id}", order);
    }

    private static async Task<IResult> List(OrderBook book, ClaimsPrincipal user)
    {
        var c = Caller.From(user)!;
        if (!c.IsDcOperator && c.Role != Roles.GridOperator)
        {
            return Problems.Forbidden("Curtailment orders are visible to the DC operator they address and the grid operator that issued them.");
        }

        return TypedResults.Ok(await book.OrdersAsync(o => CanSee(c, o)).ConfigureAwait(false));
    }

    private static async Task<IResult> Get(OrderBook book, ClaimsPrincipal user, string id)
    {
        var c = Caller.From(user)!;
        return await book.FindAsync(id).ConfigureAwait(false) is { } o && CanSee(c, o) ? TypedResults.Ok(o) : Problems.NotFound("curtailment order");
    }

    private static async Task<IResult> Acknowledge(OrderBook book, EventHub events, IOrderRelay relay, TimeProvider time, ClaimsPrincipal user, string id)
    {
        var c = Caller.From(user)!;
        if (await book.FindAsync(id).ConfigureAwait(false) is not { } o || !CanSee(c, o))
        {
            return Problems.NotFound("curtailment order");
        }

        if (!(c.IsDcOperator && c.Operator == o.Operator))
        {
            return Problems.Forbidden("Only the DC operator the order addresses acknowledges it.");
        }

        if (o.State != OrderState.Issued)
        {
            return Problems.Conflict("The order is already acknowledged.");
        }

        // In cluster mode the order's grain records the acknowledgement first (idempotent there), then the journal: a
        // 503 leaves nothing in the journal, and the retry records the same acknowledgement in the grain again harmlessly.
        var now = time.GetUtcNow();
        try
        {
            await relay.AcknowledgeAsync(o, c.KeyId, now, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OrderRelayUnavailableException e)
        {
            return Problems.Unavailable(e.Message);
        }

        if (await book.AcknowledgeAsync(c.KeyId, o, now).ConfigureAwait(false) is not { } acked)
        {
            return Problems.Conflict("The order is already acknowledged.");
        }

        await events.PublishAsync("curtailment-order", acked.Area, acked.Operator, acked).ConfigureAwait(false);
        return TypedResults.Ok(acked);
    }

    private static async Task<IResult> Audit(OrderBook book, ClaimsPrincipal user, [Microsoft.AspNetCore.Mvc.FromQuery] int? limit)
    {
        var c = Caller.From(user)!;
        if (limit is < 1 or > 1000)
        {
            var problems = new Problems();
            problems.Add("limit", "limit must be between 1 and 1000.");
            return problems.Result();
        }

        if (c.Role == Roles.GridOperator)
        {
            return TypedResults.Ok(await book.AuditAsync(e => e.Order?.Area == c.Area || e.Maintenance?.Area == c.Area, limit ?? 200).ConfigureAwait(false));
        }

        return c.IsDcOperator
            ? TypedResults.Ok(await book.AuditAsync(e => e.Order is { } o && o.Operator == c.Operator, limit ?? 200).ConfigureAwait(false))
            : Problems.Forbidden("The audit log is for grid operators (their area) and DC operators (their orders).");
    }

    private static async Task<IResult> PublishMaintenance(OrderBook book, EventHub events, ClaimsPrincipal user, string area, MaintenanceRequest body)
    {
        if (Problems.UnlessGridOperatorOf(user, area, "publishes maintenance there", out var a, out var caller) is { } denied)
        {
            return denied;
        }

        var problems = new Problems();

        problems.Require(body.Node.Length is > 0 and <= 64, "node", "node has 1-64 characters.");
        problems.Require(body.Start < body.End, "end", "end must be after start.");
        problems.Require(body.End - body.Start <= TimeSpan.FromDays(366), "end", "Maintenance lasts at most 366 days.");
        problems.Require(double.IsFinite(body.LimitMw) && body.LimitMw is >= 0 and <= 100_000, "limitMw", "limitMw must be between 0 and 100000.");
        problems.Require(body.Description is null || body.Description.Length <= 500, "description", "description has at most 500 characters.");
        if (problems.Any)
        {
            return problems.Result();
        }

        var m = await book.PublishMaintenanceAsync(caller.KeyId, a.Code, body.Node, body.Start, body.End, body.LimitMw, body.Description);
        await events.PublishAsync("maintenance", a.Code, null, m).ConfigureAwait(false);
        return TypedResults.Created($"/api/areas/{a.Code}/maintenance", m);
    }

    private static IResult Events(EventHub hub, ClaimsPrincipal user, [Microsoft.AspNetCore.Mvc.FromHeader(Name = "Last-Event-ID")] string? lastEventId, CancellationToken ct)
    {
        long? last = null;
        if (lastEventId is not null)
        {
            if (!long.TryParse(lastEventId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                var problems = new Problems();
                problems.Add("Last-Event-ID", "Last-Event-ID must be the id of an event this server sent.");
                return problems.Result();
            }

            last = parsed;
        }

        return TypedResults.ServerSentEvents(Stream(hub, Caller.From(user)!, last, ct));
    }

    private static async IAsyncEnumerable<SseItem<object>> Stream(EventHub hub, Caller caller, long? last, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in hub.SubscribeAsync(caller, last, ct).ConfigureAwait(false))
        {
            yield return new SseItem<object>(e.Data, e.Type) { EventId = e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
    }
}
