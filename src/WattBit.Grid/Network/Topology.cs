using System.Collections.Immutable;

namespace WattBit.Grid.Network;

/// <summary>One electrical island: buses connected through in-service branches.</summary>
/// <param name="Buses">0-based bus indexes, ascending.</param>
/// <param name="ReferenceBus">The bus whose angle is fixed: the island's first type-3 bus; else the bus of its largest
/// in-service generator (reported); -1 when the island has no in-service generator.</param>
/// <param name="HasGenerator">Whether an in-service generator is connected in the island.</param>
/// <param name="ReferenceChosen">True when the island had no type-3 bus and <paramref name="ReferenceBus"/> was chosen.</param>
public sealed record Island(ImmutableArray<int> Buses, int ReferenceBus, bool HasGenerator, bool ReferenceChosen)
{
    /// <summary>True when the island can be solved: it has a reference and a generator. Buses of a dead island carry
    /// no flow and get no headroom (reported as missing).</summary>
    public bool IsEnergised => ReferenceBus >= 0 && HasGenerator;
}

/// <summary>
/// The topology of a network's in-service branches: islands and bridges (branches whose outage splits an island),
/// found with Tarjan's bridge algorithm in O(buses + branches). Immutable.
/// </summary>
public sealed class Topology
{
    private Topology(ImmutableArray<Island> islands, int[] islandOf, bool[] isBridge)
    {
        Islands = islands;
        _islandOf = islandOf;
        _isBridge = isBridge;
    }

    private readonly int[] _islandOf;
    private readonly bool[] _isBridge;

    /// <summary>Islands, the one holding the case's reference bus first, then in order of their first bus.</summary>
    public ImmutableArray<Island> Islands { get; }

    /// <summary>The island index of a bus.</summary>
    public int IslandOf(int bus) => _islandOf[bus];

    /// <summary>True when the in-service branch (0-based) is a bridge: its outage splits its island.</summary>
    public bool IsBridge(int branch) => _isBridge[branch];

    /// <summary>0-based indexes of all bridges, ascending.</summary>
    public ImmutableArray<int> Bridges => [.. Enumerable.Range(0, _isBridge.Length).Where(i => _isBridge[i])];

    /// <summary>Analyses a network.</summary>
    public static Topology Analyse(PowerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var n = network.Buses.Length;
        var m = network.Branches.Length;
        // Adjacency in CSR form over in-service branches.
        var deg = new int[n + 1];
        for (var l = 0; l < m; l++)
        {
            var br = network.Branches[l];
            if (br.InService)
            {
                deg[br.From + 1]++;
                deg[br.To + 1]++;
            }
        }

        for (var i = 0; i < n; i++)
        {
            deg[i + 1] += deg[i];
        }

        var adjBus = new int[deg[n]];
        var adjBranch = new int[deg[n]];
        var fill = (int[])deg.Clone();
        for (var l = 0; l < m; l++)
        {
            var br = network.Branches[l];
            if (br.InService)
            {
                adjBus[fill[br.From]] = br.To;
                adjBranch[fill[br.From]++] = l;
                adjBus[fill[br.To]] = br.From;
                adjBranch[fill[br.To]++] = l;
            }
        }

        // Iterative Tarjan: discovery time and low-link; the tree edge is skipped by branch id so parallel lines work.
        var disc = new int[n];
        var low = new int[n];
        var parentEdge = new int[n];
        var next = new int[n];
        var islandOf = new int[n];
        Array.Fill(disc, -1);
        var isBridge = new bool[m];
        var stack = new Stack<int>();
        var time = 0;
        var components = new List<List<int>>();
        var order = new List<int>(n) { network.ReferenceBus };
        for (var i = 0; i < n; i++)
        {
            if (i != network.ReferenceBus)
            {
                order.Add(i);
            }
        }

        foreach (var root in order)
        {
            if (disc[root] >= 0)
            {
                continue;
            }

            var comp = new List<int>();
            components.Add(comp);
            disc[root] = low[root] = time++;
            parentEdge[root] = -1;
            next[root] = deg[root];
            stack.Push(root);
            comp.Add(root);
            while (stack.Count > 0)
            {
                var u = stack.Peek();
                if (next[u] < deg[u + 1])
                {
                    var k = next[u]++;
                    var v = adjBus[k];
                    var e = adjBranch[k];
                    if (e == parentEdge[u])
                    {
                        continue;
                    }

                    if (disc[v] < 0)
                    {
                        disc[v] = low[v] = time++;
                        parentEdge[v] = e;
                        next[v] = deg[v];
                        stack.Push(v);
                        comp.Add(v);
                    }
                    else
                    {
                        low[u] = Math.Min(low[u], disc[v]);
                    }
                }
                else
                {
                    stack.Pop();
                    if (stack.Count > 0)
                    {
                        var p = stack.Peek();
                        low[p] = Math.Min(low[p], low[u]);
                        if (low[u] > disc[p])
                        {
                            isBridge[parentEdge[u]] = true;
                        }
                    }
                }
            }
        }

        var genAt = new double[n];
        var hasGen = new bool[n];
        foreach (var g in network.Generators)
        {
            if (g.InService)
            {
                hasGen[g.BusIndex] = true;
                genAt[g.BusIndex] += Math.Max(g.Pg, 0);
            }
        }

        var islands = ImmutableArray.CreateBuilder<Island>(components.Count);
        for (var c = 0; c < components.Count; c++)
        {
            var buses = components[c];
            buses.Sort();
            int reference = -1, best = -1;
            var any = false;
            foreach (var b in buses)
            {
                islandOf[b] = c;
                any |= hasGen[b];
                if (network.Buses[b].Type == BusType.Reference && reference < 0)
                {
                    reference = b;
                }

                if (hasGen[b] && (best < 0 || genAt[b] > genAt[best]))
                {
                    best = b;
                }
            }

            var chosen = reference < 0;
            islands.Add(new Island([.. buses], chosen ? best : reference, any, chosen && best >= 0));
        }

        return new Topology(islands.MoveToImmutable(), islandOf, isBridge);
    }
}
