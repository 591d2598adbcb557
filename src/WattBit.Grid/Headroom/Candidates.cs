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
    /// Lowers h[t] to each kept limit's value where it is strictly smaller, recording (offset + index) in id[t]
    /// (stored as double so the update vectorises). Same arithmetic as <see cref="HeadroomEngine.Limit"/>.
    /// </summary>
    public void Evaluate(double[] ds, double[] pv, double[] h, double[] id, int offset)
    {
        var w = Vector<double>.Count;
        var zero = Vector<double>.Zero;
        for (var k = 0; k < Branch.Count; k++)
        {
            var va = new Vector<double>(_a[k]);
            var vb = new Vector<double>(_b[k]);
            var vc = new Vector<double>(_c[k]);
            var r = new Vector<double>(_rate[k]);
            var den = new Vector<double>(_absBeta[k]);
            var key = new Vector<double>(offset + k);
            var positive = _positive[k];
            for (var t = 0; t < h.Length; t += w)
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
}
