using System.Globalization;

namespace WattBit.Units;

/// <summary>
/// Electric power (a rate of energy). Stored in kilowatts; negative values mean injection into the grid.
/// Immutable and thread-safe.
/// </summary>
public readonly record struct Power : IComparable<Power>
{
    private Power(double kilowatts) => Kilowatts = Guard.Finite(kilowatts, "Power");

    /// <summary>The power in kilowatts (kW).</summary>
    public double Kilowatts { get; }

    /// <summary>The power in megawatts (MW).</summary>
    public double Megawatts => Kilowatts / 1_000.0;

    /// <summary>Zero power.</summary>
    public static Power Zero => default;

    /// <summary>Creates a power from kilowatts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static Power FromKilowatts(double kilowatts) => new(kilowatts);

    /// <summary>Creates a power from megawatts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static Power FromMegawatts(double megawatts) => new(megawatts * 1_000.0);

    /// <summary>Energy delivered by a constant power over a duration: kW x h = kWh.</summary>
    public static Energy operator *(Power power, TimeSpan duration) => Energy.FromKilowattHours(power.Kilowatts * duration.TotalHours);

    /// <summary>Energy delivered by a constant power over a duration: kW x h = kWh.</summary>
    public static Energy operator *(TimeSpan duration, Power power) => power * duration;

    /// <summary>Sum of two powers.</summary>
    public static Power operator +(Power a, Power b) => new(a.Kilowatts + b.Kilowatts);

    /// <summary>Difference of two powers.</summary>
    public static Power operator -(Power a, Power b) => new(a.Kilowatts - b.Kilowatts);

    /// <summary>Negated power.</summary>
    public static Power operator -(Power a) => new(-a.Kilowatts);

    /// <summary>Power scaled by a factor.</summary>
    public static Power operator *(Power a, double factor) => new(a.Kilowatts * factor);

    /// <summary>Power scaled by a factor.</summary>
    public static Power operator *(double factor, Power a) => new(a.Kilowatts * factor);

    /// <summary>Power divided by a factor.</summary>
    public static Power operator /(Power a, double divisor) => new(a.Kilowatts / divisor);

    /// <summary>Ratio of two powers (dimensionless).</summary>
    public static double operator /(Power a, Power b) => a.Kilowatts / b.Kilowatts;

    /// <summary>Compares two powers.</summary>
    public static bool operator <(Power a, Power b) => a.Kilowatts < b.Kilowatts;

    /// <summary>Compares two powers.</summary>
    public static bool operator >(Power a, Power b) => a.Kilowatts > b.Kilowatts;

    /// <summary>Compares two powers.</summary>
    public static bool operator <=(Power a, Power b) => a.Kilowatts <= b.Kilowatts;

    /// <summary>Compares two powers.</summary>
    public static bool operator >=(Power a, Power b) => a.Kilowatts >= b.Kilowatts;

    /// <inheritdoc />
    public int CompareTo(Power other) => Kilowatts.CompareTo(other.Kilowatts);

    /// <summary>Formats as "12.5 kW" or "3.2 MW" (invariant culture).</summary>
    public override string ToString() => Math.Abs(Kilowatts) >= 10_000
        ? Megawatts.ToString("0.###", CultureInfo.InvariantCulture) + " MW"
        : Kilowatts.ToString("0.###", CultureInfo.InvariantCulture) + " kW";
}
