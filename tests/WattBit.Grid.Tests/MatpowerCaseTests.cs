using WattBit.Formats;
using WattBit.Grid.Network;

namespace WattBit.Grid.Tests;

public sealed class MatpowerCaseTests
{
    private const string Bus3 = """
        1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;
        20 2 50 0 0 0 1 1 0 345 1 1.1 0.9;
        7 1 60 0 0 0 1 1 0 345 1 1.1 0.9;
        """;

    private const string Gen2 = """
        1 0 0 300 -300 1 100 1 250 10;
        20 110 0 300 -300 1 100 1 250 10;
        """;

    private const string Branch3 = """
        1 20 0 0.1 0 100 0 0 0 0 1;
        20 7 0 0.1 0 100 0 0 0 0 1;
        1 7 0 0.1 0 100 0 0 0 0 1;
        """;

    [Fact]
    public void Load_Case9_ReadsSizesAndBaseMva()
    {
        var net = TestCases.Matpower("case9.m");
        Assert.Equal(100, net.BaseMva);
        Assert.Equal(9, net.Buses.Length);
        Assert.Equal(3, net.Generators.Length);
        Assert.Equal(9, net.Branches.Length);
        Assert.Equal(0, net.ReferenceBus);
    }

    [Fact]
    public void Load_Version1CaseWithNonConsecutiveBusNumbers_MapsNumbersToIndexes()
    {
        var net = TestCases.Reference("t_case9_pf.m");
        Assert.Equal(2, net.BusIndex(30));
        Assert.Equal(2, net.Generators[1].BusIndex);
        Assert.Equal(2, net.Branches[3].From);
        Assert.Throws<ArgumentException>(() => net.BusIndex(3));
    }

    [Fact]
    public void Load_Case14_ReadsBusNamesAndIgnoresGencost()
    {
        var net = TestCases.Matpower("case14.m");
        Assert.Equal("Bus 1     HV", net.Buses[0].Name);
        Assert.Equal(14, net.Buses.Length);
    }

    [Fact]
    public void Load_Pglib2383_ReadsAllTables()
    {
        var net = TestCases.Pglib("pglib_opf_case2383wp_k.m");
        Assert.Equal(2383, net.Buses.Length);
        Assert.Equal(2896, net.Branches.Length);
        Assert.True(net.Branches.All(b => b.RateA > 0));
    }

    [Fact]
    public void Parse_OutOfServiceBranchAndGenerator_AreMarked()
    {
        var text = TestCases.Text(Bus3, Gen2.Replace("20 110 0 300 -300 1 100 1", "20 110 0 300 -300 1 100 0", StringComparison.Ordinal),
            Branch3.Replace("1 7 0 0.1 0 100 0 0 0 0 1;", "1 7 0 0 0 100 0 0 0 0 0;", StringComparison.Ordinal));
        var net = MatpowerCase.Parse(text, "tiny.m");
        Assert.False(net.Generators[1].InService);
        Assert.False(net.Branches[2].InService);
        Assert.True(net.Branches[0].InService);
    }

    [Fact]
    public void Parse_TapAndShift_AreKept()
    {
        var text = TestCases.Text(Bus3, Gen2, Branch3.Replace("20 7 0 0.1 0 100 0 0 0 0 1;", "20 7 0 0.1 0 100 0 0 0.95 -3 1;", StringComparison.Ordinal));
        var br = MatpowerCase.Parse(text, "tiny.m").Branches[1];
        Assert.Equal(0.95, br.Tap);
        Assert.Equal(-3, br.ShiftDegrees);
        Assert.Equal(1 / (0.1 * 0.95), br.Susceptance, 12);
        Assert.Equal(1, MatpowerCase.Parse(TestCases.Text(Bus3, Gen2, Branch3), "t").Branches[0].Tap);
    }

    [Fact]
    public void Parse_IsolatedBus_TakesItsBranchesAndGeneratorsOutOfService()
    {
        var text = TestCases.Text(Bus3.Replace("7 1 60", "7 4 60", StringComparison.Ordinal), Gen2, Branch3);
        var net = MatpowerCase.Parse(text, "tiny.m");
        Assert.False(net.Branches[1].InService);
        Assert.False(net.Branches[2].InService);
    }

