namespace WattBit.Grid.Japan;

/// <summary>The error of one OCCTO line (or of an area's lines) pooled over replayed days.</summary>
/// <param name="Area">Area code (empty for a tie).</param>
/// <param name="Line">OCCTO line name; empty for an area total.</param>
/// <param name="VoltageKv">Voltage class, kV (NaN for an area total or a tie).</param>
/// <param name="Samples">Line-slots compared (observed and modelled both finite).</param>
/// <param name="SquaredError">Σ (modelled − observed)², MW².</param>
/// <param name="ShareOfError">This line's share of the squared error of all lines.</param>
/// <param name="BiasMw">Mean (modelled − observed), MW: the part of the error a constant offset explains.</param>
/// <param name="ObservedMeanMw">Mean observed flow, MW.</param>
/// <param name="ModelledMeanMw">Mean modelled flow, MW.</param>
/// <param name="RSquared">1 − SSE/SST over this line's (or area's) own slots.</param>
/// <param name="Correlation">Pearson correlation of modelled and observed.</param>
/// <param name="DirectionShare">Share of slots with |observed| &gt; 100 MW where the modelled flow has the same sign (NaN if none).</param>
public sealed record LineError(string Area, string Line, double VoltageKv, long Samples, double SquaredError, double ShareOfError, double BiasMw,
    double ObservedMeanMw, double ModelledMeanMw, double RSquared, double Correlation, double DirectionShare);

/// <summary>
/// Where the replay error comes from (issue 20): the squared error of modelled against observed flows split by line
/// and by area, each with its bias (a constant offset: placement of plants or load) and its correlation (the shape).
/// Pure function of the replay rows. Thread-safe.
/// </summary>
public static class JapanErrorProfile
{
    private sealed class Acc
    {
        public long N;
        public double Sse, SumO, SumO2, SumM, SumM2, SumOM;
        public long Dir, DirRight;

        public void Add(double o, double m)
        {
            N++;
            Sse += (m - o) * (m - o);
            SumO += o;
            SumO2 += o * o;
            SumM += m;
            SumM2 += m * m;
            SumOM += o * m;
            if (Math.Abs(o) > 100)
            {
                Dir++;
                DirRight += Math.Sign(o) == Math.Sign(m) ? 1 : 0;
            }
        }

        public LineError ToError(string area, string line, double kv, double totalSse)
        {
            var sst = SumO2 - (SumO * SumO / Math.Max(1, N));
            var smm = SumM2 - (SumM * SumM / Math.Max(1, N));
            var som = SumOM - (SumO * SumM / Math.Max(1, N));
            return new LineError(area, line, kv, N, Sse, totalSse > 0 ? Sse / totalSse : double.NaN, N > 0 ? (SumM - SumO) / N : double.NaN,
                N > 0 ? SumO / N : double.NaN, N > 0 ? SumM / N : double.NaN, sst > 0 ? 1 - (Sse / sst) : double.NaN,
                sst > 0 && smm > 0 ? som / Math.Sqrt(sst * smm) : double.NaN, Dir > 0 ? (double)DirRight / Dir : double.NaN);
        }
    }

    /// <summary>
    /// Pools the trunk-line rows (not the ties) of <paramref name="results"/> by line and by area. Lines are keyed by
    /// area and name; the area is found through <paramref name="model"/>'s area names.
    /// </summary>
    /// <returns>Lines by descending squared error, and areas by descending squared error.</returns>
    public static (IReadOnlyList<LineError> Lines, IReadOnlyList<LineError> Areas) Compute(JapanBackbone model, IEnumerable<ReplayResult> results)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(results);
        var codeByName = model.Buses.Select(b => b.Area).Distinct().ToDictionary(a => a.NameJa, a => a.Code, StringComparer.Ordinal);
        var lines = new Dictionary<(string, string), (double Kv, Acc Acc)>();
        var areas = new Dictionary<string, Acc>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            foreach (var r in result.Rows)
            {
                if (r.Area.Length == 0 || !double.IsFinite(r.ObservedMw) || !double.IsFinite(r.ModelledMw))
                {
                    continue;
                }

                var code = codeByName.GetValueOrDefault(r.Area, r.Area);
                if (!lines.TryGetValue((code, r.Line), out var e))
                {
                    lines[(code, r.Line)] = e = (r.VoltageKv, new Acc());
                }

                e.Acc.Add(r.ObservedMw, r.ModelledMw);
                if (!areas.TryGetValue(code, out var a))
                {
                    areas[code] = a = new Acc();
                }

                a.Add(r.ObservedMw, r.ModelledMw);
            }
        }

        var total = areas.Values.Sum(a => a.Sse);
        var lineErrors = lines.Select(x => x.Value.Acc.ToError(x.Key.Item1, x.Key.Item2, x.Value.Kv, total))
            .OrderByDescending(e => e.SquaredError).ThenBy(e => e.Area, StringComparer.Ordinal).ThenBy(e => e.Line, StringComparer.Ordinal).ToList();
        var areaErrors = areas.Select(x => x.Value.ToError(x.Key, string.Empty, double.NaN, total))
            .OrderByDescending(e => e.SquaredError).ThenBy(e => e.Area, StringComparer.Ordinal).ToList();
        return (lineErrors, areaErrors);
    }
}
