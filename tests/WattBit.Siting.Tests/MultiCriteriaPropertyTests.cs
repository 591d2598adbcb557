using FsCheck.Xunit;
using WattBit.Siting.Ranking;

namespace WattBit.Siting.Tests;

public sealed class MultiCriteriaPropertyTests
{
    private static (double[][] Raw, double[] Weights) Case(int seed, int n)
    {
        var random = new Random(seed);
        var raw = new double[n][];
        for (var c = 0; c < n; c++)
        {
            raw[c] = new double[CriterionInfo.Count];
            for (var j = 0; j < raw[c].Length; j++)
            {
                raw[c][j] = Math.Round(random.NextDouble() * 1000); // ties happen
            }
        }

        var weights = new double[CriterionInfo.Count];
        for (var j = 0; j < weights.Length; j++)
        {
            weights[j] = random.Next(0, 4);
        }

        weights[(int)Criterion.Carbon] += 1; // at least one positive weight
        return (raw, weights);
    }

    [Property(MaxTest = 200)]
    public bool Ranks_ArePermutationOfScoredCandidates_ScoresInUnitInterval(int seed)
    {
        var (raw, w) = Case(seed, 12);
        var s = MultiCriteriaMethod.Run(raw, w, 300, [new HardConstraint(Criterion.Seismic, null, 800)]);
        var scored = s.Where(x => x.Excluded is null).ToList();
        return scored.Select(x => x.Rank).Order().SequenceEqual(Enumerable.Range(1, scored.Count))
            && scored.All(x => x.Score is >= 0 and <= 1)
            && s.Where(x => x.Excluded is not null).All(x => x.Rank == 0 && double.IsNaN(x.Score))
            && scored.All(x => raw[x.Index][(int)Criterion.Headroom] >= 300 && raw[x.Index][(int)Criterion.Seismic] <= 800);
    }

    [Property(MaxTest = 200)]
    public bool ImprovingOneValue_NeverWorsensThatCandidatesRank(int seed, byte pick)
    {
        var (raw, w) = Case(seed, 10);
        var before = MultiCriteriaMethod.Run(raw, w, 0, []);
        var c = pick % raw.Length;
        var j = (int)Criterion.Carbon; // lower is better: improve by lowering
        var after = raw.Select(r => (double[])r.Clone()).ToArray();
        after[c][j] -= 100;
        var then = MultiCriteriaMethod.Run(after, w, 0, []);
        return then[c].Rank <= before[c].Rank;
    }
}