    [Fact]
    public void Parse_BranchToMissingBus_NamesLineAndColumn()
    {
        var text = TestCases.Text(Bus3, Gen2, Branch3.Replace("20 7 0", "20 8 0", StringComparison.Ordinal));
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Equal(15, ex.Line);
        Assert.Equal(4, ex.Column);
        Assert.Contains("bus 8 is not in the bus table", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("tiny.m:15:4:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GeneratorAtMissingBus_IsAnError()
    {
        var text = TestCases.Text(Bus3, Gen2.Replace("20 110", "21 110", StringComparison.Ordinal), Branch3);
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Equal(11, ex.Line);
    }

    [Fact]
    public void Parse_ZeroReactanceInService_IsAnError()
    {
        var text = TestCases.Text(Bus3, Gen2, Branch3.Replace("1 7 0 0.1", "1 7 0 0", StringComparison.Ordinal));
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Equal(16, ex.Line);
        Assert.Contains("x = 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoReferenceBus_IsAnError()
    {
        var text = TestCases.Text(Bus3.Replace("1 3 0", "1 2 0", StringComparison.Ordinal), Gen2, Branch3);
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Contains("no reference bus", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedNumber_NamesLineAndColumn()
    {
        var text = TestCases.Text(Bus3.Replace("20 2 50", "20 2 5x0", StringComparison.Ordinal), Gen2, Branch3);
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Equal(6, ex.Line);
        Assert.Equal(6, ex.Column);
        Assert.Contains("'5x0' is not a number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RaggedMatrix_IsAnError()
    {
        var text = TestCases.Text(Bus3, Gen2, Branch3.Replace("20 7 0 0.1 0 100 0 0 0 0 1;", "20 7 0 0.1 0 100 0 0 0 0;", StringComparison.Ordinal));
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Equal(15, ex.Line);
        Assert.Contains("10 values", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooFewColumns_IsAnError()
    {
        var text = TestCases.Text(Bus3, Gen2, "1 20 0 0.1 0 100; 20 7 0 0.1 0 100; 1 7 0 0.1 0 100;");
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Contains("at least 11", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedMatrix_PointsAtItsStart()
    {
        var text = "mpc.baseMVA = 100;\nmpc.bus = [\n1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n";
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "cut.m"));
        Assert.Equal(2, ex.Line);
        Assert.Equal(11, ex.Column);
    }

    [Fact]
    public void Parse_MissingBranchTable_IsAnError()
    {
        var text = "mpc.baseMVA = 100;\nmpc.bus = [1 3 0 0 0 0 1 1 0 345 1 1.1 0.9];\nmpc.gen = [1 0 0 0 0 1 100 1 10 0];\n";
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "nobranch.m"));
        Assert.Contains("missing matrix 'branch'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BusNameCountMismatch_IsAnError()
    {
        var text = TestCases.Text(Bus3, Gen2, Branch3) + "\nmpc.bus_name = {\n 'a';\n 'b';\n};\n";
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Contains("bus_name has 2 names", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BranchNames_ReachTheBranchesAndSurviveTheWriter()
    {
        var text = TestCases.Text(Bus3, Gen2, Branch3) + "\nmpc.branch_name = {\n 'A線 1L';\n 'B線 1L';\n 'it''s';\n};\n";
        var net = MatpowerCase.Parse(text, "tiny.m");
        Assert.Equal(["A線 1L", "B線 1L", "it's"], net.Branches.Select(b => b.Name));
        var again = MatpowerCase.Parse(MatpowerWriter.Write(net, "tiny"), "again.m");
        Assert.Equal(net.Branches.Select(b => b.Name), again.Branches.Select(b => b.Name));
    }

    [Fact]
    public void Parse_BranchNameCountMismatch_IsAnError()
    {
        var text = TestCases.Text(Bus3, Gen2, Branch3) + "\nmpc.branch_name = {\n 'a';\n};\n";
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Contains("branch_name has 1 names but the branch table has 3 rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateBusNumber_IsAnError()
    {
        var text = TestCases.Text(Bus3.Replace("7 1 60", "20 1 60", StringComparison.Ordinal), Gen2, Branch3);
        var ex = Assert.Throws<InputFormatException>(() => MatpowerCase.Parse(text, "tiny.m"));
        Assert.Contains("bus 20 appears twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CommentsContinuationsCommasAndInf_AreUnderstood()
    {
        var text = """
            function [baseMVA, bus, gen, branch] = v1case
            baseMVA = 100; % system base
            bus = [
                1, 3, 0, 0, 0, 0, 1, 1, 0, 345, 1, 1.1, 0.9; % reference
                2  1  1.5e1 0 0 0 1 1 0 345 1 ...
                   1.1 0.9
            ];
            gen = [ 1 15 0 Inf -Inf 1 100 1 Inf 0 ];
            branch = [ 1 2 0 0.1 0 0 0 0 0 0 1 ];
            """;
        var net = MatpowerCase.Parse(text, "v1.m");
        Assert.Equal(15, net.Buses[1].Pd);
        Assert.True(double.IsPositiveInfinity(net.Generators[0].Pmax));
        Assert.Equal(0, net.Branches[0].RateA);
    }

    [Fact]
    public void Topology_SecondReferenceBusInOwnIsland_IsThatIslandsReference()
    {
        var text = TestCases.Text(Bus3 + "\n9 3 10 0 0 0 1 1 0 345 1 1.1 0.9;", Gen2 + "\n9 10 0 300 -300 1 100 1 250 10;", Branch3);
        var net = MatpowerCase.Parse(text, "tworefs.m");
        var topo = Topology.Analyse(net);
        Assert.Equal(0, net.ReferenceBus);
        Assert.Equal(2, topo.Islands.Length);
        Assert.Equal(3, topo.Islands[1].ReferenceBus);
        Assert.False(topo.Islands[1].ReferenceChosen);
    }
}
