using WattBit.Formats;
using WattBit.Siting.Ranking;

namespace WattBit.Siting.Tests;

public sealed class SitingConfigReaderTests
{
    private static SitingConfig Parse(string yaml) => SitingConfigReader.Parse(yaml, "study.yaml", Path.GetTempPath());

    [Fact]
    public void Minimal_GivesDefaults()
    {
        var c = Parse("name: x\n");
        Assert.Equal(300, c.DemandMw);
        Assert.Equal(300, c.EffectiveScreenMinMw);
        Assert.Equal(SitingConfig.DefaultWeights(), c.Weights);
        Assert.Equal(Candidates.CandidateKind.Prefecture, c.Candidates.Kind);
    }

    [Fact]
    public void Weights_AndConstraints_AreRead()
    {
        var c = Parse("""
            weights:
              carbon: 3
              cluster-distance: 0.5
            constraints:
              - { criterion: seismic, max: 0.6 }
              - { criterion: ix_distance, min: 0, max: 400 }
            screen: { basis: now, min_mw: 50 }
            """);
        Assert.Equal(3, c.Weights[(int)Criterion.Carbon]);
        Assert.Equal(0.5, c.Weights[(int)Criterion.ClusterDistance]);
        Assert.Equal(0, c.Weights[(int)Criterion.Headroom]); // a weights section replaces the defaults
        Assert.Equal(2, c.Constraints.Count);
        Assert.Equal(HeadroomBasis.Now, c.ScreenBasis);
        Assert.Equal(50, c.EffectiveScreenMinMw);
    }

    [Fact]
    public void WeightThatDoesNotParse_NamesFieldLineAndColumn()
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse("name: x\nweights:\n  carbon: high\n"));
        Assert.Equal(3, ex.Line);
        Assert.Equal(11, ex.Column);
        Assert.Equal("study.yaml:3:11: weights.carbon: 'high' is not a number.", ex.Message);
    }

    [Fact]
    public void UnknownCriterion_ListsKnownOnes()
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse("weights:\n  karbon: 1\n"));
        Assert.Equal(2, ex.Line);
        Assert.Contains("unknown criterion 'karbon'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("carbon", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownField_IsAnError()
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse("name: x\nwieghts: {}\n"));
        Assert.Equal(2, ex.Line);
        Assert.Contains("unknown field 'wieghts'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weights:\n  carbon: -1\n", 2, "must be >= 0")]
    [InlineData("weights: { headroom: 0, renewable_surplus: 0, carbon: 0, ix_distance: 0, landing_distance: 0, latency: 0, seismic: 0, free_cooling: 0, cluster_distance: 0 }\n", 1, "at least one weight")]
    [InlineData("constraints:\n  - { criterion: seismic }\n", 2, "give min, max or both")]
    [InlineData("constraints:\n  - { criterion: seismic, min: 2, max: 1 }\n", 2, "min 2 is above max 1")]
    [InlineData("screen: { basis: later }\n", 1, "screen.basis: 'later'")]
    [InlineData("layers:\n  carbon: no-such-file.csv\n", 2, "layers.carbon: file 'no-such-file.csv' not found")]
    [InlineData("candidates: { kind: substations }\n", 1, "candidates.file is required")]
    [InlineData("sensitivity: { spread: 1.5 }\n", 1, "must be below 1")]
    [InlineData("sensitivity: { samples: 0 }\n", 1, "sensitivity.samples")]
    [InlineData("latency: { regions: [ { name: X, lat: 95, lon: 10 } ] }\n", 1, "not a valid latitude")]
    [InlineData("weights: [1, 2]\n", 1, "weights: expected a mapping")]
    [InlineData("layers:\n  carbon: { key: area }\n", 2, "layers.carbon.file is required")]
    [InlineData("layers:\n  karbon: x.csv\n", 2, "unknown field 'karbon'")]
    [InlineData("name: x\n  bad: [\n", 2, "not valid YAML")]
    public void BadConfig_NamesLineAndProblem(string yaml, int line, string problem)
    {
        var ex = Assert.Throws<InputFormatException>(() => Parse(yaml));
        Assert.Equal(line, ex.Line);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AreaSignals_ReferenceYear_IsReadAndNeedsTablesFromTheHost()
    {
        var c = Parse("area_signals: { reference_year: 2025, seed: 3 }\n");
        Assert.Equal(new ReferenceYearSpec(2025, 3), c.AreaSignals);
        var ex = Assert.Throws<ArgumentException>(() => SitingStudy.Run(c));
        Assert.Contains("reference_year 2025", ex.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<InputFormatException>(() => Parse("area_signals: { seed: 3 }\n"));
        Assert.Contains("area_signals.reference_year is required", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonConfig_IsAccepted()
    {
        var c = Parse("""{"name": "j", "demand_mw": 50, "weights": {"latency": 4}}""");
        Assert.Equal(50, c.DemandMw);
        Assert.Equal(4, c.Weights[(int)Criterion.Latency]);
    }

    [Fact]
    public void LandWeightedWithoutLayer_IsAnErrorAtRun()
    {
        using var dir = new TempFolder();
        dir.Write("h.csv", "area,mw\nHKD,1\nTH,1\nTK,1\nCB,1\nHR,1\nKN,1\nCG,1\nSK,1\nKY,1\nON,1\n");
        var c = SitingConfigReader.ReadFile(dir.Write("s.yaml", "layers: { headroom_now: h.csv, headroom_potential: h.csv }\nweights: { land: 1 }\n"));
        var ex = Assert.Throws<InputFormatException>(() => SitingStudy.Run(c));
        Assert.Contains("layers.land", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayerWithUnknownPrefecture_NamesLineAndColumn()
    {
        using var dir = new TempFolder();
        var file = dir.Write("seismic.csv", "prefecture,v\n13,1\nAtlantis,0.5\n");
        var ex = Assert.Throws<InputFormatException>(() => Layers.ValueTable.ReadFile(file));
        Assert.Equal(3, ex.Line);
        Assert.Equal(1, ex.Column);
        var bad = dir.Write("bad.csv", "prefecture,v\n13,abc\n");
        var ex2 = Assert.Throws<InputFormatException>(() => Layers.ValueTable.ReadFile(bad));
        Assert.Equal((2, 4), (ex2.Line, ex2.Column));
    }
}
