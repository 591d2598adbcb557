using BenchmarkDotNet.Attributes;
using WattBit.Grid.Network;
using WattBit.Grid.PowerFlow;

namespace WattBit.Bench.Grid;

/// <summary>
/// PTDF + LODF build on case2383wp: sparse LDLᵀ with minimum-degree ordering vs the same without ordering vs a dense
/// Cholesky of the reduced B matrix (baseline). All three produce the PTDF of every bus.
/// </summary>
[Config(typeof(ThreeRuns))]
public class SensitivityBuildBenchmarks
{
    private PowerNetwork _net = null!;

    [GlobalSetup]
    public void Setup() => _net = GridBenchSetup.LoadCase();

    [GlobalCleanup]
    public void Cleanup() => GridBenchSetup.ReportPeakMemory(nameof(SensitivityBuildBenchmarks));

    [Benchmark(Baseline = true, Description = "dense Cholesky + PTDF")]
    public double DenseCholeskyPtdf()
    {
        var model = new DcModel(_net);
        var n = model.ReducedSize;
        var a = new double[n * n];
        for (var l = 0; l < model.BranchCount; l++)
        {
            var b = model.Susceptance(l);
            if (b == 0)
            {
                continue;
            }

            var br = _net.Branches[l];
            int f = model.ReducedIndex(br.From), t = model.ReducedIndex(br.To);
            if (f >= 0)
            {
                a[(f * n) + f] += b;
            }

            if (t >= 0)
            {
                a[(t * n) + t] += b;
            }

            if (f >= 0 && t >= 0)
            {
                a[(f * n) + t] -= b;
                a[(t * n) + f] -= b;
            }
        }

        // In-place LDLᵀ (no pivoting), row-major lower triangle.
        for (var j = 0; j < n; j++)
        {
            var rowJ = j * n;
            for (var k = 0; k < j; k++)
            {
                a[rowJ + j] -= a[rowJ + k] * a[rowJ + k] * a[(k * n) + k];
            }

            var d = a[rowJ + j];
            for (var i = j + 1; i < n; i++)
            {
                var rowI = i * n;
                var s = a[rowI + j];
                for (var k = 0; k < j; k++)
                {
                    s -= a[rowI + k] * a[rowJ + k] * a[(k * n) + k];
                }

                a[rowI + j] = s / d;
            }
        }

        // X = B⁻¹ column by column (what a dense PTDF needs).
        var x = new double[n];
        double check = 0;
        for (var c = 0; c < n; c++)
        {
            Array.Clear(x);
            x[c] = 1;
            for (var i = 0; i < n; i++)
            {
                var s = x[i];
                for (var k = 0; k < i; k++)
                {
                    s -= a[(i * n) + k] * x[k];
                }

                x[i] = s;
            }

            for (var i = 0; i < n; i++)
            {
                x[i] /= a[(i * n) + i];
            }

            for (var i = n - 1; i >= 0; i--)
            {
                var s = x[i];
                for (var k = i + 1; k < n; k++)
                {
                    s -= a[(k * n) + i] * x[k];
                }

                x[i] = s;
            }

            check += x[c];
        }

        return check;
    }

    [Benchmark(Description = "sparse LDLᵀ, natural order: PTDF + LODF")]
    public Sensitivities SparseNaturalOrder() => Sensitivities.Build(new DcModel(_net, useOrdering: false));

    [Benchmark(Description = "sparse LDLᵀ, minimum degree: PTDF + LODF")]
    public Sensitivities SparseMinimumDegree() => Sensitivities.Build(new DcModel(_net));
}
