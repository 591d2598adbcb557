namespace WattBit.Areas;

/// <summary>
/// One of Japan's ten general transmission and distribution (TSO) areas. Immutable and thread-safe.
/// </summary>
/// <param name="Code">Short code used throughout WattBit (HKD, TH, TK, CB, HR, KN, CG, SK, KY, ON).</param>
/// <param name="Number">The TSO's number in OCCTO and area supply-demand file names (01 Hokkaido .. 10 Okinawa).</param>
/// <param name="NameEn">English name.</param>
/// <param name="NameJa">Japanese name (エリア名).</param>
/// <param name="FrequencyHz">System frequency: 50 Hz in the east, 60 Hz in the west.</param>
/// <param name="Tso">The general transmission and distribution company operating the area.</param>
public sealed record GridArea(string Code, int Number, string NameEn, string NameJa, int FrequencyHz, string Tso)
{
    /// <summary>The Electricity Maps zone key of the area (for example JP-TK).</summary>
    public string ElectricityMapsZone => "JP-" + Code;

    /// <summary>Formats as "TK Tokyo (東京)".</summary>
    public override string ToString() => $"{Code} {NameEn} ({NameJa})";
}
