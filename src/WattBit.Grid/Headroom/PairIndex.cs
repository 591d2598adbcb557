namespace WattBit.Grid.Headroom;

/// <summary>
/// A bus-independent lower bound of every N-1 (contingency, branch) limit, sorted ascending (decision 0110).
/// <para>
/// For any bus k, the post-contingency sensitivity is β^c_l(k) = β_l(k) + LODF[l,c]·β_c(k), so
/// |β^c_l(k)| ≤ Bmax_l + |LODF[l,c]|·Bmax_c with Bmax_l = max over buses of |β_l(k)|. The limit's numerator over the
/// period is at least min(r − fHi, r + fLo) (the box corners, whichever direction the load pushes), so every value of
/// the limit, at every bus and step, is at least G = that numerator / that bound. A bus whose running upper bound U of
/// the N-1 headroom is below G can skip the pair: its value is &gt; U ≥ the headroom at every step. The engine sweeps the
/// pairs in ascending G and stops at the first G &gt; U; only the pairs with the smallest G are stored (at most
/// <see cref="MaxStored"/>), and a bus whose U is still above the largest stored G falls back to the full sweep.
/// </para>
/// </summary>
internal sealed class PairIndex
{
    /// <summary>The most pairs kept (20 bytes each).</summary>
    public const int MaxStored = 8_000_000;

    private PairIndex(int[] branch, int[] contingency, double[] lodf, double[] bound, double threshold)
    {
        Branch = branch;
        Contingency = contingency;
        Lodf = lodf;
        Bound = bound;
        Threshold = threshold;
    }

    /// <summary>Monitored branch of each stored pair, in ascending bound order.</summary>
    public int[] Branch { get; }

    /// <summary>Contingency of each stored pair.</summary>
    public int[] Contingency { get; }

    /// <summary>LODF[branch, contingency] of each stored pair.</summary>
    public double[] Lodf { get; }

    /// <summary>The lower bound G of each stored pair's limit (ascending).</summary>
    public double[] Bound { get; }

    /// <summary>The smallest bound of the pairs not stored (+∞ when all are stored): a bus may use the index alone
    /// while its upper bound stays below it.</summary>
    public double Threshold { get; }

    /// <summary>Number of stored pairs.</summary>
    public int Count => Branch.Length;

