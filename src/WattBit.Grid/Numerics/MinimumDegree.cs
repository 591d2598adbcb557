namespace WattBit.Grid.Numerics;

/// <summary>
/// Minimum-degree ordering on the explicit elimination graph: repeatedly eliminate a node of least current degree
/// (ties by lowest index, so the result is deterministic) and connect its neighbours. O(n·fill) — ample for the
/// sparse, nearly planar B matrices of power networks with thousands of buses.
/// </summary>
internal static class MinimumDegree
{
    /// <summary>Returns perm with perm[k] = the node eliminated k-th.</summary>
    public static int[] Order(int n, int[] ap, int[] ai)
    {
        var adj = new HashSet<int>[n];
        for (var j = 0; j < n; j++)
        {
            adj[j] = new HashSet<int>(ap[j + 1] - ap[j]);
            for (var p = ap[j]; p < ap[j + 1]; p++)
            {
                if (ai[p] != j)
                {
                    adj[j].Add(ai[p]);
                }
            }
        }

        // Buckets by degree with lazy deletion through a sorted set keyed (degree, node).
        var queue = new SortedSet<(int Degree, int Node)>();
        for (var j = 0; j < n; j++)
        {
            queue.Add((adj[j].Count, j));
        }

        var perm = new int[n];
        var neighbours = new List<int>();
        for (var k = 0; k < n; k++)
        {
            var (_, v) = queue.Min;
            queue.Remove(queue.Min);
            perm[k] = v;
            neighbours.Clear();
            neighbours.AddRange(adj[v]);
            foreach (var u in neighbours)
            {
                queue.Remove((adj[u].Count, u));
                adj[u].Remove(v);
            }

            for (var a = 0; a < neighbours.Count; a++)
            {
                var u = neighbours[a];
                for (var b = a + 1; b < neighbours.Count; b++)
                {
                    var w = neighbours[b];
                    if (adj[u].Add(w))
                    {
                        adj[w].Add(u);
                    }
                }
            }

            foreach (var u in neighbours)
            {
                queue.Add((adj[u].Count, u));
            }

            adj[v].Clear();
        }

        return perm;
    }
}
