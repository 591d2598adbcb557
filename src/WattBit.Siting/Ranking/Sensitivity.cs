namespace WattBit.Siting.Ranking;

/// <summary>How the weights are perturbed in the sensitivity analysis.</summary>
/// <param name="Samples">Number of perturbed weight vectors (default 500).</param>
/// <param name="Spread">Each positive weight is multiplied by a factor drawn uniformly from [1 - Spread, 1 + Spread] (default 0.3).</param>
/// <param name="Seed">Seed of the pseudo-random generator: the same seed gives the same result (default 42).</param>
/// <param name="TopN">The "top N" whose membership share is reported (default 5).</param>
public sealed record SensitivitySpec(int Samples = 500, double Spread = 0.3, int Seed = 42, int TopN = 5);

/// <summary>The rank range of one candidate over the perturbed weights.</summary>
/// <param name="MinRank">Best rank seen.</param>
/// <param name="MaxRank">Worst rank seen.</param>
/// <param name="MedianRank">Median rank.</param>
/// <param name="TopShare">Share of samples in which the candidate is in the top N, 0..1.</param>
public readonly record struct RankRange(int MinRank, int MaxRank, int MedianRank, double TopShare);

/// <summary>
/// Rank stability under random weight perturbations: every positive weight is scaled by an independent uniform
/// factor in [1 - spread, 1 + spread] (weights that are 0 stay 0), scores are recomputed from the fixed normalised
/// values, and the rank of every scored candidate is recorded. Deterministic for a seed (System.Random with a seed).
/// Stateless and thread-safe.
/// </summary>
public static class Sensitivity
{
    /// <summary>Runs the analysis; excluded candidates (NaN score in <paramref name="scores"/>) get no range (null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Samples &lt; 1 or spread outside [0, 1).</exception>
    public static RankRange?[] Analyse(IReadOnlyList<CandidateScore> scores, double[] weights, SensitivitySpec spec)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Samples, 1);
        if (spec.Spread is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.Spread, "The spread must be in [0, 1).");
        }

        var live = new List<int>();
        foreach (var s in scores)
        {
            if (s.Excluded is null)
            {
                live.Add(s.Index);
            }
        }

        var result = new RankRange?[scores.Count];
        if (live.Count == 0)
        {
            return result;
        }

        // Only criteria with a positive weight move the scores: keep those columns, as a flat row-major matrix.
        var active = new List<int>();
        for (var j = 0; j < weights.Length; j++)
        {
            if (weights[j] > 0)
            {
                active.Add(j);
            }
        }

        var m = live.Count;
        var k = active.Count;
        var matrix = new double[m * k];
        for (var i = 0; i < m; i++)
        {
            var row = scores[live[i]].Normalised;
            for (var a = 0; a < k; a++)
            {
                var v = row[active[a]];
                matrix[(i * k) + a] = double.IsNaN(v) ? 0 : v;
            }
        }

        var ranks = new int[spec.Samples * m]; // ranks[s * m + i]: rank of live candidate i in draw s
        var random = new Random(spec.Seed);
        var w = new double[k];
        var order = new int[m];
        var keys = new double[m];
        for (var s = 0; s < spec.Samples; s++)
        {
            for (var a = 0; a < k; a++)
            {
                w[a] = weights[active[a]] * (1 - spec.Spread + (2 * spec.Spread * random.NextDouble()));
            }

            for (var i = 0; i < m; i++)
            {
                double acc = 0;
                var offset = i * k;
                for (var a = 0; a < k; a++)
                {
                    acc += w[a] * matrix[offset + a];
                }

                order[i] = i;
                keys[i] = -acc; // ascending sort of -score = descending score
            }

            Array.Sort(keys, order);
            var rowStart = s * m;
            for (var r = 0; r < m; r++)
            {
                ranks[rowStart + order[r]] = r + 1;
            }
        }

        // Ranks are 1..m, so a histogram gives min, max, median and the top-N share without sorting each column.
        var histogram = new int[m + 1];
        var half = (spec.Samples / 2) + 1; // the median is the (samples/2 + 1)-th smallest rank
        for (var i = 0; i < m; i++)
        {
            int min = int.MaxValue, max = 0, top = 0;
            for (var s = 0; s < spec.Samples; s++)
            {
                var r = ranks[(s * m) + i];
                histogram[r]++;
                min = Math.Min(min, r);
                max = Math.Max(max, r);
                if (r <= spec.TopN)
                {
                    top++;
                }
            }

            int median = max, seen = 0;
            for (var r = min; r <= max; r++)
            {
                seen += histogram[r];
                if (seen >= half)
                {
                    median = r;
                    break;
                }
            }

            Array.Clear(histogram, min, max - min + 1);
            result[live[i]] = new RankRange(min, max, median, (double)top / spec.Samples);
        }

        return result;
    }
}
