using WattBit.Formats;
using WattBit.Grid.Network;

namespace WattBit.Grid.Japan;

/// <summary>
/// Fits where each area's load and its generation outside the listed units sit, and which bus each plant feeds, to the
/// observed line flows of the calibration days (decision 0104). The modelled flow of a line is linear in the bus
/// injections (DC power-flow PTDF), and every injection is a share times an observed series (area demand, area other
/// generation, a plant's output), so the squared error over lines and slots is a quadratic in the shares whose matrix
/// separates into (PTDF products) × (series products). Minimised by projected accelerated gradient with every group
/// of shares on its simplex (an area's load shares sum to 1; a plant's weights over its candidate buses sum to 1),
/// a ridge towards the prior shares, a fixed number of iterations: deterministic, scalar arithmetic only.
/// </summary>
public static class JapanAllocationFit
{
    /// <summary>An OCCTO line of the model: its circuits (all from the branch's from-bus) and the branch direction.</summary>
    /// <param name="AreaCode">The area whose list carries the line.</param>
    /// <param name="Name">OCCTO's line name.</param>
    /// <param name="Circuits">Branch indexes of its circuits.</param>
    /// <param name="Direction">The branches' positive direction "A → B" (from-bus to to-bus).</param>
    /// <param name="OcctoSign">−1 where OCCTO's values run against its positive direction (<see cref="JapanBranch.OcctoSign"/>).</param>
    public sealed record FitLine(string AreaCode, string Name, int[] Circuits, string Direction, int OcctoSign = 1);

    /// <summary>The fit's inputs.</summary>
    /// <param name="Branches">The network's branches.</param>
    /// <param name="BusCount">Buses.</param>
    /// <param name="BusArea">Area code per bus.</param>
    /// <param name="LoadPrior">Prior load share per bus (0 where the bus carries no load).</param>
    /// <param name="OtherPrior">Prior other-generation share per bus.</param>
    /// <param name="PlantCandidates">Per plant: candidate buses, the prior first (one candidate = fixed).</param>
    /// <param name="Lines">The OCCTO lines to compare.</param>
    /// <param name="Days">Calibration days.</param>
    /// <param name="PlantIndex">Plant key (area code, plant name) to generator index.</param>
    /// <param name="Links">Controllable links.</param>
    /// <param name="Ridge">Weight of the pull towards the prior, relative to each share's own curvature.</param>
    /// <param name="Iterations">Gradient iterations per solve.</param>
    public sealed record FitInput(IReadOnlyList<Branch> Branches, int BusCount, string[] BusArea, double[] LoadPrior, double[] OtherPrior,
        int[][] PlantCandidates, IReadOnlyList<FitLine> Lines, IReadOnlyList<OcctoDay> Days, IReadOnlyDictionary<(string, string), int> PlantIndex,
        IReadOnlyList<JapanLink> Links, double Ridge, int Iterations);

    /// <summary>The fitted shares and plant buses.</summary>
    /// <param name="LoadShare">Per bus, its share of its area's demand.</param>
    /// <param name="OtherShare">Per bus, its share of its area's generation outside the listed units.</param>
    /// <param name="PlantBus">Per plant, the bus it feeds.</param>
    public sealed record FitResult(double[] LoadShare, double[] OtherShare, int[] PlantBus);

    private sealed record Variable(int Bus, int Series, double Sign, int Group);

