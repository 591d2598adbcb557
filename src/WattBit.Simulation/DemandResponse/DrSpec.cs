using WattBit.Planning.Flexibility;
using WattBit.Planning.Model;

namespace WattBit.Simulation.DemandResponse;

/// <summary>Why a grid operator asks the fleet to lower its consumption.</summary>
public enum DrRequestKind
{
    /// <summary>A supply warning (需給ひっ迫警報), stated in the scenario with its window and when it was issued.</summary>
    SupplyWarning,

    /// <summary>A price spike: the area's day-ahead price at or above a threshold; asked for when the spot market clears the day before.</summary>
    PriceSpike,

    /// <summary>Surplus renewables: the area's solar and wind are curtailed (出力制御); a request to raise consumption (上げDR).</summary>
    Surplus,
}

/// <summary>
/// One area-wide request to lower consumption (下げDR) or to raise it (上げDR, decision 0196) in a simulation: the area,
/// the MW asked over a window of whole steps within one JST day, when it was issued (the notice is the time between) and
/// what a credited kWh is paid.
/// </summary>
/// <param name="Id">Unique id (for reports).</param>
/// <param name="Kind">Supply warning or price spike.</param>
/// <param name="Area">Area code (for example TK).</param>
/// <param name="Start">Start of the window.</param>
/// <param name="End">End of the window (exclusive).</param>
/// <param name="Mw">Reduction asked, MW at the grid.</param>
/// <param name="IssuedAt">When the request reached the fleet.</param>
/// <param name="PriceYenPerKwh">Payment per credited kWh, JPY; null to pay each slot at the area's day-ahead price then (price-spike requests).</param>
/// <param name="Line">Line of the scenario file (0 when generated or built in code).</param>
/// <param name="Direction">Down (less draw) or up (more draw: 上げDR).</param>
public sealed record DrRequest(string Id, DrRequestKind Kind, string Area, DateTimeOffset Start, DateTimeOffset End, double Mw, DateTimeOffset IssuedAt,
    double? PriceYenPerKwh, int Line = 0, FlexDirection Direction = FlexDirection.Down)
{
    /// <summary>Whether the request asks for more draw (上げDR).</summary>
    public bool IsUp => Direction == FlexDirection.Up;

    /// <summary>Time between the request and its window.</summary>
    public TimeSpan Notice => Start - IssuedAt;

    /// <summary>Length of the window, hours.</summary>
    public double Hours => (End - Start).TotalHours;
}

/// <summary>
/// Requests generated from the area's day-ahead prices (real JEPX prices where the scenario reads them): on every day
/// whose price reaches <see cref="AboveYenPerKwh"/>, one request over the hours from the first to the last such hour,
/// issued at <see cref="IssuedHour"/> the day before (when the spot market has cleared), paid at each slot's price.
/// </summary>
/// <param name="Area">Area code.</param>
/// <param name="AboveYenPerKwh">The price at or above which an hour is a spike, JPY/kWh.</param>
/// <param name="Mw">Reduction asked, MW.</param>
/// <param name="IssuedHour">JST hour of the day before at which the request is issued (default 10, the spot market's gate closure).</param>
/// <param name="Line">Line of the scenario file.</param>
public sealed record DrPriceSpikes(string Area, double AboveYenPerKwh, double Mw, int IssuedHour = 10, int Line = 0);

/// <summary>
/// Requests to raise consumption generated from the area's curtailed solar and wind (the TSO's actuals where the
/// scenario reads them; decision 0196): on every day with at least one step whose curtailment is above
/// <see cref="AboveMw"/>, one up request (上げDR) over the steps from the first to the last such step, issued at
/// <see cref="IssuedHour"/> the day before (when the TSO announces the next day's curtailment), paid
/// <see cref="PriceYenPerKwh"/> per credited kWh.
/// </summary>
/// <param name="Area">Area code.</param>
/// <param name="AboveMw">Curtailment above which a step is a surplus step, MW.</param>
/// <param name="Mw">Increase asked, MW.</param>
/// <param name="PriceYenPerKwh">Payment per credited kWh, JPY.</param>
/// <param name="IssuedHour">JST hour of the day before at which the request is issued.</param>
/// <param name="Line">Line of the scenario file.</param>
public sealed record DrSurplus(string Area, double AboveMw, double Mw, double PriceYenPerKwh, int IssuedHour = 17, int Line = 0);

/// <summary>
/// On-site generators fitted to the fleet for a simulation: every site of <see cref="Areas"/> (all areas when empty)
/// whose index among that area's sites falls on <see cref="Share"/> (spread evenly in each area) gets a generator of <see cref="PowerShare"/> × its IT MW with the
/// template's fuel, start-up, emissions, cost and DR permission (<see cref="OnSiteGenerator"/>, the planner's model).
/// </summary>
/// <param name="Areas">Area codes, or empty for every area.</param>
/// <param name="Share">Share of those sites with a generator, 0-1 (spread evenly).</param>
/// <param name="PowerShare">Generator output as a share of the site's IT MW.</param>
/// <param name="Template">Fuel hours, start-up, emissions, cost and DR permission; its power is replaced per site.</param>
public sealed record DrGenerators(IReadOnlyList<string> Areas, double Share, double PowerShare, OnSiteGenerator Template);

/// <summary>The demand-response section of a simulation scenario (<c>demand_response:</c>; decision 0147).</summary>
/// <param name="Requests">Requests stated in the scenario (supply warnings).</param>
/// <param name="PriceSpikes">Requests generated from price spikes, or null.</param>
/// <param name="Generators">Generators fitted to the fleet, or null for none.</param>
/// <param name="PremiumYenPerKwh">What the fleet adds to its energy price when it offers a kWh of reduction, JPY/kWh.</param>
/// <param name="Line">Line of the section in the scenario file.</param>
/// <param name="Surplus">Up requests generated from curtailment (上げDR), or null.</param>
public sealed record DrSpec(IReadOnlyList<DrRequest> Requests, DrPriceSpikes? PriceSpikes = null, DrGenerators? Generators = null,
    double PremiumYenPerKwh = 0, int Line = 0, DrSurplus? Surplus = null);
