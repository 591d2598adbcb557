using WattBit.Time;

namespace WattBit.Headroom;

/// <summary>Forecast quantiles of one substation's secure headroom for one hour, MW.</summary>
/// <param name="Start">Start of the hour.</param>
/// <param name="P10Mw">10 % quantile.</param>
/// <param name="P50Mw">Median.</param>
/// <param name="P90Mw">90 % quantile.</param>
public readonly record struct HeadroomQuantiles(DateTimeOffset Start, double P10Mw, double P50Mw, double P90Mw);

/// <summary>
/// The hook through which the forecasting engine gives headroom quantiles for the layer's substations; hosts compose
/// it with the layer (the grid engine does not forecast).
/// </summary>
public interface IHeadroomForecast
{
    /// <summary>Quantiles for the hours of <paramref name="window"/> the forecast covers; empty when none.</summary>
    /// <exception cref="UnknownSubstationException">No substation has this id.</exception>
    IReadOnlyList<HeadroomQuantiles> Forecast(string substationId, TimeWindow window);
}

/// <summary>Reading an <see cref="IHeadroomForecast"/> onto an hourly grid: the one conversion every face uses. Stateless.</summary>
public static class HeadroomForecasts
{
    /// <summary>
    /// The forecast's P10, P50 and P90 of <paramref name="substationId"/> for <paramref name="hours"/> hours from
    /// <paramref name="start"/> (index = hours from the start); a negative quantile counts as 0 MW (no room), an hour the
    /// forecast does not cover is NaN.
    /// </summary>
    /// <exception cref="UnknownSubstationException">No substation has this id.</exception>
    public static (double[] P10, double[] P50, double[] P90) Hourly(IHeadroomForecast forecast, string substationId, DateTimeOffset start, int hours)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(substationId);
        ArgumentOutOfRangeException.ThrowIfNegative(hours);
        var p10 = new double[hours];
        var p50 = new double[hours];
        var p90 = new double[hours];
        Array.Fill(p10, double.NaN);
        Array.Fill(p50, double.NaN);
        Array.Fill(p90, double.NaN);
        foreach (var h in forecast.Forecast(substationId, TimeWindow.FromDuration(start, TimeSpan.FromHours(hours))))
        {
            var t = (int)Math.Round((h.Start - start).TotalHours);
            if (t >= 0 && t < hours)
            {
                (p10[t], p50[t], p90[t]) = (Math.Max(0, h.P10Mw), Math.Max(0, h.P50Mw), Math.Max(0, h.P90Mw));
            }
        }

        return (p10, p50, p90);
    }
}
