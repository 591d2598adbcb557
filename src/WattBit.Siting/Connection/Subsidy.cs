using WattBit.Areas;
using WattBit.Sites;

namespace WattBit.Siting.Connection;

/// <summary>What a project builds, for the digital infrastructure resilience fund's rules.</summary>
public enum FacilityKind
{
    /// <summary>A data centre.</summary>
    DataCentre,

    /// <summary>An Internet exchange.</summary>
    InternetExchange,

    /// <summary>A submarine cable landing station (陸揚局).</summary>
    LandingStation,

    /// <summary>A domestic submarine cable (the location is its landing place).</summary>
    DomesticCable,

    /// <summary>An international cable branch line or branching unit (the location is its landing place).</summary>
    InternationalCableBranch,
}

/// <summary>The fund's answer for one project.</summary>
/// <param name="Kind">What is built.</param>
/// <param name="Eligible">Whether the fund supports it at this location.</param>
/// <param name="Rate">Share of the eligible cost the fund pays (0, 0.5 or 0.8).</param>
/// <param name="RateText">The rate as the fund writes it ("1/2", "4/5", "0").</param>
/// <param name="Reason">Why, in one sentence (the rule and where the location falls).</param>
public sealed record SubsidyAssessment(FacilityKind Kind, bool Eligible, double Rate, string RateText, string Reason);

/// <summary>
/// The digital infrastructure resilience fund's location rules (council materials, 2025): DCs, IXs and landing stations
/// outside the Tokyo area (Tokyo, Saitama, Chiba, Kanagawa) and the Osaka area (Osaka, Kyoto, Hyogo): 1/2; domestic
/// submarine cables landing outside Boso and Shima: 4/5; international cable branch lines landing outside Boso and
/// Shima: 4/5. "Boso" is taken as Chiba prefecture (the Boso peninsula, 房総) and "Shima" as Mie prefecture within
/// <see cref="ShimaRadiusKm"/> of Shima city (志摩, the Shima peninsula). Stateless and thread-safe.
/// </summary>
public static class SubsidyRules
{
    /// <summary>Radius around Shima city that counts as the Shima peninsula landing area, km.</summary>
    public const double ShimaRadiusKm = 40;

    /// <summary>Centre of the Shima landing area (Shima city, Mie).</summary>
    public static GeoPoint ShimaCentre { get; } = new(34.328, 136.830);

    /// <summary>True when the place counts as a Boso or Shima landing (the concentrated landings the fund steers away from).</summary>
    public static bool IsBosoOrShima(Prefecture prefecture, GeoPoint location, out string which)
    {
        ArgumentNullException.ThrowIfNull(prefecture);
        if (prefecture.Code == 12)
        {
            which = "Boso (房総, Chiba)";
            return true;
        }

        if (prefecture.Code == 24 && location.DistanceKm(ShimaCentre) <= ShimaRadiusKm)
        {
            which = "Shima (志摩, Mie)";
            return true;
        }

        which = "";
        return false;
    }

    /// <summary>Assesses a project at a location in a prefecture.</summary>
    public static SubsidyAssessment Assess(FacilityKind kind, Prefecture prefecture, GeoPoint location)
    {
        ArgumentNullException.ThrowIfNull(prefecture);
        switch (kind)
        {
            case FacilityKind.DataCentre or FacilityKind.InternetExchange or FacilityKind.LandingStation:
                var what = kind switch
                {
                    FacilityKind.DataCentre => "a data centre",
                    FacilityKind.InternetExchange => "an IX",
                    _ => "a landing station",
                };
                if (Prefectures.TokyoAreaCodes.Contains(prefecture.Code))
                {
                    return new(kind, false, 0, "0", $"{what} in {prefecture.NameJa} is inside the Tokyo area (東京都, 埼玉県, 千葉県, 神奈川県): not eligible.");
                }

                if (Prefectures.OsakaAreaCodes.Contains(prefecture.Code))
                {
                    return new(kind, false, 0, "0", $"{what} in {prefecture.NameJa} is inside the Osaka area (大阪府, 京都府, 兵庫県): not eligible.");
                }

                return new(kind, true, 0.5, "1/2", $"{what} in {prefecture.NameJa} is outside the Tokyo and Osaka areas: 1/2 of eligible cost.");
            default:
                var cable = kind == FacilityKind.DomesticCable ? "a domestic submarine cable" : "an international cable branch";
                return IsBosoOrShima(prefecture, location, out var which)
                    ? new(kind, false, 0, "0", $"{cable} landing at {which} lands in a concentrated landing area: not eligible.")
                    : new(kind, true, 0.8, "4/5", $"{cable} landing in {prefecture.NameJa} lands outside Boso and Shima: 4/5 of eligible cost.");
        }
    }
}
