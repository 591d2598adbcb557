using System.Collections.Frozen;

namespace WattBit.Areas;

/// <summary>The ten TSO areas of Japan and lookups by code, number or name. Thread-safe.</summary>
public static class JapanAreas
{
    /// <summary>Hokkaido (北海道), 50 Hz.</summary>
    public static GridArea Hokkaido { get; } = new("HKD", 1, "Hokkaido", "北海道", 50, "Hokkaido Electric Power Network");

    /// <summary>Tohoku (東北), 50 Hz.</summary>
    public static GridArea Tohoku { get; } = new("TH", 2, "Tohoku", "東北", 50, "Tohoku Electric Power Network");

    /// <summary>Tokyo (東京), 50 Hz.</summary>
    public static GridArea Tokyo { get; } = new("TK", 3, "Tokyo", "東京", 50, "TEPCO Power Grid");

    /// <summary>Chubu (中部), 60 Hz.</summary>
    public static GridArea Chubu { get; } = new("CB", 4, "Chubu", "中部", 60, "Chubu Electric Power Grid");

    /// <summary>Hokuriku (北陸), 60 Hz.</summary>
    public static GridArea Hokuriku { get; } = new("HR", 5, "Hokuriku", "北陸", 60, "Hokuriku Electric Power Transmission & Distribution");

    /// <summary>Kansai (関西), 60 Hz.</summary>
    public static GridArea Kansai { get; } = new("KN", 6, "Kansai", "関西", 60, "Kansai Transmission and Distribution");

    /// <summary>Chugoku (中国), 60 Hz.</summary>
    public static GridArea Chugoku { get; } = new("CG", 7, "Chugoku", "中国", 60, "Chugoku Electric Power Transmission & Distribution");

    /// <summary>Shikoku (四国), 60 Hz.</summary>
    public static GridArea Shikoku { get; } = new("SK", 8, "Shikoku", "四国", 60, "Shikoku Electric Power Transmission & Distribution");

    /// <summary>Kyushu (九州), 60 Hz.</summary>
    public static GridArea Kyushu { get; } = new("KY", 9, "Kyushu", "九州", 60, "Kyushu Electric Power Transmission and Distribution");

    /// <summary>Okinawa (沖縄), 60 Hz, not interconnected with the mainland.</summary>
    public static GridArea Okinawa { get; } = new("ON", 10, "Okinawa", "沖縄", 60, "Okinawa Electric Power");

    /// <summary>All ten areas in TSO number order (north to south).</summary>
    public static IReadOnlyList<GridArea> All { get; } =
        [Hokkaido, Tohoku, Tokyo, Chubu, Hokuriku, Kansai, Chugoku, Shikoku, Kyushu, Okinawa];

    private static readonly FrozenDictionary<string, GridArea> s_byKey = BuildKeys();

    /// <summary>
    /// Finds an area by its code (TK), Electricity Maps zone (JP-TK), English name (Tokyo), Japanese name (東京 or 東京エリア)
    /// or TSO number (3 or 03). Case-insensitive.
    /// </summary>
    public static bool TryFind(string? key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GridArea? area)
    {
        area = null;
        if (string.IsNullOrWhiteSpace(key))
        {
            return false;
        }

        var k = key.Trim();
        if (k.EndsWith("エリア", StringComparison.Ordinal))
        {
            k = k[..^3];
        }

        return s_byKey.TryGetValue(k, out area);
    }

    /// <summary>Finds an area like <see cref="TryFind"/> and throws a message listing the valid codes when it is unknown.</summary>
    /// <exception cref="ArgumentException">No area matches <paramref name="key"/>.</exception>
    public static GridArea Get(string key) => TryFind(key, out var area)
        ? area
        : throw new ArgumentException($"Unknown area '{key}'. Known areas: {string.Join(", ", All.Select(a => a.Code))}.", nameof(key));

    private static FrozenDictionary<string, GridArea> BuildKeys()
    {
        var keys = new Dictionary<string, GridArea>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in All)
        {
            keys[a.Code] = a;
            keys[a.ElectricityMapsZone] = a;
            keys[a.NameEn] = a;
            keys[a.NameJa] = a;
            keys[a.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)] = a;
            keys[a.Number.ToString("00", System.Globalization.CultureInfo.InvariantCulture)] = a;
        }

        keys["HK"] = Hokkaido; // common alternative code
        keys["OK"] = Okinawa;
        return keys.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
