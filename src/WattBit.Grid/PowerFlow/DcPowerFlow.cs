using System.Collections.Immutable;

namespace WattBit.Grid.PowerFlow;

/// <summary>The result of a DC power flow.</summary>
/// <param name="AnglesDegrees">Bus voltage angles, degrees, in bus order (dead islands: 0).</param>
/// <param name="FlowsMw">Branch flows at the from end, MW, in file order (0 for out-of-service branches).</param>
/// <param name="GeneratorMw">Generator outputs, MW: the case's Pg, except the first in-service generator at each
/// island's reference bus, which takes the imbalance (as MATPOWER's rundcpf does).</param>
public sealed record DcPowerFlowResult(ImmutableArray<double> AnglesDegrees, ImmutableArray<double> FlowsMw, ImmutableArray<double> GeneratorMw);

/// <summary>Runs MATPOWER-compatible DC power flows on a <see cref="DcModel"/>.</summary>
public static class DcPowerFlow
{
    /// <summary>Solves the case as written (Pg − Pd − Gs with phase shifts). Thread-safe.</summary>
    public static DcPowerFlowResult Solve(DcModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var p = model.CaseInjections();
        var flows = new double[model.BranchCount];
        var theta = model.Solve(p, flows);
        var net = model.Network;
        // Imbalance at each reference = what its branches carry away minus its scheduled injection.
        var outflow = new double[model.BusCount];
        for (var l = 0; l < flows.Length; l++)
        {
            var br = net.Branches[l];
            outflow[br.From] += flows[l];
            outflow[br.To] -= flows[l];
        }

        var gens = new double[net.Generators.Length];
        var seen = new HashSet<int>();
        for (var g = 0; g < gens.Length; g++)
        {
            var gen = net.Generators[g];
            gens[g] = gen.Pg;
            var island = model.Topology.Islands[model.Topology.IslandOf(gen.BusIndex)];
            if (gen.InService && island.IsEnergised && island.ReferenceBus == gen.BusIndex && seen.Add(gen.BusIndex))
            {
                gens[g] += outflow[gen.BusIndex] - p[gen.BusIndex];
            }
        }

        var deg = new double[theta.Length];
        for (var i = 0; i < deg.Length; i++)
        {
            deg[i] = theta[i] * 180 / Math.PI;
        }

        return new DcPowerFlowResult([.. deg], [.. flows], [.. gens]);
    }
}
