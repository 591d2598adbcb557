using System.Text.Json;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Headroom;

/// <summary>The welcome-zone map (ウェルカムゾーン) of a headroom layer as GeoJSON, the same for the server, the CLI and the dashboard.</summary>
public static class WelcomeZoneMap
{
    /// <summary>
    /// Writes a FeatureCollection of Point features, one per substation with coordinates: id, name, area, voltage_kv,
    /// zone, firm_mw, median_n1_mw, curtailable_extra_mw, hours_with_room, hours, limiting_line, source; plus the
    /// layer's model, synthetic flag, size and period as foreign members. Missing values are null, never 0.
    /// </summary>
    /// <param name="stream">The output.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="sizeMw">The connection size the zones are drawn for, MW.</param>
    /// <returns>How many features were written.</returns>
    public static int Write(Stream stream, IHeadroomLayer layer, double sizeMw)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Write(stream, layer, sizeMw, new TimeWindow(layer.Info.First, layer.Info.End));
    }

    /// <summary>
    /// Writes the welcome-zone map with every substation classified over the hours of <paramref name="window"/> only
    /// (a chosen day, say); <c>from</c> and <c>to</c> are the window's. Otherwise as <see cref="Write(Stream, IHeadroomLayer, double)"/>.
    /// </summary>
    /// <param name="stream">The output.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="sizeMw">The connection size the zones are drawn for, MW.</param>
    /// <param name="window">The hours the classes are computed over.</param>
    /// <returns>How many features were written.</returns>
    public static int Write(Stream stream, IHeadroomLayer layer, double sizeMw, TimeWindow window)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(layer);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteString("model", layer.Info.Model);
        json.WriteBoolean("synthetic", layer.Info.Synthetic);
        json.WriteString("profile", layer.Info.Profile);
        json.WriteNumber("mw", sizeMw);
        json.WriteString("from", window.Start);
        json.WriteString("to", window.End);
        json.WriteStartArray("features");
        var written = 0;
        foreach (var s in layer.Substations)
        {
            if (s.Location is not { } p)
            {
                continue;
            }

            var o = layer.Offer(s.Id, sizeMw, window);
            StartPointFeature(json, p);
            json.WriteString("id", s.Id);
            json.WriteString("name", s.Name);
            if (s.Area is { } a)
            {
                json.WriteString("area", a.Code);
            }
            else
            {
                json.WriteNull("area");
            }

            NumberOrNull(json, "voltage_kv", s.VoltageKv);
            json.WriteString("zone", WelcomeZoneRule.Name(o.Zone));
            NumberOrNull(json, "firm_mw", o.FirmMw);
            NumberOrNull(json, "median_n1_mw", o.MedianN1Mw);
            NumberOrNull(json, "curtailable_extra_mw", o.CurtailableExtraMw);
            json.WriteNumber("hours_with_room", o.HoursWithRoom);
            json.WriteNumber("hours", o.Hours);
            if (o.LimitingLine is null)
            {
                json.WriteNull("limiting_line");
            }
            else
            {
                json.WriteString("limiting_line", o.LimitingLine);
            }

            json.WriteString("source", o.Source == HeadroomSource.Model ? "model" : "tso-upload");
            EndPointFeature(json);
            written++;
        }

        json.WriteEndArray();
        json.WriteEndObject();
        return written;
    }

    /// <summary>
    /// Starts a GeoJSON Point feature at <paramref name="point"/> and opens its <c>properties</c> object; close both
    /// with two <see cref="Utf8JsonWriter.WriteEndObject"/> calls.
    /// </summary>
    public static void StartPointFeature(Utf8JsonWriter json, GeoPoint point)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteStartObject("geometry");
        json.WriteString("type", "Point");
        json.WriteStartArray("coordinates");
        json.WriteNumberValue(point.Longitude);
        json.WriteNumberValue(point.Latitude);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("properties");
    }

    /// <summary>Closes the properties and the feature opened by <see cref="StartPointFeature"/>.</summary>
    public static void EndPointFeature(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Writes a number rounded to <paramref name="decimals"/>, or null for NaN (missing is never 0).</summary>
    public static void NumberOrNull(Utf8JsonWriter json, string name, double v, int decimals = 6)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (double.IsNaN(v))
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteNumber(name, Math.Round(v, decimals));
        }
    }
}
