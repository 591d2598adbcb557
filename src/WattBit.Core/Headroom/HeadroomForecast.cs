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
