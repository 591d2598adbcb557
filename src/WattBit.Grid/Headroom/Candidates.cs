using System.Numerics;

namespace WattBit.Grid.Headroom;

/// <summary>Limits kept by pruning, in the order they were found (base case, contingencies, branches ascending).</summary>
internal sealed class Candidates
{
    private readonly List<double> _a = [];
    private readonly List<double> _b = [];
    private readonly List<double> _c = [];
    private readonly List<double> _rate = [];
    private readonly List<bool> _positive = [];
    private readonly List<double> _absBeta = [];
    private readonly List<double> _lb = [];

    public List<int> Contingency { get; } = [];

    public List<int> Branch { get; } = [];

    public int Count => Branch.Count;

    public void Add(int contingency, int branch, double a, double b, double c, double rate, bool positive, double absBeta, double lb)
    {
        Contingency.Add(contingency);
        Branch.Add(branch);
        _a.Add(a);
        _b.Add(b);
        _c.Add(c);
        _rate.Add(rate);
        _positive.Add(positive);
        _absBeta.Add(absBeta);
        _lb.Add(lb);
    }

    /// <summary>
    /// Limit k's value at one step without the floor at 0 (decision 0234): the same expressions as the vectorised
    /// evaluation, so where it is ≥ 0 it equals the engine's value; below 0 it is how much load must fall for the limit to hold.
    /// </summary>
    public double Signed(int k, double ds, double pv)
    {
        var f = (_a[k] + (ds * _b[k])) + (pv * _c[k]);
        return (_positive[k] ? _rate[k] - f : _rate[k] + f) / _absBeta[k];
    }

    /// <summary>A copy with the same limits in the same order.</summary>
    public Candidates Clone()
    {
        var copy = new Candidates();
        copy.Contingency.AddRange(Contingency);
        copy.Branch.AddRange(Branch);
        copy._a.AddRange(_a);
        copy._b.AddRange(_b);
        copy._c.AddRange(_c);
        copy._rate.AddRange(_rate);
        copy._positive.AddRange(_positive);
        copy._absBeta.AddRange(_absBeta);
        copy._lb.AddRange(_lb);
        return copy;
    }

    /// <summary>
    /// Raises the rating of every limit on <paramref name="branch"/> by <paramref name="mw"/> (≥ 0), the same addition
    /// as the ratings array of a what-if uprate; lower bounds stay valid (a higher rating only raises a limit).
    /// </summary>
    public void RaiseRating(int branch, double mw)
    {
        for (var i = 0; i < Branch.Count; i++)
        {
            if (Branch[i] == branch)
            {
                _rate[i] += mw;
            }
        }
    }

    /// <summary>Drops every limit whose exact lower bound exceeds the final upper bound (order is kept).</summary>
    public void Filter(double ub)
    {
        var k = 0;
        for (var i = 0; i < Branch.Count; i++)
        {
            if (_lb[i] <= ub)
            {
                Contingency[k] = Contingency[i];
                Branch[k] = Branch[i];
                _a[k] = _a[i];
                _b[k] = _b[i];
                _c[k] = _c[i];
                _rate[k] = _rate[i];
                _positive[k] = _positive[i];
                _absBeta[k] = _absBeta[i];
                _lb[k] = _lb[i];
                k++;
            }
        }

        var remove = Branch.Count - k;
        foreach (var list in new System.Collections.IList[] { Contingency, Branch, _a, _b, _c, _rate, _positive, _absBeta, _lb })
        {
            for (var i = 0; i < remove; i++)
            {
                list.RemoveAt(list.Count - 1);
            }
        }
    }

