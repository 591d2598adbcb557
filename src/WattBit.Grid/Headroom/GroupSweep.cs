using System.Numerics;

namespace WattBit.Grid.Headroom;

/// <summary>
/// The N-1 screening of decision 0011 for a group of buses at once (decision 0113).
/// <para>
/// For a pair (contingency c, branch l) the post-contingency flow range over the period, [fLo, fHi], does not depend on
/// the bus; only β^c_l(k) = β_l(k) + LODF[l,c]·β_c(k) does. Over the group, β_l(k) lies in [lo_l, hi_l], so
/// β^c_l(k) lies in [lo_l + min(LODF·lo_c, LODF·hi_c), hi_l + max(…)] — with IEEE rounding too, since rounded
/// addition and multiplication by a fixed factor are monotone — and |β^c_l(k)| ≤ D, the larger end in magnitude. Every
/// value of the pair's limit at every bus of the group and every step is then ≥ min(r − fHi, r + fLo) / D. When that
/// exceeds the largest running upper bound U of the group's buses, the pair cannot be the minimum (nor tie with it) at
/// any of them and is skipped; otherwise each bus is screened exactly as HeadroomEngine.BoundBranches
/// does (same expressions, vectorised over the buses). Each LODF column is read once per group, not once per bus.
/// </para>
/// <para>
/// A skipped pair's own upper bound is ≥ its lower bound &gt; U ≥ each bus's bound, so it would not have tightened any
/// bus's bound either: every bus ends with the same final upper bound and, after the exact filter, the same kept limits
/// in the same (contingency, branch) order as the one-bus sweep, hence identical results.
/// </para>
/// </summary>
internal static class GroupSweep
{
    private const double Relax = 1 + 1e-9;

    /// <summary>
    /// Screens every (contingency, branch) pair for the buses whose padded sensitivities are <paramref name="betas"/>,
    /// tightening each bus's upper bound <paramref name="ub"/> in place; returns each bus's kept limits in (contingency,
    /// branch) order (a superset of the final ones; the caller filters with the final bound).
    /// </summary>
    public static Candidates[] Run(HeadroomEngine engine, IReadOnlyList<double[]> betas, double[] ub)
    {
        var w = Vector<double>.Count;
        var nb = betas.Count;
        var bp = (nb + w - 1) / w * w;
        var m = engine.Sensitivities.Model.BranchCount;
        var mPad = engine.PaddedBranches;
        var eps = engine.Options.Epsilon;
        var (d0, d1, s0, s1) = engine.Box;
        var a = engine.FlowA;
        var b = engine.FlowB;
        var c = engine.FlowC;
        var rate = engine.RatingsN1;

        // Transposed sensitivities (branch-major, buses contiguous) and their interval over the group.
        var bt = new double[(long)mPad * bp];
        var lo = new double[mPad];
        var hi = new double[mPad];
        for (var l = 0; l < mPad; l++)
        {
            double mn = double.PositiveInfinity, mx = double.NegativeInfinity;
            for (var k = 0; k < nb; k++)
            {
                var v = betas[k][l];
                bt[(l * bp) + k] = v;
                mn = Math.Min(mn, v);
                mx = Math.Max(mx, v);
            }

            lo[l] = mn;
            hi[l] = mx;
        }

        var u = new double[bp];
        ub.CopyTo(u, 0);
        var cands = new Candidates[nb];
        for (var k = 0; k < nb; k++)
        {
            cands[k] = new Candidates();
        }

        var lodfPad = new double[mPad];
        var box = new BoxCorners(d0, d1, s0, s1);
        var relax = new Vector<double>(Relax);
        var full = m / w * w;
        long visited = 0, passed = 0;
        foreach (var cont in engine.Contingencies)
        {
            var col = engine.Sensitivities.LodfColumn(cont);
            col[full..].CopyTo(lodfPad.AsSpan(full));
            double ac = a[cont], bc = b[cont], cc = c[cont], loC = lo[cont], hiC = hi[cont];
            var ug = 0.0;
            for (var k = 0; k < nb; k++)
            {
                ug = Math.Max(ug, u[k]);
            }

            // Post-contingency flow coefficients (the expressions of HeadroomEngine.PostContingency) and the interval of
            // the contingency's own sensitivity over the group.
            var (vug, vac, vbc, vcc) = (new Vector<double>(ug), new Vector<double>(ac), new Vector<double>(bc), new Vector<double>(cc));
            var (vlo, vhi) = (new Vector<double>(loC), new Vector<double>(hiC));
            for (var l = 0; l < mPad; l += w)
            {
                var lf = l < full ? new Vector<double>(col[l..]) : new Vector<double>(lodfPad, l);
                var ap = new Vector<double>(a, l) + (lf * vac);
                var bpv = new Vector<double>(b, l) + (lf * vbc);
                var cp = new Vector<double>(c, l) + (lf * vcc);
                var (fHi, fLo) = Candidates.FlowRange(ap, bpv, cp, box);
                var r = new Vector<double>(rate, l);
                var num = Vector.Min(r - fHi, r + fLo);
                var t1 = lf * vlo;
                var t2 = lf * vhi;
                var up = new Vector<double>(hi, l) + Vector.Max(t1, t2);
                var dn = new Vector<double>(lo, l) + Vector.Min(t1, t2);
                var den = Vector.Max(up, -dn);
                var keep = Vector.LessThanOrEqual(num, vug * den * relax);
                if (keep == Vector<long>.Zero)
                {
                    continue;
                }

                for (var j = 0; j < w; j++)
                {
                    var i = l + j;
                    if (keep[j] == 0 || i >= m || i == cont)
                    {
                        continue;
                    }

                    passed++;
                    PerBus(bt, bp, nb, i, cont, lf[j], ap[j], bpv[j], cp[j], fHi[j], fLo[j], rate[i], eps, u, cands);
                }
            }

            visited += m;
        }

        engine.CountGroupScreening(visited, passed);
        Array.Copy(u, ub, nb);
        return cands;
    }

