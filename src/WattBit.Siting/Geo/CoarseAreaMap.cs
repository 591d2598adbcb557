using WattBit.Areas;
using WattBit.Sites;

namespace WattBit.Siting.Geo;

/// <summary>
/// Coarse shapes of Japan's ten TSO areas computed from facts only (no boundary file): each prefecture is the part
/// of a disc around its capital that is nearer to that capital than to any other (a Voronoi cell clipped to the
/// disc), and an area is the union of its prefectures' cells. Good enough to draw and click a map when the real
/// boundaries (Electricity Maps areas.geojson) are not available; not for locating points. Stateless and thread-safe.
/// </summary>
public static class CoarseAreaMap
{
    /// <summary>Radius of each prefecture's disc, km (default 90): keeps Hokkaido and Okinawa, whose capitals have no near neighbours, from covering the sea.</summary>
    public const double DefaultRadiusKm = 90;

    // A local equirectangular projection at Japan's middle latitude: distances within a few percent, enough for a sketch.
    private const double KmPerDegreeLatitude = 110.57;
    private static readonly double s_kmPerDegreeLongitude = 111.32 * Math.Cos(36.0 * Math.PI / 180.0);

    /// <summary>The ten areas, each with the union of its prefectures' cells (one polygon per prefecture).</summary>
    /// <param name="radiusKm">Radius of the disc around each capital, km (positive).</param>
    /// <param name="vertices">Vertices of each disc (at least 8).</param>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive radius or fewer than 8 vertices.</exception>
    public static IReadOnlyList<(GridArea Area, PolygonSet Shape)> Build(double radiusKm = DefaultRadiusKm, int vertices = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(radiusKm, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(vertices, 8);
        var capitals = Prefectures.All.Select(p => Project(p.Capital)).ToArray();
        var cells = new Dictionary<string, List<IReadOnlyList<double[]>>>(StringComparer.Ordinal);
        for (var i = 0; i < capitals.Length; i++)
        {
            var cell = Disc(capitals[i], radiusKm, vertices);
            for (var j = 0; j < capitals.Length && cell.Count >= 3; j++)
            {
                if (j != i)
                {
                    cell = ClipNearer(cell, capitals[i], capitals[j]);
                }
            }

            if (cell.Count < 3)
            {
                continue;
            }

            var ring = new double[cell.Count * 2];
            for (var k = 0; k < cell.Count; k++)
            {
                ring[2 * k] = cell[k].X / s_kmPerDegreeLongitude;
                ring[(2 * k) + 1] = cell[k].Y / KmPerDegreeLatitude;
            }

            var code = Prefectures.All[i].Area.Code;
            if (!cells.TryGetValue(code, out var list))
            {
                cells[code] = list = [];
            }

            list.Add([ring]);
        }

        return [.. JapanAreas.All.Where(a => cells.ContainsKey(a.Code)).Select(a => (a, new PolygonSet(cells[a.Code])))];
    }

    private static (double X, double Y) Project(GeoPoint p) => (p.Longitude * s_kmPerDegreeLongitude, p.Latitude * KmPerDegreeLatitude);

    private static List<(double X, double Y)> Disc((double X, double Y) centre, double radiusKm, int vertices)
    {
        var points = new List<(double X, double Y)>(vertices);
        for (var k = 0; k < vertices; k++)
        {
            var angle = 2 * Math.PI * k / vertices;
            points.Add((centre.X + (radiusKm * Math.Cos(angle)), centre.Y + (radiusKm * Math.Sin(angle))));
        }

        return points;
    }

    // Sutherland-Hodgman against one half-plane: keep the part of the convex polygon nearer to a than to b.
    private static List<(double X, double Y)> ClipNearer(List<(double X, double Y)> polygon, (double X, double Y) a, (double X, double Y) b)
    {
        double nx = b.X - a.X, ny = b.Y - a.Y;
        var c = ((b.X * b.X) + (b.Y * b.Y) - (a.X * a.X) - (a.Y * a.Y)) / 2; // points p with n·p <= c are nearer to a
        double Side((double X, double Y) p) => (nx * p.X) + (ny * p.Y) - c;
        var result = new List<(double X, double Y)>(polygon.Count + 1);
        for (var k = 0; k < polygon.Count; k++)
        {
            var current = polygon[k];
            var next = polygon[(k + 1) % polygon.Count];
            double sc = Side(current), sn = Side(next);
            if (sc <= 0)
            {
                result.Add(current);
            }

            if ((sc < 0 && sn > 0) || (sc > 0 && sn < 0))
            {
                var t = sc / (sc - sn);
                result.Add((current.X + (t * (next.X - current.X)), current.Y + (t * (next.Y - current.Y))));
            }
        }

        return result;
    }
}
