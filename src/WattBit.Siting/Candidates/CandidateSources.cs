using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Siting.Geo;

namespace WattBit.Siting.Candidates;

/// <summary>Builds candidate lists: the 47 prefectures, substations from GeoJSON, or user points and polygons. Thread-safe.</summary>
public static class CandidateSources
{
    private static readonly Dictionary<string, GridArea> s_regionNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["hokkaido"] = JapanAreas.Hokkaido, ["tohoku"] = JapanAreas.Tohoku, ["tokyo"] = JapanAreas.Tokyo,
        ["chubu"] = JapanAreas.Chubu, ["hokuriku"] = JapanAreas.Hokuriku, ["kansai"] = JapanAreas.Kansai,
        ["chugoku"] = JapanAreas.Chugoku, ["shikoku"] = JapanAreas.Shikoku, ["kyushu"] = JapanAreas.Kyushu,
        ["okinawa"] = JapanAreas.Okinawa,
    };

    /// <summary>The 47 prefectures, each located at its capital, id = two-digit JIS code.</summary>
    public static IReadOnlyList<Candidate> Prefectures() =>
        [.. WattBit.Areas.Prefectures.All.Select(p => new Candidate(p.CodeText, p.NameJa, CandidateKind.Prefecture, p.Capital, p, p.Area))];

    /// <summary>
    /// Substations from a GeoJSON of points (or outlines, taken at their centroid) with <c>_display_name</c> (or <c>name</c>), <c>_voltage_kv</c> and
    /// <c>_region</c> (used for the TSO area only when the locator has no area map); keeps those at or above <paramref name="minVoltageKv"/>. Ids are the names,
    /// suffixed "#n" when a name repeats.
    /// </summary>
    /// <exception cref="InputFormatException">The file is malformed or a voltage does not parse.</exception>
    public static IReadOnlyList<Candidate> Substations(string path, JapanLocator locator, double minVoltageKv = 275)
    {
        ArgumentNullException.ThrowIfNull(locator);
        var list = new List<Candidate>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in GeoJsonReader.ReadFile(path))
        {
            var point = f.Location; // a substation drawn as an outline is taken at its centroid
            var kvText = f.Property("_voltage_kv") ?? f.Property("voltage_kv");
            if (!double.TryParse(kvText, NumberStyles.Float, CultureInfo.InvariantCulture, out var kv))
            {
                throw new InputFormatException(path, 0, 0, $"feature {f.Index}: voltage '{kvText}' is not a number (property _voltage_kv).");
            }

            if (kv < minVoltageKv)
            {
                continue;
            }

            var name = f.Property("_display_name") ?? f.Property("name") ?? $"substation {f.Index}";
            var id = seen.TryGetValue(name, out var n) ? $"{name}#{n + 1}" : name;
            seen[name] = n + 1;
            var where = locator.Locate(point);
            // The area polygons win; the file's _region (a regional label that does not always follow TSO borders) is the fallback.
            var area = !locator.HasAreaMap && s_regionNames.TryGetValue(f.Property("_region") ?? "", out var a) ? a : where.Area;
            list.Add(new Candidate(id, name, CandidateKind.Substation, point, where.Prefecture, area, kv));
        }

        return list;
    }

    /// <summary>
    /// User sites from GeoJSON points or polygons: id from property <c>id</c> (else <c>name</c>, else the index), name
    /// from <c>name</c>; polygons are located at their centroid. Each site must lie in Japan.
    /// </summary>
    /// <exception cref="InputFormatException">The file is malformed, an id repeats, or a site lies outside Japan.</exception>
    public static IReadOnlyList<Candidate> UserSites(string path, JapanLocator locator)
    {
        ArgumentNullException.ThrowIfNull(locator);
        var list = new List<Candidate>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in GeoJsonReader.ReadFile(path))
        {
            var name = f.Property("name") ?? f.Property("id") ?? $"site {f.Index + 1}";
            var id = f.Property("id") ?? name;
            if (!ids.Add(id))
            {
                throw new InputFormatException(path, 0, 0, $"feature {f.Index}: id '{id}' appears twice.");
            }

            JapanLocation where;
            try
            {
                where = locator.Locate(f.Location);
            }
            catch (ArgumentException ex)
            {
                throw new InputFormatException(path, 0, 0, $"feature {f.Index} ('{id}'): {ex.Message}");
            }

            list.Add(new Candidate(id, name, CandidateKind.UserSite, f.Location, where.Prefecture, where.Area));
        }

        return list;
    }
}