    /// <summary>Builds the index for an engine (parallel over contingencies).</summary>
    public static PairIndex Build(HeadroomEngine engine, double[][] islandSlack, int maxStored = MaxStored)
    {
        var s = engine.Sensitivities;
        var model = s.Model;
        int n = model.BusCount, m = model.BranchCount;
        var topo = model.Topology;

        // Bmax per branch: the largest |β_l(k)| = |slack_island(k)[l] − PTDF[l,k]| over energised buses.
        var bmax = new double[m];
        var gate = new Lock();
        Parallel.For(0, n, () => new double[m], (k, _, local) =>
        {
            if (!model.IsEnergised(k))
            {
                return local;
            }

            var col = s.PtdfColumn(k);
            var slack = islandSlack[topo.IslandOf(k)];
            for (var l = 0; l < m; l++)
            {
                var v = Math.Abs(slack[l] - col[l]);
                if (v > local[l])
                {
                    local[l] = v;
                }
            }

            return local;
        }, local =>
        {
            lock (gate)
            {
                for (var l = 0; l < m; l++)
                {
                    bmax[l] = Math.Max(bmax[l], local[l]);
                }
            }
        });

        // Rounding margin: |fl(β_l + lf·β_c)| exceeds the exact bound by at most a few ulps; the relative margin below
        // dwarfs that, and the numerator uses the engine's own expressions (so its rounding is the engine's).
        const double margin = 1 + 1e-9;
        var contingencies = engine.Contingencies.ToArray();
        var rate = engine.RatingsN1;
        var (a, b, c) = (engine.FlowA, engine.FlowB, engine.FlowC);
        var (d0, d1, s0, s1) = engine.Box;

        double PairBound(int ci, int l, double lf)
        {
            var cc = contingencies[ci];
            var absBound = (bmax[l] + (Math.Abs(lf) * bmax[cc])) * margin;
            if (!(absBound > 0) || double.IsPositiveInfinity(rate[l]))
            {
                return double.PositiveInfinity; // β^c_l is 0 at every bus, or the branch is not monitored
            }

            var (fHi, fLo) = Candidates.FlowRange(a[l] + (lf * a[cc]), b[l] + (lf * b[cc]), c[l] + (lf * c[cc]), d0, d1, s0, s1);
            var num = Math.Min(rate[l] - fHi, rate[l] + fLo);
            return num <= 0 ? 0 : num / absBound * (1 - 1e-12);
        }

        // Pass 1: a histogram of the bounds (log-spaced bins) to choose the threshold that stores at most maxStored.
        const int bins = 512;
        double lo = 1e-3, hi = 1e7;
        var scale = bins / Math.Log(hi / lo);
        int Bin(double g) => g <= lo ? 0 : g >= hi ? bins - 1 : Math.Min(bins - 1, (int)(Math.Log(g / lo) * scale));
        var hist = new long[bins + 1]; // last: +∞
        Parallel.For(0, contingencies.Length, () => new long[bins + 1], (ci, _, local) =>
        {
            var lodf = s.LodfColumn(contingencies[ci]);
            for (var l = 0; l < m; l++)
            {
                if (l == contingencies[ci])
                {
                    continue;
                }

                var g = PairBound(ci, l, lodf[l]);
                local[double.IsPositiveInfinity(g) ? bins : Bin(g)]++;
            }

            return local;
        }, local =>
        {
            lock (gate)
            {
                for (var i = 0; i <= bins; i++)
                {
                    hist[i] += local[i];
                }
            }
        });

        long total = 0;
        var lastBin = -1; // store bins 0..lastBin entirely
        for (var i = 0; i < bins; i++)
        {
            if (total + hist[i] > maxStored)
            {
                break;
            }

            total += hist[i];
            lastBin = i;
        }

        // Pass 2: collect the pairs whose bin is stored, per contingency, then sort by bound.
        var perC = new (int[] L, double[] Lf, double[] G)[contingencies.Length];
        var minLeft = new double[contingencies.Length];
        Parallel.For(0, contingencies.Length, ci =>
        {
            var lodf = s.LodfColumn(contingencies[ci]);
            var ls = new List<int>();
            var lfs = new List<double>();
            var gs = new List<double>();
            var left = double.PositiveInfinity;
            for (var l = 0; l < m; l++)
            {
                if (l == contingencies[ci])
                {
                    continue;
                }

                var g = PairBound(ci, l, lodf[l]);
                if (!double.IsPositiveInfinity(g) && Bin(g) <= lastBin)
                {
                    ls.Add(l);
                    lfs.Add(lodf[l]);
                    gs.Add(g);
                }
                else if (g < left)
                {
                    left = g;
                }
            }

            perC[ci] = ([.. ls], [.. lfs], [.. gs]);
            minLeft[ci] = left;
        });

        var count = perC.Sum(p => p.L.Length);
        var branch = new int[count];
        var cont = new int[count];
        var lfAll = new double[count];
        var bound = new double[count];
        var at = 0;
        for (var ci = 0; ci < perC.Length; ci++)
        {
            var (ls, lfs, gs) = perC[ci];
            for (var i = 0; i < ls.Length; i++, at++)
            {
                branch[at] = ls[i];
                cont[at] = contingencies[ci];
                lfAll[at] = lfs[i];
                bound[at] = gs[i];
            }
        }

        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var keys = (double[])bound.Clone();
        Array.Sort(keys, order);
        var threshold = minLeft.Length == 0 ? double.PositiveInfinity : minLeft.Min();
        var result = new PairIndex(new int[count], new int[count], new double[count], keys, threshold);
        for (var i = 0; i < count; i++)
        {
            result.Branch[i] = branch[order[i]];
            result.Contingency[i] = cont[order[i]];
            result.Lodf[i] = lfAll[order[i]];
        }

        return result;
    }
}