    /// <summary>Runs the fit: plants relaxed over their candidates, rounded to the heaviest, then the shares refitted.</summary>
    /// <param name="input">What to fit.</param>
    /// <returns>Shares and plant buses.</returns>
    public static FitResult Fit(FitInput input)
    {
        var n = input.BusCount;
        var h = LinePtdf(input.Branches, n, input.Lines);
        var areas = input.BusArea.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var areaIndex = areas.Select((a, i) => (a, i)).ToDictionary(x => x.a, x => x.i, StringComparer.Ordinal);
        var plants = input.PlantCandidates.Length;
        var seriesCount = (2 * areas.Length) + plants;

        // Per day: series products TT, line × series products Y, the lines present.
        var days = new List<(double[,] Tt, double[,] Y, bool[] Present)>();
        foreach (var day in input.Days)
        {
            var inputs = JapanReplay.AreaInputs(day, input.PlantIndex, plants, input.Links);
            var slots = new List<double[]>();
            var linkInj = new List<double[]>();
            for (var t = 0; t < OcctoDay.Slots; t++)
            {
                var s = new double[seriesCount];
                var valid = true;
                for (var a = 0; a < areas.Length; a++)
                {
                    s[a] = inputs.DemandMw[t].GetValueOrDefault(areas[a], double.NaN);
                    s[areas.Length + a] = inputs.OtherMw[t].GetValueOrDefault(areas[a], double.NaN);
                    valid &= double.IsFinite(s[a]) && double.IsFinite(s[areas.Length + a]);
                }

                for (var g = 0; g < plants; g++)
                {
                    s[(2 * areas.Length) + g] = inputs.PlantMw[t][g];
                }

                var inj = new double[n];
                for (var k = 0; k < input.Links.Count; k++)
                {
                    valid &= double.IsFinite(inputs.LinkMw[t][k]);
                    inj[input.Links[k].FromBus] -= inputs.LinkMw[t][k];
                    inj[input.Links[k].ToBus] += inputs.LinkMw[t][k];
                }

                if (valid)
                {
                    slots.Add(s);
                    linkInj.Add(inj);
                }
                else
                {
                    slots.Add(null!);
                    linkInj.Add(null!);
                }
            }

            var observed = day.Lines.GroupBy(l => (l.Area.Code, l.Name)).ToDictionary(g => g.Key, g => g.First());
            var present = new bool[input.Lines.Count];
            var y = new double[input.Lines.Count, seriesCount];
            for (var l = 0; l < input.Lines.Count; l++)
            {
                var line = input.Lines[l];
                if (!observed.TryGetValue((line.AreaCode, line.Name), out var o))
                {
                    continue;
                }

                var ok = true;
                for (var t = 0; t < OcctoDay.Slots; t++)
                {
                    ok &= slots[t] is null || double.IsFinite(o.FlowMw[t]);
                }

                if (!ok)
                {
                    continue;
                }

                present[l] = true;
                var sign = JapanReplay.Orientation(line.Direction, o.PositiveDirection) * line.OcctoSign;
                for (var t = 0; t < OcctoDay.Slots; t++)
                {
                    if (slots[t] is null)
                    {
                        continue;
                    }

                    var known = 0.0;
                    var inj = linkInj[t];
                    for (var b = 0; b < n; b++)
                    {
                        known += h[l][b] * inj[b];
                    }

                    var target = (sign * JapanOcctoErrata.Sign(line.AreaCode, line.Name, day.Day, t) * o.FlowMw[t]) - known;
                    var s = slots[t];
                    for (var k = 0; k < seriesCount; k++)
                    {
                        y[l, k] += s[k] * target;
                    }
                }
            }

            var tt = new double[seriesCount, seriesCount];
            foreach (var s in slots.Where(s => s is not null))
            {
                for (var i = 0; i < seriesCount; i++)
                {
                    for (var j = 0; j < seriesCount; j++)
                    {
                        tt[i, j] += s[i] * s[j];
                    }
                }
            }

            days.Add((tt, y, present));
        }

        // Line-PTDF products over all lines; a day subtracts its absent lines.
        var hhAll = new double[n, n];
        for (var l = 0; l < input.Lines.Count; l++)
        {
            Outer(hhAll, h[l], 1);
        }

        var loadPrior = input.LoadPrior;
        var otherPrior = input.OtherPrior;
        var candidates = input.PlantCandidates;
        var (x, vars) = Solve(input, h, hhAll, days, areas, areaIndex, candidates);
        var plantBus = new int[plants];
        for (var g = 0; g < plants; g++)
        {
            var best = -1;
            var bestW = double.NegativeInfinity;
            for (var j = 0; j < vars.Count; j++)
            {
                if (vars[j].Series == (2 * areas.Length) + g && x[j] > bestW + 1e-12)
                {
                    best = vars[j].Bus;
                    bestW = x[j];
                }
            }

            plantBus[g] = best;
        }

        (x, vars) = Solve(input, h, hhAll, days, areas, areaIndex, [.. plantBus.Select(b => new[] { b })]);
        var load = new double[n];
        var other = new double[n];
        for (var j = 0; j < vars.Count; j++)
        {
            if (vars[j].Series < areas.Length)
            {
                load[vars[j].Bus] = x[j];
            }
            else if (vars[j].Series < 2 * areas.Length)
            {
                other[vars[j].Bus] = x[j];
            }
        }

        _ = loadPrior;
        _ = otherPrior;
        return new FitResult(load, other, plantBus);
    }

