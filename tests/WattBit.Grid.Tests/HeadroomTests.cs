using WattBit.Grid.Headroom;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Grid.TimeSeries;
using WattBit.Time;

namespace WattBit.Grid.Tests;

public sealed class HeadroomTests
{
    private static readonly DateTimeOffset s_start = new(2025, 4, 1, 0, 0, 0, Jst.Offset);

    internal static HeadroomEngine Engine(PowerNetwork net, int steps, HeadroomOptions options, int seed = 3)
    {
        var model = new DcModel(net);
        var s = Sensitivities.Build(model);
        var profile = SyntheticProfile.Create(s_start.AddDays(seed * 37), steps, seed: seed);
        var series = new NetworkTimeSeries(model, profile, SyntheticProfile.SolarAtLoadBuses(net));
        return new HeadroomEngine(s, series, options);
    }

    /// <summary>Asserts two results are identical bit for bit: N-0 and N-1 headroom, limiting branches and contingencies.</summary>
    internal static void AssertSame(BusHeadroom expected, BusHeadroom actual)
    {
        Assert.Equal(expected.N0Mw, actual.N0Mw);
        Assert.Equal(expected.N0Branch, actual.N0Branch);
        Assert.Equal(expected.N1Mw, actual.N1Mw);
        Assert.Equal(expected.N1Branch, actual.N1Branch);
        Assert.Equal(expected.N1Contingency, actual.N1Contingency);
    }

    internal static PowerNetwork WithEmergencyRatings(PowerNetwork net, double factor) =>
        new(net.Name, net.BaseMva, net.Buses, net.Generators, net.Branches.Select(b => b with { RateB = factor * b.RateA }));

    [Theory]
    [InlineData("pglib_opf_case30_ieee.m", Balancing.Distributed, 1.0)]
    [InlineData("pglib_opf_case30_ieee.m", Balancing.Reference, 1.6)]
    [InlineData("pglib_opf_case118_ieee.m", Balancing.Distributed, 1.6)]
    [InlineData("pglib_opf_case118_ieee.m", Balancing.Reference, 1.0)]
    public void Compute_PrunedN1_EqualsNaiveExactlyAtEveryBusAndStep(string file, Balancing balance, double emergencyFactor)
    {
        var engine = Engine(WithEmergencyRatings(TestCases.Pglib(file), emergencyFactor), 48, new HeadroomOptions(balance));
        var pruned = new BusHeadroom(engine.Steps);
        var naive = new BusHeadroom(engine.Steps);
        var n = engine.Sensitivities.Model.BusCount;
        for (var k = 0; k < n; k++)
        {
            engine.Compute(k, pruned);
            engine.ComputeNaive(k, naive);
            Assert.Equal(naive.N0Mw, pruned.N0Mw);
            Assert.Equal(naive.N0Branch, pruned.N0Branch);
            Assert.Equal(naive.N1Mw, pruned.N1Mw);
            Assert.Equal(naive.N1Branch, pruned.N1Branch);
            Assert.Equal(naive.N1Contingency, pruned.N1Contingency);
        }
    }

