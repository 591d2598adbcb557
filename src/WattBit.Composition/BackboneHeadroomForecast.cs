using System.Collections.Concurrent;
using WattBit.Data.Reference;
using WattBit.Forecasting;
using WattBit.Grid.Japan;
using WattBit.Grid.Layer;
using WattBit.Headroom;
using WattBit.Time;

namespace WattBit.Composition;

/// <summary>
/// The forecasting engine's P10/P50/P90 of the Japan backbone's secure headroom from <see cref="Origin"/> (decision
/// 0124), written once for every face (decision 0168): a substation's history is its model hours of the
/// <see cref="HistoryDays"/> days before the origin, the backbone's loads driven by the reference years' demand of the
/// modelled areas (seed <see cref="Seed"/>, across a fiscal year's start if need be), and
/// <see cref="LayerHeadroomForecast"/> forecasts from it. Each substation's history is computed at its first question and
/// kept. The server's quantiles route and the planner's flexible connections (<c>wattbit plan</c>) read it. Thread-safe.
/// </summary>
public sealed class BackboneHeadroomForecast : IHeadroomForecast
{
    /// <summary>Days of the model's hours before the origin that are the history.</summary>
    public const int HistoryDays = 28;

    private readonly ConcurrentDictionary<string, Lazy<LayerHeadroomForecast>> _bySubstation = new(StringComparer.Ordinal);

    /// <summary>Creates the forecast; nothing is computed until a substation is asked for.</summary>
    /// <param name="origin">The first hour forecast.</param>
    /// <param name="seed">Seed of the reference years that drive the history.</param>
    /// <param name="horizonHours">Hours forecast from the origin (1-336).</param>
    public BackboneHeadroomForecast(DateTimeOffset origin, int seed, int horizonHours = 168)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizonHours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(horizonHours, 336);
        Origin = origin;
        Seed = seed;
        HorizonHours = horizonHours;
        var first = ReferenceYear.FiscalYearOf(origin.AddDays(-HistoryDays));
        var last = ReferenceYear.FiscalYearOf(origin.AddTicks(-1));
        History = $"reference years FY{first}{(last != first ? $"-FY{last}" : string.Empty)} (seed {seed}), demand of the modelled areas";
    }

    /// <summary>The first hour forecast.</summary>
    public DateTimeOffset Origin { get; }

    /// <summary>Seed of the reference years.</summary>
    public int Seed { get; }

    /// <summary>Hours forecast from the origin.</summary>
    public int HorizonHours { get; }

    /// <summary>What the history's loads follow, for labels.</summary>
    public string History { get; }

    /// <summary>The forecasting engine on one substation's history (computed at the first question).</summary>
    /// <exception cref="UnknownSubstationException">The id is not a substation of the backbone.</exception>
    public LayerHeadroomForecast For(string substationId)
    {
        ArgumentNullException.ThrowIfNull(substationId);
        var lazy = _bySubstation.GetOrAdd(substationId, id => new Lazy<LayerHeadroomForecast>(() => Compute(id)));
        try
        {
            return lazy.Value;
        }
        catch (UnknownSubstationException)
        {
            _bySubstation.TryRemove(substationId, out _);
            throw;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<HeadroomQuantiles> Forecast(string substationId, TimeWindow window) => For(substationId).Forecast(substationId, window);

    private LayerHeadroomForecast Compute(string id)
    {
        var model = JapanBackbone.LoadDefault();
        var demand = ReferenceYear.TotalDemandHourly(model.Buses.Select(b => b.Area).Distinct(), Seed, new TimeWindow(Origin.AddDays(-HistoryDays), Origin));
        var layer = JapanLayer.Compute(model, demand, History, [id], maxParallelism: 1);
        return new LayerHeadroomForecast(layer, Origin, HorizonHours);
    }
}