    /// <summary>
    /// The flow's range over a box of (demand_scale, solar_pu): the expressions of the evaluation at the box's corners,
    /// so that IEEE rounding (monotone) keeps every evaluated flow within [lo, hi].
    /// </summary>
    public static (double Hi, double Lo) FlowRange(double a, double b, double c, double d0, double d1, double s0, double s1)
    {
        double bd0 = d0 * b, bd1 = d1 * b, cs0 = s0 * c, cs1 = s1 * c;
        return ((a + Math.Max(bd1, bd0)) + Math.Max(cs1, cs0), (a + Math.Min(bd1, bd0)) + Math.Min(cs1, cs0));
    }

    /// <summary>
    /// <see cref="FlowRange(double, double, double, double, double, double, double)"/> for a vector of limits: the same
    /// expressions lane by lane, so the lanes equal the scalar results bit for bit.
    /// </summary>
    public static (Vector<double> Hi, Vector<double> Lo) FlowRange(Vector<double> a, Vector<double> b, Vector<double> c, in BoxCorners box)
    {
        var bd0 = box.D0 * b;
        var bd1 = box.D1 * b;
        var cs0 = box.S0 * c;
        var cs1 = box.S1 * c;
        return ((a + Vector.Max(bd1, bd0)) + Vector.Max(cs1, cs0), (a + Vector.Min(bd1, bd0)) + Vector.Min(cs1, cs0));
    }

    /// <summary>Sorts the kept limits by (contingency, branch), the order of the full sweep (stable tie-break).</summary>
    public void SortByContingencyThenBranch()
    {
        var n = Branch.Count;
        var order = new int[n];
        var keys = new long[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            keys[i] = ((long)Contingency[i] << 32) | (uint)Branch[i];
        }

        Array.Sort(keys, order);
        var c = Contingency.ToArray();
        var br = Branch.ToArray();
        var a = _a.ToArray();
        var b = _b.ToArray();
        var cc = _c.ToArray();
        var r = _rate.ToArray();
        var pos = _positive.ToArray();
        var ab = _absBeta.ToArray();
        var lb = _lb.ToArray();
        for (var i = 0; i < n; i++)
        {
            var k = order[i];
            Contingency[i] = c[k];
            Branch[i] = br[k];
            _a[i] = a[k];
            _b[i] = b[k];
            _c[i] = cc[k];
            _rate[i] = r[k];
            _positive[i] = pos[k];
            _absBeta[i] = ab[k];
            _lb[i] = lb[k];
        }
    }

    /// <summary>
    /// As <see cref="Evaluate"/>, block by block: in each block of steps the limits are bounded again over the block's
    /// own box (<paramref name="blocks"/>), and a limit whose lower bound there exceeds the block's upper bound (the
    /// largest current h in the block, tightened by every limit's upper bound) is skipped in that block. Exact for the
    /// same reason as the whole-period pruning (decision 0110); the limits are visited in the same order.
    /// </summary>
    public void EvaluateBlocked(double[] ds, double[] pv, double[] h, double[] id, int offset, ProfileBlocks blocks)
    {
        var n = Branch.Count;
        var lbs = new double[n];
        for (var blk = 0; blk < blocks.Count; blk++)
        {
            int t0 = blocks.Start[blk], t1 = blocks.Start[blk + 1];
            double d0 = blocks.DsMin[blk], d1 = blocks.DsMax[blk], s0 = blocks.PvMin[blk], s1 = blocks.PvMax[blk];
            var ub = 0.0;
            for (var t = t0; t < t1; t++)
            {
                ub = Math.Max(ub, h[t]);
            }

            for (var k = 0; k < n; k++)
            {
                double r = _rate[k], den = _absBeta[k];
                var (fHi, fLo) = FlowRange(_a[k], _b[k], _c[k], d0, d1, s0, s1);
                var lb = Math.Max(0, (_positive[k] ? r - fHi : r + fLo) / den);
                var ubk = Math.Max(0, (_positive[k] ? r - fLo : r + fHi) / den);
                lbs[k] = lb;
                if (ubk < ub)
                {
                    ub = ubk;
                }
            }

            for (var k = 0; k < n; k++)
            {
                if (lbs[k] <= ub)
                {
                    Lower(k, t0, t1, ds, pv, h, id, offset);
                }
            }
        }
    }

