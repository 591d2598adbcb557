using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace WattBit.Grid.Japan;

/// <summary>What an OCCTO line end names: a station, a tower junction on a line, or a line itself.</summary>
public enum StationRefKind
{
    /// <summary>A substation, switching station, converter station or plant.</summary>
    Station,

    /// <summary>A tower junction (４２T, 571T(西南多摩線)) or an unnamed branch point (分岐点).</summary>
    Junction,

    /// <summary>The end is another line (山陰幹線, 新岩国連絡線): a tee on that line.</summary>
    LineTee,
}

/// <summary>A parsed line end: its canonical key within its area, what it is, and alternative names to try.</summary>
/// <param name="Raw">The end as OCCTO writes it.</param>
/// <param name="Key">The canonical name (normalised; for junctions <c>#42T</c>, for tees <c>~山陰幹線</c>).</param>
/// <param name="Kind">Station, junction or tee.</param>
/// <param name="Display">A readable Japanese name for the bus.</param>
/// <param name="Aliases">Other normalised names for the same station (a name in brackets, the other stations of a list).</param>
/// <param name="Host">For a tee, the normalised name of the line it sits on where the end says so (<c>571T(西南多摩線)</c> →
/// <c>西南多摩線</c>, <c>山口幹線</c> → <c>山口幹線</c>); null otherwise.</param>
public sealed record StationRef(string Raw, string Key, StationRefKind Kind, string Display, IReadOnlyList<string> Aliases, string? Host = null);

/// <summary>
/// Name matching for Japanese station names with their orthography variants: full/half width (NFKC), spaces,
/// the suffixes 変電所/開閉所/変換所/連系所/発電所, （変）, SS/SWS/CS/PS in any case, operator prefixes (東京電力,
/// 中部電力(株)), the 新 prefix and 火力/原子力/水力, tower junctions (４２T) and lists (A変電所・B変電所). Thread-safe.
/// </summary>
public static partial class JapanStationNames
{
    private static readonly string[] s_suffixes =
    [
        "変電所", "開閉所", "変換所", "連系所", "発電所", "交直変換所", "周波数変換所", "ss", "sws", "cs", "ps", "s/s",
    ];

    /// <summary>
    /// The canonical form of a station name: NFKC (full-width digits and letters to half width), no spaces, no
    /// bracketed type mark such as （変）, no operator prefix, no trailing type word (変電所, SS, ...), lower-case Latin.
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var s = name.Normalize(NormalizationForm.FormKC);
        s = Whitespace().Replace(s, string.Empty);
        s = s.ToLowerInvariant();
        s = OperatorPrefix().Replace(s, string.Empty);
        s = TypeMark().Replace(s, string.Empty);
        var changed = true;
        while (changed && s.Length > 1)
        {
            changed = false;
            foreach (var suffix in s_suffixes)
            {
                if (s.Length > suffix.Length && s.EndsWith(suffix, StringComparison.Ordinal))
                {
                    s = s[..^suffix.Length];
                    changed = true;
                    break;
                }
            }
        }

