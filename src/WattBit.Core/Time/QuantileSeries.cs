using WattBit.Formats;

namespace WattBit.Time;

/// <summary>
/// A forecast given as a central series plus optional quantile series (each a plain <see cref="TimeSeries"/> aligned
/// with the central one). <see cref="AtLevel"/> interpolates linearly between the given levels; outside them it clamps
/// to the nearest given level, which <see cref="CoversLevel"/> lets a caller detect. Immutable.
/// </summary>
public sealed class QuantileSeries
{
    private readonly (double Level, TimeSeries Series)[] _quantiles;

    /// <summary>Creates the forecast.</summary>
    /// <param name="central">The central (median or point) forecast.</param>
    /// <param name="quantiles">Quantile series keyed by level in (0, 1); may be empty.</param>
    /// <exception cref="ModelValidationException">A level is outside (0, 1) or repeated.</exception>
    /// <exception cref="SeriesAlignmentException">A quantile series is not aligned with the central one.</exception>
    public QuantileSeries(TimeSeries central, IEnumerable<KeyValuePair<double, TimeSeries>>? quantiles = null)
    {
        ArgumentNullException.ThrowIfNull(central);
        Central = central;
        var list = new List<(double, TimeSeries)>();
        foreach (var (level, series) in quantiles ?? [])
        {
            if (!(level is > 0 and < 1))
            {
                throw new ModelValidationException("quantiles", $"quantile level {level} must lie strictly between 0 and 1.");
            }

            central.EnsureAlignedWith(series);
            list.Add((level, series));
        }

        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Item1 == list[i - 1].Item1)
            {
                throw new ModelValidationException("quantiles", $"quantile level {list[i].Item1} appears twice.");
            }
        }

        _quantiles = [.. list];
    }

    /// <summary>The central forecast.</summary>
    public TimeSeries Central { get; }

    /// <summary>The quantile levels given, ascending.</summary>
    public IReadOnlyList<double> Levels => Array.ConvertAll(_quantiles, q => q.Level);

    /// <summary>True when <paramref name="level"/> lies within the given quantile levels (no clamping needed).</summary>
    public bool CoversLevel(double level) =>
        _quantiles.Length > 0 && level >= _quantiles[0].Level - 1e-12 && level <= _quantiles[^1].Level + 1e-12;

    /// <summary>
    /// The value at step <paramref name="index"/> of the quantile at <paramref name="level"/>: linear interpolation
    /// between given levels, clamped at the ends; with no quantiles, the central value.
    /// </summary>
    public double AtLevel(int index, double level)
    {
        if (_quantiles.Length == 0)
        {
            return Central[index];
        }

        if (level <= _quantiles[0].Level)
        {
            return _quantiles[0].Series[index];
        }

        if (level >= _quantiles[^1].Level)
        {
            return _quantiles[^1].Series[index];
        }

        var hi = 1;
        while (_quantiles[hi].Level < level)
        {
            hi++;
        }

        var (l0, s0) = _quantiles[hi - 1];
        var (l1, s1) = _quantiles[hi];
        var w = (level - l0) / (l1 - l0);
        return s0[index] + (w * (s1[index] - s0[index]));
    }
}
