namespace WattBit.Simulation.Roadmap;

/// <summary>
/// A small maximum flow (Dinic, capacities in MWh) for one day of the roadmap's shifting (decision 0184): the flexible
/// energy of the clusters placed on the hours with room, at home or, over the ties, at clusters of other areas. After
/// <see cref="Solve"/>, <see cref="Reachable"/> marks the nodes on the source side of the minimum cut, i.e. the clusters
/// whose work cannot all be placed and the ties that limit it. Not thread-safe; one instance per day.
/// </summary>
internal sealed class ShiftingMaxFlow
{
    private const double Eps = 1e-9;
    private readonly List<int>[] _out;
    private readonly List<(int To, double Cap, double Flow)> _edges = [];
    private int[] _level = [];
    private int[] _next = [];

    /// <summary>Creates a network of <paramref name="nodes"/> nodes and no edges.</summary>
    public ShiftingMaxFlow(int nodes)
    {
        _out = new List<int>[nodes];
        for (var i = 0; i < nodes; i++)
        {
            _out[i] = [];
        }
    }

    /// <summary>Adds an edge; returns its index (the reverse edge is the index + 1).</summary>
    public int Add(int from, int to, double capacity)
    {
        var e = _edges.Count;
        _edges.Add((to, Math.Max(0, capacity), 0));
        _out[from].Add(e);
        _edges.Add((from, 0, 0));
        _out[to].Add(e + 1);
        return e;
    }

    /// <summary>Every edge added, as (from, to).</summary>
    public IEnumerable<(int From, int To)> Edges()
    {
        for (var e = 0; e < _edges.Count; e += 2)
        {
            yield return (_edges[e + 1].To, _edges[e].To);
        }
    }

    /// <summary>The flow on an edge after <see cref="Solve"/>.</summary>
    public double Flow(int edge) => _edges[edge].Flow;

    /// <summary>Whether an edge is full after <see cref="Solve"/>.</summary>
    public bool Saturated(int edge) => _edges[edge].Cap - _edges[edge].Flow <= 1e-6;

    /// <summary>Per node, whether the source reaches it in the residual network (set by <see cref="Solve"/>).</summary>
    public bool[] Reachable { get; private set; } = [];

    /// <summary>Pushes the maximum flow from <paramref name="source"/> to <paramref name="sink"/>; returns its value.</summary>
    public double Solve(int source, int sink)
    {
        double total = 0;
        _level = new int[_out.Length];
        _next = new int[_out.Length];
        while (Levels(source, sink))
        {
            Array.Clear(_next);
            double pushed;
            while ((pushed = Push(source, sink, double.PositiveInfinity)) > Eps)
            {
                total += pushed;
            }
        }

        Levels(source, sink);
        Reachable = [.. _level.Select(l => l >= 0)];
        return total;
    }

    private bool Levels(int source, int sink)
    {
        Array.Fill(_level, -1);
        _level[source] = 0;
        var queue = new Queue<int>([source]);
        while (queue.Count > 0)
        {
            var x = queue.Dequeue();
            foreach (var e in _out[x])
            {
                var (to, cap, flow) = _edges[e];
                if (_level[to] < 0 && cap - flow > Eps)
                {
                    _level[to] = _level[x] + 1;
                    queue.Enqueue(to);
                }
            }
        }

        return _level[sink] >= 0;
    }

    private double Push(int x, int sink, double limit)
    {
        if (x == sink)
        {
            return limit;
        }

        for (; _next[x] < _out[x].Count; _next[x]++)
        {
            var e = _out[x][_next[x]];
            var (to, cap, flow) = _edges[e];
            if (_level[to] != _level[x] + 1 || cap - flow <= Eps)
            {
                continue;
            }

            var got = Push(to, sink, Math.Min(limit, cap - flow));
            if (got > Eps)
            {
                _edges[e] = (to, cap, flow + got);
                var back = _edges[e ^ 1];
                _edges[e ^ 1] = (back.To, back.Cap, back.Flow - got);
                return got;
            }
        }

        return 0;
    }
}
