using WattBit.Areas;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The inter-area ties as the simulator routes moved load over them (decision 0174): one directed lane per tie and
/// direction, with the capacity moved load may use (the tie's capacity × the scenario's <c>tie_share</c>), and for every
/// ordered pair of areas the lanes on the fewest-ties path between them (ties that join the same two areas count as one
/// corridor whose capacities add; ties are tried in the order given, so the path is stable). Load moved from its home
/// area to another is a transfer along that path. Areas no tie reaches (Okinawa) have no path: nothing moves there.
/// Immutable and thread-safe.
/// </summary>
public sealed class TieRoutes
{
    private readonly int[]?[] _paths;
    private readonly int _areas;

    /// <summary>Builds the routes over <paramref name="areaCodes"/> (area indices follow this list).</summary>
    /// <param name="ties">The ties; those naming an area outside the list are ignored.</param>
    /// <param name="areaCodes">The area codes, in index order.</param>
    /// <param name="share">Share of each tie's capacity moved load may use, 0-1.</param>
    public TieRoutes(IReadOnlyList<AreaTie> ties, IReadOnlyList<string> areaCodes, double share)
    {
        ArgumentNullException.ThrowIfNull(ties);
        ArgumentNullException.ThrowIfNull(areaCodes);
        _areas = areaCodes.Count;
        var corridors = new List<(int A, int B, List<AreaTie> Ties)>();
        foreach (var tie in ties)
        {
            var a = IndexOf(areaCodes, tie.From.Code);
            var b = IndexOf(areaCodes, tie.To.Code);
            if (a < 0 || b < 0)
            {
                continue;
            }

            var c = corridors.FindIndex(x => (x.A == a && x.B == b) || (x.A == b && x.B == a));
            if (c < 0)
            {
                corridors.Add((a, b, [tie]));
            }
            else
            {
                corridors[c].Ties.Add(tie);
            }
        }

        Names = [.. corridors.Select(c => string.Join(" + ", c.Ties.Select(t => t.Name).Distinct()))];
        Ends = [.. corridors.Select(c => (c.A, c.B))];
        CapacityMw = [.. corridors.Select(c => c.Ties.Sum(t => t.CapacityMw) * share)];
        _paths = new int[]?[_areas * _areas];
        for (var from = 0; from < _areas; from++)
        {
            // Breadth-first from each area: the fewest corridors, the first-listed corridor on ties.
            var via = new int[_areas];
            Array.Fill(via, -1);
            var seen = new bool[_areas];
            seen[from] = true;
            var queue = new Queue<int>([from]);
            while (queue.Count > 0)
            {
                var x = queue.Dequeue();
                for (var c = 0; c < corridors.Count; c++)
                {
                    var (a, b, _) = corridors[c];
                    var y = a == x ? b : b == x ? a : -1;
                    if (y >= 0 && !seen[y])
                    {
                        seen[y] = true;
                        via[y] = c;
                        queue.Enqueue(y);
                    }
                }
            }

            for (var to = 0; to < _areas; to++)
            {
                if (to == from || !seen[to])
                {
                    continue;
                }

                var lanes = new List<int>();
                for (var y = to; y != from;)
                {
                    var c = via[y];
                    var (a, b) = Ends[c];
                    var x = a == y ? b : a;
                    lanes.Add((2 * c) + (x == a ? 0 : 1));
                    y = x;
                }

                lanes.Reverse();
                _paths[(from * _areas) + to] = [.. lanes];
            }
        }
    }

    /// <summary>Each corridor's name (its ties' OCCTO names).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Each corridor's two area indices; lane 2c runs from the first to the second, lane 2c + 1 back.</summary>
    public IReadOnlyList<(int A, int B)> Ends { get; }

    /// <summary>What moved load may use on each corridor in each direction, MW.</summary>
    public IReadOnlyList<double> CapacityMw { get; }

    /// <summary>Number of lanes (two per corridor).</summary>
    public int Lanes => 2 * Names.Count;

    /// <summary>The lanes load moved from area <paramref name="from"/> to area <paramref name="to"/> uses (empty for the same area), or null when no tie joins them.</summary>
    public int[]? Path(int from, int to) => from == to ? [] : _paths[(from * _areas) + to];

    /// <summary>Capacity of a lane, MW.</summary>
    public double LaneCapacity(int lane) => CapacityMw[lane / 2];

    private static int IndexOf(IReadOnlyList<string> codes, string code)
    {
        for (var i = 0; i < codes.Count; i++)
        {
            if (codes[i] == code)
            {
                return i;
            }
        }

        return -1;
    }
}
