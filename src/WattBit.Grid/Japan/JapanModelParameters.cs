namespace WattBit.Grid.Japan;

/// <summary>
/// The stated and the fitted numbers of the Japan backbone model (decision records 0100-0102). Per-km reactances
/// are per circuit at 50/60 Hz; each OCCTO line is modelled as <see cref="CircuitsPerLine"/> identical circuits.
/// Immutable.
/// </summary>
/// <param name="Reactance500">Series reactance of a 500 kV circuit, Ω/km (4-conductor bundle).</param>
/// <param name="Reactance275">Series reactance of a 275 kV circuit, Ω/km (2-conductor bundle).</param>
/// <param name="ReactanceLower">Series reactance of a 220/187/154/132 kV circuit, Ω/km (single or 2-bundle).</param>
/// <param name="RouteFactor">Route length over great-circle distance between the two ends.</param>
/// <param name="MinimumLengthKm">Shortest modelled line, km (ends placed at the same point still have a line).</param>
/// <param name="CircuitsPerLine">Circuits per OCCTO line (Japanese trunk lines are double-circuit towers).</param>
/// <param name="RatingMargin">A circuit's rating is at least this times the line's largest observed flow on the
/// calibration days (one circuit must carry the line's flow after losing the other).</param>
/// <param name="LoadUniformShare">Load allocation: this share spread equally over an area's substations, the rest in
/// proportion to the OSM substations (all voltages) nearest to each (a proxy for where load is).</param>
/// <param name="OtherUniformShare">Generation outside the listed units (solar, wind, small plants): this share
/// spread equally over an area's substations, the rest like the demand's OSM-substation proxy.</param>
/// <param name="EquivalentFactor">Reactance of an equivalent branch joining a part of an area the OCCTO list leaves
/// unconnected, as a multiple of a 275 kV circuit of the same length (the lower-voltage paths are weaker).</param>
/// <param name="LargePlantMw">A plant whose largest output on the calibration days reaches this connects to the nearest
/// bus of its area's top voltage class (large units feed the 500 kV grid directly); smaller ones to the nearest bus.</param>
/// <param name="CalibrationDays">The OCCTO days the model may be fitted on; every other day is held out.</param>
/// <param name="FitAllocation">Fit the buses' load and other-generation shares and each plant's bus (among
/// <see cref="PlantCandidates"/> nearest) to the observed line flows of the calibration days (decision 0104).</param>
/// <param name="PlantCandidates">Buses a plant not named by any line may feed in the fit: the prior one and the nearest
/// others of its area.</param>
/// <param name="AllocationRidge">The fit's pull towards the prior shares, relative to each share's own curvature.</param>
/// <param name="FitIterations">Accelerated projected-gradient iterations of each of the fit's two solves.</param>
public sealed record JapanModelParameters(
    double Reactance500,
    double Reactance275,
    double ReactanceLower,
    double RouteFactor,
    double MinimumLengthKm,
    int CircuitsPerLine,
    double RatingMargin,
    double LoadUniformShare,
    double OtherUniformShare,
    double EquivalentFactor,
    double LargePlantMw,
    IReadOnlyList<DateOnly> CalibrationDays,
    bool FitAllocation = false,
    int PlantCandidates = 6,
    double AllocationRidge = 0.01,
    int FitIterations = 800)
{
    /// <summary>The 25 OCCTO days of the shared data, in date order.</summary>
    public static IReadOnlyList<DateOnly> AllDays { get; } =
    [
        new(2026, 3, 20), new(2026, 3, 27), new(2026, 4, 3), new(2026, 4, 10), new(2026, 4, 17), new(2026, 4, 24),
        new(2026, 5, 1), new(2026, 5, 3), new(2026, 5, 8), new(2026, 5, 15), new(2026, 5, 22), new(2026, 5, 29),
        new(2026, 6, 5), new(2026, 6, 12), new(2026, 6, 19), new(2026, 6, 26), new(2026, 7, 3), new(2026, 7, 10),
        new(2026, 7, 17), new(2026, 7, 24), new(2026, 7, 31), new(2026, 8, 7), new(2026, 8, 14), new(2026, 8, 17),
        new(2026, 8, 21),
    ];

    /// <summary>The calibration split: every other day from the first (13 days); the 12 between are held out.</summary>
    public static IReadOnlyList<DateOnly> DefaultCalibrationDays { get; } = [.. AllDays.Where((_, i) => i % 2 == 0)];

    /// <summary>The stated per-class values before calibration (decision 0101).</summary>
    public static JapanModelParameters Typical { get; } = new(
        Reactance500: 0.28,
        Reactance275: 0.31,
        ReactanceLower: 0.40,
        RouteFactor: 1.2,
        MinimumLengthKm: 2,
        CircuitsPerLine: 2,
        RatingMargin: 1.05,
        LoadUniformShare: 0.5,
        OtherUniformShare: 0.5,
        EquivalentFactor: 2,
        LargePlantMw: 1000,
        CalibrationDays: DefaultCalibrationDays);

    /// <summary>
    /// The parameters the embedded default model is built with: <see cref="Typical"/> with the values that
    /// <c>wattbit grid japan calibrate</c> fitted on the calibration days (decision 0102, docs/japan-model.md).
    /// </summary>
    public static JapanModelParameters Default { get; } = new(
        Reactance500: 0.08,
        Reactance275: 0.31,
        ReactanceLower: 0.20,
        RouteFactor: 1.2,
        MinimumLengthKm: 2,
        CircuitsPerLine: 2,
        RatingMargin: 1.05,
        LoadUniformShare: 0.75,
        OtherUniformShare: 0.25,
        EquivalentFactor: 2,
        LargePlantMw: 1500,
        CalibrationDays: DefaultCalibrationDays,
        FitAllocation: true);

    /// <summary>True when <paramref name="day"/> is a calibration day.</summary>
    public bool IsCalibration(DateOnly day) => CalibrationDays.Contains(day);

    /// <summary>The series reactance of one circuit of a voltage class, Ω/km.</summary>
    public double ReactancePerKm(double kv) => kv >= 400 ? Reactance500 : kv >= 250 ? Reactance275 : ReactanceLower;

    /// <summary>The default rating of one circuit of a voltage class, MW (typical thermal limits, decision 0101).</summary>
    public static double CircuitRatingMw(double kv) => kv switch
    {
        >= 400 => 3000,
        >= 250 => 1000,
        >= 200 => 600,
        >= 180 => 450,
        >= 150 => 300,
        _ => 150,
    };
}