    private static (double[] X, List<Variable> Vars) Solve(FitInput input, double[][] h, double[,] hhAll, List<(double[,] Tt, double[,] Y, bool[] Present)> days,
        string[] areas, Dictionary<string, int> areaIndex, int[][] candidates)
    {
        var n = input.BusCount;
        var vars = new List<Variable>();
        var x0 = new List<double>();
        var group = 0;
        foreach (var (priorShares, offset, sign) in (ReadOnlySpan<(double[], int, double)>)[(input.LoadPrior, 0, -1.0), (input.OtherPrior, areas.Length, 1.0)])
        {
            foreach (var area in areas)
            {
                var any = false;
                for (var b = 0; b < n; b++)
                {
                    if (input.BusArea[b] == area && priorShares[b] > 0)
                    {
                        vars.Add(new Variable(b, offset + areaIndex[area], sign, group));
                        x0.Add(priorShares[b]);
                        any = true;
                    }
                }

                group += any ? 1 : 0;
            }
        }

        for (var g = 0; g < candidates.Length; g++)
        {
            for (var c = 0; c < candidates[g].Length; c++)
            {
                vars.Add(new Variable(candidates[g][c], (2 * areas.Length) + g, 1, group));
                x0.Add(c == 0 ? 1 : 0);
            }

            group++;
        }

        var m = vars.Count;
        var gm = new double[m * m];
        var cv = new double[m];
        foreach (var (tt, y, present) in days)
        {
            var hh = (double[,])hhAll.Clone();
            for (var l = 0; l < present.Length; l++)
            {
                if (!present[l])
                {
                    Outer(hh, h[l], -1);
                }
            }

            for (var i = 0; i < m; i++)
            {
                var vi = vars[i];
                for (var j = i; j < m; j++)
                {
                    var vj = vars[j];
                    var v = vi.Sign * vj.Sign * hh[vi.Bus, vj.Bus] * tt[vi.Series, vj.Series];
                    gm[(i * m) + j] += v;
                    if (j != i)
                    {
                        gm[(j * m) + i] += v;
                    }
                }

                var c = 0.0;
                for (var l = 0; l < present.Length; l++)
                {
                    if (present[l])
                    {
                        c += h[l][vi.Bus] * y[l, vi.Series];
                    }
                }

                cv[i] += vi.Sign * c;
            }
        }

        // Ridge towards the prior, scaled by each share's own curvature.
        var prior = x0.ToArray();
        var ridge = new double[m];
        for (var i = 0; i < m; i++)
        {
            ridge[i] = input.Ridge * gm[(i * m) + i];
        }

        // Jacobi scaling: x = s ∘ z with s = 1/sqrt(diagonal), so every share has unit curvature in z (the shares of a
        // large area's demand and of a small plant differ by orders of magnitude); each group is then a weighted simplex.
        var scale = new double[m];
        for (var i = 0; i < m; i++)
        {
            var d = gm[(i * m) + i] + ridge[i];
            scale[i] = d > 0 ? 1 / Math.Sqrt(d) : 1;
        }

        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                gm[(i * m) + j] *= scale[i] * scale[j];
            }

