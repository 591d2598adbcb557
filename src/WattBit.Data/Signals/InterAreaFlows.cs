using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Time;

namespace WattBit.Data.Signals;

/// <summary>A flow between two areas over time: MW, positive from <see cref="From"/> to <see cref="To"/>.</summary>
/// <param name="From">One end.</param>
/// <param name="To">The other end.</param>
/// <param name="FlowMw">Flow, MW; negative values flow from <paramref name="To"/> to <paramref name="From"/>.</param>
public sealed record AreaFlow(GridArea From, GridArea To, TimeSeries FlowMw);

/// <summary>
/// Flows between the ten areas over a period, one aligned series per area pair: measured (OCCTO intertie flows) or
/// estimated from each area's net interconnection. Immutable and thread-safe.
/// </summary>
public sealed class InterAreaFlows
{
    /// <summary>Creates the set from per-pair flows (all aligned).</summary>
    /// <exception cref="SeriesAlignmentException">The series are not aligned.</exception>
    public InterAreaFlows(IReadOnlyList<AreaFlow> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        if (flows.Count == 0)
        {
            throw new ArgumentException("No flows.", nameof(flows));
        }

        foreach (var f in flows)
        {
            flows[0].FlowMw.EnsureAlignedWith(f.FlowMw);
        }

        Flows = flows;
    }

    /// <summary>The flows, one per area pair.</summary>
    public IReadOnlyList<AreaFlow> Flows { get; }

    /// <summary>The flow matrix of one slot: F[i, j] = MW from area i to area j (area index = number - 1), ≥ 0.</summary>
    public double[,] MatrixAt(int slot)
    {
        var f = new double[10, 10];
        foreach (var flow in Flows)
        {
            var v = flow.FlowMw[slot];
            if (double.IsNaN(v))
            {
                continue;
            }

            int a = flow.From.Number - 1, b = flow.To.Number - 1;
            if (v >= 0)
            {
                f[a, b] += v;
            }
            else
            {
                f[b, a] -= v;
            }
        }

        return f;
    }

    /// <summary>
    /// The measured flows of an OCCTO snapshot: interties with both areas named, summed per area pair. The
    /// area-less aggregates (中部フェンス, 関西フェンス) are left out.
    /// </summary>
    public static InterAreaFlows FromOccto(OcctoSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var pairs = new Dictionary<(GridArea, GridArea), double[]>();
        TimeSeries? first = null;
        foreach (var tie in snapshot.Interties)
        {
            if (tie.From is null || tie.To is null)
            {
                continue;
            }

            var flow = snapshot.Flow(tie);
            first ??= flow;
            var key = (tie.From, tie.To);
            var sign = 1.0;
            if (!pairs.ContainsKey(key) && pairs.ContainsKey((tie.To, tie.From)))
            {
                key = (tie.To, tie.From);
                sign = -1;
            }

            if (!pairs.TryGetValue(key, out var sum))
            {
                sum = new double[flow.Count];
                pairs[key] = sum;
            }

            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += sign * flow[i];
            }
        }

        if (first is null)
        {
            throw new ArgumentException($"{snapshot.Source}: no intertie with both areas named.", nameof(snapshot));
        }

