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

        var m = live.Count;
        var k = weights.Length;
        var matrix = new double[m * k]; // flat, row per live candidate
        for (var i = 0; i < m; i++)
        {
            var row = scores[live[i]].Normalised;
            for (var j = 0; j < k; j++)
            {
                matrix[(i * k) + j] = double.IsNaN(row[j]) ? 0 : row[j];
            }
        }

        var ranks = new int[spec.Samples * m];
        var random = new Random(spec.Seed);
        var w = new double[k];
        var order = new int[m];
        var keys = new double[m];
        for (var s = 0; s < spec.Samples; s++)
        {
            for (var j = 0; j < k; j++)
            {
                w[j] = weights[j] > 0 ? weights[j] * (1 - spec.Spread + (2 * spec.Spread * random.NextDouble())) : 0;
            }

            for (var i = 0; i < m; i++)
            {
                double acc = 0;
                for (var j = 0; j < k; j++)
                {
                    acc += w[j] * matrix[(i * k) + j];
                }

                order[i] = i;
                // Sort key: descending score, then input order for ties (scores are non-negative and bounded).
                keys[i] = -acc;
            }

            Array.Sort(keys, order);
            for (var r = 0; r < m; r++)
            {
                ranks[(s * m) + order[r]] = r + 1;
            }
        }

        var column = new int[spec.Samples];
        for (var i = 0; i < m; i++)
        {
            int min = int.MaxValue, max = 0, top = 0;
            for (var s = 0; s < spec.Samples; s++)
            {
                var r = ranks[(s * m) + i];
                column[s] = r;
                min = Math.Min(min, r);
                max = Math.Max(max, r);
                if (r <= spec.TopN)
                {
                    top++;
                }
            }

            Array.Sort(column);
            result[live[i]] = new RankRange(min, max, column[spec.Samples / 2], (double)top / spec.Samples);
        }

        return result;
    }
}
