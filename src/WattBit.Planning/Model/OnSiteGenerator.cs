using WattBit.Formats;
using WattBit.Units;

namespace WattBit.Planning.Model;

/// <summary>
/// A dispatchable on-site generator (emergency diesel or gas, or cogeneration) of a data-centre site: it takes
/// <see cref="StartupTime"/> to pick up load, runs at most <see cref="MaxPower"/> and holds <see cref="FuelHours"/> of
/// running at full output in its tank (the seeds cite 60 hours of emergency generation after the 2018 Hokkaido
/// blackout), emitting <see cref="Emissions"/> per kWh generated. It is used for grid emergencies (curtailment orders,
/// headroom cuts); for demand response only when <see cref="UseForDemandResponse"/> is set. Immutable.
/// </summary>
public sealed record OnSiteGenerator
{
    /// <summary>Creates a generator.</summary>
    /// <param name="maxPower">Largest output; positive.</param>
    /// <param name="fuelHours">Hours at full output the fuel on site lasts; positive.</param>
    /// <param name="startupTime">Time from the start signal to carrying load; non-negative.</param>
    /// <param name="emissions">Emissions of the fuel per kWh generated; non-negative.</param>
    /// <param name="fuelCost">Cost of a kWh generated (fuel and wear); non-negative; default zero.</param>
    /// <param name="useForDemandResponse">Whether the operator allows it for demand response; default false (emergencies only).</param>
    /// <exception cref="ModelValidationException">A value is out of range; the message names the field.</exception>
    public OnSiteGenerator(Power maxPower, TimeSpan fuelHours, TimeSpan startupTime, CarbonIntensity emissions, EnergyPrice fuelCost = default,
        bool useForDemandResponse = false)
    {
        Check.Positive(maxPower.Megawatts, "generator.power_mw");
        Check.Positive(fuelHours.TotalHours, "generator.fuel_hours");
        Check.NonNegative(startupTime.TotalMinutes, "generator.startup_minutes");
        Check.NonNegative(emissions.GramsPerKilowattHour, "generator.emissions_g_per_kwh");
        Check.NonNegative(fuelCost.YenPerKilowattHour, "generator.cost_yen_per_kwh");
        MaxPower = maxPower;
        FuelHours = fuelHours;
        StartupTime = startupTime;
        Emissions = emissions;
        FuelCost = fuelCost;
        UseForDemandResponse = useForDemandResponse;
    }

    /// <summary>Largest output.</summary>
    public Power MaxPower { get; }

    /// <summary>Hours at full output the full tank lasts.</summary>
    public TimeSpan FuelHours { get; }

    /// <summary>Time from the start signal to carrying load.</summary>
    public TimeSpan StartupTime { get; }

    /// <summary>Emissions per kWh generated.</summary>
    public CarbonIntensity Emissions { get; }

    /// <summary>Cost per kWh generated.</summary>
    public EnergyPrice FuelCost { get; }

    /// <summary>Whether it may be used for demand response (it is always available for grid emergencies).</summary>
    public bool UseForDemandResponse { get; }

    /// <summary>
    /// Hours at full output of fuel the day-ahead plan keeps for emergencies: when <see cref="UseForDemandResponse"/> is
    /// set the optimiser may run the generator for economics (price spikes) on the rest of the tank only. Default zero;
    /// at most <see cref="FuelHours"/>.
    /// </summary>
    /// <exception cref="ModelValidationException">Negative or above <see cref="FuelHours"/>.</exception>
    public TimeSpan ReserveHours
    {
        get => _reserveHours;
        init
        {
            Check.NonNegative(value.TotalHours, "generator.reserve_hours");
            if (value > FuelHours)
            {
                throw new ModelValidationException("generator.reserve_hours", $"the reserve ({value.TotalHours:0.##} h) exceeds the tank ({FuelHours.TotalHours:0.##} h).");
            }

            _reserveHours = value;
        }
    }

    private readonly TimeSpan _reserveHours;

    /// <summary>The energy a full tank gives.</summary>
    public Energy FullTank => Energy.FromMegawattHours(MaxPower.Megawatts * FuelHours.TotalHours);

    /// <summary>
    /// The output it can hold for <paramref name="duration"/> with <paramref name="fuel"/> left: the smaller of
    /// <see cref="MaxPower"/> and the fuel spread over the duration.
    /// </summary>
    public Power SustainablePower(Energy fuel, TimeSpan duration) =>
        Power.FromMegawatts(Math.Min(MaxPower.Megawatts, Math.Max(0, fuel.MegawattHours) / Math.Max(duration.TotalHours, 1e-9)));

    /// <summary>The emissions of running at <paramref name="output"/> for <paramref name="duration"/>.</summary>
    public Emissions EmissionsOf(Power output, TimeSpan duration) =>
        Units.Emissions.FromGrams(output.Megawatts * 1000 * duration.TotalHours * Emissions.GramsPerKilowattHour);
}
