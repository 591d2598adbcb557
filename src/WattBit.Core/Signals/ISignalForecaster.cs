using WattBit.Time;

namespace WattBit.Signals;

/// <summary>
/// Probabilistic forecasts of a signal series (carbon intensity, price, headroom...) from its own history: the contract
/// through which an engine that plans on forecasts (the simulator) reads the forecasting engine without referencing it;
/// hosts compose the implementation. Implementations are stateless and thread-safe.
/// </summary>
public interface ISignalForecaster
{
    /// <summary>A short name for reports (for example "wattbit regression").</summary>
    string Name { get; }

    /// <summary>
    /// P10, P50 (the central series) and P90 of <paramref name="history"/> for <paramref name="steps"/> steps from
    /// <paramref name="origin"/>, knowing only the values that start before the origin; null when the history before
    /// the origin is too short for the model (the caller says what it used instead).
    /// </summary>
    /// <param name="history">The observed series (NaN = missing); values at or after the origin are ignored.</param>
    /// <param name="origin">When the forecast is made, on the series' grid.</param>
    /// <param name="steps">Steps to forecast (at most 48 h).</param>
    /// <exception cref="SeriesAlignmentException">The origin is off the series' grid.</exception>
    QuantileSeries? Forecast(TimeSeries history, DateTimeOffset origin, int steps);
}
