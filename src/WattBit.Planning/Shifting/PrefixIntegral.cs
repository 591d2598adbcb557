using WattBit.Time;

namespace WattBit.Planning.Shifting;

/// <summary>
/// Cumulative integral of one piecewise-constant series, so the integral over any [a, b) costs O(1): the tool that
/// makes every candidate placement exact, partial steps at the edges included. Immutable and thread-safe.
/// </summary>
internal sealed class PrefixIntegral
{
    private readonly long _start;
    private readonly long _step;
    private readonly double[] _values;
    private readonly double[] _prefix;
    private readonly int[] _missingPrefix;

    public PrefixIntegral(TimeSeries series)
    {
        _start = series.Start.UtcTicks;
        _step = series.Step.Ticks;
        _values = series.Values.ToArray();
        _prefix = new double[_values.Length + 1];
        _missingPrefix = new int[_values.Length + 1];
        var stepHours = (double)_step / TimeSpan.TicksPerHour;
        for (var i = 0; i < _values.Length; i++)
        {
            var missing = double.IsNaN(_values[i]);
            _prefix[i + 1] = _prefix[i] + (missing ? 0 : _values[i] * stepHours);
            _missingPrefix[i + 1] = _missingPrefix[i] + (missing ? 1 : 0);
        }
    }

    /// <summary>Start of the series in UTC ticks.</summary>
    public long Start => _start;

    /// <summary>Step in ticks.</summary>
    public long Step => _step;

    /// <summary>Number of steps.</summary>
    public int Count => _values.Length;

    /// <summary>The value of step <paramref name="index"/>.</summary>
    public double Value(int index) => _values[index];

    /// <summary>∫ from the series start to <paramref name="ticks"/> (UTC ticks inside the series), in value·hours.</summary>
    public double At(long ticks)
    {
        var rel = ticks - _start;
        var i = (int)(rel / _step);
        return i >= _values.Length
            ? _prefix[_values.Length]
            : _prefix[i] + (_values[i] * (rel - (i * _step)) / TimeSpan.TicksPerHour);
    }

    /// <summary>∫ over [a, b) in value·hours.</summary>
    public double Over(long a, long b) => At(b) - At(a);

    /// <summary>True when a step overlapping [a, b) has no value.</summary>
    public bool HasMissing(long a, long b)
    {
        var first = (int)((a - _start) / _step);
        var last = (int)((b - 1 - _start) / _step);
        return _missingPrefix[last + 1] - _missingPrefix[first] > 0;
    }

    /// <summary>Index of the first step boundary strictly after <paramref name="ticks"/> (may equal Count).</summary>
    public int BoundaryAfter(long ticks) => (int)((ticks - _start) / _step) + 1;

    /// <summary>The UTC ticks of boundary <paramref name="index"/> (the start of step <paramref name="index"/>).</summary>
    public long Boundary(int index) => _start + (index * _step);
}
