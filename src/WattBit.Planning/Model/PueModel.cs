using WattBit.Formats;

namespace WattBit.Planning.Model;

/// <summary>
/// Power usage effectiveness as a function of outside temperature: <see cref="BasePue"/> up to
/// <see cref="ThresholdCelsius"/>, rising by <see cref="PerDegreeAbove"/> for each degree above it (cooling works
/// harder). A constant PUE has <see cref="PerDegreeAbove"/> = 0. Immutable.
/// </summary>
public sealed record PueModel
{
    /// <summary>Creates a PUE model.</summary>
    /// <param name="basePue">PUE at or below the threshold; at least 1.</param>
    /// <param name="perDegreeAbove">Increase of PUE per degree Celsius above the threshold; non-negative; default 0.</param>
    /// <param name="thresholdCelsius">Temperature above which PUE rises; default 20 degrees C.</param>
    /// <exception cref="ModelValidationException">A value is out of range.</exception>
    public PueModel(double basePue, double perDegreeAbove = 0, double thresholdCelsius = 20)
    {
        if (!double.IsFinite(basePue) || basePue < 1)
        {
            throw new ModelValidationException("pue", $"pue must be at least 1.0 (got {basePue}).");
        }

        Check.NonNegative(perDegreeAbove, "pue_per_degree");
        if (!double.IsFinite(thresholdCelsius))
        {
            throw new ModelValidationException("pue_threshold_c", "pue_threshold_c must be a finite temperature.");
        }

        BasePue = basePue;
        PerDegreeAbove = perDegreeAbove;
        ThresholdCelsius = thresholdCelsius;
    }

    /// <summary>PUE at or below the threshold temperature.</summary>
    public double BasePue { get; }

    /// <summary>Rise of PUE per degree Celsius above the threshold.</summary>
    public double PerDegreeAbove { get; }

    /// <summary>Temperature in degrees Celsius above which PUE rises.</summary>
    public double ThresholdCelsius { get; }

    /// <summary>PUE at an outside temperature (degrees Celsius); NaN (unknown temperature) gives the base PUE.</summary>
    public double At(double outsideCelsius) =>
        double.IsNaN(outsideCelsius) ? BasePue : BasePue + (PerDegreeAbove * Math.Max(0, outsideCelsius - ThresholdCelsius));
}
