using WattBit.Sites;

namespace WattBit.Siting.Geo;

/// <summary>
/// One or more polygons (with holes) in longitude/latitude degrees, as flat coordinate arrays. A point is inside when
/// it lies inside an odd number of rings of one polygon (even-odd rule), so holes work without orientation.
/// Immutable and thread-safe.
/// </summary>
public sealed class PolygonSet
{
    private readonly double[][] _rings; // each ring: lon0, lat0, lon1, lat1, ... (closed or not)
    private readonly int[] _polygonOfRing;

    /// <summary>Creates the set from polygons, each a list of rings, each ring a flat [lon, lat, lon, lat, ...] array.</summary>
    /// <exception cref="ArgumentException">A ring has fewer than three points or an odd number of values.</exception>
    public PolygonSet(IReadOnlyList<IReadOnlyList<double[]>> polygons)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        var rings = new List<double[]>();
        var owner = new List<int>();
        double minLon = double.PositiveInfinity, minLat = double.PositiveInfinity;
        double maxLon = double.NegativeInfinity, maxLat = double.NegativeInfinity;
        for (var p = 0; p < polygons.Count; p++)
        {
            foreach (var ring in polygons[p])
            {
                if (ring.Length < 6 || ring.Length % 2 != 0)
                {
                    throw new ArgumentException("A polygon ring needs at least three [lon, lat] points.", nameof(polygons));
                }

                for (var i = 0; i < ring.Length; i += 2)
                {
                    minLon = Math.Min(minLon, ring[i]);
                    maxLon = Math.Max(maxLon, ring[i]);
                    minLat = Math.Min(minLat, ring[i + 1]);
                    maxLat = Math.Max(maxLat, ring[i + 1]);
                }

                rings.Add(ring);
                owner.Add(p);
            }
        }

        _rings = [.. rings];
        _polygonOfRing = [.. owner];
        PolygonCount = polygons.Count;
        MinLongitude = minLon;
        MaxLongitude = maxLon;
        MinLatitude = minLat;
        MaxLatitude = maxLat;
    }

    /// <summary>
    /// The polygons as given to the constructor: per polygon its rings, each a flat [lon, lat, lon, lat, ...] array
    /// (copies, so the set stays immutable). Used to write the shape back out, e.g. as GeoJSON.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<double[]>> ToPolygons()
    {
        var polygons = new List<double[]>[PolygonCount];
        for (var p = 0; p < polygons.Length; p++)
        {
            polygons[p] = [];
        }

        for (var r = 0; r < _rings.Length; r++)
        {
            polygons[_polygonOfRing[r]].Add((double[])_rings[r].Clone());
        }

        return polygons;
    }

    /// <summary>Number of polygons (parts).</summary>
    public int PolygonCount { get; }

    /// <summary>Number of rings (outer rings and holes).</summary>
    public int RingCount => _rings.Length;

    /// <summary>Westernmost longitude of the bounding box, degrees.</summary>
    public double MinLongitude { get; }

    /// <summary>Easternmost longitude of the bounding box, degrees.</summary>
    public double MaxLongitude { get; }

    /// <summary>Southernmost latitude of the bounding box, degrees.</summary>
    public double MinLatitude { get; }

    /// <summary>Northernmost latitude of the bounding box, degrees.</summary>
    public double MaxLatitude { get; }

    /// <summary>True when the point lies in the bounding box (a cheap pre-filter for <see cref="Contains"/>).</summary>
    public bool BoundingBoxContains(GeoPoint point) =>
        point.Longitude >= MinLongitude && point.Longitude <= MaxLongitude &&
        point.Latitude >= MinLatitude && point.Latitude <= MaxLatitude;

    /// <summary>True when the point is inside one of the polygons (even-odd rule per polygon; boundary undefined).</summary>
    public bool Contains(GeoPoint point)
    {
        return BoundingBoxContains(point) && ContainsWithoutBoundingBox(point);
    }

    /// <summary>Like <see cref="Contains"/> but without the bounding-box pre-filter (for benchmarks and checks).</summary>
    public bool ContainsWithoutBoundingBox(GeoPoint point)
    {
        var x = point.Longitude;
        var y = point.Latitude;
        // Per-polygon crossing parity; most shapes have few parts, so avoid a heap allocation per test.
        Span<int> crossings = PolygonCount <= 256 ? stackalloc int[PolygonCount] : new int[PolygonCount];
        for (var r = 0; r < _rings.Length; r++)
        {
            var ring = _rings[r];
            var n = ring.Length / 2;
            var inside = false;
            for (int i = 0, j = n - 1; i < n; j = i++)
            {
                double xi = ring[2 * i], yi = ring[(2 * i) + 1], xj = ring[2 * j], yj = ring[(2 * j) + 1];
                if ((yi > y) != (yj > y) && x < ((xj - xi) * (y - yi) / (yj - yi)) + xi)
                {
                    inside = !inside;
                }
            }

            if (inside)
            {
                crossings[_polygonOfRing[r]]++;
            }
        }

        foreach (var c in crossings)
        {
            if (c % 2 == 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Distance in kilometres from the point to the nearest vertex of the set: an upper bound of the distance to the
    /// boundary, good enough to tell "just off a simplified coastline" from "far out at sea".
    /// </summary>
    public double NearestVertexKm(GeoPoint point)
    {
        var best = double.PositiveInfinity;
        foreach (var ring in _rings)
        {
            for (var i = 0; i < ring.Length; i += 2)
            {
                var d = point.DistanceKm(new GeoPoint(ring[i + 1], ring[i]));
                best = Math.Min(best, d);
            }
        }

        return best;
    }

    /// <summary>
    /// The area-weighted centroid of the largest ring (planar in degrees, fine at the scale of a site or a
    /// prefecture): the representative point of a polygon candidate.
    /// </summary>
    public GeoPoint Centroid()
    {
        var largest = _rings[0];
        foreach (var r in _rings)
        {
            if (r.Length > largest.Length)
            {
                largest = r;
            }
        }

        double a = 0, cx = 0, cy = 0;
        var n = largest.Length / 2;
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            double xi = largest[2 * i], yi = largest[(2 * i) + 1], xj = largest[2 * j], yj = largest[(2 * j) + 1];
            var cross = (xj * yi) - (xi * yj);
            a += cross;
            cx += (xj + xi) * cross;
            cy += (yj + yi) * cross;
        }

        if (Math.Abs(a) < 1e-12)
        {
            return new GeoPoint(largest[1], largest[0]);
        }

        return new GeoPoint(cy / (3 * a), cx / (3 * a));
    }
}
