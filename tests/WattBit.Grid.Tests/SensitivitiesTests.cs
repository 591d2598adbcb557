using System.Globalization;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Testing;

namespace WattBit.Grid.Tests;

public sealed class SensitivitiesTests
{
    [Fact]
    public void Ptdf_Case14Slack1_MatchesMatpowerTo4Decimals()
    {
        var s = Sensitivities.Build(new DcModel(TestCases.Matpower("case14.m")));
        var lines = File.ReadAllLines(SharedData.Path("grid", "reference", "case14_ptdf_slack1.txt"));
        Assert.Equal(20, lines.Length);
        for (var l = 0; l < lines.Length; l++)
        {
            var parts = lines[l].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var k = 0; k < 14; k++)
            {
                var expected = double.Parse(parts[k + 1], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(expected - s.Ptdf(l, k)) <= 0.5e-4 + 1e-12, $"PTDF[{parts[0]}, bus {k + 1}] = {s.Ptdf(l, k):F6}, MATPOWER {expected}");
            }
        }
    }

    [Fact]
    public void Ptdf_ColumnsPredictReSolvedFlows_Case30()
    {
        var model = new DcModel(TestCases.Pglib("pglib_opf_case30_ieee.m"));
        var s = Sensitivities.Build(model);
        var p = model.CaseInjections();
        var f0 = new double[model.BranchCount];
        model.Solve(p, f0);
        var k = 17;
        p[k] += 10;
        var f1 = new double[model.BranchCount];
        model.Solve(p, f1);
        for (var l = 0; l < f0.Length; l++)
        {
            Assert.Equal(f1[l] - f0[l], 10 * s.Ptdf(l, k), 9);
        }
    }

    [Fact]
    public void DistributedPtdf_InjectionWithdrawnAtSlackBuses_SumsToZeroAtEachBus()
    {
        var model = new DcModel(TestCases.Matpower("case14.m"));
        var s = Sensitivities.Build(model);
        var w = new double[14];
        w[0] = 1;
        w[1] = 3;
        var col = s.DistributedPtdfColumn(5, w);
        for (var l = 0; l < col.Length; l++)
        {
            Assert.Equal(s.Ptdf(l, 5) - 0.75 * s.Ptdf(l, 1), col[l], 12);
        }
    }

    [Fact]
    public void Lodf_AuctionCase_ColumnsEqualReSolvedOutageFlows()
    {
        var net = TestCases.Reference("t_auction_case.m");
        var model = new DcModel(net);
        var s = Sensitivities.Build(model);
        var p = model.CaseInjections();
        var f0 = new double[model.BranchCount];
        model.Solve(p, f0);
        var checkedCount = 0;
        for (var c = 0; c < net.Branches.Length; c++)
        {
            if (!s.IsContingency(c))
            {
                continue;
            }

            var outNet = new PowerNetwork("out", net.BaseMva, net.Buses, net.Generators,
                net.Branches.Select((b, i) => i == c ? b with { InService = false } : b));
            var outModel = new DcModel(outNet);
            var f1 = new double[model.BranchCount];
            outModel.Solve(p, f1);
            for (var l = 0; l < net.Branches.Length; l++)
            {
                var predicted = l == c ? 0 : f0[l] + s.Lodf(l, c) * f0[c];
                Assert.True(Math.Abs(predicted - f1[l]) < 1e-8, $"outage {c + 1}, branch {l + 1}: LODF {predicted}, re-solved {f1[l]}");
            }

            checkedCount++;
        }

        Assert.True(checkedCount > 30);
    }

    [Fact]
    public void Bridges_AuctionCase_MatchBruteForceConnectivity()
    {
        var net = TestCases.Reference("t_auction_case.m");
        var topo = Topology.Analyse(net);
        var baseIslands = topo.Islands.Length;
        var bridges = 0;
        for (var c = 0; c < net.Branches.Length; c++)
        {
            if (!net.Branches[c].InService)
            {
                Assert.False(topo.IsBridge(c));
                continue;
            }

            var outNet = new PowerNetwork("out", net.BaseMva, net.Buses, net.Generators,
                net.Branches.Select((b, i) => i == c ? b with { InService = false } : b));
            var splits = Topology.Analyse(outNet).Islands.Length > baseIslands;
            Assert.Equal(splits, topo.IsBridge(c));
            bridges += splits ? 1 : 0;
        }

        Assert.True(bridges > 0, "t_auction_case has radial branches, so bridges must be found");
        Assert.Equal(bridges, topo.Bridges.Length);
    }

    [Fact]
    public void Lodf_BridgeIsNotAContingency()
    {
        var net = TestCases.Reference("t_auction_case.m");
        var s = Sensitivities.Build(new DcModel(net));
        var topo = Topology.Analyse(net);
        foreach (var c in topo.Bridges)
        {
            Assert.False(s.IsContingency(c));
            Assert.True(s.LodfColumn(c).ToArray().All(x => x == 0));
        }
    }
}
