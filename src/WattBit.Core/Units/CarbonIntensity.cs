using System.Globalization;

namespace WattBit.Units;

/// <summary>Carbon intensity of electricity in grams of CO2(-equivalent) per kWh; never negative. Immutable and thread-safe.</summary>
public readonly record struct CarbonIntensity : IComparable<CarbonIntensity>
{
    private CarbonIntensity(double gramsPerKilowattHour) =>
        GramsPerKilowattHour = Guard.FiniteNonNegative(gramsPerKilowattHour, "Carbon intensity");

    /// <summary>The intensity in gCO2/kWh (numerically equal to kgCO2/MWh).</summary>
    public double GramsPerKilowattHour { get; }

    /// <summary>Creates an intensity from gCO2/kWh.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite or negative.</exception>
    public static CarbonIntensity FromGramsPerKilowattHour(double value) => new(value);

    /// <summary>Compares two intensities.</summary>
    public static bool operator <(CarbonIntensity a, CarbonIntensity b) => a.GramsPerKilowattHour < b.GramsPerKilowattHour;

    /// <summary>Compares two intensities.</summary>
    public static bool operator >(CarbonIntensity a, CarbonIntensity b) => a.GramsPerKilowattHour > b.GramsPerKilowattHour;

    /// <summary>Compares two intensities.</summary>
    public static bool operator <=(CarbonIntensity a, CarbonIntensity b) => a.GramsPerKilowattHour <= b.GramsPerKilowattHour;

    /// <summary>Compares two intensities.</summary>
    public static bool operator >=(CarbonIntensity a, CarbonIntensity b) => a.GramsPerKilowattHour >= b.GramsPerKilowattHour;

    /// <inheritdoc />
    public int CompareTo(CarbonIntensity other) => GramsPerKilowattHour.CompareTo(other.GramsPerKilowattHour);

    /// <summary>Formats as "452.1 gCO2/kWh".</summary>
    public override string ToString() => GramsPerKilowattHour.ToString("0.###", CultureInfo.InvariantCulture) + " gCO2/kWh";
}
