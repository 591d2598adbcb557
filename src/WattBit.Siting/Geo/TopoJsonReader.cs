using System.Text.Json;
using WattBit.Formats;

namespace WattBit.Siting.Geo;

/// <summary>
/// A small TopoJSON decoder (topojson-specification 1.0): shared arcs, optional quantization transform (delta-encoded
/// arcs), Polygon and MultiPolygon geometries inside one named object (a GeometryCollection). Produces the same
/// <see cref="GeoFeature"/> values as <see cref="GeoJsonReader"/>. Stateless and thread-safe.
/// </summary>
public static class TopoJsonReader
{
    /// <summary>Reads the geometries of one object of a TopoJSON file (the first object when <paramref name="objectName"/> is null).</summary>
    /// <exception cref="InputFormatException">The file is not valid TopoJSON (the message names what is wrong).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<GeoFeature> ReadFile(string path, string? objectName = null) =>
        Parse(File.ReadAllText(path), path, objectName);

    /// <summary>Parses TopoJSON text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">The text is not valid TopoJSON.</exception>
    public static IReadOnlyList<GeoFeature> Parse(string json, string source, string? objectName = null)
    {
        using var doc = JsonDocuments.Parse(json, source);
        var root = doc.RootElement;
        if (JsonDocuments.TypeOf(root, source, "the document") != "Topology")
        {
            throw new InputFormatException(source, 0, 0, "not a TopoJSON Topology (\"type\" must be \"Topology\").");
        }

        var arcs = DecodeArcs(root, source);
        if (!root.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Object)
        {
            throw new InputFormatException(source, 0, 0, "a Topology needs an 'objects' member.");
        }

        JsonElement target = default;
        var found = false;
        foreach (var o in objects.EnumerateObject())
        {
            if (objectName is null || o.NameEquals(objectName))
            {
                target = o.Value;
                found = true;
                break;
            }
        }

        if (!found)
        {
            throw new InputFormatException(source, 0, 0, $"object '{objectName}' not found in 'objects'.");
        }

        var features = new List<GeoFeature>();
        var geometries = JsonDocuments.TypeOf(target, source, "the object") == "GeometryCollection"
            ? target.GetProperty("geometries").EnumerateArray().ToList()
            : [target];
        for (var i = 0; i < geometries.Count; i++)
        {
            var g = geometries[i];
            var type = JsonDocuments.TypeOf(g, source, $"geometry {i}");
            var props = GeoJsonReader.ReadProperties(g);
            if (!g.TryGetProperty("arcs", out var a))
            {
                continue; // null geometry or a point: nothing to locate with
            }

            var polygons = type switch
            {
                "Polygon" => [Polygon(a, arcs, source, i)],
                "MultiPolygon" => a.EnumerateArray().Select(p => Polygon(p, arcs, source, i)).ToList(),
                _ => throw new InputFormatException(source, 0, 0, $"geometry {i}: type '{type}' is not supported (Polygon or MultiPolygon)."),
            };
            features.Add(new GeoFeature(i, props, null, new PolygonSet(polygons)));
        }

        return features;
    }

    private static double[][] DecodeArcs(JsonElement root, string source)
    {
        double sx = 1, sy = 1, tx = 0, ty = 0;
        var quantized = false;
        if (root.TryGetProperty("transform", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            var scale = t.GetProperty("scale");
            var translate = t.GetProperty("translate");
            sx = scale[0].GetDouble();
            sy = scale[1].GetDouble();
            tx = translate[0].GetDouble();
            ty = translate[1].GetDouble();
            quantized = true;
        }

        if (!root.TryGetProperty("arcs", out var arcsElement) || arcsElement.ValueKind != JsonValueKind.Array)
        {
            throw new InputFormatException(source, 0, 0, "a Topology needs an 'arcs' array.");
        }

        var arcs = new double[arcsElement.GetArrayLength()][];
        var k = 0;
        foreach (var arc in arcsElement.EnumerateArray())
        {
            var n = arc.GetArrayLength();
            var flat = new double[2 * n];
            double x = 0, y = 0;
            var j = 0;
            foreach (var pos in arc.EnumerateArray())
            {
                if (quantized)
                {
                    // Quantized arcs are delta-encoded integers: accumulate, then scale and translate.
                    x += pos[0].GetDouble();
                    y += pos[1].GetDouble();
                    flat[j++] = (x * sx) + tx;
                    flat[j++] = (y * sy) + ty;
                }
                else
                {
                    flat[j++] = pos[0].GetDouble();
                    flat[j++] = pos[1].GetDouble();
                }
            }

            arcs[k++] = flat;
        }

        return arcs;
    }

    private static List<double[]> Polygon(JsonElement rings, double[][] arcs, string source, int geometry)
    {
        var result = new List<double[]>();
        foreach (var ring in rings.EnumerateArray())
        {
            var flat = new List<double>();
            foreach (var indexElement in ring.EnumerateArray())
            {
                var index = indexElement.GetInt32();
                var reversed = index < 0;
                var arcIndex = reversed ? ~index : index;
                if (arcIndex >= arcs.Length)
                {
                    throw new InputFormatException(source, 0, 0, $"geometry {geometry}: arc {arcIndex} does not exist ({arcs.Length} arcs).");
                }

                var arc = arcs[arcIndex];
                var n = arc.Length / 2;
                // Consecutive arcs share their joining point: skip the first point of every arc after the first.
                var skip = flat.Count > 0 ? 1 : 0;
                for (var p = skip; p < n; p++)
                {
                    var q = reversed ? n - 1 - p : p;
                    flat.Add(arc[2 * q]);
                    flat.Add(arc[(2 * q) + 1]);
                }
            }

            if (flat.Count >= 6)
            {
                result.Add([.. flat]);
            }
        }

        return result;
    }
}
