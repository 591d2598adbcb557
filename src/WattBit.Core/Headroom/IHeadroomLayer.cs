using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Headroom;

/// <summary>
/// The one headroom layer every face reads (siting, planning, simulation, server, dashboard, CLI): per substation and
/// hour, N-0 and N-1 headroom with the limiting line, and the provisional profile. Implemented by the grid engine
/// (precomputed per hour, served as a lookup); a TSO's uploads override it per node. Implementations are thread-safe.
/// </summary>
public interface IHeadroomLayer
{
    /// <summary>What the layer is built from.</summary>
    HeadroomLayerInfo Info { get; }

    /// <summary>Every substation of the layer, in a stable order.</summary>
    IReadOnlyList<Substation> Substations { get; }

    /// <summary>Finds a substation by id.</summary>
    bool TryGetSubstation(string id, out Substation substation);

    /// <summary>Where the substation's values come from.</summary>
    /// <exception cref="UnknownSubstationException">No substation has this id.</exception>
    HeadroomSource SourceOf(string id);

    /// <summary>
    /// The hours of <paramref name="window"/> that have data, in time order; empty when none has (the caller says
    /// "no data", never zero).
    /// </summary>
    /// <exception cref="UnknownSubstationException">No substation has this id.</exception>
    IReadOnlyList<HeadroomHour> Hourly(string id, TimeWindow window);
}

/// <summary>No substation of the headroom layer has the id asked for.</summary>
public sealed class UnknownSubstationException : KeyNotFoundException
{
    /// <summary>Creates the exception for an id.</summary>
    public UnknownSubstationException(string id)
        : base($"'{id}' is not a substation of the headroom layer.") => Id = id;

    /// <summary>The id asked for.</summary>
    public string Id { get; } = string.Empty;
}

/// <summary>Queries every face shares on top of <see cref="IHeadroomLayer"/>.</summary>
public static class HeadroomLayers
{
    /// <summary>All hours the layer holds for a substation.</summary>
    public static IReadOnlyList<HeadroomHour> AllHours(this IHeadroomLayer layer, string id)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer.Hourly(id, new TimeWindow(layer.Info.First, layer.Info.End));
    }

    /// <summary>The substation's provisional profile (JST hours) over the layer's whole period.</summary>
    public static ProvisionalProfile Profile(this IHeadroomLayer layer, string id) => ProvisionalProfile.Of(layer.AllHours(id));

    /// <summary>What the substation offers a connection of <paramref name="sizeMw"/> over the layer's whole period.</summary>
    public static NodeOffer Offer(this IHeadroomLayer layer, string id, double sizeMw)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (!layer.TryGetSubstation(id, out var s))
        {
            throw new UnknownSubstationException(id);
        }

        return NodeOffer.Of(s, layer.SourceOf(id), layer.AllHours(id), sizeMw);
    }

    /// <summary>What the substation offers a connection of <paramref name="sizeMw"/> over the hours of <paramref name="window"/> (a chosen day, say).</summary>
    /// <exception cref="UnknownSubstationException">No substation has this id.</exception>
    public static NodeOffer Offer(this IHeadroomLayer layer, string id, double sizeMw, TimeWindow window)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (!layer.TryGetSubstation(id, out var s))
        {
            throw new UnknownSubstationException(id);
        }

        return NodeOffer.Of(s, layer.SourceOf(id), layer.Hourly(id, window), sizeMw);
    }

    /// <summary>
    /// The nearest substation with coordinates to <paramref name="point"/> and its distance, km.
    /// </summary>
    /// <exception cref="ArgumentException">No substation with coordinates lies within <paramref name="maxKm"/>.</exception>
    public static (Substation Substation, double Km) Nearest(this IHeadroomLayer layer, GeoPoint point, double maxKm)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Nearest(layer.Substations, point, maxKm, layer.Info.Model);
    }

    /// <summary>
    /// The nearest of <paramref name="substations"/> with coordinates to <paramref name="point"/> and its distance, km
    /// (for a host that knows a model's substations before computing its layer).
    /// </summary>
    /// <param name="substations">The substations.</param>
    /// <param name="point">The site.</param>
    /// <param name="maxKm">The farthest a site may be from its substation, km.</param>
    /// <param name="model">The model's name, for the message.</param>
    /// <exception cref="ArgumentException">No substation with coordinates lies within <paramref name="maxKm"/> (the message names the nearest and its distance).</exception>
    public static (Substation Substation, double Km) Nearest(IEnumerable<Substation> substations, GeoPoint point, double maxKm, string model)
    {
        ArgumentNullException.ThrowIfNull(substations);
        Substation? best = null;
        var bestKm = double.PositiveInfinity;
        foreach (var s in substations)
        {
            if (s.Location is { } p)
            {
                var km = p.DistanceKm(point);
                if (km < bestKm)
                {
                    (best, bestKm) = (s, km);
                }
            }
        }

        return best is null || bestKm > maxKm
            ? throw new ArgumentException(best is null
                ? $"no substation of the headroom layer ({model}) has coordinates."
                : $"no substation of the headroom layer ({model}) lies within {maxKm:0.#} km of {point} (nearest: {best.Id} {best.Name}, {bestKm:0.#} km).", nameof(point))
            : (best, bestKm);
    }
}
