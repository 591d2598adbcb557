using System.Text.Json;
using Microsoft.Extensions.Options;
using WattBit.Areas;
using WattBit.Siting.Geo;

namespace WattBit.Server.Dashboard;

/// <summary>
/// The shapes of Japan's ten TSO areas as a GeoJSON FeatureCollection (properties <c>code</c>, <c>name</c>,
/// <c>nameJa</c>), built once at start-up from <see cref="ServerOptions.AreaMap"/> and kept as UTF-8 bytes.
/// Immutable and thread-safe after construction.
/// </summary>
internal sealed partial class AreaMap
{
    /// <summary>The value of <c>WattBit:AreaMap</c> that selects the coarse built-in shapes.</summary>
    public const string BuiltIn = "builtin";

    private static readonly string[] s_relativePath = ["shared", "data", "japan", "geo", "areas.geojson"];

    public AreaMap(IOptions<ServerOptions> options, ILogger<AreaMap> log)
    {
        var configured = options.Value.AreaMap;
        var path = string.IsNullOrWhiteSpace(configured) ? FindDefault() : configured.Equals(BuiltIn, StringComparison.OrdinalIgnoreCase) ? null : configured;
        IReadOnlyList<(GridArea Area, PolygonSet Shape)> shapes;
        if (path is null)
        {
            shapes = CoarseAreaMap.Build();
            Source = "built-in coarse shapes (prefecture capitals)";
        }
        else
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"WattBit:AreaMap: the area map '{path}' does not exist.");
            }

            shapes = Read(path);
            Source = path;
        }

        IsCoarse = path is null;
        Json = Write(shapes, IsCoarse);
        LogSource(log, Source);
    }

    /// <summary>The file the shapes were read from, or a description of the built-in shapes.</summary>
    public string Source { get; }

    /// <summary>True when the shapes are the coarse built-in ones.</summary>
    public bool IsCoarse { get; }

    /// <summary>The FeatureCollection as UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Json { get; }

    /// <summary><c>shared/data/japan/geo/areas.geojson</c> in the working folder, the binary's folder or any folder above them; null when none.</summary>
    internal static string? FindDefault()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine([dir.FullName, .. s_relativePath]);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    // Electricity Maps' zones (JP-TK...) to WattBit areas; several features of one zone are merged into one area.
    private static List<(GridArea Area, PolygonSet Shape)> Read(string path)
    {
        var parts = new Dictionary<string, List<IReadOnlyList<double[]>>>(StringComparer.Ordinal);
        foreach (var f in GeoJsonReader.ReadFile(path))
        {
            var zone = f.Property("zoneName") ?? f.Property("code") ?? f.Property("area");
            if (!JapanAreas.TryFind(zone, out var area) || f.Polygons is null)
            {
                throw new WattBit.Formats.InputFormatException(path, 0, 0, $"feature {f.Index}: 'zoneName' ('{zone}') is not a polygon of one of the ten TSO areas (JP-HKD ... JP-ON).");
            }

            if (!parts.TryGetValue(area.Code, out var list))
            {
                parts[area.Code] = list = [];
            }

            list.AddRange(f.Polygons.ToPolygons());
        }

        return [.. JapanAreas.All.Where(a => parts.ContainsKey(a.Code)).Select(a => (a, new PolygonSet(parts[a.Code])))];
    }

    private static byte[] Write(IReadOnlyList<(GridArea Area, PolygonSet Shape)> shapes, bool coarse)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteBoolean("coarse", coarse);
            w.WriteStartArray("features");
            foreach (var (area, shape) in shapes)
            {
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteString("id", area.Code);
                w.WriteStartObject("properties");
                w.WriteString("code", area.Code);
                w.WriteString("name", area.NameEn);
                w.WriteString("nameJa", area.NameJa);
                w.WriteEndObject();
                w.WriteStartObject("geometry");
                w.WriteString("type", "MultiPolygon");
                w.WriteStartArray("coordinates");
                foreach (var polygon in shape.ToPolygons())
                {
                    w.WriteStartArray();
                    foreach (var ring in polygon)
                    {
                        w.WriteStartArray();
                        for (var i = 0; i < ring.Length; i += 2)
                        {
                            w.WriteStartArray();
                            w.WriteNumberValue(Math.Round(ring[i], 5));
                            w.WriteNumberValue(Math.Round(ring[i + 1], 5));
                            w.WriteEndArray();
                        }

                        w.WriteEndArray();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Dashboard area map: {Source}")]
    private static partial void LogSource(ILogger logger, string source);
}
