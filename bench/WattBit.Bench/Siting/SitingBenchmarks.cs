using BenchmarkDotNet.Attributes;
using WattBit.Areas;
using WattBit.Siting.Geo;
using WattBit.Siting.Ranking;
using WattBit.Sites;

namespace WattBit.Bench.Siting;

/// <summary>
/// Prefecture lookup of 10,000 random points over Japan's bounding box (seed 1) in the real japan.topojson (47
/// prefectures, ~1,100 arcs): every polygon tested (baseline) vs the bounding-box pre-filter used by
/// <see cref="RegionIndex{T}.Locate"/>'s inside test.
/// </summary>
[MemoryDiagnoser]
public class PointInPolygonBenchmarks
{
    private RegionIndex<Prefecture> _index = null!;
    private GeoPoint[] _points = [];

    [GlobalSetup]
    public void Setup()
    {
        var features = TopoJsonReader.ReadFile(BenchData.Path("japan", "geo", "japan.topojson"));
        _index = new RegionIndex<Prefecture>(features.Select(f => (Prefectures.ByCode(int.Parse(f.Property("id")!, System.Globalization.CultureInfo.InvariantCulture)), f.Polygons!)));
        var random = new Random(1);
        _points = [.. Enumerable.Range(0, 10_000).Select(_ => new GeoPoint(30 + (random.NextDouble() * 15), 129 + (random.NextDouble() * 17)))];
    }

    [Benchmark(Baseline = true)]
    public int EveryPolygon()
    {
        var found = 0;
        foreach (var p in _points)
        {
            if (_index.LocateBruteForce(p) is not null)
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark]
    public int BoundingBoxFirst()
    {
        var found = 0;
        foreach (var p in _points)
        {
            if (_index.LocateInside(p) is not null)
            {
                found++;
            }
        }

        return found;
    }
}

/// <summary>
/// Rank ranges for the 366 substations >= 275 kV of subs_275kv.geojson (the substations-500mw sample study) over 1,000
/// weight perturbations: re-running the method's scoring and ranking per draw (baseline, what a straightforward
/// implementation does) vs <see cref="Sensitivity.Analyse"/> (flat matrix, one sort per draw, no allocation per draw).
/// </summary>
[MemoryDiagnoser]
public class SensitivityBenchmarks
{
    private IReadOnlyList<CandidateScore> _scores = [];
    private double[] _weights = [];
    private readonly SensitivitySpec _spec = new(1000, 0.3, 42);

    [GlobalSetup]
    public void Setup()
    {
        var config = SitingConfigReader.ReadFile(Path.Combine(BenchData.RepoRoot, "samples", "siting", "substations-500mw.yaml"));
        var result = SitingStudy.Run(config);
        var raw = result.Candidates.Select(c => c.Raw).ToArray();
        _weights = config.Weights;
        _scores = MultiCriteriaMethod.Run(raw, _weights, config.EffectiveScreenMinMw, config.Constraints);
        Console.WriteLine($"// {_scores.Count(s => s.Excluded is null)} of {_scores.Count} candidates ranked");
    }

    [Benchmark(Baseline = true)]
    public int RerunMethodPerDraw()
    {
        var random = new Random(_spec.Seed);
        var normalised = _scores.Select(s => s.Normalised).ToArray();
        var excluded = _scores.Select(s => s.Excluded).ToArray();
        var best = new int[_scores.Count];
        Array.Fill(best, int.MaxValue);
        for (var s = 0; s < _spec.Samples; s++)
        {
            var w = _weights.Select(x => x > 0 ? x * (1 - _spec.Spread + (2 * _spec.Spread * random.NextDouble())) : 0).ToArray();
            var ranks = MultiCriteriaMethod.Ranks(MultiCriteriaMethod.Scores(normalised, w, excluded));
            for (var c = 0; c < ranks.Length; c++)
            {
                if (ranks[c] > 0)
                {
                    best[c] = Math.Min(best[c], ranks[c]);
                }
            }
        }

        return best[0];
    }

    [Benchmark]
    public int FlatMatrix() => Sensitivity.Analyse(_scores, _weights, _spec).First(r => r is not null)!.Value.MinRank;
}
