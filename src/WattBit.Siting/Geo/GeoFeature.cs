using WattBit.Sites;

namespace WattBit.Siting.Geo;

/// <summary>
/// One feature read from GeoJSON or TopoJSON: its properties as text and either a point or polygons.
/// Immutable and thread-safe.
/// </summary>
/// <param name="Index">0-based position of the feature in its file (used in messages).</param>
/// <param name="Properties">Property values as text (numbers in invariant culture); null JSON values are left out.</param>
/// <param name="Point">The location of a Point feature; null for polygons.</param>
/// <param name="Polygons">The shape of a Polygon or MultiPolygon feature; null for points.</param>
public sealed record GeoFeature(int Index, IReadOnlyDictionary<string, string> Properties, GeoPoint? Point, PolygonSet? Polygons)
{
    /// <summary>The point itself, or the centroid of the largest polygon ring.</summary>
    public GeoPoint Location => Point ?? Polygons!.Centroid();

    /// <summary>The value of a property, or null when absent.</summary>
    public string? Property(string name) => Properties.TryGetValue(name, out var v) ? v : null;
}
