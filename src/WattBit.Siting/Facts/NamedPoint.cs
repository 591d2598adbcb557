using System.Globalization;
using WattBit.Formats;
using WattBit.Sites;

namespace WattBit.Siting.Facts;

/// <summary>A named place (an IX, a cable landing, a user region). Immutable and thread-safe.</summary>
/// <param name="Id">Stable identifier.</param>
/// <param name="Name">Display name.</param>
/// <param name="Location">Where it is.</param>
/// <param name="Detail">Free text (cables landing there, exchanges present).</param>
public sealed record NamedPoint(string Id, string Name, GeoPoint Location, string Detail)
{
    /// <summary>Reads <c>id,name,lat,lon[,detail column]</c> CSV text; the detail column is the fifth column when present.</summary>
    /// <exception cref="InputFormatException">A column is missing or a coordinate does not parse (file:line:column).</exception>
    public static IReadOnlyList<NamedPoint> ReadCsv(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        int id = table.Require("id"), name = table.Require("name"), lat = table.Require("lat"), lon = table.Require("lon");
        var detail = table.Header.Count > 4 ? 4 : -1;
        var list = new List<NamedPoint>();
        foreach (var row in table.Rows)
        {
            var la = Number(table, row, lat);
            var lo = Number(table, row, lon);
            if (la is < -90 or > 90 || lo is < -180 or > 180)
            {
                throw table.Error(row, lat, $"coordinates ({la}, {lo}) are not a valid latitude/longitude.");
            }

            list.Add(new NamedPoint(table.Field(row, id), table.Field(row, name), new GeoPoint(la, lo),
                detail >= 0 && detail < row.Fields.Length ? row.Fields[detail] : ""));
        }

        if (list.Count == 0)
        {
            throw new InputFormatException(table.Source, 0, 0, "no rows: at least one place is needed.");
        }

        return list;
    }

    /// <summary>The nearest place of a list and its great-circle distance in km.</summary>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public static (NamedPoint Place, double DistanceKm) Nearest(IReadOnlyList<NamedPoint> places, GeoPoint point)
    {
        ArgumentNullException.ThrowIfNull(places);
        if (places.Count == 0)
        {
            throw new ArgumentException("No places to search.", nameof(places));
        }

        return Geo.Nearest.Find(places, p => p.Location, point)!.Value;
    }

    internal static double Number(CsvTable table, CsvRow row, int column)
    {
        var text = table.Field(row, column);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw table.Error(row, column, $"'{text}' is not a number (column '{table.Header[column]}').");
    }
}

/// <summary>Submarine cable landing points and Internet exchange locations: embedded defaults or user files.</summary>
public static class TelecomFacts
{
    private static readonly Lazy<IReadOnlyList<NamedPoint>> s_landings = new(() => NamedPoint.ReadCsv(EmbeddedFacts.Read("landing_points.csv")));
    private static readonly Lazy<IReadOnlyList<NamedPoint>> s_ix = new(() => NamedPoint.ReadCsv(EmbeddedFacts.Read("ix_locations.csv")));

    /// <summary>Cable landing points in Japan with at least one cable (TeleGeography submarine cable map data, 2025).</summary>
    public static IReadOnlyList<NamedPoint> DefaultLandings => s_landings.Value;

    /// <summary>Cities where public IXs have switches (JPIX, JPNAP, BBIX, Equinix IX sites, 2025).</summary>
    public static IReadOnlyList<NamedPoint> DefaultInternetExchanges => s_ix.Value;

    /// <summary>Reads a place file <c>id,name,lat,lon[,detail]</c> (the shared japan_landing_points.csv works as is).</summary>
    /// <exception cref="InputFormatException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyList<NamedPoint> ReadFile(string path) => NamedPoint.ReadCsv(CsvTable.ReadFile(path));
}
