using WattBit.Time;

namespace WattBit.Forecasting;

/// <summary>
/// A forecast from <see cref="Origin"/> for the next <see cref="Steps"/> steps, as quantiles: for each level q in
/// <see cref="Levels"/> (0 &lt; q &lt; 1, ascending) a series whose value at a step is the forecast value that the actual is
/// expected to fall below with probability q. Quantiles never cross. Values are in the unit of the forecast series.
/// Immutable and thread-safe.
/// </summary>
public sealed class ProbabilisticForecast
{
    private readonly double[][] _quantiles;

    /// <summary>Creates a forecast; <paramref name="quantiles"/>[l][k] is the level-l quantile for step k (taken over, not copied).</summary>
    /// <exception cref="ArgumentException">The levels are not strictly ascending inside (0, 1), the arrays do not match, or quantiles cross.</exception>
    public ProbabilisticForecast(string model, DateTimeOffset origin, TimeSpan step, IReadOnlyList<double> levels, double[][] quantiles, SeriesUnit unit, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(quantiles);
        ArgumentNullException.ThrowIfNull(unit);
        ForecastLevels.Check(levels);
        if (quantiles.Length != levels.Count || quantiles.Length == 0)
        {
            throw new ArgumentException("One quantile array is needed per level.", nameof(quantiles));
        }

        var steps = quantiles[0].Length;
        for (var l = 0; l < quantiles.Length; l++)
        {
            if (quantiles[l].Length != steps)
            {
                throw new ArgumentException("Every quantile array must have the same length.", nameof(quantiles));
            }

            for (var k = 0; l > 0 && k < steps; k++)
            {
                if (quantiles[l][k] < quantiles[l - 1][k])
                {
                    throw new ArgumentException($"Quantiles cross at step {k}: q{levels[l - 1]} = {quantiles[l - 1][k]} > q{levels[l]} = {quantiles[l][k]}.", nameof(quantiles));
                }
            }
        }

        Model = model;
        Origin = origin;
        Step = step;
        Levels = [.. levels];
        _quantiles = quantiles;
        Unit = unit;
        Name = name ?? "forecast";
    }

    /// <summary>The name of the model that made the forecast.</summary>
    public string Model { get; }

    /// <summary>The instant the forecast was made: everything before it was known. The first step starts here.</summary>
    public DateTimeOffset Origin { get; }

    /// <summary>The step of the forecast series.</summary>
    public TimeSpan Step { get; }

    /// <summary>The number of steps forecast.</summary>
    public int Steps => _quantiles[0].Length;

    /// <summary>The quantile levels, ascending.</summary>
    public IReadOnlyList<double> Levels { get; }

    /// <summary>The unit of the values.</summary>
    public SeriesUnit Unit { get; }

    /// <summary>The name of the forecast series (for example "TK/demand").</summary>
    public string Name { get; }

    /// <summary>The level-<paramref name="level"/> quantile at step <paramref name="step"/> (0-based; step 0 starts at the origin).</summary>
    /// <exception cref="ArgumentException">The level was not forecast.</exception>
    public double Value(double level, int step) => _quantiles[IndexOf(level)][step];

    /// <summary>The quantile at level index <paramref name="levelIndex"/> and step <paramref name="step"/>.</summary>
    public double ValueAt(int levelIndex, int step) => _quantiles[levelIndex][step];

    /// <summary>The level-<paramref name="level"/> quantile as a series starting at the origin.</summary>
    /// <exception cref="ArgumentException">The level was not forecast.</exception>
    public TimeSeries Quantile(double level) => new(Origin, Step, _quantiles[IndexOf(level)], Unit, $"{Name} P{level * 100:0.#}");

    /// <summary>The median (P50), which every forecaster in this library produces.</summary>
    /// <exception cref="ArgumentException">0.5 was not forecast.</exception>
    public TimeSeries Median => Quantile(0.5);

    private int IndexOf(double level)
    {
        for (var i = 0; i < Levels.Count; i++)
        {
            if (Math.Abs(Levels[i] - level) < 1e-9)
            {
                return i;
            }
        }

        throw new ArgumentException($"The forecast has no P{level * 100:0.#} (levels: {string.Join(", ", Levels)}).", nameof(level));
    }
}

/// <summary>Quantile levels.</summary>
public static class ForecastLevels
{
    /// <summary>P10, P50 and P90: the levels used unless asked otherwise.</summary>
    public static IReadOnlyList<double> Default { get; } = [0.1, 0.5, 0.9];

    /// <summary>Checks that levels are strictly ascending inside (0, 1) and include 0.5.</summary>
    /// <exception cref="ArgumentException">They are not.</exception>
    public static void Check(IReadOnlyList<double> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var hasMedian = false;
        for (var i = 0; i < levels.Count; i++)
        {
            if (!(levels[i] > 0 && levels[i] < 1) || (i > 0 && levels[i] <= levels[i - 1]))
            {
                throw new ArgumentException($"Quantile levels must be strictly ascending inside (0, 1): {string.Join(", ", levels)}.", nameof(levels));
            }

            hasMedian |= Math.Abs(levels[i] - 0.5) < 1e-9;
        }

        if (!hasMedian)
        {
            throw new ArgumentException("Quantile levels must include 0.5 (the median).", nameof(levels));
        }
    }
}
