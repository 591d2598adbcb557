using System.Globalization;

namespace WattBit.Units;

/// <summary>An amount of money in Japanese yen (JPY); may be negative. Immutable and thread-safe.</summary>
public readonly record struct Money : IComparable<Money>
{
    private Money(double yen) => Yen = Guard.Finite(yen, "Money");

    /// <summary>The amount in yen.</summary>
    public double Yen { get; }

    /// <summary>No money.</summary>
    public static Money Zero => default;

    /// <summary>Creates an amount from yen.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static Money FromYen(double yen) => new(yen);

    /// <summary>Sum of two amounts.</summary>
    public static Money operator +(Money a, Money b) => new(a.Yen + b.Yen);

    /// <summary>Difference of two amounts.</summary>
    public static Money operator -(Money a, Money b) => new(a.Yen - b.Yen);

    /// <summary>Amount scaled by a factor.</summary>
    public static Money operator *(Money a, double factor) => new(a.Yen * factor);

    /// <summary>Average price of this amount over an energy: JPY / kWh.</summary>
    public static EnergyPrice operator /(Money money, Energy energy) => EnergyPrice.FromYenPerKilowattHour(money.Yen / energy.KilowattHours);

    /// <summary>Ratio of two amounts (dimensionless).</summary>
    public static double operator /(Money a, Money b) => a.Yen / b.Yen;

    /// <summary>Compares two amounts.</summary>
    public static bool operator <(Money a, Money b) => a.Yen < b.Yen;

    /// <summary>Compares two amounts.</summary>
    public static bool operator >(Money a, Money b) => a.Yen > b.Yen;

    /// <summary>Compares two amounts.</summary>
    public static bool operator <=(Money a, Money b) => a.Yen <= b.Yen;

    /// <summary>Compares two amounts.</summary>
    public static bool operator >=(Money a, Money b) => a.Yen >= b.Yen;

    /// <inheritdoc />
    public int CompareTo(Money other) => Yen.CompareTo(other.Yen);

    /// <summary>Formats as "1,234 JPY".</summary>
    public override string ToString() => Yen.ToString("#,0.##", CultureInfo.InvariantCulture) + " JPY";
}
