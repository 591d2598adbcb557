namespace WattBit.Grid.Numerics;

/// <summary>
/// Sparse LDLᵀ factorisation (no pivoting) of a symmetric matrix — positive definite, or quasi-definite as a B matrix with a few negative reactances is — with a minimum-degree fill-reducing ordering
/// (T. A. Davis's LDL algorithm: elimination tree, column counts, up-looking numeric factorisation). Built once,
/// then <see cref="Solve"/> is thread-safe (it only reads the factor).
/// </summary>
public sealed class SparseLdl
{
    private readonly int _n;
    private readonly int[] _perm;      // perm[k] = original index of the k-th pivot
    private readonly int[] _lp;
    private readonly int[] _li;
    private readonly double[] _lx;
    private readonly double[] _d;

    private SparseLdl(int n, int[] perm, int[] lp, int[] li, double[] lx, double[] d)
    {
        _n = n;
        _perm = perm;
        _lp = lp;
        _li = li;
        _lx = lx;
        _d = d;
    }

    /// <summary>The matrix dimension.</summary>
    public int Size => _n;

    /// <summary>Number of off-diagonal nonzeros in L (a measure of fill).</summary>
    public int FactorNonzeros => _lp[_n];

    /// <summary>Factorises a symmetric matrix given by its nonzeros (both triangles or one; duplicates are summed).</summary>
    /// <param name="n">Dimension.</param>
    /// <param name="rows">Row index of each entry.</param>
    /// <param name="cols">Column index of each entry.</param>
    /// <param name="values">Values; for an off-diagonal pair give each (i, j) once with i != j in either triangle.</param>
    /// <param name="useOrdering">False to factorise in natural order (to measure what the ordering saves).</param>
    /// <exception cref="ArgumentException">A pivot vanishes (the matrix is singular).</exception>
    public static SparseLdl Factorise(int n, ReadOnlySpan<int> rows, ReadOnlySpan<int> cols, ReadOnlySpan<double> values, bool useOrdering = true)
    {
        // Symmetric adjacency (pattern) and a full symmetric CSC of the matrix.
        var lists = new Dictionary<long, double>(values.Length * 2);
        var diag = new double[n];
        for (var k = 0; k < values.Length; k++)
        {
            int i = rows[k], j = cols[k];
            if (i == j)
            {
                diag[i] += values[k];
                continue;
            }

            var key = ((long)Math.Min(i, j) << 32) | (uint)Math.Max(i, j);
            lists[key] = lists.TryGetValue(key, out var v) ? v + values[k] : values[k];
        }

        var count = new int[n + 1];
        foreach (var key in lists.Keys)
        {
            count[(int)(key >> 32) + 1]++;
            count[(int)(key & 0xffffffff) + 1]++;
        }

        for (var i = 0; i < n; i++)
        {
            count[i + 1] += count[i];
        }

        var ap = (int[])count.Clone();
        var ai = new int[count[n]];
        var ax = new double[count[n]];
        var fill = (int[])count.Clone();
        foreach (var (key, v) in lists)
        {
            int i = (int)(key >> 32), j = (int)(key & 0xffffffff);
            ai[fill[j]] = i;
            ax[fill[j]++] = v;
            ai[fill[i]] = j;
            ax[fill[i]++] = v;
        }

        var perm = useOrdering ? MinimumDegree.Order(n, ap, ai) : Enumerable.Range(0, n).ToArray();
        var pinv = new int[n];
        for (var k = 0; k < n; k++)
        {
            pinv[perm[k]] = k;
        }

        // Permuted matrix C = P A Pᵀ, upper triangle by columns (row < col), as LDL's numeric phase expects.
        var cp = new int[n + 1];
        for (var j = 0; j < n; j++)
        {
            for (var p = ap[j]; p < ap[j + 1]; p++)
            {
                int a = pinv[ai[p]], b = pinv[j];
                if (a < b)
                {
                    cp[b + 1]++;
                }
            }
        }

        for (var j = 0; j < n; j++)
        {
            cp[j + 1] += cp[j];
        }

        var ci = new int[cp[n]];
        var cx = new double[cp[n]];
        var cf = (int[])cp.Clone();
        for (var j = 0; j < n; j++)
        {
            for (var p = ap[j]; p < ap[j + 1]; p++)
            {
                int a = pinv[ai[p]], b = pinv[j];
                if (a < b)
                {
                    ci[cf[b]] = a;
                    cx[cf[b]++] = ax[p];
                }
            }
        }

        var cd = new double[n];
        for (var k = 0; k < n; k++)
        {
            cd[k] = diag[perm[k]];
        }

        // Symbolic: elimination tree and column counts of L.
        var parent = new int[n];
        var flag = new int[n];
        var lnz = new int[n];
        for (var k = 0; k < n; k++)
        {
            parent[k] = -1;
            flag[k] = k;
            for (var p = cp[k]; p < cp[k + 1]; p++)
            {
                for (var i = ci[p]; flag[i] != k; i = parent[i])
                {
                    if (parent[i] == -1)
                    {
                        parent[i] = k;
                    }

                    lnz[i]++;
                    flag[i] = k;
                }
            }
        }

        var lp = new int[n + 1];
        for (var k = 0; k < n; k++)
        {
            lp[k + 1] = lp[k] + lnz[k];
        }

        // Numeric: up-looking, one row of L at a time.
        var li = new int[lp[n]];
        var lx = new double[lp[n]];
        var d = new double[n];
        var y = new double[n];
        var pattern = new int[n];
        Array.Clear(lnz);
        for (var k = 0; k < n; k++)
        {
            y[k] = 0;
            var top = n;
            flag[k] = k;
            for (var p = cp[k]; p < cp[k + 1]; p++)
            {
                var i = ci[p];
                y[i] += cx[p];
                int len;
                for (len = 0; flag[i] != k; i = parent[i])
                {
                    pattern[len++] = i;
                    flag[i] = k;
                }

                while (len > 0)
                {
                    pattern[--top] = pattern[--len];
                }
            }

            d[k] = cd[k];
            for (; top < n; top++)
            {
                var i = pattern[top];
                var yi = y[i];
                y[i] = 0;
                var p2 = lp[i] + lnz[i];
                for (var p = lp[i]; p < p2; p++)
                {
                    y[li[p]] -= lx[p] * yi;
                }

                var lki = yi / d[i];
                d[k] -= lki * yi;
                li[p2] = k;
                lx[p2] = lki;
                lnz[i]++;
            }

            // Negative pivots are allowed (series capacitors give negative reactances); only a vanishing pivot is fatal.
            if (!(Math.Abs(d[k]) > 1e-12 * (Math.Abs(cd[k]) + 1e-300)) || !double.IsFinite(d[k]))
            {
                throw new ArgumentException($"the matrix is singular (pivot {k} of {n} is {d[k]}); an island may be left without a reference.");
            }
        }

        return new SparseLdl(n, perm, lp, li, lx, d);
    }

    /// <summary>Solves A x = b in place (<paramref name="x"/> holds b on entry). Needs a scratch span of length
    /// <see cref="Size"/>; thread-safe when each thread passes its own scratch.</summary>
    public void Solve(Span<double> x, Span<double> scratch)
    {
        var n = _n;
        var y = scratch[..n];
        for (var k = 0; k < n; k++)
        {
            y[k] = x[_perm[k]];
        }

        // L y = b (L stored by columns: column j holds rows li[p] > j).
        for (var j = 0; j < n; j++)
        {
            var yj = y[j];
            if (yj != 0)
            {
                for (var p = _lp[j]; p < _lp[j + 1]; p++)
                {
                    y[_li[p]] -= _lx[p] * yj;
                }
            }
        }

        for (var j = 0; j < n; j++)
        {
            y[j] /= _d[j];
        }

        for (var j = n - 1; j >= 0; j--)
        {
            var s = y[j];
            for (var p = _lp[j]; p < _lp[j + 1]; p++)
            {
                s -= _lx[p] * y[_li[p]];
            }

            y[j] = s;
        }

        for (var k = 0; k < n; k++)
        {
            x[_perm[k]] = y[k];
        }
    }
}