    /// <summary>The exact screening of one pair at every bus of the group (the arithmetic of BoundBranches).</summary>
    private static void PerBus(double[] bt, int bp, int nb, int l, int cont, double lf, double ap, double bpost, double cp,
        double fHi, double fLo, double r, double eps, double[] u, Candidates[] cands)
    {
        var w = Vector<double>.Count;
        var veps = new Vector<double>(eps);
        var vneg = -veps;
        var vlf = new Vector<double>(lf);
        var relax = new Vector<double>(Relax);
        var numPos = new Vector<double>(r - fHi);
        var numNeg = new Vector<double>(r + fLo);
        var ubPos = new Vector<double>(r - fLo);
        var ubNeg = new Vector<double>(r + fHi);
        var rowL = l * bp;
        var rowC = cont * bp;
        for (var k = 0; k < nb; k += w)
        {
            var beta = new Vector<double>(bt, rowL + k) + (vlf * new Vector<double>(bt, rowC + k));
            var pos = Vector.GreaterThan(beta, veps);
            var neg = Vector.LessThan(beta, vneg);
            var active = pos | neg;
            if (active == Vector<long>.Zero)
            {
                continue;
            }

            var numLb = Vector.ConditionalSelect(pos, numPos, numNeg);
            var numUb = Vector.ConditionalSelect(pos, ubPos, ubNeg);
            var scaled = new Vector<double>(u, k) * Vector.Abs(beta);
            var keep = active & Vector.LessThanOrEqual(numLb, scaled * relax);
            var improve = active & Vector.LessThan(numUb, scaled);
            if ((keep | improve) == Vector<long>.Zero)
            {
                continue;
            }

            for (var j = 0; j < w && k + j < nb; j++)
            {
                if (keep[j] == 0 && improve[j] == 0)
                {
                    continue;
                }

                var s = pos[j] != 0;
                var absb = Math.Abs(beta[j]);
                var lb = Math.Max(0, (s ? r - fHi : r + fLo) / absb);
                var ubj = Math.Max(0, (s ? r - fLo : r + fHi) / absb);
                if (ubj < u[k + j])
                {
                    u[k + j] = ubj;
                }

                if (lb <= u[k + j])
                {
                    cands[k + j].Add(cont, l, ap, bpost, cp, r, s, absb, lb);
                }
            }
        }
    }
}
