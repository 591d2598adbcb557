using WattBit.Formats;
using WattBit.Units;

namespace WattBit.Planning.Model;

/// <summary>
/// An on-site battery. State-of-charge limits and the initial state are fractions of <see cref="EnergyCapacity"/>;
/// efficiencies are one-way (charging stores <c>ChargeEfficiency x energy drawn</c>, discharging delivers
/// <c>DischargeEfficiency x energy taken out</c>). Immutable.
/// </summary>
public sealed record Battery
{
    /// <summary>Creates a battery.</summary>
    /// <param name="energyCapacity">Usable nameplate energy; positive.</param>
    /// <param name="maxPower">Largest charge or discharge power at the grid side; positive.</param>
    /// <param name="chargeEfficiency">One-way charging efficiency in (0, 1]; default 0.95.</param>
    /// <param name="dischargeEfficiency">One-way discharging efficiency in (0, 1]; default 0.95.</param>
    /// <param name="minSoc">Lowest state of charge as a fraction; default 0.1.</param>
    /// <param name="maxSoc">Highest state of charge as a fraction; default 0.9.</param>
    /// <param name="initialSoc">State of charge at the start of the horizon; default 0.5.</param>
    /// <exception cref="ModelValidationException">A value is out of range; the message names the field.</exception>
    public Battery(Energy energyCapacity, Power maxPower, double chargeEfficiency = 0.95, double dischargeEfficiency = 0.95,
        double minSoc = 0.1, double maxSoc = 0.9, double initialSoc = 0.5)
    {
        Check.Positive(energyCapacity.MegawattHours, "battery.energy_mwh");
        Check.Positive(maxPower.Megawatts, "battery.power_mw");
        Check.Fraction(chargeEfficiency, "battery.charge_efficiency", allowZero: false);
        Check.Fraction(dischargeEfficiency, "battery.discharge_efficiency", allowZero: false);
        Check.Fraction(minSoc, "battery.min_soc");
        Check.Fraction(maxSoc, "battery.max_soc");
        Check.Fraction(initialSoc, "battery.initial_soc");
        if (minSoc > maxSoc)
        {
            throw new ModelValidationException("battery.min_soc", $"battery.min_soc ({minSoc}) must not exceed battery.max_soc ({maxSoc}).");
        }

        if (initialSoc < minSoc || initialSoc > maxSoc)
        {
            throw new ModelValidationException("battery.initial_soc", $"battery.initial_soc ({initialSoc}) must lie within [min_soc, max_soc] = [{minSoc}, {maxSoc}].");
        }

        EnergyCapacity = energyCapacity;
        MaxPower = maxPower;
        ChargeEfficiency = chargeEfficiency;
        DischargeEfficiency = dischargeEfficiency;
        MinSoc = minSoc;
        MaxSoc = maxSoc;
        InitialSoc = initialSoc;
    }

    /// <summary>Nameplate energy.</summary>
    public Energy EnergyCapacity { get; }

    /// <summary>Largest charge or discharge power.</summary>
    public Power MaxPower { get; }

    /// <summary>One-way charging efficiency in (0, 1].</summary>
    public double ChargeEfficiency { get; }

    /// <summary>One-way discharging efficiency in (0, 1].</summary>
    public double DischargeEfficiency { get; }

    /// <summary>Lowest state of charge (fraction of capacity).</summary>
    public double MinSoc { get; }

    /// <summary>Highest state of charge (fraction of capacity).</summary>
    public double MaxSoc { get; }

    /// <summary>State of charge at the start of the horizon (fraction of capacity).</summary>
    public double InitialSoc { get; }

    /// <summary>Stored energy at the start of the horizon.</summary>
    public Energy InitialEnergy => EnergyCapacity * InitialSoc;

    /// <summary>
    /// The grid-side power the battery can hold for <paramref name="duration"/> starting from <paramref name="stored"/>
    /// energy: the smaller of <see cref="MaxPower"/> and the usable energy above <see cref="MinSoc"/> times the discharge
    /// efficiency spread over the duration.
    /// </summary>
    public Power SustainablePower(Energy stored, TimeSpan duration)
    {
        var usable = Math.Max(0, stored.MegawattHours - (MinSoc * EnergyCapacity.MegawattHours)) * DischargeEfficiency;
        var hours = Math.Max(duration.TotalHours, 1e-9);
        return Power.FromMegawatts(Math.Min(MaxPower.Megawatts, usable / hours));
    }
}
