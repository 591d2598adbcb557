using WattBit.Grid.PowerFlow;

namespace WattBit.Grid.Headroom;

/// <summary>
/// Cuts a list of buses into groups of electrically close buses (decision 0113), so that the group bound of
/// <see cref="HeadroomEngine.ComputeGroup"/> is tight: each group grows from its first unassigned bus by shortest
/// electrical distance (the sum of |x·tap| along in-service branches, Dijkstra), collecting the listed buses it reaches.
/// Deterministic; the grouping affects only the speed, never the results.
/// </summary>
public static class BusGroups
{
    /// <summary>
    /// Groups positions of <paramref name="buses"/> (not the bus numbers): each group holds up to
    /// <paramref name="groupSize"/> positions; every position is in exactly one group; a bus listed twice lands in one
    /// group with both positions.
    /// </summary>
    /// <param name="model">The DC model.</param>
    /// <param name="buses">0-based bus indexes.</param>
    /// <param name="groupSize">Largest group, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A group size below 1 or a bus outside the model.</exception>
    public static int[][] Partition(DcModel model, IReadOnlyList<int> buses, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(buses);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        var n = model.BusCount;
        var positions = new Dictionary<int, List<int>>();
        for (var i = 0; i < buses.Count; i++)
        {
            var bus = buses[i];
            if ((uint)bus >= (uint)n)
            {
                throw new ArgumentOutOfRangeException(nameof(buses), bus, $"bus index outside 0..{n - 1}.");
            }

            if (!positions.TryGetValue(bus, out var list))
            {
                positions[bus] = list = [];
            }

            list.Add(i);
        }

        if (groupSize == 1)
        {
            return [.. Enumerable.Range(0, buses.Count).Select(i => new[] { i })];
        }

        var adjacency = Adjacency(model);
        var assigned = new bool[buses.Count];
        var dist = new double[n];
        Array.Fill(dist, double.PositiveInfinity);
        var touched = new List<int>();
        var groups = new List<int[]>();
        var queue = new PriorityQueue<int, double>();
        for (var start = 0; start < buses.Count; start++)
        {
            if (assigned[start])
            {
                continue;
            }

            var group = new List<int>();
            queue.Clear();
            dist[buses[start]] = 0;
            touched.Add(buses[start]);
            queue.Enqueue(buses[start], 0);
            while (queue.TryDequeue(out var v, out var d) && group.Count < groupSize)
            {
                if (d > dist[v])
                {
                    continue;
                }

                if (positions.TryGetValue(v, out var at) && !assigned[at[0]])
                {
                    foreach (var p in at)
                    {
                        assigned[p] = true;
                        group.Add(p);
                    }
                }

                foreach (var (to, x) in adjacency[v])
                {
                    var nd = d + x;
                    if (nd < dist[to])
                    {
                        if (double.IsPositiveInfinity(dist[to]))
                        {
                            touched.Add(to);
                        }

                        dist[to] = nd;
                        queue.Enqueue(to, nd);
                    }
                }
            }

            foreach (var t in touched)
            {
                dist[t] = double.PositiveInfinity;
            }

            touched.Clear();
            group.Sort();
            groups.Add([.. group]);
        }

        return [.. groups];
    }

    private static List<(int To, double X)>[] Adjacency(DcModel model)
    {
        var n = model.BusCount;
        var adjacency = new List<(int, double)>[n];
        for (var i = 0; i < n; i++)
        {
            adjacency[i] = [];
        }

        var branches = model.Network.Branches;
        for (var l = 0; l < model.BranchCount; l++)
        {
            var b = model.Susceptance(l);
            if (b == 0)
            {
                continue;
            }

            var x = 1 / Math.Abs(b);
            adjacency[branches[l].From].Add((branches[l].To, x));
            adjacency[branches[l].To].Add((branches[l].From, x));
        }

        return adjacency;
    }
}
