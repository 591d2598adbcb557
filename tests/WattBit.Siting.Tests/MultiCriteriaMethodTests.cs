using WattBit.Siting.Ranking;

namespace WattBit.Siting.Tests;

public sealed class MultiCriteriaMethodTests
{
    // Three candidates, hand-computed: carbon A 300 (best), B 500 (worst), C 400; cluster distance A 100 (worst), B 900 (best), C 500.
    private static double[][] Matrix(double carbonC = 400, double headroomC = 1000)
    {
        static double[] Row(double headroom, double carbon, double cluster)
        {
            var r = new double[CriterionInfo.Count];
            Array.Fill(r, double.NaN);
            r[(int)Criterion.Headroom] = headroom;
            r[(int)Criterion.Carbon] = carbon;
            r[(int)Criterion.ClusterDistance] = cluster;
            return r;
        }

        return [Row(1000, 300, 100), Row(1000, 500, 900), Row(headroomC, carbonC, 500)];
    }

    private static double[] Weights(double carbon, double cluster)
    {
        var w = new double[CriterionInfo.Count];
        w[(int)Criterion.Carbon] = carbon;
        w[(int)Criterion.ClusterDistance] = cluster;
        return w;
    }

    private static int[] Ranks(IReadOnlyList<CandidateScore> s) => [.. s.Select(x => x.Rank)];

    [Fact]
    public void CarbonWeightedTwice_RanksACB_WithHandScores()
    {
        var s = MultiCriteriaMethod.Run(Matrix(), Weights(2, 1), 300, []);
        Assert.Equal([1, 3, 2], Ranks(s));
        Assert.Equal(2.0 / 3, s[0].Score, 12);
        Assert.Equal(1.0 / 3, s[1].Score, 12);
        Assert.Equal(0.5, s[2].Score, 12);
    }

    [Fact]
    public void ClusterWeightedTwice_RanksReverse()
    {
        var s = MultiCriteriaMethod.Run(Matrix(), Weights(1, 2), 300, []);
        Assert.Equal([3, 1, 2], Ranks(s));
    }

    [Fact]
    public void EqualWeights_TieKeepsInputOrder()
    {
        var s = MultiCriteriaMethod.Run(Matrix(), Weights(1, 1), 300, []);
        Assert.All(s, x => Assert.Equal(0.5, x.Score, 12));
        Assert.Equal([1, 2, 3], Ranks(s));
    }

    [Fact]
    public void LayerChange_CBecomesCleanest_MovesCToTop()
    {
        // Carbon of C 250: normalised carbon A 0.8, B 0, C 1 -> scores A 1.6/3, B 1/3, C 2.5/3.
        var s = MultiCriteriaMethod.Run(Matrix(carbonC: 250), Weights(2, 1), 300, []);
        Assert.Equal([2, 3, 1], Ranks(s));
        Assert.Equal(2.5 / 3, s[2].Score, 12);
        Assert.Equal(1.6 / 3, s[0].Score, 12);
    }

    [Fact]
    public void PowerScreen_ExcludesCandidateBelowThreshold_AndRenormalises()
    {
        var s = MultiCriteriaMethod.Run(Matrix(headroomC: 299), Weights(2, 1), 300, []);
        Assert.Equal(0, s[2].Rank);
        Assert.Contains("power screen", s[2].Excluded, StringComparison.Ordinal);
        Assert.Equal([1, 2, 0], Ranks(s));
        Assert.Equal(1, s[0].Normalised[(int)Criterion.Carbon]);
        Assert.Equal(0, s[1].Normalised[(int)Criterion.Carbon]);
    }

    [Fact]
    public void HardConstraint_ExcludesAndNamesTheRule()
    {
        var s = MultiCriteriaMethod.Run(Matrix(), Weights(2, 1), 300, [new HardConstraint(Criterion.Carbon, null, 450)]);
        Assert.Equal([1, 0, 2], Ranks(s));
        Assert.Equal("constraint carbon <= 450: 500", s[1].Excluded);
    }

    [Fact]
    public void Weights_AllZeroOrNegative_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => MultiCriteriaMethod.Run(Matrix(), Weights(0, 0), 300, []));
        Assert.Throws<ArgumentException>(() => MultiCriteriaMethod.Run(Matrix(), Weights(-1, 2), 300, []));
    }

    [Fact]
    public void Sensitivity_SameSeed_SameRanges_ZeroSpread_NoMovement()
    {
        var scores = MultiCriteriaMethod.Run(Matrix(), Weights(2, 1), 300, []);
        var a = Sensitivity.Analyse(scores, Weights(2, 1), new SensitivitySpec(200, 0.5, 11));
        var b = Sensitivity.Analyse(scores, Weights(2, 1), new SensitivitySpec(200, 0.5, 11));
        Assert.Equal(a, b);
        var still = Sensitivity.Analyse(scores, Weights(2, 1), new SensitivitySpec(50, 0, 11));
        Assert.Equal([1, 3, 2], still.Select(r => r!.Value.MinRank));
        Assert.Equal([1, 3, 2], still.Select(r => r!.Value.MaxRank));
    }

    [Fact]
    public void Sensitivity_WideSpread_MatchesHandComputedSwapProbability()
    {
        // Scores: A = wc / (wc + wd), B = wd / (wc + wd), C = 0.5 always. With spread 0.5, wc ~ U[1, 3] and wd ~ U[0.5, 1.5]:
        // A and B swap (A third, B first) exactly when wc < wd, with probability 1/16; C stays second.
        var scores = MultiCriteriaMethod.Run(Matrix(), Weights(2, 1), 300, []);
        var r = Sensitivity.Analyse(scores, Weights(2, 1), new SensitivitySpec(4000, 0.5, 5, TopN: 1));
        Assert.Equal((1, 3), (r[0]!.Value.MinRank, r[0]!.Value.MaxRank));
        Assert.Equal((1, 3), (r[1]!.Value.MinRank, r[1]!.Value.MaxRank));
        Assert.Equal((2, 2), (r[2]!.Value.MinRank, r[2]!.Value.MaxRank));
        Assert.Equal(1 - (1.0 / 16), r[0]!.Value.TopShare, 1);
        Assert.InRange(r[0]!.Value.TopShare, 0.925, 0.95);
    }
}
