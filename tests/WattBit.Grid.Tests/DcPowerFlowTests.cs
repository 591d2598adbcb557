using System.Globalization;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;
using WattBit.Testing;

namespace WattBit.Grid.Tests;

public sealed class DcPowerFlowTests
{
    private static Dictionary<string, double[][]> ReadSolution(string file)
    {
        var result = new Dictionary<string, double[][]>();
        string? current = null;
        var rows = new List<double[]>();
        foreach (var line in File.ReadLines(SharedData.Path("grid", "reference", file)))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            if (!char.IsDigit(parts[0][0]) && parts[0][0] != '-')
            {
                if (current is not null)
                {
                    result[current] = [.. rows];
                }

                current = parts[0];
                rows.Clear();
                continue;
            }

            rows.Add([.. parts.Select(p => double.Parse(p, CultureInfo.InvariantCulture))]);
        }

        result[current!] = [.. rows];
        return result;
    }

    [Fact]
    public void Solve_TCase9Pf_MatchesMatpowerStoredSolution()
    {
        var soln = ReadSolution("soln9_dcpf.txt");
        var model = new DcModel(TestCases.Reference("t_case9_pf.m"));
        var result = DcPowerFlow.Solve(model);
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal(soln["bus_soln"][i][8], result.AnglesDegrees[i], 9);
        }

        for (var l = 0; l < 9; l++)
        {
            Assert.Equal(soln["branch_soln"][l][13], result.FlowsMw[l], 9);
            Assert.Equal(soln["branch_soln"][l][15], -result.FlowsMw[l], 9);
        }

        for (var g = 0; g < 3; g++)
        {
            Assert.Equal(soln["gen_soln"][g][1], result.GeneratorMw[g], 9);
        }
    }

    [Fact]
    public void Solve_PhaseShifterAndTap_FlowFollowsFormatsDefinition()
    {
        // Two parallel paths 1-2; the shifter on the second moves flow by b·shift.
        var text = TestCases.Text(
            "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n2 1 100 0 0 0 1 1 0 345 1 1.1 0.9;",
            "1 100 0 300 -300 1 100 1 250 10;",
            "1 2 0 0.1 0 100 0 0 0 0 1;\n1 2 0 0.2 0 100 0 0 0.9 5 1;");
        var model = new DcModel(MatpowerCase.Parse(text, "shift.m"));
        var r = DcPowerFlow.Solve(model);
        double b1 = 1 / 0.1, b2 = 1 / (0.2 * 0.9), sh = 5 * Math.PI / 180;
        // Balance at bus 2: b1·θ1-2 + b2·(θ1-2 − sh) = 1 p.u.
        var d = (1 + b2 * sh) / (b1 + b2);
        Assert.Equal(100 * b1 * d, r.FlowsMw[0], 9);
        Assert.Equal(100 * b2 * (d - sh), r.FlowsMw[1], 9);
        Assert.Equal(100, r.FlowsMw[0] + r.FlowsMw[1], 9);
    }

    [Fact]
    public void Solve_ShuntConductance_IsDemand()
    {
        var text = TestCases.Text(
            "1 3 0 0 0 0 1 1 0 345 1 1.1 0.9;\n2 1 40 0 10 0 1 1 0 345 1 1.1 0.9;",
            "1 50 0 300 -300 1 100 1 250 10;",
            "1 2 0 0.1 0 100 0 0 0 0 1;");
        var r = DcPowerFlow.Solve(new DcModel(MatpowerCase.Parse(text, "gs.m")));
        Assert.Equal(50, r.FlowsMw[0], 9);
    }
}
