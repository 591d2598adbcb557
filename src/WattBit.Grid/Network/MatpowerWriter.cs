using System.Globalization;
using System.Text;

namespace WattBit.Grid.Network;

/// <summary>
/// Writes a <see cref="PowerNetwork"/> as a MATPOWER version 2 case (<c>caseformat.m</c>) that MATPOWER itself and
/// <see cref="MatpowerCase"/> load: bus, gen, branch, a zero-cost gencost (so OPF runs too) and bus_name. Values the
/// network does not keep (Qg limits, voltage magnitudes) are written as MATPOWER's flat defaults. The output is a
/// pure function of the network: the same network gives the same bytes. Thread-safe.
/// </summary>
public static class MatpowerWriter
{
    /// <summary>Writes the case text.</summary>
    /// <param name="network">The network.</param>
    /// <param name="functionName">The MATPOWER function name (the file should be <c>functionName.m</c>).</param>
    /// <param name="comments">Comment lines written at the top (without the leading %).</param>
    public static string Write(PowerNetwork network, string functionName, IEnumerable<string>? comments = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        var sb = new StringBuilder();
        sb.Append("function mpc = ").Append(functionName).Append('\n');
        foreach (var c in comments ?? [])
        {
            sb.Append("% ").Append(c).Append('\n');
        }

        sb.Append("\nmpc.version = '2';\n");
        sb.Append("mpc.baseMVA = ").Append(N(network.BaseMva)).Append(";\n\n");
        sb.Append("%% bus data\n%\tbus_i\ttype\tPd\tQd\tGs\tBs\tarea\tVm\tVa\tbaseKV\tzone\tVmax\tVmin\nmpc.bus = [\n");
        foreach (var b in network.Buses)
        {
            Row(sb, b.Number, (int)b.Type, b.Pd, b.Qd, b.Gs, b.Bs, b.Area, 1, b.VaDegrees, b.BaseKv, 1, 1.1, 0.9);
        }

        sb.Append("];\n\n%% generator data\n%\tbus\tPg\tQg\tQmax\tQmin\tVg\tmBase\tstatus\tPmax\tPmin\nmpc.gen = [\n");
        foreach (var g in network.Generators)
        {
            Row(sb, network.Buses[g.BusIndex].Number, g.Pg, 0, 9999, -9999, 1, network.BaseMva, g.InService ? 1 : 0, g.Pmax, g.Pmin);
        }

        sb.Append("];\n\n%% branch data\n%\tfbus\ttbus\tr\tx\tb\trateA\trateB\trateC\tratio\tangle\tstatus\tangmin\tangmax\nmpc.branch = [\n");
        foreach (var br in network.Branches)
        {
            Row(sb, network.Buses[br.From].Number, network.Buses[br.To].Number, br.R, br.X, br.B, br.RateA, br.RateB, br.RateC, br.Ratio,
                br.ShiftDegrees, br.InService ? 1 : 0, -360, 360);
        }

        sb.Append("];\n\n%% generator cost data (zero cost: the case is for power flows)\n%\t2\tstartup\tshutdown\tn\tc1\tc0\nmpc.gencost = [\n");
        foreach (var _ in network.Generators)
        {
            Row(sb, 2, 0, 0, 2, 0, 0);
        }

        sb.Append("];\n");
        if (network.Buses.Any(b => b.Name is not null))
        {
            sb.Append("\n%% bus names\nmpc.bus_name = {\n");
            foreach (var b in network.Buses)
            {
                sb.Append("\t'").Append((b.Name ?? string.Empty).Replace("'", "''", StringComparison.Ordinal)).Append("';\n");
            }

            sb.Append("};\n");
        }

        if (network.Branches.Any(b => b.Name is not null))
        {
            sb.Append("\n%% branch names (not a MATPOWER field; MATPOWER keeps and ignores it)\nmpc.branch_name = {\n");
            foreach (var b in network.Branches)
            {
                sb.Append("\t'").Append((b.Name ?? string.Empty).Replace("'", "''", StringComparison.Ordinal)).Append("';\n");
            }

            sb.Append("};\n");
        }

        return sb.ToString();
    }

    private static void Row(StringBuilder sb, params double[] values)
    {
        sb.Append('\t');
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('\t');
            }

            sb.Append(N(values[i]));
        }

        sb.Append(";\n");
    }

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
