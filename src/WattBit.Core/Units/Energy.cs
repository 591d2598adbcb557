using System.Globalization;

namespace WattBit.Units;

/// <summary>Electric energy. Stored in kilowatt-hours; may be negative for a net export. Immutable and thread-safe.</summary>
public readonly record struct Energy : IComparable<Energy>
{
    private Energy(double kilowattHours) => KilowattHours = Guard.Finite(kilowattHours, "Energy");

    /// <summary>The energy in kilowatt-hours (kWh).</summary>
    public double KilowattHours { get; }

    /// <summary>The energy in megawatt-hours (MWh).</summary>
    public double MegawattHours => KilowattHours / 1_000.0;

    /// <summary>Zero energy.</summary>
    public static Energy Zero => default;

    /// <summary>The sum of <paramref name="values"/>, added in order (zero for none).</summary>
    public static Energy Sum(IEnumerable<Energy> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var total = Zero;
        foreach (var v in values)
        {
            total += v;
        }

        return total;
    }

    /// <summary>Creates an energy from kilowatt-hours.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static Energy FromKilowattHours(double kilowattHours) => new(kilowattHours);

    /// <summary>Creates an energy from megawatt-hours.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static Energy FromMegawattHours(double megawattHours) => new(megawattHours * 1_000.0);

    /// <summary>Average power that delivers this energy over a duration: kWh / h = kW.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration is not positive.</exception>
    public static Power operator /(Energy energy, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "Duration must be positive to turn energy into power.");
        }

        return Power.FromKilowatts(energy.KilowattHours / duration.TotalHours);
    }

    /// <summary>Emissions caused by this energy at a carbon intensity: kWh x g/kWh = g.</summary>
    public static Emissions operator *(Energy energy, CarbonIntensity intensity) =>
        Emissions.FromGrams(energy.KilowattHours * intensity.GramsPerKilowattHour);

    /// <summary>Emissions caused by this energy at a carbon intensity: kWh x g/kWh = g.</summary>
    public static Emissions operator *(CarbonIntensity intensity, Energy energy) => energy * intensity;

    /// <summary>Cost of this energy at a price: kWh x JPY/kWh = JPY.</summary>
    public static Money operator *(Energy energy, EnergyPrice price) => Money.FromYen(energy.KilowattHours * price.YenPerKilowattHour);

    /// <summary>Cost of this energy at a price: kWh x JPY/kWh = JPY.</summary>
    public static Money operator *(EnergyPrice price, Energy energy) => energy * price;

    /// <summary>Sum of two energies.</summary>
    public static Energy operator +(Energy a, Energy b) => new(a.KilowattHours + b.KilowattHours);

    /// <summary>Difference of two energies.</summary>
    public static Energy operator -(Energy a, Energy b) => new(a.KilowattHours - b.KilowattHours);

    /// <summary>Energy scaled by a factor.</summary>
    public static Energy operator *(Energy a, double factor) => new(a.KilowattHours * factor);

    /// <summary>Ratio of two energies (dimensionless).</summary>
    public static double operator /(Energy a, Energy b) => a.KilowattHours / b.KilowattHours;

    /// <summary>Compares two energies.</summary>
    public static bool operator <(Energy a, Energy b) => a.KilowattHours < b.KilowattHours;

    /// <summary>Compares two energies.</summary>
    public static bool operator >(Energy a, Energy b) => a.KilowattHours > b.KilowattHours;

    /// <summary>Compares two energies.</summary>
    public static bool operator <=(Energy a, Energy b) => a.KilowattHours <= b.KilowattHours;

    /// <summary>Compares two energies.</summary>
    public static bool operator >=(Energy a, Energy b) => a.KilowattHours >= b.KilowattHours;

    /// <inheritdoc />
    public int CompareTo(Energy other) => KilowattHours.CompareTo(other.KilowattHours);

    /// <summary>Formats as "12.5 kWh" or "3.2 MWh" (invariant culture).</summary>
    public override string ToString() => Math.Abs(KilowattHours) >= 10_000
        ? MegawattHours.ToString("0.###", CultureInfo.InvariantCulture) + " MWh"
        : KilowattHours.ToString("0.###", CultureInfo.InvariantCulture) + " kWh";
}
