using WattBit.Grid.Headroom;

namespace WattBit.Grid.Tests;

/// <summary>Group screening (decision 0113): the same results as one bus at a time, and as the naive method.</summary>
public sealed class HeadroomGroupTests
{
    [Theory]
    [InlineData("pglib_opf_case30_ieee.m", Balancing.Distributed, 1.3, 8)]
    [InlineData("pglib_opf_case118_ieee.m", Balancing.Reference, 1.6, 16)]
    public void Runner_GroupedScreening_EqualsNaiveAtEveryBusAndStep(string file, Balancing balance, double emergencyFactor, int groupSize)
    {
        var weekly = HeadroomTests.Engine(HeadroomTests.WithEmergencyRatings(TestCases.Pglib(file), emergencyFactor), 24, new HeadroomOptions(balance));
        var engine = new HeadroomEngine(weekly.Sensitivities, weekly.Series, weekly.Options) { GroupSize = groupSize };
        var naive = new BusHeadroom(engine.Steps);
        var n = engine.Sensitivities.Model.BusCount;
        var seen = 0;
        HeadroomRunner.Run(engine, [.. Enumerable.Range(0, n)], r =>
        {
            Assert.Equal(seen++, r.Bus);
            if (r.Bus % 3 != 0)
            {
                return; // the naive method is slow; every third bus is checked
            }

            engine.ComputeNaive(r.Bus, naive);
            Assert.Equal(naive.N0Mw, r.N0Mw);
            Assert.Equal(naive.N0Branch, r.N0Branch);
            Assert.Equal(naive.N1Mw, r.N1Mw);
            Assert.Equal(naive.N1Branch, r.N1Branch);
            Assert.Equal(naive.N1Contingency, r.N1Contingency);
        }, maxParallelism: 2);
        Assert.Equal(n, seen);
        Assert.True(engine.GroupScreening.Visited > 0, "the grouped path must have run");
    }

    [Fact]
    public void ComputeGroup_MidSizeCase_EqualsOneBusAtATimeBitForBit()
    {
        // case1354_pegase (1,354 buses, 1,991 branches), one week, emergency ratings 1.6 x rateA so that contingency
        // limits bind inside the range; two groups of 32 electrically close buses against today's one-bus engine.
        var weekly = HeadroomTests.Engine(HeadroomTests.WithEmergencyRatings(TestCases.Pglib("pglib_opf_case1354_pegase.m"), 1.6), 24 * 7,
            new HeadroomOptions());
        var model = weekly.Sensitivities.Model;
        var groups = BusGroups.Partition(model, [.. Enumerable.Range(0, model.BusCount)], 32);
        var single = new BusHeadroom(weekly.Steps);
        var interior = 0;
        foreach (var group in new[] { groups[0], groups[groups.Length / 2] })
        {
            var results = group.Select(_ => new BusHeadroom(weekly.Steps)).ToArray();
            weekly.ComputeGroup(group, results);
            for (var i = 0; i < group.Length; i++)
            {
                weekly.Compute(group[i], single);
                var r = results[i];
                Assert.Equal(group[i], r.Bus);
                Assert.Equal(single.N0Mw, r.N0Mw);
                Assert.Equal(single.N0Branch, r.N0Branch);
                Assert.Equal(single.N1Mw, r.N1Mw);
                Assert.Equal(single.N1Branch, r.N1Branch);
                Assert.Equal(single.N1Contingency, r.N1Contingency);
                interior += r.N1Contingency.Count(c => c >= 0);
            }
        }

        Assert.True(interior > 0, "some steps must be limited by a contingency");
        var (visited, passed) = weekly.GroupScreening;
        Assert.InRange(passed, 1, visited / 4);
    }

    [Fact]
    public void ComputeGroup_FullGroupWithSubGroupsAndWarmStart_EqualsOneBusAtATimeAndWithoutWarmStart()
    {
        // A group of 64 (four sub-groups of 16) on case1354_pegase: the warm start and the sub-group bounds only skip
        // work; each bus must equal the one-bus engine bit for bit, and the warm start must not let more pairs through.
        var weekly = HeadroomTests.Engine(HeadroomTests.WithEmergencyRatings(TestCases.Pglib("pglib_opf_case1354_pegase.m"), 1.6), 24 * 7,
            new HeadroomOptions());
        var cold = new HeadroomEngine(weekly.Sensitivities, weekly.Series, weekly.Options) { WarmStart = false };
        var model = weekly.Sensitivities.Model;
        var group = BusGroups.Partition(model, [.. Enumerable.Range(0, model.BusCount)], 64)[3];
        Assert.Equal(64, group.Length);
        var warmResults = group.Select(_ => new BusHeadroom(weekly.Steps)).ToArray();
        var coldResults = group.Select(_ => new BusHeadroom(weekly.Steps)).ToArray();
        weekly.ComputeGroup(group, warmResults);
        cold.ComputeGroup(group, coldResults);
        var single = new BusHeadroom(weekly.Steps);
        for (var i = 0; i < group.Length; i += 3)
        {
            weekly.Compute(group[i], single);
            foreach (var r in new[] { warmResults[i], coldResults[i] })
            {
                HeadroomTests.AssertSame(single, r);
                Assert.Equal(single.N1Candidates, r.N1Candidates);
            }
        }

        Assert.True(weekly.GroupScreening.Passed <= cold.GroupScreening.Passed, "the warm start must not loosen the group bound");
    }

