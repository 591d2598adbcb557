namespace WattBit.Siting.Ranking;

/// <summary>A hard constraint: a candidate whose raw value is outside [Min, Max] is excluded before scoring.</summary>
/// <param name="Criterion">The criterion constrained.</param>
/// <param name="Min">Lowest allowed raw value, or null.</param>
/// <param name="Max">Highest allowed raw value, or null.</param>
public sealed record HardConstraint(Criterion Criterion, double? Min, double? Max)
{
    /// <summary>True when the value satisfies the constraint.</summary>
    public bool Allows(double value) => (Min is null || value >= Min) && (Max is null || value <= Max);

    /// <summary>Formats as "seismic &lt;= 0.8".</summary>
    public override string ToString()
    {
        var key = CriterionInfo.Of(Criterion).Key;
        return (Min, Max) switch
        {
            (not null, not null) => $"{Min} <= {key} <= {Max}",
            (not null, null) => $"{key} >= {Min}",
            (null, not null) => $"{key} <= {Max}",
            _ => $"{key} (no bound)",
        };
    }
}

/// <summary>The outcome of one candidate under the method.</summary>
/// <param name="Index">Index of the candidate in the input.</param>
/// <param name="Rank">1-based rank among scored candidates; 0 when excluded.</param>
/// <param name="Score">Weighted score in [0, 1]; NaN when excluded.</param>
/// <param name="Normalised">Normalised value per criterion in [0, 1] (1 = best); NaN when excluded.</param>
/// <param name="Excluded">Why the candidate was excluded (screen or constraint), or null.</param>
public sealed record CandidateScore(int Index, int Rank, double Score, double[] Normalised, string? Excluded);

/// <summary>
/// The council's three-step multi-criteria method on a matrix of raw values (candidates x criteria):
/// (1) screen on power: candidates whose headroom is below the threshold are excluded; (2) hard constraints exclude
/// more; the rest are min-max normalised per criterion over the remaining candidates (1 = best, direction per
/// criterion; a criterion on which all remaining candidates are equal scores 1 for all), and scored as the
/// weighted mean of the overlay criteria; (3) the distance from the existing clusters enters the same weighted mean
/// with its own weight. Ties keep input order. Stateless and thread-safe.
/// </summary>
public static class MultiCriteriaMethod
{
    /// <summary>Runs the method.</summary>
    /// <param name="raw">raw[c][k]: the value of criterion k (index = (int)Criterion) for candidate c; NaN where a criterion is unused.</param>
    /// <param name="weights">Weight per criterion (>= 0; index = (int)Criterion).</param>
    /// <param name="screenMinMw">Step 1: the minimum headroom (raw Headroom value) to pass the screen, MW.</param>
    /// <param name="constraints">Hard constraints.</param>
    /// <exception cref="ArgumentException">The weights are negative, all zero, or of the wrong length.</exception>
    public static IReadOnlyList<CandidateScore> Run(double[][] raw, double[] weights, double screenMinMw, IReadOnlyList<HardConstraint> constraints)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(constraints);
        var n = raw.Length;
        var excluded = new string?[n];
        for (var c = 0; c < n; c++)
        {
            var h = raw[c][(int)Criterion.Headroom];
            if (!(h >= screenMinMw))
            {
                excluded[c] = $"power screen: headroom {h:0.#} MW < {screenMinMw:0.#} MW";
                continue;
            }

            foreach (var rule in constraints)
            {
                var v = raw[c][(int)rule.Criterion];
                if (!rule.Allows(v))
                {
                    excluded[c] = $"constraint {rule}: {v:0.###}";
                    break;
                }
            }
        }

        var normalised = Normalise(raw, excluded);
        var scores = Scores(normalised, weights, excluded);
        var ranks = Ranks(scores);
        var result = new CandidateScore[n];
        for (var c = 0; c < n; c++)
        {
            result[c] = new CandidateScore(c, ranks[c], scores[c], normalised[c], excluded[c]);
        }

        return result;
    }

    /// <summary>Min-max normalisation over the candidates not excluded (1 = best); rows of excluded candidates are NaN.</summary>
    public static double[][] Normalise(double[][] raw, IReadOnlyList<string?> excluded)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(excluded);
        var n = raw.Length;
        var k = CriterionInfo.Count;
        var result = new double[n][];
        for (var c = 0; c < n; c++)
        {
            result[c] = new double[k];
            Array.Fill(result[c], double.NaN);
        }

        for (var j = 0; j < k; j++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (var c = 0; c < n; c++)
            {
                if (excluded[c] is null && !double.IsNaN(raw[c][j]))
                {
                    min = Math.Min(min, raw[c][j]);
                    max = Math.Max(max, raw[c][j]);
                }
            }

            var higher = CriterionInfo.All[j].HigherIsBetter;
            for (var c = 0; c < n; c++)
            {
                if (excluded[c] is not null || double.IsNaN(raw[c][j]))
                {
                    continue;
                }

                var x = max > min ? (raw[c][j] - min) / (max - min) : 1.0;
                result[c][j] = higher ? x : 1 - x;
            }
        }

        return result;
    }

    /// <summary>Weighted mean of the normalised values per candidate (criteria with weight 0 are ignored); NaN when excluded.</summary>
    /// <exception cref="ArgumentException">The weights are negative, all zero, or of the wrong length.</exception>
    public static double[] Scores(double[][] normalised, double[] weights, IReadOnlyList<string?> excluded)
    {
        ArgumentNullException.ThrowIfNull(normalised);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(excluded);
        if (weights.Length != CriterionInfo.Count)
        {
            throw new ArgumentException($"Expected {CriterionInfo.Count} weights, got {weights.Length}.", nameof(weights));
        }

        double total = 0;
        foreach (var w in weights)
        {
            if (!(w >= 0) || !double.IsFinite(w))
            {
                throw new ArgumentException($"Weights must be finite and >= 0 (got {w}).", nameof(weights));
            }

            total += w;
        }

        if (total <= 0)
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
        }

        var scores = new double[normalised.Length];
        for (var c = 0; c < normalised.Length; c++)
        {
            if (excluded[c] is not null)
            {
                scores[c] = double.NaN;
                continue;
            }

            double s = 0;
            var row = normalised[c];
            for (var j = 0; j < weights.Length; j++)
            {
                if (weights[j] > 0)
                {
                    s += weights[j] * row[j];
                }
            }

            scores[c] = s / total;
        }

        return scores;
    }

    /// <summary>1-based ranks by descending score (ties keep input order); 0 for NaN scores (excluded).</summary>
    public static int[] Ranks(double[] scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var order = new int[scores.Length];
        var m = 0;
        for (var c = 0; c < scores.Length; c++)
        {
            if (!double.IsNaN(scores[c]))
            {
                order[m++] = c;
            }
        }

        var keys = new double[m];
        for (var i = 0; i < m; i++)
        {
            keys[i] = -scores[order[i]];
        }

        // A stable sort keeps input order among ties.
        var idx = order.AsSpan(0, m).ToArray();
        Array.Sort(keys, idx);
        StableFixTies(keys, idx);
        var ranks = new int[scores.Length];
        for (var i = 0; i < m; i++)
        {
            ranks[idx[i]] = i + 1;
        }

        return ranks;
    }

    private static void StableFixTies(double[] keys, int[] idx)
    {
        // Array.Sort is unstable: within each run of equal keys, restore ascending input order.
        var start = 0;
        for (var i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                Array.Sort(idx, start, i - start);
                start = i;
            }
        }
    }
}
