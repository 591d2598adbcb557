namespace WattBit.Forecasting;

/// <summary>
/// Ridge regression on standardised features with an unpenalised intercept, solved by Cholesky; also gives the
/// leave-one-out residuals (e_i / (1 - h_ii)) used for honest error quantiles.
/// </summary>
internal sealed class Ridge
{
    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[] _beta; // [intercept, standardised coefficients...]

    private Ridge(double[] mean, double[] scale, double[] beta)
    {
        _mean = mean;
        _scale = scale;
        _beta = beta;
    }

    /// <summary>Fits y ~ X (rows = samples) and returns the model and its leave-one-out residuals.</summary>
    public static (Ridge Model, double[] LooResiduals) Fit(List<double[]> rows, List<double> y, double lambda)
    {
        var n = rows.Count;
        var p = rows[0].Length;
        var mean = new double[p];
        var scale = new double[p];
        foreach (var r in rows)
        {
            for (var j = 0; j < p; j++)
            {
                mean[j] += r[j] / n;
            }
        }

        foreach (var r in rows)
        {
            for (var j = 0; j < p; j++)
            {
                scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
            }
        }

        for (var j = 0; j < p; j++)
        {
            scale[j] = scale[j] > 1e-18 ? Math.Sqrt(scale[j]) : 0; // a constant column contributes nothing
        }

        var d = p + 1;
        var a = new double[d * d];
        var b = new double[d];
        var z = new double[d];
        var zs = new double[n][];
        for (var i = 0; i < n; i++)
        {
            Standardise(rows[i], mean, scale, z);
            zs[i] = (double[])z.Clone();
            for (var u = 0; u < d; u++)
            {
                b[u] += z[u] * y[i];
                for (var v = 0; v <= u; v++)
                {
                    a[(u * d) + v] += z[u] * z[v];
                }
            }
        }

        for (var u = 1; u < d; u++)
        {
            a[(u * d) + u] += lambda;
        }

        for (var u = 0; u < d; u++)
        {
            a[(u * d) + u] += 1e-9; // keeps a zero column solvable
        }

        Cholesky(a, d);
        var beta = Solve(a, d, b);
        var model = new Ridge(mean, scale, beta);
        var loo = new double[n];
        for (var i = 0; i < n; i++)
        {
            var w = Solve(a, d, zs[i]);
            double hii = 0, fit = 0;
            for (var u = 0; u < d; u++)
            {
                hii += zs[i][u] * w[u];
                fit += zs[i][u] * beta[u];
            }

            loo[i] = (y[i] - fit) / Math.Max(1 - hii, 1e-3);
        }

        return (model, loo);
    }

    public double Predict(double[] features)
    {
        var z = new double[_beta.Length];
        Standardise(features, _mean, _scale, z);
        double s = 0;
        for (var u = 0; u < z.Length; u++)
        {
            s += z[u] * _beta[u];
        }

        return s;
    }

    private static void Standardise(double[] x, double[] mean, double[] scale, double[] z)
    {
        z[0] = 1;
        for (var j = 0; j < x.Length; j++)
        {
            z[j + 1] = scale[j] > 0 ? (x[j] - mean[j]) / scale[j] : 0;
        }
    }

    /// <summary>In-place lower Cholesky factor of a symmetric positive definite matrix (lower triangle used).</summary>
    private static void Cholesky(double[] a, int d)
    {
        for (var j = 0; j < d; j++)
        {
            var s = a[(j * d) + j];
            for (var k = 0; k < j; k++)
            {
                s -= a[(j * d) + k] * a[(j * d) + k];
            }

            a[(j * d) + j] = Math.Sqrt(Math.Max(s, 1e-12));
            for (var i = j + 1; i < d; i++)
            {
                var t = a[(i * d) + j];
                for (var k = 0; k < j; k++)
                {
                    t -= a[(i * d) + k] * a[(j * d) + k];
                }

                a[(i * d) + j] = t / a[(j * d) + j];
            }
        }
    }

    private static double[] Solve(double[] l, int d, double[] b)
    {
        var x = (double[])b.Clone();
        for (var i = 0; i < d; i++)
        {
            for (var k = 0; k < i; k++)
            {
                x[i] -= l[(i * d) + k] * x[k];
            }

            x[i] /= l[(i * d) + i];
        }

        for (var i = d - 1; i >= 0; i--)
        {
            for (var k = i + 1; k < d; k++)
            {
                x[i] -= l[(k * d) + i] * x[k];
            }

            x[i] /= l[(i * d) + i];
        }

        return x;
    }
}