    [Fact]
    public void ComputeGroup_DeadIslandBusInTheGroup_IsMissingAndTheOthersEqualOneAtATime()
    {
        // Triangle 1-2-3 with a parallel 1-2, bus 4 alone with load and no generator, island {5, 6} with a generator.
        var net = WattBit.Grid.Network.MatpowerCase.Parse(TestCases.Text("""
            1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;
            2 1 50 0 0 0 1 1 0 345 1 1.1 0.9;
            3 1 20 0 0 0 1 1 0 345 1 1.1 0.9;
            4 1 10 0 0 0 1 1 0 345 1 1.1 0.9;
            5 2 0 0 0 0 1 1 0 345 1 1.1 0.9;
            6 1 30 0 0 0 1 1 0 345 1 1.1 0.9;
            """, """
            1 50 0 300 -300 1 100 1 250 10;
            5 30 0 300 -300 1 100 1 250 0;
            """, """
            1 2 0 0.1 0 100 0 0 0 0 1;
            2 3 0 0.1 0 100 0 0 0 0 1;
            3 1 0 0.2 0 80 0 0 0 0 1;
            1 2 0 0.1 0 60 0 0 0 0 1;
            5 6 0 0.1 0 100 0 0 0 0 1;
            """), "islands.m");
        var weekly = HeadroomTests.Engine(net, 30, new HeadroomOptions(CapMw: 500));
        var buses = Enumerable.Range(0, 6).ToArray();
        var results = buses.Select(_ => new BusHeadroom(weekly.Steps)).ToArray();
        weekly.ComputeGroup(buses, results);
        Assert.All(results[3].N1Mw, v => Assert.True(double.IsNaN(v)));
        var single = new BusHeadroom(weekly.Steps);
        var limited = 0;
        for (var k = 0; k < buses.Length; k++)
        {
            weekly.Compute(k, single);
            Assert.Equal(single.N0Mw, results[k].N0Mw);
            Assert.Equal(single.N1Mw, results[k].N1Mw);
            Assert.Equal(single.N1Branch, results[k].N1Branch);
            Assert.Equal(single.N1Contingency, results[k].N1Contingency);
            limited += results[k].N1Contingency.Count(c => c >= 0);
        }

        Assert.True(limited > 0, "a contingency must limit somewhere");
    }

    [Fact]
    public void Partition_EveryPositionOnceGroupsBoundedDuplicatesTogether()
    {
        var model = new WattBit.Grid.PowerFlow.DcModel(TestCases.Pglib("pglib_opf_case118_ieee.m"));
        int[] buses = [.. Enumerable.Range(0, 118).Reverse(), 5, 70];
        var groups = BusGroups.Partition(model, buses, 10);
        var all = groups.SelectMany(g => g).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, buses.Length), all);
        Assert.All(groups, g => Assert.InRange(g.Length, 1, 11));
        Assert.Contains(groups, g => g.Contains(Array.IndexOf(buses, 5)) && g.Contains(118));
        Assert.Equal(groups, BusGroups.Partition(model, buses, 10));
    }

    [Fact]
    public void Partition_GroupsAreConnectedNeighbourhoods()
    {
        // Buses 1-3 of case118 are joined by branches 1-2 and 1-3; grown from bus 1, a group of 3 holds its two
        // nearest neighbours by reactance (bus 2 via x = 0.0999, bus 3 via x = 0.0424), not a far bus.
        var model = new WattBit.Grid.PowerFlow.DcModel(TestCases.Pglib("pglib_opf_case118_ieee.m"));
        var groups = BusGroups.Partition(model, [.. Enumerable.Range(0, 118)], 3);
        Assert.Equal([0, 1, 2], groups[0]);
    }
}
