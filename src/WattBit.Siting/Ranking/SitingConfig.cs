using WattBit.Siting.Facts;
using WattBit.Siting.Layers;

namespace WattBit.Siting.Ranking;

/// <summary>Which candidates a study ranks.</summary>
/// <param name="Kind">prefectures, substations or sites (user GeoJSON).</param>
/// <param name="File">The GeoJSON file for substations or sites (absolute path), else null.</param>
/// <param name="MinVoltageKv">For substations: the lowest voltage kept, kV (default 275).</param>
public sealed record CandidateSpec(Candidates.CandidateKind Kind, string? File, double MinVoltageKv = 275);

/// <summary>Which headroom the power screen uses.</summary>
public enum HeadroomBasis
{
    /// <summary>Headroom available now (空き容量, N-1 secure).</summary>
    Now,

    /// <summary>Potential: now plus the N-1 reserve usable with curtailment (③) or planned reinforcement.</summary>
    Potential,
}

/// <summary>
/// A layer file and, optionally, which columns to use: <see cref="KeyColumn"/> names the key column (its name decides
/// the key kind when it is candidate/prefecture/area; any other name means candidate ids, e.g. <c>name</c> or
/// <c>bus</c> of the grid engine's welcome-zone CSV), and <see cref="ValueColumns"/> the value column or columns
/// (summed, e.g. firm_mw + dynamic_extra_mw + curtailable_extra_mw). Defaults: the first and second columns.
/// </summary>
/// <param name="File">Absolute path.</param>
/// <param name="KeyColumn">Key column name, or null for the first column.</param>
/// <param name="ValueColumns">Value column names (summed), or null for the second column.</param>
public sealed record LayerSource(string File, string? KeyColumn = null, IReadOnlyList<string>? ValueColumns = null);

/// <summary>
/// The headroom layer the power screen reads when no headroom table is given (docs/headroom-layer.md): the host (CLI,
/// server) composes it — by default the Japan backbone driven by the reference year's demand over
/// [<see cref="From"/>, +<see cref="Days"/>) — and passes it to <see cref="SitingStudy.Run"/>. Each point candidate is
/// served by the layer's nearest substation, which must lie within <see cref="MaxKm"/>; a prefecture by the best
/// substation inside it.
/// </summary>
/// <param name="FiscalYear">Fiscal year of the reference year that drives the layer (April-March, JST).</param>
/// <param name="Seed">Seed of the reference year.</param>
/// <param name="From">First hour, or null for the fiscal year's start (1 April 00:00 JST).</param>
/// <param name="Days">Days of hours the layer holds (1-366).</param>
/// <param name="MaxKm">The farthest a point candidate may be from its substation, km; farther is an error naming the nearest.</param>
public sealed record GridLayerSpec(int FiscalYear = 2025, int Seed = 1, DateTimeOffset? From = null, int Days = 7, double MaxKm = 30);

/// <summary>Area signals to take from the Data engine's synthetic reference year (carbon intensity and curtailment per area).</summary>
/// <param name="FiscalYear">Fiscal year generated (April to March).</param>
/// <param name="Seed">Seed of the generator (same seed, same year).</param>
public sealed record ReferenceYearSpec(int FiscalYear, int Seed);

/// <summary>
/// A siting study as read from a YAML (or JSON) file: candidates, the power screen, weights, hard constraints, layer
/// files that replace the defaults, model parameters and the sensitivity analysis. All paths are absolute (resolved
/// against the config file's folder). Immutable.
/// </summary>
public sealed record SitingConfig
{
    /// <summary>The config file (for messages).</summary>
    public required string Source { get; init; }

    /// <summary>Name of the study.</summary>
    public string Name { get; init; } = "siting study";

    /// <summary>The candidates.</summary>
    public CandidateSpec Candidates { get; init; } = new(Siting.Candidates.CandidateKind.Prefecture, null);

    /// <summary>The DC or cluster size the study is for, MW (default 300).</summary>
    public double DemandMw { get; init; } = 300;

    /// <summary>Prefecture boundaries (TopoJSON, absolute path) or null (nearest capital is used).</summary>
    public string? PrefectureMap { get; init; }

    /// <summary>TSO area boundaries (GeoJSON, absolute path) or null (the prefecture's area is used).</summary>
    public string? AreaMap { get; init; }

    /// <summary>Headroom used by the screen and the headroom criterion (default potential).</summary>
    public HeadroomBasis ScreenBasis { get; init; } = HeadroomBasis.Potential;

    /// <summary>Minimum headroom to pass the screen, MW (default: <see cref="DemandMw"/>).</summary>
    public double? ScreenMinMw { get; init; }

    /// <summary>The effective screen threshold, MW.</summary>
    public double EffectiveScreenMinMw => ScreenMinMw ?? DemandMw;

    /// <summary>Weights per criterion (>= 0), indexed by (int)<see cref="Criterion"/>; a config's weights section replaces all defaults (unlisted = 0).</summary>
    public double[] Weights { get; init; } = DefaultWeights();

    /// <summary>Hard constraints.</summary>
    public IReadOnlyList<HardConstraint> Constraints { get; init; } = [];

    /// <summary>User layer files by layer key (criterion keys, plus headroom_now and headroom_potential).</summary>
    public IReadOnlyDictionary<string, LayerSource> LayerFiles { get; init; } = new Dictionary<string, LayerSource>();

    /// <summary>The headroom layer the host composes for the power screen (when no headroom table is given).</summary>
    public GridLayerSpec GridLayer { get; init; } = new();

    /// <summary>True when both headroom tables are given, so the study needs no headroom layer.</summary>
    public bool NeedsGridLayer => !LayerFiles.ContainsKey("headroom_now") || !LayerFiles.ContainsKey("headroom_potential");

    /// <summary>Cable landing points (default: embedded table).</summary>
    public IReadOnlyList<NamedPoint> Landings { get; init; } = TelecomFacts.DefaultLandings;

    /// <summary>IX locations (default: embedded table).</summary>
    public IReadOnlyList<NamedPoint> InternetExchanges { get; init; } = TelecomFacts.DefaultInternetExchanges;

    /// <summary>The latency model.</summary>
    public LatencyModel Latency { get; init; } = LatencyModel.Default;

    /// <summary>The free-cooling model.</summary>
    public FreeCoolingModel Cooling { get; init; } = new();

    /// <summary>Existing clusters whose distance is rewarded.</summary>
    public IReadOnlyList<NamedPoint> Clusters { get; init; } = LatencyModel.DefaultClusters;

    /// <summary>
    /// When set, the area layers carbon and renewable_surplus come from the Data engine's reference year (filled by the
    /// host, which passes them to <see cref="SitingStudy.Run"/>) instead of the embedded defaults; null by default.
    /// </summary>
    public ReferenceYearSpec? AreaSignals { get; init; }

    /// <summary>The sensitivity analysis.</summary>
    public SensitivitySpec Sensitivity { get; init; } = new();

    /// <summary>
    /// Default weights: headroom 2, renewable surplus 2, carbon 2, IX distance 1, landing distance 1, latency 1,
    /// seismic 2, free cooling 1, land 0, transport 0, cluster distance 2, subsidy 0.
    /// </summary>
    public static double[] DefaultWeights() => [2, 2, 2, 1, 1, 1, 2, 1, 0, 0, 2, 0];
}
