using WattBit.Dispatch;
using WattBit.Plans;
using WattBit.Server.Dispatch;
using WattBit.Server.Orders;
using WattBit.Server.Plans;

namespace WattBit.Server.Tests;

/// <summary>How a dispatch order changes the plan's runs at its site, action by action.</summary>
public sealed class DispatchPlanTests
{
    private static readonly DateTimeOffset T0 = new(2025, 11, 10, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An order for site "s" issued at T0, in force 01:00-02:00, with one action completing at 00:30.</summary>
    private static DispatchOrder Order(DispatchActionKind kind, string? workload, string? to = null) =>
        new("do-1", "co-1", "TK", "alpha", "s", T0, T0.AddHours(1), T0.AddHours(2), 5, 5, 5, true, false,
            [new DispatchStep(kind, workload, "s", to, 1, 5, T0.AddMinutes(30), "because")], [], OrderState.Issued, null, null);

    private static JobPlacement Run(string job, string site, double fromHours, double toHours) => new(job, site, T0.AddHours(fromHours), T0.AddHours(toHours));

    [Fact]
    public void Defer_CutsTheRunWhereThePauseIsInPlace_AndResumesTheRestWhenTheCurtailmentEnds()
    {
        var unplaced = new List<UnplacedWorkload>();
        var after = DispatchService.Apply([Run("w", "s", 0, 1.5), Run("x", "s", 0, 3), Run("w", "other", 1, 2)], Order(DispatchActionKind.Defer, "w"), unplaced);
        Assert.Equal([Run("w", "s", 0, 0.5), Run("w", "s", 2, 3), Run("x", "s", 0, 3), Run("w", "other", 1, 2)], after);
        Assert.Empty(unplaced);
    }

    [Fact]
    public void Move_ContinuesTheRestAtTheDestination_AndRestartRunsItAllAgainThere()
    {
        var moved = DispatchService.Apply([Run("w", "s", 0, 1.5)], Order(DispatchActionKind.CheckpointAndMove, "w", "t"), []);
        Assert.Equal([Run("w", "s", 0, 0.5), Run("w", "t", 0.5, 1.5)], moved);
        var restarted = DispatchService.Apply([Run("w", "s", 0, 1.5)], Order(DispatchActionKind.RestartElsewhere, "w", "t"), []);
        Assert.Equal([Run("w", "s", 0, 0.5), Run("w", "t", 0.5, 2)], restarted);
    }

    [Fact]
    public void Stop_AndPowerDown_DropTheRestAndSaySo_RunsOutsideTheCurtailmentStay()
    {
        var unplaced = new List<UnplacedWorkload>();
        var stopped = DispatchService.Apply([Run("w", "s", 0, 1.5), Run("w", "s", 2.5, 3)], Order(DispatchActionKind.Stop, "w"), unplaced);
        Assert.Equal([Run("w", "s", 0, 0.5), Run("w", "s", 2.5, 3)], stopped);
        Assert.Contains("do-1", Assert.Single(unplaced).Reason, StringComparison.Ordinal);

        unplaced.Clear();
        var down = DispatchService.Apply([Run("a", "s", 1, 2), Run("b", "s", 0, 4), Run("c", "t", 1, 2)], Order(DispatchActionKind.PowerDownSite, null), unplaced);
        Assert.Equal([Run("b", "s", 0, 0.5), Run("c", "t", 1, 2)], down);
        Assert.Equal(["a", "b"], unplaced.Select(u => u.Workload));
    }

    [Fact]
    public void Apply_IsIdempotent_SoAReplanMayApplyAnOrderAgain()
    {
        var order = Order(DispatchActionKind.Defer, "w");
        var once = DispatchService.Apply([Run("w", "s", 0, 1.5)], order, []);
        Assert.Equal(once, DispatchService.Apply(once, order, []));
    }
}
