using System.Diagnostics;
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

    /// <summary>Buses per sub-group (a whole number of SIMD vectors).</summary>
    private static readonly int SubGroup = Math.Max(16, Vector<double>.Count);

    /// <summary>
    /// Screens every (contingency, branch) pair for the buses whose padded sensitivities are <paramref name="betas"/>,
    /// tightening each bus's upper bound <paramref name="ub"/> in place; returns each bus's kept limits in (contingency,
    /// branch) order (a superset of the final ones; the caller filters with the final bound).
    /// </summary>
    public static Candidates[] Run(HeadroomEngine engine, IReadOnlyList<double[]> betas, double[] ub, ReadOnlySpan<int> warmBranches = default)
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
        // Also the interval over each sub-group of SubGroup buses: a pair that passes the group bound is checked bus by
        // bus only in the sub-groups whose own bound it passes too (the same argument over fewer buses).
        var bt = new double[(long)mPad * bp];
        var lo = new double[mPad];
        var hi = new double[mPad];
        var ns = (nb + SubGroup - 1) / SubGroup;
        var subLo = new double[ns * mPad];
        var subHi = new double[ns * mPad];
        for (var l = 0; l < mPad; l++)
        {
            double mn = double.PositiveInfinity, mx = double.NegativeInfinity;
            for (var sg = 0; sg < ns; sg++)
            {
                double smn = double.PositiveInfinity, smx = double.NegativeInfinity;
                for (var k = sg * SubGroup; k < Math.Min(nb, (sg + 1) * SubGroup); k++)
                {
                    var v = betas[k][l];
                    bt[(l * bp) + k] = v;
                    smn = Math.Min(smn, v);
                    smx = Math.Max(smx, v);
                }

                subLo[(sg * mPad) + l] = smn;
                subHi[(sg * mPad) + l] = smx;
                mn = Math.Min(mn, smn);
                mx = Math.Max(mx, smx);
            }

            lo[l] = mn;
            hi[l] = mx;
        }

        var usub = new double[ns];

        var u = new double[bp];
        ub.CopyTo(u, 0);
        var cands = new Candidates[nb];
        for (var k = 0; k < nb; k++)
        {
            cands[k] = new Candidates();
        }

        // Warm start: the limits of the branches that limit N-0 somewhere in the group, under every contingency, only
        // tighten each bus's upper bound (their own upper bounds are valid bounds of the N-1 headroom at every step, by
        // the same expressions as the sweep); nothing is kept here, so the sweep below keeps the same limits in the same
        // order, and fewer pairs pass the group bound before the bound has tightened.
        if (!warmBranches.IsEmpty)
        {
            foreach (var cont in engine.Contingencies)
            {
                var col = engine.Sensitivities.LodfColumn(cont);
                double ac = a[cont], bc = b[cont], cc = c[cont];
                foreach (var l in warmBranches)
                {
                    if (l == cont || !double.IsFinite(rate[l]))
                    {
                        continue;
                    }

                    var lf = col[l];
                    var ap = a[l] + (lf * ac);
                    var bpost = b[l] + (lf * bc);
                    var cp = c[l] + (lf * cc);
                    var (fHi, fLo) = Candidates.FlowRange(ap, bpost, cp, d0, d1, s0, s1);
                    PerBus(bt, bp, 0, nb, l, cont, lf, ap, bpost, cp, fHi, fLo, rate[l], eps, u, null);
                }
            }
        }

        var lodfPad = new double[mPad];
        var box = new BoxCorners(d0, d1, s0, s1);
        var relax = new Vector<double>(Relax);
        var full = m / w * w;
        long visited = 0, passed = 0, checkTicks = 0;
        foreach (var cont in engine.Contingencies)
        {
            var col = engine.Sensitivities.LodfColumn(cont);
            col[full..].CopyTo(lodfPad.AsSpan(full));
            double ac = a[cont], bc = b[cont], cc = c[cont], loC = lo[cont], hiC = hi[cont];
            var ug = 0.0;
            for (var sg = 0; sg < ns; sg++)
            {
                var us = 0.0;
                for (var k = sg * SubGroup; k < Math.Min(nb, (sg + 1) * SubGroup); k++)
                {
                    us = Math.Max(us, u[k]);
                }

                usub[sg] = us;
                ug = Math.Max(ug, us);
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
                    var timed = (passed & 15) == 0;
                    var ts = timed ? Stopwatch.GetTimestamp() : 0;
                    var lfj = lf[j];
                    var numj = num[j] * (1 / Relax);
                    for (var sg = 0; sg < ns; sg++)
                    {
                        var st1 = lfj * subLo[(sg * mPad) + cont];
                        var st2 = lfj * subHi[(sg * mPad) + cont];
                        var sup = subHi[(sg * mPad) + i] + Math.Max(st1, st2);
                        var sdn = subLo[(sg * mPad) + i] + Math.Min(st1, st2);
                        if (ns == 1 || numj <= usub[sg] * Math.Max(sup, -sdn))
                        {
                            PerBus(bt, bp, sg * SubGroup, Math.Min(nb, (sg + 1) * SubGroup), i, cont, lfj, ap[j], bpv[j], cp[j], fHi[j], fLo[j], rate[i], eps, u, cands);
                        }
                    }

                    if (timed)
                    {
                        checkTicks += Stopwatch.GetTimestamp() - ts;
                    }
                }
            }

            visited += m;
        }

        engine.CountGroupScreening(visited, passed);
        engine.CountPairChecks(checkTicks * 16);
        Array.Copy(u, ub, nb);
        return cands;
    }

    /// <summary>
    /// The exact screening of one pair at every bus of the group (the arithmetic of BoundBranches); with
    /// <paramref name="cands"/> null it only tightens the upper bounds.
    /// </summary>
    private static void PerBus(double[] bt, int bp, int k0, int k1, int l, int cont, double lf, double ap, double bpost, double cp,
        double fHi, double fLo, double r, double eps, double[] u, Candidates[]? cands)
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
        for (var k = k0; k < k1; k += w)
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

            for (var j = 0; j < w && k + j < k1; j++)
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

                if (cands is not null && lb <= u[k + j])
                {
                    cands[k + j].Add(cont, l, ap, bpost, cp, r, s, absb, lb);
                }
            }
        }
    }
}
