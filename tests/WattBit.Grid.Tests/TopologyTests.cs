using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;

namespace WattBit.Grid.Tests;

public sealed class TopologyTests
{
    private const string Buses = """
        1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;
        2 1 50 0 0 0 1 1 0 345 1 1.1 0.9;
        3 1 20 0 0 0 1 1 0 345 1 1.1 0.9;
        4 1 10 0 0 0 1 1 0 345 1 1.1 0.9;
        5 2 0 0 0 0 1 1 0 345 1 1.1 0.9;
        6 1 0 0 0 0 1 1 0 345 1 1.1 0.9;
        """;

    private const string Gens = """
        1 50 0 300 -300 1 100 1 250 10;
        5 5 0 300 -300 1 100 1 250 0;
        """;

    // Triangle 1-2-3 plus parallel pair 1-2, island {4} without generator linked to nothing,
    // island {5,6} with a generator and no type-3 bus; bus 4 is fed by no branch.
    private const string Branches = """
        1 2 0 0.1 0 100 0 0 0 0 1;
        2 3 0 0.1 0 100 0 0 0 0 1;
        3 1 0 0.1 0 100 0 0 0 0 1;
        5 6 0 0.1 0 100 0 0 0 0 1;
        """;

    [Fact]
    public void Analyse_SeparateIslands_AreFoundWithReferences()
    {
        var net = MatpowerCase.Parse(TestCases.Text(Buses, Gens, Branches), "islands.m");
        var topo = Topology.Analyse(net);
        Assert.Equal(3, topo.Islands.Length);
        Assert.Equal([0, 1, 2], topo.Islands[0].Buses.ToArray());
        Assert.Equal(0, topo.Islands[0].ReferenceBus);
        var dead = topo.Islands.Single(i => i.Buses.Contains(3));
        Assert.False(dead.IsEnergised);
        var chosen = topo.Islands.Single(i => i.Buses.Contains(4));
        Assert.True(chosen.ReferenceChosen);
        Assert.Equal(4, chosen.ReferenceBus);
        Assert.True(topo.IsBridge(3));
        Assert.False(topo.IsBridge(0));
    }

    [Fact]
    public void DcModel_DeadIsland_CarriesNoFlowAndDoesNotCrash()
    {
        var net = MatpowerCase.Parse(TestCases.Text(Buses, Gens, Branches), "islands.m");
        var model = new DcModel(net);
        Assert.False(model.IsEnergised(3));
        var r = DcPowerFlow.Solve(model);
        Assert.Equal(0, r.AnglesDegrees[3]);
        Assert.Equal(0, r.FlowsMw[3], 9); // island {5,6}: its chosen reference (bus 5) absorbs the imbalance
        Assert.Equal(0, r.GeneratorMw[1], 9);
    }

    [Fact]
    public void Analyse_ParallelLines_AreNotBridges()
    {
        var net = MatpowerCase.Parse(TestCases.Text(Buses, Gens, "1 2 0 0.1 0 100 0 0 0 0 1;\n1 2 0 0.1 0 100 0 0 0 0 1;\n2 3 0 0.1 0 100 0 0 0 0 1;"), "par.m");
        var topo = Topology.Analyse(net);
        Assert.False(topo.IsBridge(0));
        Assert.False(topo.IsBridge(1));
        Assert.True(topo.IsBridge(2));
    }
}
