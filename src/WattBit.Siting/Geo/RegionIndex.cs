using WattBit.Sites;

namespace WattBit.Siting.Geo;

/// <summary>How a point was matched to a region.</summary>
public enum RegionMatch
{
    /// <summary>The point lies inside the region's polygons.</summary>
    Inside,

    /// <summary>The point lies outside every polygon but within the coastline tolerance of this region (a simplified coast or a pier).</summary>
    NearCoast,
}

/// <summary>A region found for a point.</summary>
/// <typeparam name="T">The region's value (a prefecture, a TSO area).</typeparam>
/// <param name="Region">The region.</param>
/// <param name="Match">Inside or near the coast.</param>
/// <param name="DistanceKm">0 when inside; otherwise the distance to the region's nearest boundary vertex, km.</param>
public readonly record struct RegionHit<T>(T Region, RegionMatch Match, double DistanceKm);

/// <summary>
/// Point-in-polygon lookup over a set of regions, with a bounding-box pre-filter. Immutable and thread-safe.
/// </summary>
/// <typeparam name="T">The value attached to each region.</typeparam>
public sealed class RegionIndex<T>
{
    private readonly (T Value, PolygonSet Shape)[] _regions;

    /// <summary>Creates the index.</summary>
    /// <param name="regions">Regions and their shapes.</param>
    /// <param name="coastToleranceKm">How far outside every polygon a point may lie and still be matched to the nearest region (default 15 km).</param>
    public RegionIndex(IEnumerable<(T Value, PolygonSet Shape)> regions, double coastToleranceKm = 15)
    {
        ArgumentNullException.ThrowIfNull(regions);
        _regions = [.. regions];
        CoastToleranceKm = coastToleranceKm;
    }

    /// <summary>Distance beyond which a point outside every polygon is not matched, km.</summary>
    public double CoastToleranceKm { get; }

    /// <summary>Number of regions.</summary>
    public int Count => _regions.Length;

    /// <summary>The region containing the point (bounding box first, then the polygons), or default when none does.</summary>
    public T? LocateInside(GeoPoint point)
    {
        foreach (var (value, shape) in _regions)
        {
            if (shape.Contains(point))
            {
                return value;
            }
        }

        return default;
    }

    /// <summary>The region containing the point, else the nearest one within <see cref="CoastToleranceKm"/>, else null.</summary>
    public RegionHit<T>? Locate(GeoPoint point)
    {
        foreach (var (value, shape) in _regions)
        {
            if (shape.Contains(point))
            {
                return new RegionHit<T>(value, RegionMatch.Inside, 0);
            }
        }

        var bestKm = double.PositiveInfinity;
        var best = -1;
        for (var i = 0; i < _regions.Length; i++)
        {
            var shape = _regions[i].Shape;
            // Skip regions whose box is clearly farther than the tolerance (1 degree of latitude is ~111 km).
            var margin = (CoastToleranceKm / 111.0) + 0.5;
            if (point.Latitude < shape.MinLatitude - margin || point.Latitude > shape.MaxLatitude + margin ||
                point.Longitude < shape.MinLongitude - margin || point.Longitude > shape.MaxLongitude + margin)
            {
                continue;
            }

            var d = shape.NearestVertexKm(point);
            if (d < bestKm)
            {
                bestKm = d;
                best = i;
            }
        }

        return best >= 0 && bestKm <= CoastToleranceKm
            ? new RegionHit<T>(_regions[best].Value, RegionMatch.NearCoast, bestKm)
            : null;
    }

    /// <summary>The region containing the point by testing every polygon without the bounding-box filter (benchmark baseline).</summary>
    public T? LocateBruteForce(GeoPoint point)
    {
        foreach (var (value, shape) in _regions)
        {
            if (shape.ContainsWithoutBoundingBox(point))
            {
                return value;
            }
        }

        return default;
    }
}