        return s;
    }

    /// <summary>
    /// Names to look up for a canonical name, best first: the name itself, then without 火力/原子力/水力 (or with
    /// 火力 added), then with the 新 prefix removed or added.
    /// </summary>
    public static IEnumerable<string> Variants(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        var bases = new List<string> { canonical };
        foreach (var kind in (string[])["火力", "原子力", "水力"])
        {
            if (canonical.EndsWith(kind, StringComparison.Ordinal) && canonical.Length > kind.Length)
            {
                bases.Add(canonical[..^kind.Length]);
            }
        }

        bases.Add(canonical + "火力");
        foreach (var b in bases)
        {
            yield return b;
        }

        foreach (var b in bases)
        {
            yield return b.StartsWith('新') && b.Length > 1 ? b[1..] : "新" + b;
        }
    }

    /// <summary>
    /// The plant of an OCCTO unit's <c>plantName</c>: the name up to 発電所 (Tokyo writes the unit into it:
    /// 富津火力発電所１号系列１軸 → 富津火力発電所), NFKC, without spaces and operator prefix.
    /// </summary>
    public static string PlantName(string plantName)
    {
        ArgumentNullException.ThrowIfNull(plantName);
        var s = Whitespace().Replace(plantName.Normalize(NormalizationForm.FormKC), string.Empty);
        var end = s.IndexOf("発電所", StringComparison.Ordinal);
        if (end > 0)
        {
            s = s[..(end + 3)];
        }

        var prefix = OperatorPrefix().Match(s.ToLowerInvariant());
        return prefix.Success && prefix.Length < s.Length ? s[prefix.Length..] : s;
    }

    /// <summary>True when a canonical or written name is a power plant's (発電所, 火力, 原子力, 水力, PS).</summary>
    public static bool IsPlant(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var s = name.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        return s.Contains("発電所", StringComparison.Ordinal) || s.EndsWith("火力", StringComparison.Ordinal) || s.EndsWith("原子力", StringComparison.Ordinal)
            || s.EndsWith("ps", StringComparison.Ordinal) || s.Contains("火力", StringComparison.Ordinal);
    }

    /// <summary>Parses one end of an OCCTO line (<paramref name="lineName"/> makes unnamed branch points unique).</summary>
    public static StationRef ParseEnd(string raw, string lineName)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(lineName);
        var text = Whitespace().Replace(raw.Normalize(NormalizationForm.FormKC), string.Empty);
        var junction = Junction().Match(text);
        if (junction.Success)
        {
            var key = "#" + junction.Groups[1].Value + "T";
            var host = junction.Groups[2].Success ? Normalize(junction.Groups[2].Value[1..^1]) : null;
            return new StationRef(raw, key, StationRefKind.Junction, raw.Trim(), [], string.IsNullOrEmpty(host) ? null : host);
        }

        if (text is "分岐点" or "分岐" or "T分岐")
        {
            var line = Normalize(lineName);
            return new StationRef(raw, "#分岐点@" + line, StationRefKind.Junction, $"分岐点（{lineName.Trim()}）", []);
        }

        // A name in brackets after a station is another name of it: 北大阪変電所（西大阪変電所）.
        var aliases = new List<string>();
        var bracket = TrailingBracket().Match(text);
        if (bracket.Success && bracket.Index > 0 && !IsTypeMark(bracket.Groups[1].Value))
        {
            aliases.Add(Normalize(bracket.Groups[1].Value));
            text = text[..bracket.Index];
        }

        // A list of stations served by one line: the first is the end, the others are aliases.
        var parts = text.Split('・', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 1 && parts.All(p => Normalize(p).Length > 0))
        {
            text = parts[0];
            aliases.AddRange(parts.Skip(1).Select(Normalize));
        }

        var canonical = Normalize(text);
        if (canonical.EndsWith("線", StringComparison.Ordinal) && !canonical.EndsWith("変電線", StringComparison.Ordinal))
        {
            return new StationRef(raw, "~" + canonical, StationRefKind.LineTee, raw.Trim(), [], canonical);
        }

        return new StationRef(raw, canonical, StationRefKind.Station, Display(text), aliases);
    }

    /// <summary>Splits a positive direction "A → B" into its two ends.</summary>
    /// <returns>False when the text does not have exactly one arrow with a name on each side.</returns>
    public static bool TrySplitDirection(string direction, out string from, out string to)
    {
        from = to = string.Empty;
        if (string.IsNullOrWhiteSpace(direction))
        {
            return false;
        }

        var parts = direction.Split(['→', '⇒'], StringSplitOptions.None);
        if (parts.Length != 2)
        {
            parts = direction.Split("->", StringSplitOptions.None);
        }

        if (parts.Length != 2 || string.IsNullOrWhiteSpace(parts[0]) || string.IsNullOrWhiteSpace(parts[1]))
        {
            return false;
        }

        from = parts[0].Trim();
        to = parts[1].Trim();
        return true;
    }

    private static bool IsTypeMark(string s) => Normalize(s).Length == 0 || s is "変" or "開" or "発";

    private static string Display(string text)
    {
        var s = TypeMark().Replace(text, string.Empty);
        return s.Length == 0 ? text : s;
    }

    /// <summary>Formats a number for names and keys (invariant culture).</summary>
    internal static string Invariant(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(東京電力パワーグリッド|東京電力|中部電力パワーグリッド|中部電力|関西電力送配電|関西電力|東北電力ネットワーク|東北電力|北海道電力ネットワーク|北海道電力|北陸電力送配電|北陸電力|中国電力ネットワーク|中国電力|四国電力送配電|四国電力|九州電力送配電|九州電力|沖縄電力|電源開発|j-power)(\(株\)|株式会社)?")]
    private static partial Regex OperatorPrefix();

    [GeneratedRegex(@"\((変|開|発|変電所|開閉所|発電所)\)")]
    private static partial Regex TypeMark();

    [GeneratedRegex(@"^(\d+)t(\(.*\))?$", RegexOptions.IgnoreCase)]
    private static partial Regex Junction();

    [GeneratedRegex(@"\(([^()]*)\)$")]
    private static partial Regex TrailingBracket();
}