            cv[i] *= scale[i];
            ridge[i] *= scale[i] * scale[i];
            prior[i] /= scale[i];
        }

        // Lipschitz constant by power iteration (deterministic start).
        var v0 = Enumerable.Repeat(1.0 / Math.Sqrt(m), m).ToArray();
        var w = new double[m];
        var lip = 0.0;
        for (var it = 0; it < 60; it++)
        {
            MatVec(gm, v0, w);
            var norm = 0.0;
            for (var i = 0; i < m; i++)
            {
                w[i] += ridge[i] * v0[i];
                norm += w[i] * w[i];
            }

            norm = Math.Sqrt(norm);
            lip = norm;
            for (var i = 0; i < m; i++)
            {
                v0[i] = w[i] / norm;
            }
        }

        var step = 1 / (1.05 * lip);
        var groups = vars.Select((v, i) => (v.Group, i)).GroupBy(x => x.Group).Select(g => g.Select(x => x.i).ToArray()).ToArray();
        var xk = (double[])prior.Clone();
        var yk = (double[])prior.Clone();
        var grad = new double[m];
        var tk = 1.0;
        for (var it = 0; it < input.Iterations; it++)
        {
            MatVec(gm, yk, grad);
            var next = new double[m];
            for (var i = 0; i < m; i++)
            {
                next[i] = yk[i] - (step * (grad[i] + (ridge[i] * (yk[i] - prior[i])) - cv[i]));
            }

            foreach (var g in groups)
            {
                ProjectWeightedSimplex(next, scale, g);
            }

            var tNext = (1 + Math.Sqrt(1 + (4 * tk * tk))) / 2;
            for (var i = 0; i < m; i++)
            {
                yk[i] = next[i] + ((tk - 1) / tNext * (next[i] - xk[i]));
            }

            xk = next;
            tk = tNext;
        }

        for (var i = 0; i < m; i++)
        {
            xk[i] *= scale[i];
        }

        return (xk, vars);
    }

    /// <summary>y = A x for a square row-major A; four partial sums in a fixed order (the same result on any CPU).</summary>
    private static void MatVec(double[] a, double[] x, double[] y)
    {
        var m = x.Length;
        for (var i = 0; i < m; i++)
        {
            var row = a.AsSpan(i * m, m);
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            var j = 0;
            for (; j + 3 < m; j += 4)
            {
                s0 += row[j] * x[j];
                s1 += row[j + 1] * x[j + 1];
                s2 += row[j + 2] * x[j + 2];
                s3 += row[j + 3] * x[j + 3];
            }

            for (; j < m; j++)
            {
                s0 += row[j] * x[j];
            }

            y[i] = (s0 + s1) + (s2 + s3);
        }
    }

    private static void Outer(double[,] acc, double[] v, double sign)
    {
        var n = v.Length;
        for (var i = 0; i < n; i++)
        {
            if (v[i] == 0)
            {
                continue;
            }

            for (var j = 0; j < n; j++)
            {
                acc[i, j] += sign * v[i] * v[j];
            }
        }
    }

    /// <summary>
    /// Euclidean projection of z[idx] onto {z ≥ 0, Σ a z = 1}: z = max(0, z − θ a) with θ found over the sorted
    /// breakpoints z/a.
    /// </summary>
    /// <param name="z">Values, projected in place at <paramref name="idx"/>.</param>
    /// <param name="a">Positive weights.</param>
    /// <param name="idx">The group's indexes.</param>
    public static void ProjectWeightedSimplex(double[] z, double[] a, int[] idx)
    {
        if (idx.Length == 1)
        {
            z[idx[0]] = 1 / a[idx[0]];
            return;
        }

        var order = idx.OrderByDescending(i => z[i] / a[i]).ThenBy(i => i).ToArray();
        double sumAy = 0, sumA2 = 0, theta = 0;
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            sumAy += a[i] * z[i];
            sumA2 += a[i] * a[i];
            var t = (sumAy - 1) / sumA2;
            var next = k + 1 < order.Length ? z[order[k + 1]] / a[order[k + 1]] : double.NegativeInfinity;
            theta = t;
            if (t >= next)
            {
                break;
            }
        }

        foreach (var i in idx)
        {
            z[i] = Math.Max(0, z[i] - (theta * a[i]));
        }
    }

    /// <summary>
    /// Per line, the flow on its circuits (from-bus to to-bus) per MW injected at each bus and withdrawn at its island's
    /// reference (the lowest bus index of the island): dense DC sensitivities, B' solved by Cholesky per island.
    /// </summary>
    /// <param name="branches">Branches.</param>
    /// <param name="n">Buses.</param>
    /// <param name="lines">Lines (their circuits are summed).</param>
    /// <returns>Per line, the flow per MW at each bus.</returns>
    public static double[][] LinePtdf(IReadOnlyList<Branch> branches, int n, IReadOnlyList<FitLine> lines)
    {
        var parent = Enumerable.Range(0, n).ToArray();
        int Find(int v) => parent[v] == v ? v : parent[v] = Find(parent[v]);
        var b = new double[n, n];
        foreach (var br in branches.Where(br => br.InService && br.X != 0))
        {
            var y = 1 / br.X;
            b[br.From, br.From] += y;
            b[br.To, br.To] += y;
            b[br.From, br.To] -= y;
            b[br.To, br.From] -= y;
            parent[Find(br.From)] = Find(br.To);
        }

        var refs = new HashSet<int>(Enumerable.Range(0, n).GroupBy(Find).Select(g => g.Min()));
        var keep = Enumerable.Range(0, n).Where(i => !refs.Contains(i)).ToArray();
        var r = keep.Length;
        var l = new double[r, r];
        for (var i = 0; i < r; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var s = b[keep[i], keep[j]];
                for (var k = 0; k < j; k++)
                {
                    s -= l[i, k] * l[j, k];
                }

                l[i, j] = i == j ? Math.Sqrt(s) : s / l[j, j];
            }
        }

        // X = B'^-1 column by column: forward and back substitution.
        var x = new double[n, n];
        var col = new double[r];
        for (var c = 0; c < r; c++)
        {
            Array.Clear(col);
            col[c] = 1;
            for (var i = 0; i < r; i++)
            {
                var s = col[i];
                for (var k = 0; k < i; k++)
                {
                    s -= l[i, k] * col[k];
                }

                col[i] = s / l[i, i];
            }

            for (var i = r - 1; i >= 0; i--)
            {
                var s = col[i];
                for (var k = i + 1; k < r; k++)
                {
                    s -= l[k, i] * col[k];
                }

                col[i] = s / l[i, i];
            }

            for (var i = 0; i < r; i++)
            {
                x[keep[i], keep[c]] = col[i];
            }
        }

        var result = new double[lines.Count][];
        for (var li = 0; li < lines.Count; li++)
        {
            var v = new double[n];
            foreach (var c in lines[li].Circuits)
            {
                var br = branches[c];
                for (var j = 0; j < n; j++)
                {
                    v[j] += (x[br.From, j] - x[br.To, j]) / br.X;
                }
            }

            result[li] = v;
        }

        return result;
    }
}
