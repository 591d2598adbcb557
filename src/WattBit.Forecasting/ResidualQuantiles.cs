namespace WattBit.Forecasting;

/// <summary>
/// Turns point forecasts into quantiles with the empirical distribution of past errors at the same horizon: the
/// level-q quantile at step k is the point forecast plus the q-quantile of the residuals (actual - forecast) seen at
/// steps k-2 .. k+2. Pooling neighbouring horizons gives five times the samples while keeping the time-of-day shape.
/// </summary>
internal static class ResidualQuantiles
{
    /// <summary>How many neighbouring horizons on each side are pooled.</summary>
    public const int Pool = 2;

    public static double[][] Build(double[] point, List<double>[] residuals, IReadOnlyList<double> levels, bool nonNegative)
    {
        var steps = point.Length;
        var quantiles = new double[levels.Count][];
        for (var l = 0; l < levels.Count; l++)
        {
            quantiles[l] = new double[steps];
        }

        var pooled = new List<double>();
        for (var k = 0; k < steps; k++)
        {
            pooled.Clear();
            for (var j = Math.Max(0, k - Pool); j <= Math.Min(steps - 1, k + Pool); j++)
            {
                pooled.AddRange(residuals[j]);
            }

            pooled.Sort();
            for (var l = 0; l < levels.Count; l++)
            {
                var v = point[k] + (pooled.Count == 0 ? 0 : Empirical(pooled, levels[l]));
                quantiles[l][k] = nonNegative && v < 0 ? 0 : v;
            }
        }

        return quantiles;
    }

    /// <summary>The q-quantile of sorted values with linear interpolation between order statistics (Hyndman-Fan type 7).</summary>
    public static double Empirical(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(position);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((position - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>True when every known value in the last <paramref name="window"/> steps before the origin is at least zero.</summary>
    public static bool LooksNonNegative(SeriesView view, int window)
    {
        for (var i = Math.Max(0, view.Origin - window); i < view.Origin; i++)
        {
            if (view.Y[i] < 0)
            {
                return false;
            }
        }

        return true;
    }
}
