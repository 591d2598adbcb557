using System.Text.Json;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Sites;

namespace WattBit.Grid.Japan;

/// <summary>Where a station's coordinates came from, best first.</summary>
public enum PlacementSource
{
    /// <summary>OCCTO station database, a verified source (official site, Wikipedia/Wikidata, map label).</summary>
    StationDatabase,

    /// <summary>An OpenStreetMap substation of 154 kV or more (or marked transmission).</summary>
    OsmTransmission,

    /// <summary>Any other OpenStreetMap substation of the area.</summary>
    OsmSubstation,

    /// <summary>OCCTO station database, a keyword hint (a town centre, not the station itself).</summary>
    StationHint,

    /// <summary>An OpenStreetMap power plant.</summary>
    OsmPlant,

    /// <summary>Not found by name: placed at the centre of its neighbours (a tower junction, a tee).</summary>
    Inferred,
}

/// <summary>A named place of the gazetteer.</summary>
/// <param name="Point">Coordinates.</param>
/// <param name="Source">Where they came from.</param>
/// <param name="Name">The name as written in the source.</param>
public sealed record PlacedName(GeoPoint Point, PlacementSource Source, string Name);

/// <summary>
/// Coordinates of Japanese stations and plants by area and canonical name (<see cref="JapanStationNames.Normalize"/>),
/// from OCCTO's station database, the OpenStreetMap substations of each region and the OSM plant list. Where several
/// sources name the same place the best <see cref="PlacementSource"/> wins. Immutable after loading; thread-safe.
/// </summary>
public sealed class JapanGazetteer
{
    private readonly Dictionary<(string Area, string Name), PlacedName> _places = [];
    private readonly Dictionary<string, List<GeoPoint>> _substations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Area, PlacedName Place)>> _plants = new(StringComparer.Ordinal);

    /// <summary>Every OSM substation of each area (all voltages), by area code: the load-allocation points.</summary>
    public IReadOnlyDictionary<string, List<GeoPoint>> Substations => _substations;

    /// <summary>Number of named places.</summary>
    public int Count => _places.Count;

    /// <summary>
    /// Loads the gazetteer from the shared data folder layout: <c>occto/master/station-location-db.json</c>,
    /// <c>geo/substations/*_substations.geojson</c> and <c>geo/plants_utility.geojson</c> under <paramref name="japanDir"/>.
    /// </summary>
    /// <exception cref="InputFormatException">A file is not the expected JSON.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    public static JapanGazetteer Load(string japanDir)
    {
        ArgumentNullException.ThrowIfNull(japanDir);
        var g = new JapanGazetteer();
        g.ReadStationDatabase(Path.Combine(japanDir, "occto", "master", "station-location-db.json"));
        var subDir = Path.Combine(japanDir, "geo", "substations");
        foreach (var file in Directory.GetFiles(subDir, "*_substations.geojson").OrderBy(f => f, StringComparer.Ordinal))
        {
            var region = Path.GetFileName(file).Split('_')[0];
            if (!JapanAreas.TryFind(region, out var area))
            {
                throw new InputFormatException(file, 0, 0, $"the file name's region '{region}' is not one of the ten areas.");
            }

            g.ReadOsmSubstations(file, area);
        }

        g.ReadPlants(Path.Combine(japanDir, "geo", "plants_utility.geojson"));
        return g;
    }

    /// <summary>Finds a canonical name in an area, trying its <see cref="JapanStationNames.Variants"/>.</summary>
    public bool TryFind(string areaCode, string canonical, out PlacedName place)
    {
        foreach (var v in JapanStationNames.Variants(canonical))
        {
            if (_places.TryGetValue((areaCode, v), out place!))
            {
                return true;
            }
        }

        place = null!;
        return false;
    }

    /// <summary>
    /// Finds a plant by its canonical name, in its own area first, then in any area (a plant may stand in another
    /// area than its owner's: 柏崎刈羽 is TEPCO's, in Niigata); only plant records of the station database and OSM
    /// plants are searched, never substations, so a plant is not mistaken for a substation of a similar name.
    /// </summary>
    public bool TryFindPlant(string areaCode, string canonical, out PlacedName place)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        var names = new List<string> { canonical };
        foreach (var kind in (string[])["火力", "原子力", "水力"])
        {
            if (canonical.EndsWith(kind, StringComparison.Ordinal) && canonical.Length > kind.Length)
            {
                names.Add(canonical[..^kind.Length]);
            }
            else
            {
                names.Add(canonical + kind);
            }
        }

        foreach (var area in JapanAreasNames)
        {
            if (canonical.StartsWith(area, StringComparison.Ordinal) && canonical.Length > area.Length + 1)
            {
                names.Add(canonical[area.Length..]);
            }
        }

        foreach (var sameArea in (bool[])[true, false])
        {
            foreach (var n in names)
            {
                if (_plants.TryGetValue(n, out var list) && list.FirstOrDefault(x => (x.Area == areaCode) == sameArea) is { Place: not null } hit)
                {
                    place = hit.Place;
                    return true;
                }
            }
        }

        place = null!;
        return false;
    }

    private static readonly string[] JapanAreasNames = ["北海道", "東北", "東京", "中部", "北陸", "関西", "中国", "四国", "九州", "沖縄"];

    private void AddPlant(string areaCode, string rawName, GeoPoint point, PlacementSource source)
    {
        var key = JapanStationNames.Normalize(JapanStationNames.PlantName(rawName));
        if (key.Length == 0)
        {
            return;
        }

        if (!_plants.TryGetValue(key, out var list))
        {
            list = [];
            _plants[key] = list;
        }

        if (!list.Any(x => x.Area == areaCode))
        {
            list.Add((areaCode, new PlacedName(point, source, rawName)));
        }
    }

    private void Add(string areaCode, string rawName, GeoPoint point, PlacementSource source)
    {
        var key = (areaCode, JapanStationNames.Normalize(rawName));
        if (key.Item2.Length == 0)
        {
            return;
        }

        if (!_places.TryGetValue(key, out var old) || source < old.Source)
        {
            _places[key] = new PlacedName(point, source, rawName);
        }
    }

    private void ReadStationDatabase(string path)
    {
        using var doc = Json(path);
        if (!doc.RootElement.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            throw new InputFormatException(path, 0, 0, "missing 'records': not the OCCTO station-location database.");
        }

        var i = 0;
        foreach (var r in records.EnumerateArray())
        {
            i++;
            var areaName = r.TryGetProperty("area", out var a) ? a.GetString() : null;
            if (!JapanAreas.TryFind(areaName, out var area))
            {
                throw new InputFormatException(path, 0, 0, $"record {i}: unknown area '{areaName}'.");
            }

            if (!r.TryGetProperty("lat", out var lat) || !r.TryGetProperty("lon", out var lon) || lat.ValueKind != JsonValueKind.Number || lon.ValueKind != JsonValueKind.Number)
            {
                throw new InputFormatException(path, 0, 0, $"record {i}: lat/lon missing or not numbers.");
            }

            var point = new GeoPoint(lat.GetDouble(), lon.GetDouble());
            var hint = r.TryGetProperty("source", out var s) && s.GetString() == "legacy_area_keyword_hint";
            var source = hint ? PlacementSource.StationHint : PlacementSource.StationDatabase;
            Add(area.Code, r.GetProperty("name").GetString() ?? string.Empty, point, source);
            if (r.TryGetProperty("facilityType", out var type) && type.GetString() == "PS")
            {
                AddPlant(area.Code, r.GetProperty("name").GetString() ?? string.Empty, point, source);
            }
            if (r.TryGetProperty("aliases", out var aliases) && aliases.ValueKind == JsonValueKind.Array)
            {
                foreach (var alias in aliases.EnumerateArray())
                {
                    var text = alias.GetString() ?? string.Empty;
                    if (!text.Contains('_', StringComparison.Ordinal))
                    {
                        Add(area.Code, text, point, source);
                    }
                }
            }
        }
    }

    private void ReadOsmSubstations(string path, GridArea area)
    {
        using var doc = Json(path);
        var list = new List<GeoPoint>();
        _substations[area.Code] = list;
        foreach (var f in Features(doc, path))
        {
            if (!TryCentre(f, out var point))
            {
                continue;
            }

            list.Add(point);
            var p = f.GetProperty("properties");
            var kv = 0.0;
            if (p.TryGetProperty("voltage", out var v) && v.ValueKind == JsonValueKind.String)
            {
                foreach (var part in (v.GetString() ?? string.Empty).Split(';'))
                {
                    if (double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x))
                    {
                        kv = Math.Max(kv, x / 1000);
                    }
                }
            }

            var transmission = kv >= 154 || (p.TryGetProperty("substation", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "transmission");
            var source = transmission ? PlacementSource.OsmTransmission : PlacementSource.OsmSubstation;
            foreach (var property in (string[])["name", "name:ja", "ref"])
            {
                if (p.TryGetProperty(property, out var n) && n.ValueKind == JsonValueKind.String)
                {
                    Add(area.Code, n.GetString()!, point, source);
                }
            }
        }
    }

    private void ReadPlants(string path)
    {
        using var doc = Json(path);
        foreach (var f in Features(doc, path))
        {
            var p = f.GetProperty("properties");
            var region = p.TryGetProperty("_region", out var r) ? r.GetString() : null;
            if (!JapanAreas.TryFind(region, out var area) || !TryCentre(f, out var point))
            {
                continue;
            }

            if (p.TryGetProperty("_display_name", out var n) && n.ValueKind == JsonValueKind.String)
            {
                Add(area.Code, n.GetString()!, point, PlacementSource.OsmPlant);
                AddPlant(area.Code, n.GetString()!, point, PlacementSource.OsmPlant);
            }
        }
    }

    private static JsonDocument Json(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InputFormatException(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, "not valid JSON: " + e.Message);
        }
    }

    private static IEnumerable<JsonElement> Features(JsonDocument doc, string path) =>
        doc.RootElement.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Array
            ? features.EnumerateArray()
            : throw new InputFormatException(path, 0, 0, "missing 'features': not a GeoJSON feature collection.");

    private static bool TryCentre(JsonElement feature, out GeoPoint point)
    {
        point = default;
        if (!feature.TryGetProperty("geometry", out var g) || g.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var type = g.GetProperty("type").GetString();
        var c = g.GetProperty("coordinates");
        var ring = type switch
        {
            "Point" => default(JsonElement?),
            "Polygon" => c[0],
            "MultiPolygon" => c[0][0],
            _ => null,
        };
        if (type == "Point")
        {
            point = new GeoPoint(c[1].GetDouble(), c[0].GetDouble());
            return true;
        }

        if (ring is not { } r || r.GetArrayLength() == 0)
        {
            return false;
        }

        double lat = 0, lon = 0;
        var n = 0;
        foreach (var xy in r.EnumerateArray())
        {
            lon += xy[0].GetDouble();
            lat += xy[1].GetDouble();
            n++;
        }

        point = new GeoPoint(lat / n, lon / n);
        return true;
    }
}
