using WattBit.Planning.Planner;
using WattBit.Planning.Scenarios;
using WattBit.Planning.Tests.Scenarios;

namespace WattBit.Planning.Tests.Planner;

/// <summary>No shifting vs greedy carbon-aware vs the optimiser on the sample day (docs/planning.md records the numbers).</summary>
public sealed class ComparisonTests
{
    [Fact]
    public void SampleDay_OptimiserBeatsBothBaselines_AndShiftingAbsorbsMoreSurplus()
    {
        var p = ScenarioReader.Read(ScenarioReaderTests.SamplePath).Problem;
        var none = new NoShiftPlanner(TimeProvider.System).Plan(p);
        var greedy = new GreedyCarbonPlanner(TimeProvider.System).Plan(p);
        var opt = new OptimisingPlanner(TimeProvider.System, Timeout.InfiniteTimeSpan).Plan(p);

        Assert.True(opt.Summary.Objective <= greedy.Summary.Objective);
        Assert.True(opt.Summary.Objective <= none.Summary.Objective);
        Assert.True(opt.Summary.EnergyCost < none.Summary.EnergyCost);
        Assert.True(greedy.Summary.Emissions < none.Summary.Emissions);
        Assert.True(greedy.Summary.SurplusAbsorbed > none.Summary.SurplusAbsorbed);
        Assert.True(opt.Summary.SurplusAbsorbed > none.Summary.SurplusAbsorbed);
        Assert.Equal(0, opt.Summary.UnservedWork.MegawattHours, 6);
        Assert.True(opt.Summary.BestBound!.Value <= opt.Summary.Objective);
    }
}
