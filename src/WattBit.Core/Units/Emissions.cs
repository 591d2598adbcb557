using System.Globalization;

namespace WattBit.Units;

/// <summary>A mass of CO2(-equivalent) emitted. Stored in grams; negative values mean avoided emissions. Immutable and thread-safe.</summary>
public readonly record struct Emissions : IComparable<Emissions>
{
    private Emissions(double grams) => Grams = Guard.Finite(grams, "Emissions");

    /// <summary>The mass in grams of CO2.</summary>
    public double Grams { get; }

    /// <summary>The mass in kilograms of CO2.</summary>
    public double Kilograms => Grams / 1_000.0;

    /// <summary>The mass in tonnes of CO2.</summary>
    public double Tonnes => Grams / 1_000_000.0;

    /// <summary>No emissions.</summary>
    public static Emissions Zero => default;

    /// <summary>Creates emissions from grams of CO2.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static Emissions FromGrams(double grams) => new(grams);

    /// <summary>Creates emissions from kilograms of CO2.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static Emissions FromKilograms(double kilograms) => new(kilograms * 1_000.0);

    /// <summary>Average intensity of these emissions over an energy: g / kWh.</summary>
    public static CarbonIntensity operator /(Emissions emissions, Energy energy) =>
        CarbonIntensity.FromGramsPerKilowattHour(emissions.Grams / energy.KilowattHours);

    /// <summary>Sum of two masses.</summary>
    public static Emissions operator +(Emissions a, Emissions b) => new(a.Grams + b.Grams);

    /// <summary>Difference of two masses.</summary>
    public static Emissions operator -(Emissions a, Emissions b) => new(a.Grams - b.Grams);

    /// <summary>Ratio of two masses (dimensionless).</summary>
    public static double operator /(Emissions a, Emissions b) => a.Grams / b.Grams;

    /// <summary>Compares two masses.</summary>
    public static bool operator <(Emissions a, Emissions b) => a.Grams < b.Grams;

    /// <summary>Compares two masses.</summary>
    public static bool operator >(Emissions a, Emissions b) => a.Grams > b.Grams;

    /// <summary>Compares two masses.</summary>
    public static bool operator <=(Emissions a, Emissions b) => a.Grams <= b.Grams;

    /// <summary>Compares two masses.</summary>
    public static bool operator >=(Emissions a, Emissions b) => a.Grams >= b.Grams;

    /// <inheritdoc />
    public int CompareTo(Emissions other) => Grams.CompareTo(other.Grams);

    /// <summary>Formats as "12.3 kgCO2" or "4.5 tCO2".</summary>
    public override string ToString() => Math.Abs(Grams) >= 10_000_000
        ? Tonnes.ToString("0.###", CultureInfo.InvariantCulture) + " tCO2"
        : Kilograms.ToString("0.###", CultureInfo.InvariantCulture) + " kgCO2";
}
