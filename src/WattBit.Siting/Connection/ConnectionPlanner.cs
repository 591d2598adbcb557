using System.Globalization;
using WattBit.Units;

namespace WattBit.Siting.Connection;

/// <summary>A low / central / high range of a figure.</summary>
/// <param name="Low">Low end.</param>
/// <param name="Central">Central value used for comparisons.</param>
/// <param name="High">High end.</param>
public readonly record struct Range3(double Low, double Central, double High)
{
    /// <summary>Formats as "12-19 (15)".</summary>
    public string Format(string number = "0.#") =>
        string.Create(CultureInfo.InvariantCulture, $"{Low.ToString(number, CultureInfo.InvariantCulture)}-{High.ToString(number, CultureInfo.InvariantCulture)} (central {Central.ToString(number, CultureInfo.InvariantCulture)})");

    /// <summary>Every end multiplied by a factor.</summary>
    public Range3 Times(double factor) => new(Low * factor, Central * factor, High * factor);
}

/// <summary>
/// The connection figures of the council materials as overridable assumptions. Below <see cref="ThresholdMw"/> a DC
/// connects at high voltage (高圧) in "ten-odd months" for "tens of millions of yen"; at or above it, at extra-high
/// voltage in "years" for "hundreds of millions of yen". The ranges turn those phrases into numbers. Immutable.
/// </summary>
/// <param name="ThresholdMw">Size from which the large (extra-high voltage) process applies, MW (default 2).</param>
/// <param name="SmallLeadMonths">Lead time below the threshold, months (default 11-19, central 15: "ten-odd months").</param>
/// <param name="SmallCostMillionYen">Connection cost below the threshold, million JPY (default 20-90, central 40: "tens of millions").</param>
/// <param name="LargeLeadMonths">Lead time at or above the threshold, months (default 36-120, central 60: "years").</param>
/// <param name="LargeCostMillionYen">Connection cost at or above the threshold, million JPY (default 200-900, central 400: "hundreds of millions").</param>
/// <param name="UnitMw">Size of each small DC when a project is split, MW (default 1.9; must be below the threshold).</param>
public sealed record ConnectionAssumptions(
    double ThresholdMw,
    Range3 SmallLeadMonths,
    Range3 SmallCostMillionYen,
    Range3 LargeLeadMonths,
    Range3 LargeCostMillionYen,
    double UnitMw)
{
    /// <summary>The defaults described on the type.</summary>
    public static ConnectionAssumptions Default { get; } = new(2, new(11, 15, 19), new(20, 40, 90), new(36, 60, 120), new(200, 400, 900), 1.9);
}

/// <summary>One way to connect a project.</summary>
/// <param name="Name">Short name ("single connection", "split into 158 x 1.9 MW").</param>
/// <param name="Units">Number of grid connections.</param>
/// <param name="UnitPower">Size of each connection.</param>
/// <param name="Voltage">"high voltage (高圧)" or "extra-high voltage (特別高圧)".</param>
/// <param name="LeadMonths">Months until connected (all units applied for at once).</param>
/// <param name="CostMillionYen">Total connection cost, million JPY.</param>
/// <param name="Feasible">Whether the headroom supports it (null when the headroom is unknown).</param>
/// <param name="Note">The condition or assumption behind it.</param>
public sealed record ConnectionOption(string Name, int Units, Power UnitPower, string Voltage, Range3 LeadMonths, Range3 CostMillionYen, bool? Feasible, string Note)
{
    /// <summary>The central cost as money.</summary>
    public Money CentralCost => Money.FromYen(CostMillionYen.Central * 1e6);
}

/// <summary>The connection assessment of a proposed DC.</summary>
/// <param name="Power">The DC's size.</param>
/// <param name="Options">The single connection, and the split option when the DC is at or above the threshold.</param>
/// <param name="SplitConnectsSooner">Whether splitting connects sooner (central lead times) and fits the headroom; null when not applicable or unknown.</param>
/// <param name="Verdict">One sentence.</param>
public sealed record ConnectionAssessment(Power Power, IReadOnlyList<ConnectionOption> Options, bool? SplitConnectsSooner, string Verdict);

