using WattBit.Areas;
using WattBit.Siting.Facts;
using WattBit.Siting.Layers;
using WattBit.Sites;

namespace WattBit.Siting.Tests;

public sealed class ModelsTests
{
    [Fact]
    public void FreeCooling_IncreasesWithLatitude()
    {
        var m = new FreeCoolingModel();
        var naha = m.Hours(26.2);
        var tokyo = m.Hours(35.7);
        var sapporo = m.Hours(43.1);
        Assert.True(naha < tokyo && tokyo < sapporo, $"{naha} {tokyo} {sapporo}");
    }

    [Fact]
    public void FreeCooling_ThresholdExtremes_AreZeroAndAllHours()
    {
        Assert.Equal(8760, new FreeCoolingModel(ThresholdCelsius: 100).Hours(35));
        Assert.Equal(0, new FreeCoolingModel(ThresholdCelsius: -100).Hours(35));
    }

    [Fact]
    public void FreeCooling_NoSwing_IsAllOrNothingAroundTheMean()
    {
        // With no daily swing and the threshold at the annual mean, exactly half of the days are at or below it (+-1 day).
        var lat = 35.7;
        var m = new FreeCoolingModel(FreeCoolingModel.MeanTemperature(lat), 0);
        Assert.InRange(m.Hours(lat), 182 * 24, 184 * 24);
    }

    [Fact]
    public void FreeCooling_MeanTemperature_MatchesJmaNormals()
    {
        Assert.Equal(23.3, FreeCoolingModel.MeanTemperature(26.2), 1);   // Naha 23.3
        Assert.InRange(FreeCoolingModel.MeanTemperature(35.7), 15.0, 16.2); // Tokyo 15.8
        Assert.InRange(FreeCoolingModel.MeanTemperature(43.1), 8.8, 9.6);   // Sapporo 9.2
    }

    [Fact]
    public void Latency_TokyoOsaka_IsRouteFactorTimesDistanceTimes5Us()
    {
        var tokyo = new GeoPoint(35.6812, 139.7671);
        var osaka = new GeoPoint(34.7025, 135.4959);
        var km = tokyo.DistanceKm(osaka);
        Assert.InRange(km, 395, 410);
        Assert.Equal(km * 1.5 * 0.005, LatencyModel.Default.OneWayMs(tokyo, osaka), 9);
        var single = new LatencyModel([new UserRegion("Osaka", osaka, 1)], RouteFactor: 1, MicrosecondsPerKm: 5);
        Assert.Equal(km * 0.005, single.WeightedOneWayMs(tokyo), 9);
    }

    [Fact]
    public void NearestIx_FromSapporo_IsTokyoAndFromKitakyushuIsFukuoka()
    {
        Assert.Equal("tokyo-otemachi", NamedPoint.Nearest(TelecomFacts.DefaultInternetExchanges, new GeoPoint(43.06, 141.35)).Place.Id);
        Assert.Equal("fukuoka", NamedPoint.Nearest(TelecomFacts.DefaultInternetExchanges, new GeoPoint(33.88, 130.88)).Place.Id);
    }

    [Fact]
    public void Prefectures_LookupByCodeAndNames()
    {
        Assert.Equal(13, Prefectures.Get("東京都").Code);
        Assert.Equal(13, Prefectures.Get("東京").Code);
        Assert.Equal(1, Prefectures.Get("北海道").Code);
        Assert.Equal(12, Prefectures.Get("chiba").Code);
        Assert.Equal(12, Prefectures.Get("12").Code);
        Assert.Equal(47, Prefectures.Get("Okinawa-ken").Code);
        Assert.Throws<ArgumentException>(() => Prefectures.Get("Atlantis"));
    }

    [Fact]
    public void DefaultLayers_CoverAllPrefecturesAndAreas()
    {
        foreach (var p in Prefectures.All)
        {
            Assert.NotNull(DefaultLayers.SeismicExposure.ValueFor(p, p.Area));
            Assert.NotNull(DefaultLayers.CarbonIntensity.ValueFor(p, p.Area));
            Assert.NotNull(DefaultLayers.CurtailedEnergyGwh.ValueFor(p, p.Area));
        }

        Assert.Equal(1.0, DefaultLayers.SeismicExposure.ValueFor(Prefectures.Get("Tokyo"), Prefectures.Get("Tokyo").Area));
        Assert.Equal(1.0, DefaultLayers.SeismicExposure.ValueFor(Prefectures.Get("Kochi"), Prefectures.Get("Kochi").Area));
        Assert.Equal(0.2, DefaultLayers.SeismicExposure.ValueFor(Prefectures.Get("Hokkaido"), Prefectures.Get("Hokkaido").Area));
    }
}
