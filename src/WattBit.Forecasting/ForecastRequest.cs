using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Forecasting;

/// <summary>
/// What a forecaster is asked: forecast <see cref="History"/> for <see cref="Steps"/> steps from <see cref="Origin"/>,
/// knowing only the values that start before the origin. <see cref="Exogenous"/> are optional explanatory series
/// (temperature, irradiance forecasts...) that must be on the history's grid and cover the history and the horizon;
/// their values at a step are taken as known when forecasting it. Immutable.
/// </summary>
public sealed record ForecastRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="history">The observed series; values at or after <paramref name="origin"/> are ignored. NaN = missing.</param>
    /// <param name="origin">When the forecast is made; must be on the history's grid.</param>
    /// <param name="steps">How many steps to forecast (for example 96 half hours = 48 h).</param>
    /// <param name="levels">Quantile levels; null = P10, P50, P90.</param>
    /// <param name="exogenous">Optional explanatory series on the same grid.</param>
    /// <exception cref="ArgumentOutOfRangeException">Steps is not positive.</exception>
    /// <exception cref="SeriesAlignmentException">The origin is off the history's grid, or an exogenous series has another step or start grid.</exception>
    public ForecastRequest(TimeSeries history, DateTimeOffset origin, int steps, IReadOnlyList<double>? levels = null, IReadOnlyList<TimeSeries>? exogenous = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        levels ??= ForecastLevels.Default;
        ForecastLevels.Check(levels);
        if ((origin - history.Start).Ticks % history.Step.Ticks != 0)
        {
            throw new SeriesAlignmentException($"{history.Name}: origin {Iso8601.Format(origin)} is not on the series' {TimeSeries.FormatStep(history.Step)} grid.");
        }

        foreach (var x in exogenous ?? [])
        {
            if (x.Step != history.Step || (x.Start - history.Start).Ticks % history.Step.Ticks != 0)
            {
                throw new SeriesAlignmentException(
                    $"exogenous series {x.Name} (step {TimeSeries.FormatStep(x.Step)}, from {Iso8601.Format(x.Start)}) is not on the grid of {history.Name}; resample it first.");
            }
        }

        History = history;
        Origin = origin;
        Steps = steps;
        Levels = levels;
        Exogenous = exogenous ?? [];
    }

    /// <summary>The observed series.</summary>
    public TimeSeries History { get; }

    /// <summary>When the forecast is made.</summary>
    public DateTimeOffset Origin { get; }

    /// <summary>How many steps to forecast.</summary>
    public int Steps { get; }

    /// <summary>The quantile levels to produce.</summary>
    public IReadOnlyList<double> Levels { get; }

    /// <summary>Explanatory series on the history's grid (may be empty).</summary>
    public IReadOnlyList<TimeSeries> Exogenous { get; }
}

/// <summary>A model that makes probabilistic forecasts. Implementations are stateless and thread-safe.</summary>
public interface IForecaster
{
    /// <summary>A short name for tables ("wattbit", "persistence", "seasonal-naive").</summary>
    string Name { get; }

    /// <summary>Forecasts the request's series from its origin.</summary>
    /// <exception cref="InsufficientHistoryException">Too little history before the origin.</exception>
    ProbabilisticForecast Forecast(ForecastRequest request);
}

/// <summary>Thrown when a forecaster needs more history before the origin than the series has.</summary>
public sealed class InsufficientHistoryException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public InsufficientHistoryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InsufficientHistoryException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public InsufficientHistoryException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
