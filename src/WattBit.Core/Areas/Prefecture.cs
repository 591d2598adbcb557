using WattBit.Sites;

namespace WattBit.Areas;

/// <summary>One of Japan's 47 prefectures. Immutable and thread-safe.</summary>
/// <param name="Code">JIS X 0401 code, 1 (Hokkaido) to 47 (Okinawa).</param>
/// <param name="NameJa">Japanese name with its suffix (東京都, 北海道, 千葉県).</param>
/// <param name="NameEn">English name without suffix (Tokyo, Hokkaido, Chiba).</param>
/// <param name="Capital">Location of the prefectural office (県庁所在地).</param>
/// <param name="Area">The TSO area that serves most of the prefecture (Shizuoka and Fukui are split in reality; see docs).</param>
public sealed record Prefecture(int Code, string NameJa, string NameEn, GeoPoint Capital, GridArea Area)
{
    /// <summary>The two-digit code, "01".."47".</summary>
    public string CodeText => Code.ToString("00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Formats as "12 千葉県 (Chiba)".</summary>
    public override string ToString() => $"{CodeText} {NameJa} ({NameEn})";
}