    [Fact]
    public void Compute_WeekBlocksOverSixWeeks_EqualsNaiveExactly()
    {
        // 1,000 steps: six week blocks with their own boxes (decision 0110) plus a partial one.
        var engine = Engine(WithEmergencyRatings(TestCases.Pglib("pglib_opf_case30_ieee.m"), 1.3), 1000, new HeadroomOptions());
        AssertEqualsNaive(engine);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.6)]
    public void Compute_PairIndexScreening_EqualsFullSweepOnCase118OverAMonth(double emergencyFactor)
    {
        var net = WithEmergencyRatings(TestCases.Pglib("pglib_opf_case118_ieee.m"), emergencyFactor);
        var weekly = Engine(net, 24 * 31, new HeadroomOptions());
        var fast = new HeadroomEngine(weekly.Sensitivities, weekly.Series, weekly.Options) { UsePairIndex = true };
        var plain = new HeadroomEngine(weekly.Sensitivities, weekly.Series, weekly.Options) { UseWeekBlocks = false };
        var a = new BusHeadroom(fast.Steps);
        var b = new BusHeadroom(fast.Steps);
        for (var k = 0; k < net.Buses.Length; k++)
        {
            fast.Compute(k, a);
            plain.Compute(k, b);
            Assert.Equal(b.N0Mw, a.N0Mw);
            Assert.Equal(b.N0Branch, a.N0Branch);
            Assert.Equal(b.N1Mw, a.N1Mw);
            Assert.Equal(b.N1Branch, a.N1Branch);
            Assert.Equal(b.N1Contingency, a.N1Contingency);
        }
    }

    [Theory]
    [InlineData("t_auction_case.m")]
    [InlineData("t_case9_pf.m")]
    public void Compute_ReferenceCasesWithBridgesAndNegativeGenerators_EqualsNaive(string file)
    {
        var engine = Engine(WithEmergencyRatings(TestCases.Reference(file), 1.3), 30, new HeadroomOptions(CapMw: 500));
        AssertEqualsNaive(engine);
    }

    [Fact]
    public void Compute_Case300WithTapsShiftersAndNegativeReactances_EqualsNaive()
    {
        var engine = Engine(TestCases.Matpower("case300.m"), 6, new HeadroomOptions(Balancing.Reference));
        AssertEqualsNaive(engine);
    }

    private static void AssertEqualsNaive(HeadroomEngine engine)
    {
        var pruned = new BusHeadroom(engine.Steps);
        var naive = new BusHeadroom(engine.Steps);
        for (var k = 0; k < engine.Sensitivities.Model.BusCount; k++)
        {
            engine.Compute(k, pruned);
            engine.ComputeNaive(k, naive);
            Assert.Equal(naive.N0Mw, pruned.N0Mw);
            Assert.Equal(naive.N1Mw, pruned.N1Mw);
            Assert.Equal(naive.N1Branch, pruned.N1Branch);
            Assert.Equal(naive.N1Contingency, pruned.N1Contingency);
        }
    }

    [Fact]
    public void Compute_Pruning_KeepsFewCandidatesOnCase118()
    {
        var engine = Engine(WithEmergencyRatings(TestCases.Pglib("pglib_opf_case118_ieee.m"), 1.6), 48, new HeadroomOptions());
        var r = new BusHeadroom(engine.Steps);
        engine.Compute(40, r);
        var pairs = engine.Contingencies.Length * engine.Sensitivities.Model.BranchCount;
        Assert.InRange(r.N1Candidates, 1, pairs / 10);
    }

    [Fact]
    public void Headroom_BranchAtLimit_IsZero()
    {
        // Bus 2 load 100 MW fed by one 100 MW line from the reference: adding load at 2 pushes the line past its rating.
        var text = TestCases.Text(
            "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n2 1 100 0 0 0 1 1 0 345 1 1.1 0.9;",
            "1 100 0 300 -300 1 100 1 250 10;",
            "1 2 0 0.1 0 100 0 0 0 0 1;");
        var net = MatpowerCase.Parse(text, "atlimit.m");
        var model = new DcModel(net);
        var series = new NetworkTimeSeries(model, GridProfile.Snapshot(s_start));
        var engine = new HeadroomEngine(Sensitivities.Build(model), series, new HeadroomOptions());
        var r = new BusHeadroom(1);
        engine.Compute(1, r);
        Assert.Equal(0, r.N0Mw[0]);
        Assert.Equal(0, r.N0Branch[0]);
        // At the reference bus the load is met locally: no branch limits, so the headroom is the cap.
        engine.Compute(0, r);
        Assert.Equal(10_000, r.N0Mw[0]);
        Assert.Equal(-1, r.N0Branch[0]);
    }

    [Fact]
    public void Headroom_TwoParallelLines_N1UsesEmergencyRating()
    {
        // Two identical lines 1-2 (rateA 100, rateB 120), 60 MW load at bus 2: N-0 = 2·100 − 60 = 140;
        // N-1 (one line out) = 120 − 60 = 60, limited by the other line.
        var text = TestCases.Text(
            "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 345 1 1.1 0.9;",
            "1 60 0 300 -300 1 100 1 250 10;",
            "1 2 0 0.1 0 100 120 0 0 0 1;\n1 2 0 0.1 0 100 120 0 0 0 1;");
        var model = new DcModel(MatpowerCase.Parse(text, "parallel.m"));
        var engine = new HeadroomEngine(Sensitivities.Build(model), new NetworkTimeSeries(model, GridProfile.Snapshot(s_start)));
        var r = new BusHeadroom(1);
        engine.Compute(1, r);
        Assert.Equal(140, r.N0Mw[0], 9);
        Assert.Equal(0, r.N0Branch[0]);
        Assert.Equal(60, r.N1Mw[0], 9);
        Assert.Equal(1, r.N1Branch[0]);
        Assert.Equal(0, r.N1Contingency[0]);
    }

    [Fact]
    public void Headroom_Cap_IsReportedAsCapWithoutBranch()
    {
        var text = TestCases.Text(
            "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 345 1 1.1 0.9;",
            "1 60 0 300 -300 1 100 1 250 10;",
            "1 2 0 0.1 0 100 120 0 0 0 1;\n1 2 0 0.1 0 100 120 0 0 0 1;");
        var model = new DcModel(MatpowerCase.Parse(text, "parallel.m"));
        var engine = new HeadroomEngine(Sensitivities.Build(model), new NetworkTimeSeries(model, GridProfile.Snapshot(s_start)), new HeadroomOptions(CapMw: 50));
        var r = new BusHeadroom(1);
        engine.Compute(1, r);
        Assert.Equal(50, r.N0Mw[0]);
        Assert.Equal(-1, r.N0Branch[0]);
        Assert.Equal(50, r.N1Mw[0]);
        Assert.Equal(-1, r.N1Branch[0]);
    }

    [Fact]
    public void Headroom_DeadIslandBus_IsMissing()
    {
        var text = TestCases.Text(
            "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n2 1 60 0 0 0 1 1 0 345 1 1.1 0.9;\n3 1 10 0 0 0 1 1 0 345 1 1.1 0.9;",
            "1 70 0 300 -300 1 100 1 250 10;",
            "1 2 0 0.1 0 100 120 0 0 0 1;");
        var model = new DcModel(MatpowerCase.Parse(text, "dead.m"));
        var engine = new HeadroomEngine(Sensitivities.Build(model), new NetworkTimeSeries(model, GridProfile.Snapshot(s_start)));
        var r = new BusHeadroom(1);
        engine.Compute(2, r);
        Assert.True(double.IsNaN(r.N0Mw[0]));
        Assert.True(double.IsNaN(r.N1Mw[0]));
    }
}
