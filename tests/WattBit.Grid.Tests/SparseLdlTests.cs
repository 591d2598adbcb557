using WattBit.Grid.Numerics;
using WattBit.Grid.PowerFlow;

namespace WattBit.Grid.Tests;

public sealed class SparseLdlTests
{
    [Fact]
    public void Solve_RandomSparseSpdMatrix_MatchesDenseSolve()
    {
        var rng = new Random(7);
        const int n = 60;
        var dense = new double[n, n];
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        for (var e = 0; e < 150; e++)
        {
            int i = rng.Next(n), j = rng.Next(n);
            if (i == j)
            {
                continue;
            }

            var w = rng.NextDouble() + 0.1;
            dense[i, j] -= w;
            dense[j, i] -= w;
            dense[i, i] += w;
            dense[j, j] += w;
            rows.AddRange([i, j, i]);
            cols.AddRange([j, j, i]);
            vals.AddRange([-w, w, w]);
        }

        for (var i = 0; i < n; i++)
        {
            dense[i, i] += 1;
            rows.Add(i);
            cols.Add(i);
            vals.Add(1);
        }

        var f = SparseLdl.Factorise(n, [.. rows], [.. cols], [.. vals]);
        var b = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
        var x = (double[])b.Clone();
        f.Solve(x, new double[n]);
        for (var i = 0; i < n; i++)
        {
            double s = 0;
            for (var j = 0; j < n; j++)
            {
                s += dense[i, j] * x[j];
            }

            Assert.Equal(b[i], s, 10);
        }
    }

    [Fact]
    public void Factorise_MinimumDegree_ReducesFillOnCase300()
    {
        var net = TestCases.Matpower("case300.m");
        var ordered = new DcModel(net);
        var natural = new DcModel(net, useOrdering: false);
        Assert.True(ordered.Factor.FactorNonzeros < natural.Factor.FactorNonzeros,
            $"fill with ordering {ordered.Factor.FactorNonzeros}, natural {natural.Factor.FactorNonzeros}");
    }

    [Fact]
    public void Factorise_SingularMatrix_Throws()
    {
        Assert.Throws<ArgumentException>(() => SparseLdl.Factorise(2, [0, 1, 0], [0, 1, 1], [1.0, 1.0, -1.0]));
    }
}
