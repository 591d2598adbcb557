using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Sites;

namespace WattBit.Siting.Geo;

/// <summary>
/// Where a point is in Japan: its prefecture (from a prefecture boundary map, or the nearest capital as a coarse
/// fallback) and its TSO area (from an area boundary map, or the prefecture's main area). Immutable and thread-safe.
/// </summary>
public sealed class JapanLocator
{
    /// <summary>How far (km) from every prefecture capital a point may be, when no boundary map is loaded, before it counts as outside Japan.</summary>
    public const double NoMapToleranceKm = 150;

    private readonly RegionIndex<Prefecture>? _prefectures;
    private readonly RegionIndex<GridArea>? _areas;

    /// <summary>Creates a locator; either map may be null (coarser fallbacks are then used).</summary>
    public JapanLocator(RegionIndex<Prefecture>? prefectures, RegionIndex<GridArea>? areas)
    {
        _prefectures = prefectures;
        _areas = areas;
    }

    /// <summary>A locator with no boundary maps: prefecture of the nearest capital, area of that prefecture.</summary>
    public static JapanLocator Coarse { get; } = new(null, null);

    /// <summary>True when a prefecture boundary map is loaded.</summary>
    public bool HasPrefectureMap => _prefectures is not null;

    /// <summary>True when a TSO area boundary map is loaded.</summary>
    public bool HasAreaMap => _areas is not null;

    /// <summary>
    /// Loads the prefecture boundaries from a TopoJSON file whose geometries carry the JIS code in property <c>id</c>
    /// (dataofjapan/land japan.topojson) and, optionally, TSO areas from a GeoJSON file whose features carry
    /// <c>zoneName</c> JP-XX (Electricity Maps areas.geojson).
    /// </summary>
    /// <exception cref="InputFormatException">A file is malformed or a feature names no known prefecture/area.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static JapanLocator Load(string? prefectureTopoJson, string? areaGeoJson)
    {
        RegionIndex<Prefecture>? prefectures = null;
        if (prefectureTopoJson is not null)
        {
            var list = new List<(Prefecture, PolygonSet)>();
            foreach (var f in TopoJsonReader.ReadFile(prefectureTopoJson))
            {
                var id = f.Property("id");
                if (!int.TryParse(id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) &&
                    !(double.TryParse(id, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && (code = (int)d) == d))
                {
                    throw new InputFormatException(prefectureTopoJson, 0, 0, $"geometry {f.Index}: property 'id' ('{id}') is not a JIS prefecture code.");
                }

                list.Add((Prefectures.ByCode(code), f.Polygons!));
            }

            prefectures = new RegionIndex<Prefecture>(list);
        }

        RegionIndex<GridArea>? areas = null;
        if (areaGeoJson is not null)
        {
            var list = new List<(GridArea, PolygonSet)>();
            foreach (var f in GeoJsonReader.ReadFile(areaGeoJson))
            {
                var zone = f.Property("zoneName") ?? f.Property("area");
                if (!JapanAreas.TryFind(zone, out var area) || f.Polygons is null)
                {
                    throw new InputFormatException(areaGeoJson, 0, 0, $"feature {f.Index}: 'zoneName' ('{zone}') is not a TSO area polygon.");
                }

                list.Add((area, f.Polygons));
            }

            areas = new RegionIndex<GridArea>(list);
        }

        return new JapanLocator(prefectures, areas);
    }

    /// <summary>Finds the prefecture and area of a point.</summary>
    /// <exception cref="ArgumentException">The point is outside Japan (outside every prefecture beyond the coastline tolerance).</exception>
    public JapanLocation Locate(GeoPoint point)
    {
        Prefecture prefecture;
        string basis;
        if (_prefectures is not null)
        {
            var hit = _prefectures.Locate(point) ?? throw new ArgumentException(
                $"({point}) is outside Japan: it is in no prefecture and more than {_prefectures.CoastToleranceKm:0} km from any coastline.");
            prefecture = hit.Region;
            basis = hit.Match == RegionMatch.Inside
                ? "inside the prefecture boundary"
                : $"{hit.DistanceKm:0.0} km off the simplified coastline of the nearest prefecture";
        }
        else
        {
            if (point.Latitude is < 20 or > 46 || point.Longitude is < 122 or > 154)
            {
                throw new ArgumentException($"({point}) is outside Japan (latitude 20-46 N, longitude 122-154 E).");
            }

            prefecture = Prefectures.NearestCapital(point);
            var km = prefecture.Capital.DistanceKm(point);
            if (km > NoMapToleranceKm)
            {
                throw new ArgumentException($"({point}) is outside Japan: {km:0} km from the nearest prefectural capital ({prefecture.NameJa}).");
            }

            basis = "nearest prefectural capital (no boundary map loaded: coarse)";
        }

        var area = prefecture.Area;
        if (_areas?.Locate(point) is { } areaHit)
        {
            area = areaHit.Region;
        }

        return new JapanLocation(point, prefecture, area, basis);
    }
}

/// <summary>The prefecture and TSO area of a point, and how the prefecture was found.</summary>
/// <param name="Point">The point.</param>
/// <param name="Prefecture">Its prefecture.</param>
/// <param name="Area">Its TSO area.</param>
/// <param name="Basis">How the prefecture was determined, in words.</param>
public sealed record JapanLocation(GeoPoint Point, Prefecture Prefecture, GridArea Area, string Basis);
