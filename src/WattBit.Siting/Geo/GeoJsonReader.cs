using System.Globalization;
using System.Text.Json;
using WattBit.Formats;
using WattBit.Sites;

namespace WattBit.Siting.Geo;

/// <summary>
/// Reads GeoJSON (RFC 7946) FeatureCollections, Features or bare geometries with Point, Polygon or MultiPolygon
/// geometry. Coordinates are [longitude, latitude]. Stateless and thread-safe.
/// </summary>
public static class GeoJsonReader
{
    /// <summary>Reads a GeoJSON file.</summary>
    /// <exception cref="InputFormatException">The JSON is malformed (with line) or a feature is not usable (with its index).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<GeoFeature> ReadFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses GeoJSON text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">The JSON is malformed (with line) or a feature is not usable (with its index).</exception>
    public static IReadOnlyList<GeoFeature> Parse(string json, string source)
    {
        using var doc = JsonDocuments.Parse(json, source);
        var root = doc.RootElement;
        var type = JsonDocuments.TypeOf(root, source, "the document");
        var features = new List<GeoFeature>();
        switch (type)
        {
            case "FeatureCollection":
                if (!root.TryGetProperty("features", out var array) || array.ValueKind != JsonValueKind.Array)
                {
                    throw new InputFormatException(source, 0, 0, "a FeatureCollection needs a 'features' array.");
                }

                var i = 0;
                foreach (var f in array.EnumerateArray())
                {
                    features.Add(ReadFeature(f, i++, source));
                }

                break;
            case "Feature":
                features.Add(ReadFeature(root, 0, source));
                break;
            default:
                features.Add(ReadGeometry(root, 0, source, new Dictionary<string, string>()));
                break;
        }

        return features;
    }

    private static GeoFeature ReadFeature(JsonElement feature, int index, string source)
    {
        var props = ReadProperties(feature);
        if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind != JsonValueKind.Object)
        {
            throw new InputFormatException(source, 0, 0, $"feature {index}: missing 'geometry'.");
        }

        return ReadGeometry(geometry, index, source, props);
    }

    internal static Dictionary<string, string> ReadProperties(JsonElement owner)
    {
        var props = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (owner.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object)
        {
            foreach (var prop in p.EnumerateObject())
            {
                var text = prop.Value.ValueKind switch
                {
                    JsonValueKind.String => prop.Value.GetString(),
                    JsonValueKind.Number => prop.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => prop.Value.GetRawText(),
                };
                if (text is not null)
                {
                    props[prop.Name] = text;
                }
            }
        }

        return props;
    }

    private static GeoFeature ReadGeometry(JsonElement geometry, int index, string source, Dictionary<string, string> props)
    {
        var type = JsonDocuments.TypeOf(geometry, source, $"feature {index} geometry");
        if (!geometry.TryGetProperty("coordinates", out var c) || c.ValueKind != JsonValueKind.Array)
        {
            throw new InputFormatException(source, 0, 0, $"feature {index}: geometry '{type}' has no 'coordinates' array.");
        }

        try
        {
            return type switch
            {
                "Point" => new GeoFeature(index, props, Position(c), null),
                "Polygon" => new GeoFeature(index, props, null, new PolygonSet([Rings(c)])),
                "MultiPolygon" => new GeoFeature(index, props, null, new PolygonSet([.. c.EnumerateArray().Select(Rings)])),
                _ => throw new InputFormatException(source, 0, 0,
                    $"feature {index}: geometry type '{type}' is not supported (use Point, Polygon or MultiPolygon)."),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new InputFormatException(source, 0, 0, $"feature {index}: bad coordinates ({ex.Message}).");
        }
    }

    private static GeoPoint Position(JsonElement position)
    {
        if (position.GetArrayLength() < 2)
        {
            throw new FormatException("a position needs [longitude, latitude]");
        }

        return new GeoPoint(position[1].GetDouble(), position[0].GetDouble());
    }

    private static IReadOnlyList<double[]> Rings(JsonElement polygon)
    {
        var rings = new List<double[]>();
        foreach (var ring in polygon.EnumerateArray())
        {
            var flat = new List<double>();
            foreach (var pos in ring.EnumerateArray())
            {
                var p = Position(pos);
                flat.Add(p.Longitude);
                flat.Add(p.Latitude);
            }

            rings.Add([.. flat]);
        }

        return rings;
    }
}
