using FsCheck.Xunit;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Sites;
using WattBit.Units;
using static WattBit.Planning.Tests.Dispatch.Fleets;

namespace WattBit.Planning.Tests.Dispatch;

/// <summary>Every curtailment is met within its notice, on random fleets, whatever the strategy does.</summary>
public sealed class DispatchPropertyTests
{
    internal static (FleetState Fleet, CurtailmentOrder Order) RandomCase(int seed)
    {
        var rng = new Random(seed);
        var n = rng.Next(1, 7);
        var sites = new List<SiteState>();
        for (var i = 0; i < n; i++)
        {
            Battery? bat = rng.Next(2) == 0 ? null : new Battery(Energy.FromMegawattHours(1 + (rng.NextDouble() * 8)), Power.FromMegawatts(0.5 + (rng.NextDouble() * 4)));
            sites.Add(SiteState("s" + i, 10 + (rng.NextDouble() * 30), 40, rng.Next(100, 20_000), bat, rng.NextDouble() * 3,
                new GeoPoint(34 + (rng.NextDouble() * 2), 135 + (rng.NextDouble() * 5)), rng.NextDouble() * 20_000));
        }

        var all = sites.Select(s => s.Site.Id.Value).ToArray();
        var running = new List<RunningWorkload>();
        for (var k = 0; k < rng.Next(0, 20); k++)
        {
            var at = "s" + rng.Next(n);
            var allowed = all.Where(_ => rng.Next(3) > 0).Append(at).Distinct().ToArray();
            running.Add(rng.Next(3) switch
            {
                0 => Training("t" + k, at, 0.5 + (rng.NextDouble() * 4), TimeSpan.FromMinutes(rng.Next(0, 40)), rng.Next(0, 5000), allowed),
                1 => Batch("b" + k, at, 0.2 + (rng.NextDouble() * 3), rng.Next(2) == 0, Now.AddHours(rng.Next(1, 30)), rng.NextDouble() * 10, allowed),
                _ => Replicas("r" + k, at, rng.Next(1, 40), 10 + (rng.NextDouble() * 100), TimeSpan.FromMinutes(rng.Next(0, 20)), allowed),
            });
        }

        var fleet = Fleet(sites, [.. running]);
        var target = rng.Next(n);
        var shed = fleet.DrawOf(target).Megawatts * rng.NextDouble() * 1.2;
        return (fleet, new CurtailmentOrder(Now, new SiteId("s" + target), Power.FromMegawatts(Math.Max(0, shed)),
            TimeSpan.FromMinutes(rng.Next(0, 90)), TimeSpan.FromHours(0.5 + (rng.NextDouble() * 4))));
    }

    [Property(MaxTest = 200)]
    public bool EveryCurtailment_IsMetWithinItsNotice(int seed)
    {
        var (fleet, order) = RandomCase(seed);
        var d = new Dispatcher(TimeProvider.System).Handle(order, fleet);
        var i = fleet.IndexOf(order.Site);
        var required = Math.Min(order.Shed.Megawatts, fleet.DrawOf(i).Megawatts);
        var shed = fleet.DrawOf(i).Megawatts - d.After.DrawOf(i).Megawatts;
        return d.Met && shed >= required - 1e-6 && d.Actions.All(a => a.CompletesAt <= order.IssuedAt + order.Notice) &&
               Enumerable.Range(0, fleet.Sites.Count).All(k => k == i || d.After.DrawOf(k).Megawatts <= Math.Max(fleet.DrawOf(k).Megawatts, fleet.Sites[k].Limit.Megawatts) + 1e-6);
    }

    [Property(MaxTest = 100)]
    public bool Fallback_AloneMeetsEveryCurtailment(int seed)
    {
        var (fleet, order) = RandomCase(seed);
        var need = Requirement.Of(order, fleet);
        var actions = Dispatcher.Fallback(order, fleet, need);
        var after = Dispatcher.Apply(fleet, actions, need);
        var i = fleet.IndexOf(order.Site);
        return fleet.DrawOf(i).Megawatts - after.DrawOf(i).Megawatts >= need.Reduction.Megawatts - 1e-6 &&
               actions.All(a => a.CompletesAt <= order.IssuedAt);
    }
}
