using WattBit.Time;

namespace WattBit.Signals;

/// <summary>Where one of an area's series comes from over a period: how many steps are real data and from which files.</summary>
/// <param name="Area">Area code.</param>
/// <param name="Series">Which series: <c>carbon</c> (lifecycle and direct, from the area's generation mix), <c>curtailment</c>, <c>price</c>, <c>grid limits</c>.</param>
/// <param name="RealSteps">Steps of the period filled from real data.</param>
/// <param name="Steps">Steps of the period.</param>
/// <param name="Source">What the real steps come from (empty when none), e.g. the TSO's area supply-demand actuals.</param>
public sealed record SeriesSource(string Area, string Series, int RealSteps, int Steps, string Source)
{
    /// <summary>
    /// Where a series that is not a real/synthetic split comes from, replacing <see cref="Label"/>: the simulator sets it
    /// for grid limits (for example "Japan model layer 12 sites, scenario-typed 4 sites"); null for the measured series.
    /// </summary>
    public string? Origin { get; init; }

    /// <summary><see cref="Origin"/> when set, else <c>real</c> (every step), <c>synthetic</c> (none) or <c>real N %</c> (the rest from the reference year).</summary>
    public string Label => Origin ?? (RealSteps == 0 ? "synthetic" : RealSteps == Steps ? "real" : FormattableString.Invariant($"real {100.0 * RealSteps / Steps:0} %"));
}

/// <summary>
/// One area's signals over a simulated period: per step the actual carbon intensity (lifecycle and direct, gCO2/kWh),
/// day-ahead price (JPY/kWh) and curtailed solar and wind (MW, mean over the step), and the hourly demand, solar and
/// wind of its whole year (MW; the connection model reads its net load). Arrays are owned by the record; do not modify.
/// </summary>
/// <param name="Area">Area code.</param>
/// <param name="CarbonLifecycle">Lifecycle intensity per step, gCO2/kWh.</param>
/// <param name="CarbonDirect">Direct (combustion) intensity per step, gCO2/kWh.</param>
/// <param name="Price">Day-ahead price per step, JPY/kWh.</param>
/// <param name="CurtailedMw">Curtailed solar and wind per step, MW.</param>
/// <param name="Demand">Area demand over the year, MW.</param>
/// <param name="Solar">Solar output over the year, MW.</param>
/// <param name="Wind">Wind output over the year, MW.</param>
public sealed record AreaSignals(string Area, double[] CarbonLifecycle, double[] CarbonDirect, double[] Price, double[] CurtailedMw,
    TimeSeries Demand, TimeSeries Solar, TimeSeries Wind);

/// <summary>
/// The signals of every area a simulated period runs on, composed by the host (the simulator does not read data
/// files): WattBit.Data's <c>SignalYears.Compose</c> builds them from the calibrated reference year with real series laid
/// over it where they exist, and says where each came from. Immutable by contract.
/// </summary>
/// <param name="Period">The simulated period.</param>
/// <param name="Step">The step of the per-step arrays.</param>
/// <param name="Areas">One entry per area.</param>
/// <param name="Sources">Where each area's series come from (real or synthetic).</param>
public sealed record SignalYear(TimeWindow Period, TimeSpan Step, IReadOnlyList<AreaSignals> Areas, IReadOnlyList<SeriesSource> Sources)
{
    /// <summary>Number of steps of the period.</summary>
    public int Steps => (int)((Period.End - Period.Start).Ticks / Step.Ticks);
}
