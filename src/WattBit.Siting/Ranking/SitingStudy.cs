using System.Globalization;
using WattBit.Formats;
using WattBit.Headroom;
using WattBit.Siting.Candidates;
using WattBit.Siting.Geo;
using WattBit.Siting.Layers;

namespace WattBit.Siting.Ranking;

/// <summary>One ranked (or excluded) candidate with its raw values, normalised values and rank range.</summary>
/// <param name="Candidate">The candidate.</param>
/// <param name="Rank">1-based rank; 0 when excluded.</param>
/// <param name="Score">Score in [0, 1]; NaN when excluded.</param>
/// <param name="Raw">Raw value per criterion (index (int)Criterion); NaN for criteria without a layer.</param>
/// <param name="Normalised">Normalised value per criterion (1 = best); NaN when excluded.</param>
/// <param name="HeadroomNowMw">Headroom now, MW.</param>
/// <param name="HeadroomPotentialMw">Headroom potential, MW.</param>
/// <param name="Excluded">Why excluded, or null.</param>
/// <param name="Range">Rank range under weight perturbations; null when excluded.</param>
/// <param name="Power">
/// What the headroom layer offers the candidate (serving substation, distance, firm / ③ / hours with room, limiting
/// line); null when both headroom tables replaced the layer or the candidate has no substation.
/// </param>
public sealed record RankedCandidate(
    Candidate Candidate,
    int Rank,
    double Score,
    double[] Raw,
    double[] Normalised,
    double HeadroomNowMw,
    double HeadroomPotentialMw,
    string? Excluded,
    RankRange? Range,
    GridPower? Power = null)
{
    /// <summary>The criteria that contribute most to the score (weight x normalised value), best first, as "carbon 0.21".</summary>
    public IReadOnlyList<(Criterion Criterion, double Contribution)> Reasons(double[] weights, int count)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (Excluded is not null)
        {
            return [];
        }

        var total = weights.Sum();
        return [.. CriterionInfo.All
            .Where(i => weights[(int)i.Criterion] > 0)
            .Select(i => (i.Criterion, weights[(int)i.Criterion] * Normalised[(int)i.Criterion] / total))
            .OrderByDescending(t => t.Item2)
            .Take(count)];
    }
}

/// <summary>The result of a study: every candidate in rank order (excluded ones last), and where each layer came from.</summary>
/// <param name="Config">The study.</param>
/// <param name="Candidates">Ranked candidates first (rank 1..n), then the excluded ones in input order.</param>
/// <param name="LayerSources">For each layer key, its source in words (a file, an embedded default, a model).</param>
public sealed record SitingResult(SitingConfig Config, IReadOnlyList<RankedCandidate> Candidates, IReadOnlyDictionary<string, string> LayerSources)
{
    /// <summary>The ranked (not excluded) candidates in rank order.</summary>
    public IEnumerable<RankedCandidate> Ranked => Candidates.Where(c => c.Excluded is null);
}

/// <summary>
/// Runs a siting study: builds the candidates, fills every layer (user file, else documented default), applies the
/// council's three-step method and the sensitivity analysis. Stateless and thread-safe.
/// </summary>
public static class SitingStudy
{
    /// <summary>Runs a study from its config.</summary>
    /// <param name="config">The study.</param>
    /// <param name="progress">Optional progress messages (stage names).</param>
    /// <param name="supplied">
    /// Layer tables by layer key supplied by the caller (for example area carbon and curtailment from the Data engine's
    /// reference year); a file named in the config's <c>layers</c> still wins, and the embedded defaults fill the rest.
    /// </param>
    /// <param name="grid">
    /// The headroom layer (docs/headroom-layer.md) the power screen reads, composed by the host (normally the Japan
    /// backbone over <see cref="SitingConfig.GridLayer"/>); may be null only when both headroom tables are given.
    /// </param>
    /// <exception cref="InputFormatException">A file is malformed, a layer lacks values for some candidates (the message lists them), or no headroom source is given.</exception>
    /// <exception cref="ArgumentException">A site is outside Japan or farther than grid_layer.max_km from every substation of the layer, or the config is inconsistent.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static SitingResult Run(SitingConfig config, IProgress<string>? progress = null, IReadOnlyDictionary<string, ValueTable>? supplied = null,
        IHeadroomLayer? grid = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        progress?.Report("loading maps");
        var locator = config.PrefectureMap is null && config.AreaMap is null
            ? JapanLocator.Coarse
            : JapanLocator.Load(config.PrefectureMap, config.AreaMap);
        progress?.Report("loading candidates");
        var candidates = config.Candidates.Kind switch
        {
            CandidateKind.Prefecture => CandidateSources.Prefectures(),
            CandidateKind.Substation => CandidateSources.Substations(config.Candidates.File!, locator, config.Candidates.MinVoltageKv),
            _ => CandidateSources.UserSites(config.Candidates.File!, locator),
        };
        if (candidates.Count == 0)
        {
            throw new InputFormatException(config.Source, 0, 0, "no candidates to rank.");
        }

        if (config.AreaSignals is { } spec && (supplied is null || !supplied.ContainsKey("carbon") || !supplied.ContainsKey("renewable_surplus")))
        {
            throw new ArgumentException(
                $"{config.Source}: area_signals.reference_year {spec.FiscalYear} needs the carbon and renewable_surplus tables from the Data engine (the wattbit CLI supplies them).");
        }

        progress?.Report("filling layers");
        var layers = LayerBuilder.Build(config, candidates, locator, supplied, grid);
        progress?.Report("scoring");
        var scores = MultiCriteriaMethod.Run(layers.Raw, config.Weights, config.EffectiveScreenMinMw, config.Constraints);
        progress?.Report("sensitivity");
        var ranges = Sensitivity.Analyse(scores, config.Weights, config.Sensitivity);
        var rows = new List<RankedCandidate>();
        for (var c = 0; c < candidates.Count; c++)
        {
            var s = scores[c];
            var excluded = s.Excluded is not null && layers.PowerGaps[c] is { } gap && double.IsNaN(layers.Raw[c][(int)Criterion.Headroom])
                ? "power screen: " + gap
                : s.Excluded;
            rows.Add(new RankedCandidate(candidates[c], s.Rank, s.Score, layers.Raw[c], s.Normalised, layers.NowMw[c], layers.PotentialMw[c], excluded, ranges[c],
                layers.Power[c]));
        }

        var ordered = rows.Where(r => r.Excluded is null).OrderBy(r => r.Rank).Concat(rows.Where(r => r.Excluded is not null)).ToList();
        return new SitingResult(config, ordered, layers.Sources);
    }

    internal static string Describe(this ValueTable table) =>
        string.Create(CultureInfo.InvariantCulture, $"{table.Source} ({table.Key.ToString().ToLowerInvariant()} table, column '{table.ValueColumn}')");
}
