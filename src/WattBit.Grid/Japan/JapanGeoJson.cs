using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WattBit.Grid.Japan;

/// <summary>
/// The backbone as GeoJSON for maps: a Point per bus (number, substation id, name, area, kV, placement) and a
/// LineString per line or tie (one feature per OCCTO name and route, circuits counted; equivalents marked). Thread-safe.
/// </summary>
public static class JapanGeoJson
{
    /// <summary>Writes the feature collection (UTF-8 text, deterministic).</summary>
    public static string Write(JapanBackbone model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteStartArray("features");
            foreach (var b in model.Buses)
            {
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteStartObject("properties");
                w.WriteNumber("bus", b.Number);
                w.WriteString("substation_id", b.SubstationId);
                w.WriteString("name", b.Name);
                w.WriteString("area", b.Area.Code);
                w.WriteNumber("voltage_kv", b.VoltageKv);
                w.WriteString("placement", b.Placement.ToString());
                w.WriteEndObject();
                w.WriteStartObject("geometry");
                w.WriteString("type", "Point");
                w.WriteStartArray("coordinates");
                Coordinate(w, b.Location.Longitude);
                Coordinate(w, b.Location.Latitude);
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            var net = model.Network;
            var routes = Enumerable.Range(0, model.Branches.Length)
                .GroupBy(l => (model.Branches[l].Kind, model.Branches[l].Area?.Code, model.Branches[l].OcctoName, Math.Min(net.Branches[l].From, net.Branches[l].To), Math.Max(net.Branches[l].From, net.Branches[l].To)));
            foreach (var route in routes)
            {
                var first = route.First();
                var m = model.Branches[first];
                var br = net.Branches[first];
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteStartObject("properties");
                w.WriteString("name", m.OcctoName);
                w.WriteString("kind", m.Kind.ToString());
                w.WriteString("area", m.Area?.Code ?? string.Empty);
                w.WriteNumber("voltage_kv", m.VoltageKv);
                w.WriteNumber("circuits", route.Count());
                w.WriteString("positive_direction", m.PositiveDirection);
                w.WriteNumber("length_km", m.LengthKm);
                w.WriteString("branches", string.Join(' ', route.Select(l => (l + 1).ToString(CultureInfo.InvariantCulture))));
                w.WriteEndObject();
                w.WriteStartObject("geometry");
                w.WriteString("type", "LineString");
                w.WriteStartArray("coordinates");
                foreach (var bus in (int[])[br.From, br.To])
                {
                    w.WriteStartArray();
                    Coordinate(w, model.Buses[bus].Location.Longitude);
                    Coordinate(w, model.Buses[bus].Location.Latitude);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Coordinate(Utf8JsonWriter w, double v) => w.WriteRawValue(Math.Round(v, 6).ToString("0.######", CultureInfo.InvariantCulture));
}
