using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Forecasting;

/// <summary>
/// The forecasting engine behind the Core <see cref="ISignalForecaster"/> contract: a <see cref="IForecaster"/> (the
/// <see cref="RegressionForecaster"/> by default) giving P10/P50/P90. Stateless and thread-safe.
/// </summary>
/// <param name="model">The model (default: the regression forecaster with its default options).</param>
public sealed class SignalForecaster(IForecaster? model = null) : ISignalForecaster
{
    private readonly IForecaster _model = model ?? new RegressionForecaster();

    /// <inheritdoc/>
    public string Name => $"forecasting engine ({_model.Name})";

    /// <inheritdoc/>
    public QuantileSeries? Forecast(TimeSeries history, DateTimeOffset origin, int steps)
    {
        ArgumentNullException.ThrowIfNull(history);
        ProbabilisticForecast f;
        try
        {
            f = _model.Forecast(new ForecastRequest(history, origin, steps));
        }
        catch (InsufficientHistoryException)
        {
            return null;
        }

        return new QuantileSeries(f.Median, [new(0.1, f.Quantile(0.1)), new(0.9, f.Quantile(0.9))]);
    }
}
