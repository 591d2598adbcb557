using WattBit.Sites;
using WattBit.Units;
using DispatchCurtailment = WattBit.Planning.Dispatch.CurtailmentOrder;

namespace WattBit.Cluster.Orders;

/// <summary>The planning dispatcher's view of a cluster order (the silo's side; clients never need it).</summary>
internal static class OrderDispatch
{
    /// <summary>The dispatcher's curtailment event for an order.</summary>
    public static DispatchCurtailment ToDispatchEvent(this OrderRequest order) =>
        new(order.IssuedAt, new SiteId(order.SiteId), Power.FromMegawatts(order.ReductionMw), order.EffectiveAt - order.IssuedAt,
            order.ExpectedEndAt - order.EffectiveAt);
}
