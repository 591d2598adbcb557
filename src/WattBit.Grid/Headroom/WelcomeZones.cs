using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using WattBit.Formats;
using WattBit.Grid.Network;
using WattBit.Headroom;
using WattBit.Sites;

namespace WattBit.Grid.Headroom;

/// <summary>One bus of the welcome-zone layer.</summary>
/// <param name="Bus">0-based bus.</param>
/// <param name="FirmMw">Firm headroom: the minimum N-1 headroom over the period (= the minimum of the provisional profile), MW.</param>
/// <param name="DynamicExtraMw">Median N-1 headroom minus the firm headroom, MW: what dynamic operation adds half of the time.</param>
/// <param name="CurtailableExtraMw">Minimum N-0 headroom minus the firm headroom, MW: what ③ adds, with curtailment on contingencies.</param>
/// <param name="ExpectedCurtailmentMwhPerYear">Expected curtailed energy per year of a ③ connection of firm + ③ extra MW (0 when the extra is 0).</param>
/// <param name="Zone">The class for the requested size.</param>
public sealed record WelcomeZoneEntry(int Bus, double FirmMw, double DynamicExtraMw, double CurtailableExtraMw,
    double ExpectedCurtailmentMwhPerYear, WelcomeZone Zone);

/// <summary>Builds the welcome-zone layer (per bus: firm, dynamic and ③ headroom) and writes it as CSV and GeoJSON.</summary>
public static class WelcomeZones
{
    /// <summary>Classifies one bus from its headroom series (N-1 must have been computed).</summary>
    /// <param name="engine">The engine that computed <paramref name="headroom"/> (used for the ③ curtailment).</param>
    /// <param name="headroom">The bus's headroom per step.</param>
    /// <param name="sizeMw">The connection size the zones are drawn for, MW.</param>
    /// <param name="outages">Outage statistics for the expected curtailment.</param>
    public static WelcomeZoneEntry Classify(HeadroomEngine engine, BusHeadroom headroom, double sizeMw, OutageModel? outages = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(headroom);
        var steps = headroom.N0Mw.Length;
        if (double.IsNaN(headroom.N0Mw[0]))
        {
            return new WelcomeZoneEntry(headroom.Bus, double.NaN, double.NaN, double.NaN, double.NaN, WelcomeZone.Missing);
        }

        var n1 = new double[steps];
        double minN0 = double.PositiveInfinity;
        for (var t = 0; t < steps; t++)
        {
            n1[t] = double.IsNaN(headroom.N1Mw[t]) ? headroom.N0Mw[t] : headroom.N1Mw[t];
            minN0 = Math.Min(minN0, headroom.N0Mw[t]);
        }

        Array.Sort(n1);
        var firm = n1[0];
        var median = steps % 2 == 1 ? n1[steps / 2] : 0.5 * (n1[(steps / 2) - 1] + n1[steps / 2]);
        var extra = Math.Max(0, minN0 - firm);
        var expected = 0.0;
        if (extra > 0)
        {
            expected = Curtailment.Analyse(engine, headroom.Bus, minN0, outages).ExpectedMwhPerYear;
        }

        var zone = WelcomeZoneRule.Classify(firm, median, minN0, sizeMw);
        return new WelcomeZoneEntry(headroom.Bus, firm, median - firm, extra, expected, zone);
    }

    /// <summary>The zone name written to files: firm, dynamic, curtailable, constrained, missing.</summary>
    public static string Name(WelcomeZone zone) => WelcomeZoneRule.Name(zone);

