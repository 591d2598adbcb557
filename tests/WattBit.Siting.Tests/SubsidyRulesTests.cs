using FsCheck.Xunit;
using WattBit.Areas;
using WattBit.Siting.Connection;
using WattBit.Siting.Facts;
using WattBit.Siting.Geo;
using WattBit.Sites;

namespace WattBit.Siting.Tests;

public sealed class SubsidyRulesTests
{
    [Theory]
    [InlineData("Tokyo", 0)]
    [InlineData("Saitama", 0)]
    [InlineData("Chiba", 0)]
    [InlineData("Kanagawa", 0)]
    [InlineData("Osaka", 0)]
    [InlineData("Kyoto", 0)]
    [InlineData("Hyogo", 0)]
    [InlineData("Hokkaido", 0.5)]
    [InlineData("Ibaraki", 0.5)]
    [InlineData("Gunma", 0.5)]
    [InlineData("Yamanashi", 0.5)]
    [InlineData("Nara", 0.5)]
    [InlineData("Shiga", 0.5)]
    [InlineData("Wakayama", 0.5)]
    [InlineData("Mie", 0.5)]
    [InlineData("Fukuoka", 0.5)]
    [InlineData("Okinawa", 0.5)]
    public void DataCentre_ByPrefecture_HasTheFundRate(string prefecture, double rate)
    {
        var p = Prefectures.Get(prefecture);
        foreach (var kind in new[] { FacilityKind.DataCentre, FacilityKind.InternetExchange, FacilityKind.LandingStation })
        {
            var a = SubsidyRules.Assess(kind, p, p.Capital);
            Assert.Equal(rate, a.Rate);
            Assert.Equal(rate > 0, a.Eligible);
            Assert.Equal(rate > 0 ? "1/2" : "0", a.RateText);
        }
    }

    [Fact]
    public void DataCentre_All47Prefectures_OnlySevenAreExcluded()
    {
        var excluded = Prefectures.All.Where(p => !SubsidyRules.Assess(FacilityKind.DataCentre, p, p.Capital).Eligible).Select(p => p.NameEn).Order();
        Assert.Equal(["Chiba", "Hyogo", "Kanagawa", "Kyoto", "Osaka", "Saitama", "Tokyo"], excluded);
    }

    [Fact]
    public void Cables_AtEveryEmbeddedLandingPlace_FollowBosoShimaRule()
    {
        // Boso (Chiba) and Shima (Mie) landings by name; every other landing place in the table is outside them.
        string[] concentrated = ["Chikura", "Maruyama", "Minamiboso", "Emi", "Wada", "Shima"];
        Assert.Equal(24, TelecomFacts.DefaultLandings.Count);
        foreach (var landing in TelecomFacts.DefaultLandings)
        {
            var where = TestMaps.Locator.Locate(landing.Location);
            foreach (var kind in new[] { FacilityKind.DomesticCable, FacilityKind.InternationalCableBranch })
            {
                var a = SubsidyRules.Assess(kind, where.Prefecture, landing.Location);
                var expected = concentrated.Contains(landing.Name) ? 0 : 0.8;
                Assert.True(expected == a.Rate, $"{landing.Name} ({where.Prefecture}): expected {expected}, got {a.Rate}: {a.Reason}");
            }
        }
    }

    [Fact]
    public void Miura_CableIsEligibleButLandingStationIsNot()
    {
        // Miura (Kanagawa) is outside Boso/Shima (cable 4/5) but inside the Tokyo area (landing station 0).
        var miura = TelecomFacts.DefaultLandings.Single(l => l.Name == "Miura");
        var pref = TestMaps.Locator.Locate(miura.Location).Prefecture;
        Assert.Equal("Kanagawa", pref.NameEn);
        Assert.Equal("4/5", SubsidyRules.Assess(FacilityKind.DomesticCable, pref, miura.Location).RateText);
        Assert.Equal("0", SubsidyRules.Assess(FacilityKind.LandingStation, pref, miura.Location).RateText);
    }

    [Fact]
    public void Toyohashi_IsNotShima_AndMieOutsideShimaIsEligible()
    {
        var toyohashi = TelecomFacts.DefaultLandings.Single(l => l.Name == "Toyohashi");
        Assert.Equal("4/5", SubsidyRules.Assess(FacilityKind.DomesticCable, TestMaps.Locator.Locate(toyohashi.Location).Prefecture, toyohashi.Location).RateText);
        var yokkaichi = new GeoPoint(34.965, 136.624); // northern Mie, ~75 km from Shima
        Assert.Equal(0.8, SubsidyRules.Assess(FacilityKind.DomesticCable, Prefectures.Get("Mie"), yokkaichi).Rate);
    }

    [Property(MaxTest = 300)]
    public bool DataCentre_AnyPointInTokyoOrOsakaArea_IsNeverEligible(ushort x, ushort y)
    {
        // Points over a box spanning Kansai to Kanto (34.0-36.5 N, 134.5-140.9 E), located with the real boundaries.
        var point = new GeoPoint(34.0 + (2.5 * x / ushort.MaxValue), 134.5 + (6.4 * y / ushort.MaxValue));
        JapanLocation where;
        try
        {
            where = TestMaps.Locator.Locate(point);
        }
        catch (ArgumentException)
        {
            return true; // at sea
        }

        var inArea = Prefectures.TokyoAreaCodes.Contains(where.Prefecture.Code) || Prefectures.OsakaAreaCodes.Contains(where.Prefecture.Code);
        var a = SubsidyRules.Assess(FacilityKind.DataCentre, where.Prefecture, point);
        return inArea ? !a.Eligible && a.Rate == 0 : a.Eligible && a.Rate == 0.5;
    }
}
