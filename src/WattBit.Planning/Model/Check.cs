using WattBit.Formats;

namespace WattBit.Planning.Model;

/// <summary>Validation helpers whose errors name the offending field, so a scenario reader can point at it.</summary>
internal static class Check
{
    public static double NonNegative(double value, string field) => ModelValidationException.RequireNonNegative(value, field);

    public static double Positive(double value, string field)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ModelValidationException(field, $"{field} must be a positive number (got {value}).");
        }

        return value;
    }

    public static double Fraction(double value, string field, bool allowZero = true)
    {
        if (!double.IsFinite(value) || value > 1 || value < 0 || (!allowZero && value == 0))
        {
            throw new ModelValidationException(field, $"{field} must be within {(allowZero ? "[0, 1]" : "(0, 1]")} (got {value}).");
        }

        return value;
    }

    public static string Id(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ModelValidationException(field, $"{field} must not be empty.");
        }

        return value;
    }
}
