using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using WattBit.Formats;
using WattBit.Sites;

namespace WattBit.Areas;

/// <summary>
/// The 47 prefectures (embedded fact table <c>prefectures.csv</c> beside this file: JIS code, names, capital location, TSO area) and lookups by code or name.
/// Thread-safe.
/// </summary>
public static class Prefectures
{
    private static readonly Lazy<(IReadOnlyList<Prefecture> All, FrozenDictionary<string, Prefecture> Keys)> s_data = new(Load);

    /// <summary>Prefectures of the Tokyo area in the fund's sense: Tokyo, Saitama, Chiba, Kanagawa (JIS 13, 11, 12, 14).</summary>
    public static IReadOnlySet<int> TokyoAreaCodes { get; } = new HashSet<int> { 11, 12, 13, 14 };

    /// <summary>Prefectures of the Osaka area in the fund's sense: Osaka, Kyoto, Hyogo (JIS 27, 26, 28).</summary>
    public static IReadOnlySet<int> OsakaAreaCodes { get; } = new HashSet<int> { 26, 27, 28 };

    /// <summary>All 47 prefectures in JIS order.</summary>
    public static IReadOnlyList<Prefecture> All => s_data.Value.All;

    /// <summary>Finds a prefecture by JIS code (13 or "13"), English name (Tokyo, tokyo-to), or Japanese name (東京都 or 東京). Case-insensitive.</summary>
    public static bool TryFind(string? key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Prefecture? prefecture)
    {
        prefecture = null;
        return !string.IsNullOrWhiteSpace(key) && s_data.Value.Keys.TryGetValue(key.Trim(), out prefecture);
    }

    /// <summary>The prefecture with a JIS code.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The code is not 1..47.</exception>
    public static Prefecture ByCode(int code) => code is >= 1 and <= 47
        ? All[code - 1]
        : throw new ArgumentOutOfRangeException(nameof(code), code, "A JIS prefecture code is 1..47.");

    /// <summary>Finds a prefecture like <see cref="TryFind"/> or throws.</summary>
    /// <exception cref="ArgumentException">No prefecture matches.</exception>
    public static Prefecture Get(string key) => TryFind(key, out var p)
        ? p
        : throw new ArgumentException($"Unknown prefecture '{key}' (use a JIS code 1-47, an English or a Japanese name).", nameof(key));

    /// <summary>The prefecture whose capital is nearest to a point (a coarse fallback when no boundary map is available).</summary>
    public static Prefecture NearestCapital(GeoPoint point) => All.MinBy(p => p.Capital.DistanceKm(point))!;

    private static (IReadOnlyList<Prefecture>, FrozenDictionary<string, Prefecture>) Load()
    {
        const string Name = "WattBit.Areas.prefectures.csv";
        using var stream = typeof(Prefectures).Assembly.GetManifestResourceStream(Name)
            ?? throw new InvalidOperationException($"Embedded fact table {Name} is missing from the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var table = CsvTable.Parse(reader.ReadToEnd(), "embedded:prefectures.csv");
        int code = table.Require("code"), ja = table.Require("name_ja"), en = table.Require("name_en"),
            lat = table.Require("capital_lat"), lon = table.Require("capital_lon"), area = table.Require("area");
        var list = new List<Prefecture>();
        var keys = new Dictionary<string, Prefecture>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in table.Rows)
        {
            var p = new Prefecture(
                int.Parse(row.Fields[code], CultureInfo.InvariantCulture),
                row.Fields[ja],
                row.Fields[en],
                new GeoPoint(double.Parse(row.Fields[lat], CultureInfo.InvariantCulture), double.Parse(row.Fields[lon], CultureInfo.InvariantCulture)),
                JapanAreas.Get(row.Fields[area]));
            list.Add(p);
            keys[p.Code.ToString(CultureInfo.InvariantCulture)] = p;
            keys[p.CodeText] = p;
            keys[p.NameEn] = p;
            keys[p.NameJa] = p;
            var shortJa = p.NameJa.Length > 2 && (p.NameJa.EndsWith('県') || p.NameJa.EndsWith('府') || p.NameJa.EndsWith('都'))
                ? p.NameJa[..^1]
                : p.NameJa;
            keys.TryAdd(shortJa, p);
            foreach (var suffix in new[] { "-ken", "-fu", "-to", " ken", " fu", " to", " prefecture" })
            {
                keys.TryAdd(p.NameEn + suffix, p);
            }
        }

        if (list.Count != 47)
        {
            throw new InputFormatException(table.Source, 0, 0, $"expected 47 prefectures, found {list.Count}.");
        }

        return (list, keys.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }
}
