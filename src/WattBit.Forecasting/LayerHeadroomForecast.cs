using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Forecasting;

/// <summary>
/// The forecasting engine behind the Core <see cref="IHeadroomForecast"/> contract (decision 0124): a substation's secure
/// headroom (N-1, else N-0) over the hours of a headroom layer before <see cref="Origin"/> is the history, and the
/// forecaster (the <see cref="RegressionForecaster"/> by default, hourly) gives P10/P50/P90 for the hours from the origin,
/// its quantiles coming from its own out-of-sample errors on that history. The layer's hours at or after the origin are
/// never read. Headroom never negative in the history is never negative in the forecast; the quantiles are ordered.
/// Stateless apart from its inputs and thread-safe (the layer is immutable).
/// </summary>
public sealed class LayerHeadroomForecast : IHeadroomForecast
{
    private readonly IHeadroomLayer _layer;
    private readonly IForecaster _model;

    /// <summary>Creates the forecast.</summary>
    /// <param name="layer">The layer whose hours before <paramref name="origin"/> are the history (at least 12 days of them).</param>
    /// <param name="origin">When the forecast is made: the first hour forecast; on the hour.</param>
    /// <param name="horizonHours">How many hours from the origin are forecast (1-336; default 168, a week).</param>
    /// <param name="model">The forecaster; default the regression forecaster with its default options.</param>
    /// <exception cref="ArgumentOutOfRangeException">The horizon is outside 1-336 hours.</exception>
    /// <exception cref="ArgumentException">The origin is not on the hour of the layer's grid.</exception>
    public LayerHeadroomForecast(IHeadroomLayer layer, DateTimeOffset origin, int horizonHours = 168, IForecaster? model = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizonHours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(horizonHours, 336);
        if ((origin - layer.Info.First).Ticks % TimeSpan.TicksPerHour != 0)
        {
            throw new ArgumentException($"the forecast origin {TimeWindow.Format(origin)} is not on the layer's hours (from {TimeWindow.Format(layer.Info.First)}).", nameof(origin));
        }

        _layer = layer;
        _model = model ?? new RegressionForecaster();
        Origin = origin;
        HorizonHours = horizonHours;
    }

    /// <summary>The first hour forecast; the layer's hours before it are the history.</summary>
    public DateTimeOffset Origin { get; }

    /// <summary>Hours forecast from the origin.</summary>
    public int HorizonHours { get; }

    /// <summary>What the quantiles come from, for source labels.</summary>
    public string Name => $"forecasting engine ({_model.Name}) on the layer's secure headroom before {TimeWindow.Format(Origin)}";

    /// <inheritdoc />
    /// <remarks>Empty when the window has no hour in [origin, origin + horizon) or the substation has too little history
    /// (fewer than 12 days with data before the origin): "no data", never zero.</remarks>
    public IReadOnlyList<HeadroomQuantiles> Forecast(string substationId, TimeWindow window)
    {
        ArgumentNullException.ThrowIfNull(substationId);
        var end = Origin.AddHours(HorizonHours);
        var from = window.Start > Origin ? window.Start : Origin;
        var to = window.End < end ? window.End : end;
        var first = _layer.Info.First;
        // Unknown ids throw here, before anything else (the contract).
        var hours = _layer.Hourly(substationId, new TimeWindow(first, Origin > first ? Origin : first));
        if (to <= from || hours.Count == 0)
        {
            return [];
        }

        var values = new double[(int)Math.Round((Origin - first).TotalHours)];
        Array.Fill(values, double.NaN);
        foreach (var h in hours)
        {
            values[(int)Math.Round((h.Start - first).TotalHours)] = h.SecureMw;
        }

        var history = TimeSeries.Wrap(first, TimeSpan.FromHours(1), values, SeriesUnit.Megawatts, $"headroom {substationId}");
        var steps = (int)Math.Ceiling((to - Origin).TotalHours);
        ProbabilisticForecast f;
        try
        {
            f = _model.Forecast(new ForecastRequest(history, Origin, steps, [0.1, 0.5, 0.9]));
        }
        catch (InsufficientHistoryException)
        {
            return [];
        }

        var p10 = f.Quantile(0.1).Values;
        var p50 = f.Quantile(0.5).Values;
        var p90 = f.Quantile(0.9).Values;
        var result = new List<HeadroomQuantiles>(steps);
        for (var k = (int)Math.Floor((from - Origin).TotalHours); k < steps; k++)
        {
            // The empirical quantiles are ordered by construction; clamp anyway so rounding never inverts them.
            var lo = Math.Min(p10[k], p50[k]);
            var hi = Math.Max(p90[k], p50[k]);
            result.Add(new HeadroomQuantiles(Origin.AddHours(k), lo, p50[k], hi));
        }

        return result;
    }
}
