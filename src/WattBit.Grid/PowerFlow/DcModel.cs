using WattBit.Grid.Network;
using WattBit.Grid.Numerics;

namespace WattBit.Grid.PowerFlow;

/// <summary>
/// The DC model of a network (formats.md §1): branch susceptances b = 1 / (x · tap), the reduced bus susceptance
/// matrix (each island's reference bus removed; dead islands — no generator — left out) factorised with
/// <see cref="SparseLdl"/>, and the phase-shift injections. Immutable after construction; thread-safe.
/// </summary>
public sealed class DcModel
{
    private readonly int[] _reduced;   // bus -> row of the reduced matrix, or -1 (reference or dead island)
    private readonly bool[] _energised; // bus is in an energised island
    private readonly double[] _b;      // per branch, p.u.; 0 when out of service
    private readonly double[] _shiftRad;

    /// <summary>Builds the model of a network.</summary>
    /// <exception cref="ArgumentException">The reduced matrix is singular (cannot happen for a valid network).</exception>
    public DcModel(PowerNetwork network, bool useOrdering = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
        Topology = Topology.Analyse(network);
        var n = network.Buses.Length;
        var m = network.Branches.Length;
        _energised = new bool[n];
        foreach (var island in Topology.Islands)
        {
            if (island.IsEnergised)
            {
                foreach (var bus in island.Buses)
                {
                    _energised[bus] = true;
                }
            }
        }

        _reduced = new int[n];
        var size = 0;
        for (var i = 0; i < n; i++)
        {
            var isRef = Topology.Islands[Topology.IslandOf(i)].ReferenceBus == i;
            _reduced[i] = _energised[i] && !isRef ? size++ : -1;
        }

        _b = new double[m];
        _shiftRad = new double[m];
        var rows = new List<int>(4 * m);
        var cols = new List<int>(4 * m);
        var vals = new List<double>(4 * m);
        for (var l = 0; l < m; l++)
        {
            var br = network.Branches[l];
            if (!br.InService || !_energised[br.From])
            {
                continue;
            }

            var b = br.Susceptance;
            _b[l] = b;
            _shiftRad[l] = br.ShiftDegrees * Math.PI / 180;
            int f = _reduced[br.From], t = _reduced[br.To];
            if (f >= 0)
            {
                rows.Add(f);
                cols.Add(f);
                vals.Add(b);
            }

            if (t >= 0)
            {
                rows.Add(t);
                cols.Add(t);
                vals.Add(b);
            }

            if (f >= 0 && t >= 0)
            {
                rows.Add(f);
                cols.Add(t);
                vals.Add(-b);
            }
        }

        ReducedSize = size;
        Factor = SparseLdl.Factorise(size, [.. rows], [.. cols], [.. vals], useOrdering);
    }

    /// <summary>The network.</summary>
    public PowerNetwork Network { get; }

    /// <summary>Islands and bridges.</summary>
    public Topology Topology { get; }

    /// <summary>The factor of the reduced B matrix.</summary>
    public SparseLdl Factor { get; }

    /// <summary>Size of the reduced matrix (energised buses minus one reference per island).</summary>
    public int ReducedSize { get; }

    /// <summary>Number of buses.</summary>
    public int BusCount => _reduced.Length;

    /// <summary>Number of branches (all, in file order).</summary>
    public int BranchCount => _b.Length;

    /// <summary>Series susceptance b of a branch, p.u. (0 for an out-of-service branch or one in a dead island).</summary>
    public double Susceptance(int branch) => _b[branch];

    /// <summary>True when the bus lies in an island with a generator and a reference (it can be solved).</summary>
    public bool IsEnergised(int bus) => _energised[bus];

    /// <summary>True when the branch is in service in an energised island (it carries flow and is monitored).</summary>
    public bool IsActive(int branch) => _b[branch] != 0;

    /// <summary>The row of a bus in the reduced matrix, or -1 for a reference bus or a dead island.</summary>
    public int ReducedIndex(int bus) => _reduced[bus];

    /// <summary>
    /// Net injections of the case in MW per bus: Pg (in-service generators) − Pd − Gs (formats.md §1).
    /// </summary>
    public double[] CaseInjections()
    {
        var p = new double[BusCount];
        foreach (var g in Network.Generators)
        {
            if (g.InService)
            {
                p[g.BusIndex] += g.Pg;
            }
        }

        for (var i = 0; i < p.Length; i++)
        {
            p[i] -= Network.Buses[i].Pd + Network.Buses[i].Gs;
        }

        return p;
    }

    /// <summary>
    /// Solves the DC power flow for bus injections in MW: returns bus angles in radians (each island's reference
    /// at its case angle; dead islands 0) and writes branch flows in MW (from end) to <paramref name="flows"/>.
    /// The reference bus of each island absorbs any imbalance. Thread-safe.
    /// </summary>
    /// <param name="injectionsMw">Net injection per bus, MW.</param>
    /// <param name="flows">Receives the flow per branch (length = branches), MW; 0 for inactive branches.</param>
    /// <param name="includePhaseShifts">False to get the linear part only (what PTDF-based sensitivities use).</param>
    public double[] Solve(ReadOnlySpan<double> injectionsMw, Span<double> flows, bool includePhaseShifts = true)
    {
        var baseMva = Network.BaseMva;
        var rhs = new double[ReducedSize];
        for (var i = 0; i < BusCount; i++)
        {
            var r = _reduced[i];
            if (r >= 0)
            {
                rhs[r] += injectionsMw[i] / baseMva;
            }
        }

        var theta = new double[BusCount];
        for (var i = 0; i < BusCount; i++)
        {
            var island = Topology.Islands[Topology.IslandOf(i)];
            if (island.IsEnergised && island.ReferenceBus == i)
            {
                theta[i] = Network.Buses[i].VaDegrees * Math.PI / 180;
            }
        }

        for (var l = 0; l < BranchCount; l++)
        {
            var b = _b[l];
            if (b == 0)
            {
                continue;
            }

            var br = Network.Branches[l];
            int f = _reduced[br.From], t = _reduced[br.To];
            // Known angles (references) move to the right-hand side; phase shifts act as injections b·shift.
            var shift = includePhaseShifts ? _shiftRad[l] : 0;
            if (f >= 0)
            {
                rhs[f] += b * shift + (t < 0 ? b * theta[br.To] : 0);
            }

            if (t >= 0)
            {
                rhs[t] -= b * shift - (f < 0 ? b * theta[br.From] : 0);
            }
        }

        Factor.Solve(rhs, new double[ReducedSize]);
        for (var i = 0; i < BusCount; i++)
        {
            var r = _reduced[i];
            if (r >= 0)
            {
                theta[i] = rhs[r];
            }
        }

        for (var l = 0; l < BranchCount; l++)
        {
            var b = _b[l];
            var br = Network.Branches[l];
            flows[l] = b == 0 ? 0 : baseMva * b * (theta[br.From] - theta[br.To] - (includePhaseShifts ? _shiftRad[l] : 0));
        }

        return theta;
    }
}
