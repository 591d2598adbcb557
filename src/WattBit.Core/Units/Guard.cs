namespace WattBit.Units;

/// <summary>Argument checks shared by the unit types.</summary>
internal static class Guard
{
    /// <summary>Returns <paramref name="value"/> when it is a finite number; throws otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN or infinite.</exception>
    public static double Finite(double value, string quantity)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{quantity} must be a finite number.");
        }

        return value;
    }

    /// <summary>Returns <paramref name="value"/> when it is finite and not negative; throws otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is NaN, infinite or negative.</exception>
    public static double FiniteNonNegative(double value, string quantity)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{quantity} must be a finite, non-negative number.");
        }

        return value;
    }
}