/// <summary>
/// Compares connecting a DC as one site with splitting it into small DCs below the high-voltage threshold placed on
/// flexible headroom (② dynamic / provisional) or N-1 headroom with curtailment (③). Stateless and thread-safe.
/// </summary>
public static class ConnectionPlanner
{
    /// <summary>Assesses a DC of <paramref name="power"/>.</summary>
    /// <param name="power">The DC's size (> 0).</param>
    /// <param name="assumptions">The figures (see <see cref="ConnectionAssumptions.Default"/>).</param>
    /// <param name="flexibleHeadroom">Headroom available to flexible loads near the site (②/provisional), or null when unknown.</param>
    /// <param name="n1Headroom">N-1 headroom usable with a curtailment device (③) near the site, or null when unknown.</param>
    /// <exception cref="ArgumentOutOfRangeException">The power is not positive, or the unit size is not below the threshold.</exception>
    public static ConnectionAssessment Assess(Power power, ConnectionAssumptions assumptions, Power? flexibleHeadroom = null, Power? n1Headroom = null)
    {
        ArgumentNullException.ThrowIfNull(assumptions);
        if (!(power.Megawatts > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(power), power, "The DC's power must be positive.");
        }

        if (!(assumptions.UnitMw > 0 && assumptions.UnitMw < assumptions.ThresholdMw))
        {
            throw new ArgumentOutOfRangeException(nameof(assumptions), assumptions.UnitMw, $"The split unit size must be above 0 and below the {assumptions.ThresholdMw} MW threshold.");
        }

        var mw = power.Megawatts;
        var th = assumptions.ThresholdMw.ToString("0.##", CultureInfo.InvariantCulture);
        if (mw < assumptions.ThresholdMw)
        {
            var single = new ConnectionOption("single connection", 1, power, "high voltage (高圧)", assumptions.SmallLeadMonths, assumptions.SmallCostMillionYen,
                Fits(mw, flexibleHeadroom, n1Headroom), $"below {th} MW: high-voltage reception, ten-odd months, tens of millions of yen");
            return new ConnectionAssessment(power, [single], null, $"{mw:0.##} MW is below {th} MW: high-voltage connection, {assumptions.SmallLeadMonths.Central:0} months (central).");
        }

        var big = new ConnectionOption("single connection", 1, power, "extra-high voltage (特別高圧)", assumptions.LargeLeadMonths, assumptions.LargeCostMillionYen,
            null, $"{th} MW or more: years and hundreds of millions of yen (trunk reinforcement may add more)");
        var units = (int)Math.Ceiling((mw / assumptions.UnitMw) - 1e-9);
        var unit = Power.FromMegawatts(mw / units);
        var fits = Fits(mw, flexibleHeadroom, n1Headroom);
        var note = (flexibleHeadroom, n1Headroom) switch
        {
            (null, null) => "feasible only if flexible (②) or N-1 (③) headroom near the sites covers the total: unknown here",
            _ => string.Create(CultureInfo.InvariantCulture,
                $"needs {mw:0.#} MW of flexible (② {Mw(flexibleHeadroom)}) plus N-1 (③ {Mw(n1Headroom)}) headroom; ③ means accepting a curtailment device and maintenance limits"),
        };
        var split = new ConnectionOption($"split into {units} x {unit.Megawatts:0.##} MW", units, unit, "high voltage (高圧)",
            assumptions.SmallLeadMonths, assumptions.SmallCostMillionYen.Times(units), fits,
            note + "; all units applied for in parallel");
        var sooner = assumptions.SmallLeadMonths.Central < assumptions.LargeLeadMonths.Central;
        bool? splitSooner = fits is null ? null : fits.Value && sooner;
        var verdict = splitSooner switch
        {
            true => string.Create(CultureInfo.InvariantCulture,
                $"splitting into {units} small DCs connects in ~{assumptions.SmallLeadMonths.Central:0} months instead of ~{assumptions.LargeLeadMonths.Central:0}, at {split.CostMillionYen.Central:#,0} vs {big.CostMillionYen.Central:#,0} million JPY."),
            false when fits == false => string.Create(CultureInfo.InvariantCulture,
                $"the headroom near the site ({Mw(flexibleHeadroom)} flexible + {Mw(n1Headroom)} N-1) is below {mw:0.#} MW: splitting does not connect the whole DC sooner."),
            false => "the small-DC process is not faster under these assumptions.",
            null => string.Create(CultureInfo.InvariantCulture,
                $"splitting would connect in ~{assumptions.SmallLeadMonths.Central:0} months instead of ~{assumptions.LargeLeadMonths.Central:0} if flexible/N-1 headroom covers {mw:0.#} MW (give it to decide)."),
        };
        return new ConnectionAssessment(power, [big, split], splitSooner, verdict);
    }

    private static bool? Fits(double mw, Power? flexible, Power? n1) =>
        flexible is null && n1 is null ? null : (flexible?.Megawatts ?? 0) + (n1?.Megawatts ?? 0) >= mw;

    private static string Mw(Power? p) => p is { } v ? v.Megawatts.ToString("0.#", CultureInfo.InvariantCulture) + " MW" : "unknown";
}