    /// <summary>
    /// Lowers h[t] to each kept limit's value where it is strictly smaller, recording (offset + index) in id[t]
    /// (stored as double so the update vectorises). Same arithmetic as <see cref="HeadroomEngine.Limit"/>.
    /// </summary>
    public void Evaluate(double[] ds, double[] pv, double[] h, double[] id, int offset)
    {
        for (var k = 0; k < Branch.Count; k++)
        {
            Lower(k, 0, h.Length, ds, pv, h, id, offset);
        }
    }

    /// <summary>Lowers h[t] over steps [t0, t1) to limit k's value where it is strictly smaller (vectorised).</summary>
    private void Lower(int k, int t0, int t1, double[] ds, double[] pv, double[] h, double[] id, int offset)
    {
        var w = Vector<double>.Count;
        var zero = Vector<double>.Zero;
        var va = new Vector<double>(_a[k]);
        var vb = new Vector<double>(_b[k]);
        var vc = new Vector<double>(_c[k]);
        var r = new Vector<double>(_rate[k]);
        var den = new Vector<double>(_absBeta[k]);
        var key = new Vector<double>(offset + k);
        var positive = _positive[k];
        for (var t = t0; t < t1; t += w)
        {
            var f = (va + (new Vector<double>(ds, t) * vb)) + (new Vector<double>(pv, t) * vc);
            var g = Vector.Max(zero, (positive ? r - f : r + f) / den);
            var cur = new Vector<double>(h, t);
            var less = Vector.LessThan(g, cur);
            if (less == Vector<long>.Zero)
            {
                continue;
            }

            Vector.ConditionalSelect(less, g, cur).CopyTo(h, t);
            Vector.ConditionalSelect(less, key, new Vector<double>(id, t)).CopyTo(id, t);
        }
    }
}

/// <summary>The corners of a box of (demand_scale, solar_pu), broadcast for vectorised flow ranges.</summary>
internal readonly struct BoxCorners(double d0, double d1, double s0, double s1)
{
    public Vector<double> D0 { get; } = new(d0);

    public Vector<double> D1 { get; } = new(d1);

    public Vector<double> S0 { get; } = new(s0);

    public Vector<double> S1 { get; } = new(s1);
}

/// <summary>
/// The steps cut into blocks of a whole number of SIMD vectors, with each block's box of (demand_scale, solar_pu)
/// (padding steps included, so every evaluated step lies in its block's box).
/// </summary>
internal sealed class ProfileBlocks
{
    public ProfileBlocks(double[] ds, double[] pv, int blockSteps)
    {
        var w = Vector<double>.Count;
        var len = Math.Max(w, (blockSteps + w - 1) / w * w);
        var count = (ds.Length + len - 1) / len;
        Start = new int[count + 1];
        DsMin = new double[count];
        DsMax = new double[count];
        PvMin = new double[count];
        PvMax = new double[count];
        for (var i = 0; i < count; i++)
        {
            Start[i] = i * len;
            var end = Math.Min(ds.Length, (i + 1) * len);
            double d0 = double.PositiveInfinity, d1 = double.NegativeInfinity, s0 = double.PositiveInfinity, s1 = double.NegativeInfinity;
            for (var t = i * len; t < end; t++)
            {
                d0 = Math.Min(d0, ds[t]);
                d1 = Math.Max(d1, ds[t]);
                s0 = Math.Min(s0, pv[t]);
                s1 = Math.Max(s1, pv[t]);
            }

            (DsMin[i], DsMax[i], PvMin[i], PvMax[i]) = (d0, d1, s0, s1);
        }

        Start[count] = ds.Length;
    }

    public int Count => DsMin.Length;

    public int[] Start { get; }

    public double[] DsMin { get; }

    public double[] DsMax { get; }

    public double[] PvMin { get; }

    public double[] PvMax { get; }
}
