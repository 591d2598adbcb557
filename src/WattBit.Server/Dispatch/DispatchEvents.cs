using WattBit.Server.Events;
using WattBit.Server.Orders;

namespace WattBit.Server.Dispatch;

/// <summary>
/// How a dispatch order's progress is seen by the area's grid operator, without the DC operator's workloads: the
/// curtailment it answers, the reduction required and achieved, whether it is met within the notice or by the fallback,
/// the acknowledgement and the job engine's progress as counts (decision 0157).
/// </summary>
/// <param name="Id">The dispatch order's id.</param>
/// <param name="CurtailmentOrderId">The curtailment order it answers.</param>
/// <param name="Area">The area.</param>
/// <param name="Operator">The DC operator.</param>
/// <param name="SiteId">The curtailed site.</param>
/// <param name="EffectiveAt">When the curtailment takes effect.</param>
/// <param name="ExpectedEndAt">When it is expected to end.</param>
/// <param name="ReductionMw">The reduction ordered, MW.</param>
/// <param name="RequiredMw">The reduction required (at most what the site is planned to draw then), MW.</param>
/// <param name="AchievedMw">The reduction the actions achieve, MW.</param>
/// <param name="Met">Whether it is met within the notice.</param>
/// <param name="UsedFallback">Whether the dispatcher's fallback decided it.</param>
/// <param name="Actions">How many actions it takes.</param>
/// <param name="State">The order's state (issued, acknowledged...).</param>
/// <param name="AcknowledgedAt">When the DC operator acknowledged it, or null.</param>
/// <param name="Execution">On the operator's job engine: its state, actions done and failed, and whether the lift happened; null without an engine.</param>
internal sealed record DispatchStatus(string Id, string CurtailmentOrderId, string Area, string Operator, string SiteId, DateTimeOffset EffectiveAt,
    DateTimeOffset ExpectedEndAt, double ReductionMw, double RequiredMw, double AchievedMw, bool Met, bool UsedFallback, int Actions, OrderState State,
    DateTimeOffset? AcknowledgedAt, DispatchStatusExecution? Execution)
{
    /// <summary>The status of an order.</summary>
    public static DispatchStatus Of(DispatchOrder o) => new(o.Id, o.CurtailmentOrderId, o.Area, o.Operator, o.SiteId, o.EffectiveAt, o.ExpectedEndAt,
        o.ReductionMw, o.RequiredMw, o.AchievedMw, o.Met, o.UsedFallback, o.Actions.Count, o.State, o.AcknowledgedAt,
        o.Execution is { } e ? new DispatchStatusExecution(e.State, e.Actions.Count(a => a.Result is ActionResult.Done), e.Actions.Count(a => a.Result is ActionResult.Failed),
            e.FinishedAt, e.LiftedAt) : null);
}

/// <summary>A dispatch order's execution as counts.</summary>
/// <param name="State">Executing, done or failed.</param>
/// <param name="Done">Actions carried out.</param>
/// <param name="Failed">Actions the engine refused or failed.</param>
/// <param name="FinishedAt">When the last action was carried out, or null.</param>
/// <param name="LiftedAt">When suspended work was resumed after the curtailment, or null.</param>
internal sealed record DispatchStatusExecution(ExecutionState State, int Done, int Failed, DateTimeOffset? FinishedAt, DateTimeOffset? LiftedAt);

/// <summary>Publishes a dispatch order's changes: the whole order to its DC operator, its status to the area's grid operator too.</summary>
internal static class DispatchEvents
{
    /// <summary>Sends <c>dispatch-order</c> (the order, to its DC operator) and <c>dispatch-status</c> (<see cref="DispatchStatus"/>, to the operator and the area's grid operator).</summary>
    public static async Task PublishAsync(EventHub events, DispatchOrder order)
    {
        await events.PublishAsync("dispatch-order", null, order.Operator, order).ConfigureAwait(false);
        await events.PublishAsync("dispatch-status", order.Area, order.Operator, DispatchStatus.Of(order)).ConfigureAwait(false);
    }
}