        return new InterAreaFlows([.. pairs.Select(p => new AreaFlow(p.Key.Item1, p.Key.Item2,
            TimeSeries.Wrap(first.Start, first.Step, p.Value, SeriesUnit.Megawatts, $"{p.Key.Item1.Code}->{p.Key.Item2.Code}")))]);
    }

    /// <summary>
    /// Estimates per-link flows from each area's net import (positive = import) when only the area totals are known:
    /// the flows that meet every area's net import with the least Σ f²/capacity over the links of
    /// <paramref name="facts"/> (a DC-flow-like split in proportion to capacity). Where the net imports of a
    /// connected group do not add to zero (rounding, losses), the mismatch is shared equally by its areas.
    /// </summary>
    /// <param name="netImportMw">Net import per area code (all ten areas, or all of those with links), MW, aligned.</param>
    /// <param name="facts">The links; default <see cref="JapanFacts.Default"/>.</param>
    /// <exception cref="ArgumentException">An area with links has no series.</exception>
    public static InterAreaFlows EstimateFromNetImports(IReadOnlyDictionary<string, TimeSeries> netImportMw, JapanFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(netImportMw);
        facts ??= JapanFacts.Default;
        var links = facts.Interconnections;
        var nodes = links.SelectMany(l => new[] { l.From, l.To }).Distinct().OrderBy(a => a.Number).ToList();
        var first = netImportMw.Values.First();
        foreach (var a in nodes)
        {
            if (!netImportMw.TryGetValue(a.Code, out var s))
            {
                throw new ArgumentException($"Estimating inter-area flows needs the net import of every linked area; {a.Code} is missing.", nameof(netImportMw));
            }

            first.EnsureAlignedWith(s);
        }

        // Weighted Laplacian with the first node as reference; its inverse is the same for every slot.
        var m = nodes.Count - 1;
        var lap = new double[m, m];
        int Index(GridArea a) => nodes.IndexOf(a) - 1;
        foreach (var l in links)
        {
            int i = Index(l.From), j = Index(l.To);
            if (i >= 0)
            {
                lap[i, i] += l.CapacityMw;
            }

            if (j >= 0)
            {
                lap[j, j] += l.CapacityMw;
            }

            if (i >= 0 && j >= 0)
            {
                lap[i, j] -= l.CapacityMw;
                lap[j, i] -= l.CapacityMw;
            }
        }

        var inverse = Invert(lap);
        var n = first.Count;
        var flows = links.Select(_ => new double[n]).ToArray();
        var injection = new double[nodes.Count];
        var theta = new double[nodes.Count];
        for (var t = 0; t < n; t++)
        {
            double sum = 0;
            var missing = false;
            for (var k = 0; k < nodes.Count; k++)
            {
                var v = netImportMw[nodes[k].Code][t];
                missing |= double.IsNaN(v);
                injection[k] = -v;
                sum += -v;
            }

            if (missing)
            {
                foreach (var f in flows)
                {
                    f[t] = double.NaN;
                }

                continue;
            }

            for (var k = 0; k < nodes.Count; k++)
            {
                injection[k] -= sum / nodes.Count;
            }

            theta[0] = 0;
            for (var i = 0; i < m; i++)
            {
                double acc = 0;
                for (var j = 0; j < m; j++)
                {
                    acc += inverse[i, j] * injection[j + 1];
                }

                theta[i + 1] = acc;
            }

            for (var l = 0; l < links.Count; l++)
            {
                flows[l][t] = links[l].CapacityMw * (theta[nodes.IndexOf(links[l].From)] - theta[nodes.IndexOf(links[l].To)]);
            }
        }

        return new InterAreaFlows([.. links.Select((l, i) => new AreaFlow(l.From, l.To,
            TimeSeries.Wrap(first.Start, first.Step, flows[i], SeriesUnit.Megawatts, $"{l.From.Code}->{l.To.Code}")))]);
    }

    private static double[,] Invert(double[,] a)
    {
        var n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                m[i, j] = a[i, j];
            }

            m[i, n + i] = 1;
        }

        for (var k = 0; k < n; k++)
        {
            var pivot = k;
            for (var i = k + 1; i < n; i++)
            {
                if (Math.Abs(m[i, k]) > Math.Abs(m[pivot, k]))
                {
                    pivot = i;
                }
            }

            if (Math.Abs(m[pivot, k]) < 1e-12)
            {
                throw new InvalidOperationException("The interconnection graph is not connected; cannot estimate flows.");
            }

            for (var j = 0; j < 2 * n; j++)
            {
                (m[k, j], m[pivot, j]) = (m[pivot, j], m[k, j]);
            }

            var d = m[k, k];
            for (var j = 0; j < 2 * n; j++)
            {
                m[k, j] /= d;
            }

            for (var i = 0; i < n; i++)
            {
                if (i == k || m[i, k] == 0)
                {
                    continue;
                }

                var f = m[i, k];
                for (var j = 0; j < 2 * n; j++)
                {
                    m[i, j] -= f * m[k, j];
                }
            }
        }

        var inv = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                inv[i, j] = m[i, n + j];
            }
        }

        return inv;
    }
}