    /// <summary>
    /// Writes <c>bus,name,zone,firm_mw,dynamic_extra_mw,curtailable_extra_mw,expected_curtailment_mwh_per_year,lat,lon</c>
    /// (lat/lon empty without coordinates; missing values empty).
    /// </summary>
    public static void WriteCsv(TextWriter writer, PowerNetwork network, IEnumerable<WelcomeZoneEntry> entries,
        IReadOnlyDictionary<int, GeoPoint>? coordinates = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(entries);
        writer.Write("bus,name,zone,firm_mw,dynamic_extra_mw,curtailable_extra_mw,expected_curtailment_mwh_per_year,lat,lon\n");
        foreach (var e in entries)
        {
            var bus = network.Buses[e.Bus];
            var point = coordinates is not null && coordinates.TryGetValue(bus.Number, out var p) ? p : (GeoPoint?)null;
            writer.Write(string.Join(',',
                bus.Number.ToString(CultureInfo.InvariantCulture), Csv.Escape(bus.Name ?? string.Empty), Name(e.Zone),
                HeadroomCsv.Mw(e.FirmMw), HeadroomCsv.Mw(e.DynamicExtraMw), HeadroomCsv.Mw(e.CurtailableExtraMw),
                HeadroomCsv.Mw(e.ExpectedCurtailmentMwhPerYear),
                point?.Latitude.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty,
                point?.Longitude.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty));
            writer.Write('\n');
        }
    }

    /// <summary>Writes a GeoJSON FeatureCollection of points for the buses that have coordinates; returns how many were written.</summary>
    public static int WriteGeoJson(Stream stream, PowerNetwork network, IEnumerable<WelcomeZoneEntry> entries, IReadOnlyDictionary<int, GeoPoint> coordinates)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(coordinates);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        var written = 0;
        foreach (var e in entries)
        {
            var bus = network.Buses[e.Bus];
            if (!coordinates.TryGetValue(bus.Number, out var p))
            {
                continue;
            }

            WelcomeZoneMap.StartPointFeature(json, p);
            json.WriteNumber("bus", bus.Number);
            if (bus.Name is not null)
            {
                json.WriteString("name", bus.Name);
            }

            json.WriteString("zone", Name(e.Zone));
            WelcomeZoneMap.NumberOrNull(json, "firm_mw", e.FirmMw);
            WelcomeZoneMap.NumberOrNull(json, "dynamic_extra_mw", e.DynamicExtraMw);
            WelcomeZoneMap.NumberOrNull(json, "curtailable_extra_mw", e.CurtailableExtraMw);
            WelcomeZoneMap.NumberOrNull(json, "expected_curtailment_mwh_per_year", e.ExpectedCurtailmentMwhPerYear);
            WelcomeZoneMap.EndPointFeature(json);
            written++;
        }

        json.WriteEndArray();
        json.WriteEndObject();
        return written;
    }

    /// <summary>Reads a bus-coordinates file <c>bus,lat,lon</c> (WGS84 degrees), keyed by bus number.</summary>
    /// <exception cref="InputFormatException">A missing column, an unknown bus, a duplicate, or a bad coordinate.</exception>
    public static ImmutableDictionary<int, GeoPoint> LoadCoordinates(string path, PowerNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var table = CsvTable.ReadFile(path);
        int b = table.Require("bus"), la = table.Require("lat"), lo = table.Require("lon");
        var result = ImmutableDictionary.CreateBuilder<int, GeoPoint>();
        foreach (var row in table.Rows)
        {
            var text = table.Field(row, b);
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) || !network.TryGetBusIndex(number, out _))
            {
                throw table.Error(row, b, $"bus '{text}' is not a bus of {network.Name}.");
            }

            if (!double.TryParse(table.Field(row, la), NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || lat is < -90 or > 90)
            {
                throw table.Error(row, la, $"lat '{table.Field(row, la)}' must be a latitude in degrees.");
            }

            if (!double.TryParse(table.Field(row, lo), NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) || lon is < -180 or > 180)
            {
                throw table.Error(row, lo, $"lon '{table.Field(row, lo)}' must be a longitude in degrees.");
            }

            if (result.ContainsKey(number))
            {
                throw table.Error(row, b, $"bus {number} has coordinates twice.");
            }

            result[number] = new GeoPoint(lat, lon);
        }

        return result.ToImmutable();
    }
}
