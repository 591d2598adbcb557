namespace WattBit.Data.Signals;

/// <summary>
/// Consumption-based carbon intensity with flow tracing between areas, as Electricity Maps computes it: the
/// electricity consumed in an area is a mix of its own production and its imports, and each import carries the
/// consumption intensity of the area it comes from. For every area i:
/// c_i · (P_i + Σ_j F_ji) = P_i · g_i + Σ_j F_ji · c_j, a linear system solved per slot.
/// An area with no imports has c_i = g_i. Thread-safe.
/// </summary>
public static class FlowTracing
{
    /// <summary>Solves one slot.</summary>
    /// <param name="productionMw">P_i: each area's generation, MW (≥ 0).</param>
    /// <param name="productionIntensity">g_i: each area's production intensity, gCO2/kWh (NaN where unknown).</param>
    /// <param name="flowMw">F[i, j]: flow from area i to area j, MW (≥ 0; a link carries its flow in one direction, the other is 0).</param>
    /// <returns>c_i per area, gCO2/kWh; NaN where the area neither produces nor imports, or depends on an unknown intensity.</returns>
    /// <exception cref="ArgumentException">Sizes differ, or a value is negative.</exception>
    public static double[] Solve(ReadOnlySpan<double> productionMw, ReadOnlySpan<double> productionIntensity, double[,] flowMw)
    {
        ArgumentNullException.ThrowIfNull(flowMw);
        var n = productionMw.Length;
        if (productionIntensity.Length != n || flowMw.GetLength(0) != n || flowMw.GetLength(1) != n)
        {
            throw new ArgumentException($"Flow tracing needs {n} intensities and an {n}x{n} flow matrix.");
        }

        var a = new double[n, n + 1];
        for (var i = 0; i < n; i++)
        {
            if (productionMw[i] < 0)
            {
                throw new ArgumentException($"Production of area {i} is negative ({productionMw[i]} MW).", nameof(productionMw));
            }

            var inflow = 0.0;
            for (var j = 0; j < n; j++)
            {
                var f = flowMw[j, i];
                if (f < 0)
                {
                    throw new ArgumentException($"Flow from {j} to {i} is negative ({f} MW); give it as a flow from {i} to {j}.", nameof(flowMw));
                }

                if (j != i && f > 0)
                {
                    inflow += f;
                    a[i, j] = -f;
                }
            }

            var p = productionMw[i] > 0 && !double.IsNaN(productionIntensity[i]) ? productionMw[i] : 0;
            a[i, i] = p + inflow;
            a[i, n] = p * (p > 0 ? productionIntensity[i] : 0);
        }

        return GaussSolve(a, n, productionMw, productionIntensity);
    }

    private static double[] GaussSolve(double[,] a, int n, ReadOnlySpan<double> production, ReadOnlySpan<double> intensity)
    {
        var result = new double[n];
        var singular = new bool[n];
        for (var i = 0; i < n; i++)
        {
            // An area that neither produces nor imports has no defined consumption mix.
            if (a[i, i] <= 0)
            {
                singular[i] = true;
                a[i, i] = 1;
                a[i, n] = double.NaN;
                for (var j = 0; j < n; j++)
                {
                    if (j != i)
                    {
                        a[i, j] = 0;
                    }
                }
            }
        }

        // The matrix is column diagonally dominant (each area's exports are at most its supply), so no pivoting is needed.
        for (var k = 0; k < n; k++)
        {
            for (var i = k + 1; i < n; i++)
            {
                var m = a[i, k] / a[k, k];
                if (m == 0)
                {
                    continue;
                }

                for (var j = k; j <= n; j++)
                {
                    a[i, j] -= m * a[k, j];
                }
            }
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var s = a[i, n];
            for (var j = i + 1; j < n; j++)
            {
                if (a[i, j] != 0)
                {
                    s -= a[i, j] * result[j];
                }
            }

            result[i] = s / a[i, i];
        }

        for (var i = 0; i < n; i++)
        {
            if (singular[i] || (production[i] > 0 && double.IsNaN(intensity[i])))
            {
                result[i] = double.NaN;
            }
        }

        return result;
    }
}
