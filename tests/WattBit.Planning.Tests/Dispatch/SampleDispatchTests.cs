using WattBit.Planning.Dispatch;
using WattBit.Planning.Planner;
using WattBit.Planning.Scenarios;
using WattBit.Planning.Tests.Scenarios;

namespace WattBit.Planning.Tests.Dispatch;

/// <summary>The sample day's events, replayed against its plan as `wattbit plan` does.</summary>
public sealed class SampleDispatchTests
{
    [Fact]
    public void FromPlan_ReproducesThePlannedLoadOfEverySite()
    {
        var scenario = ScenarioReader.Read(ScenarioReaderTests.SamplePath);
        var p = scenario.Problem;
        var plan = new OptimisingPlanner(TimeProvider.System, Timeout.InfiniteTimeSpan).Plan(p);
        for (var t = 0; t < p.Steps; t++)
        {
            var state = FleetState.FromPlan(p, plan, p.TimeAt(t).AddMinutes(30));
            for (var s = 0; s < p.Sites.Count; s++)
            {
                // Jobs in their partial last hour draw less than their full power in the plan, never more.
                Assert.True(state.ItMw[s] + p.Sites[s].BaseLoad.Megawatts >= plan.Sites[s].ItLoadMw[t] - 1e-6);
            }
        }
    }

    [Fact]
    public void SampleEvents_AreAllMetWithinTheirNotice()
    {
        var scenario = ScenarioReader.Read(ScenarioReaderTests.SamplePath);
        var plan = new OptimisingPlanner(TimeProvider.System, Timeout.InfiniteTimeSpan).Plan(scenario.Problem);
        var dispatcher = new Dispatcher(TimeProvider.System);
        foreach (var e in scenario.Events)
        {
            var d = dispatcher.Handle(e, FleetState.FromPlan(scenario.Problem, plan, e.IssuedAt));
            Assert.True(d.Met, $"{e} not met");
            Assert.False(d.UsedFallback, $"{e} needed the fallback: {string.Join("; ", d.Refused)}");
            Assert.All(d.Actions, a => Assert.False(string.IsNullOrWhiteSpace(a.Reason)));
            if (d.Required.Megawatts > 0)
            {
                Assert.All(d.Actions, a => Assert.True(a.CompletesAt <= d.Deadline));
            }
        }
    }
}
