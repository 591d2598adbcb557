using System.Globalization;

namespace WattBit.Units;

/// <summary>A price of electric energy in yen per kWh (JEPX quotes JPY/kWh); may be negative. Immutable and thread-safe.</summary>
public readonly record struct EnergyPrice : IComparable<EnergyPrice>
{
    private EnergyPrice(double yenPerKilowattHour) => YenPerKilowattHour = Guard.Finite(yenPerKilowattHour, "Energy price");

    /// <summary>The price in JPY/kWh.</summary>
    public double YenPerKilowattHour { get; }

    /// <summary>Creates a price from JPY/kWh.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static EnergyPrice FromYenPerKilowattHour(double value) => new(value);

    /// <summary>Compares two prices.</summary>
    public static bool operator <(EnergyPrice a, EnergyPrice b) => a.YenPerKilowattHour < b.YenPerKilowattHour;

    /// <summary>Compares two prices.</summary>
    public static bool operator >(EnergyPrice a, EnergyPrice b) => a.YenPerKilowattHour > b.YenPerKilowattHour;

    /// <summary>Compares two prices.</summary>
    public static bool operator <=(EnergyPrice a, EnergyPrice b) => a.YenPerKilowattHour <= b.YenPerKilowattHour;

    /// <summary>Compares two prices.</summary>
    public static bool operator >=(EnergyPrice a, EnergyPrice b) => a.YenPerKilowattHour >= b.YenPerKilowattHour;

    /// <inheritdoc />
    public int CompareTo(EnergyPrice other) => YenPerKilowattHour.CompareTo(other.YenPerKilowattHour);

    /// <summary>Formats as "12.34 JPY/kWh".</summary>
    public override string ToString() => YenPerKilowattHour.ToString("0.###", CultureInfo.InvariantCulture) + " JPY/kWh";
}
