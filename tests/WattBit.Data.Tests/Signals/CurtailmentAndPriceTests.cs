using System.Globalization;
using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Data.Signals;
using WattBit.Testing;

namespace WattBit.Data.Tests.Signals;

public sealed class CurtailmentAndPriceTests
{
    [Fact]
    public void Curtailment_ChubuApril2026_HoursEqualTheRowsWithCurtailment()
    {
        var path = SharedData.Path("japan", "area-supply-demand", "chubu", "eria_jukyu_202604_04.csv");
        var d = AreaSupplyDemandImporter.ReadFile(path);
        var curtailment = GridSignals.Curtailment(d.Series);

        // Independently: the raw rows with solar or wind output control above zero.
        var all = TextDecoding.Decode(File.ReadAllBytes(path), out _).Split('\n');
        var header = all[1].Split(',');
        int cs = Array.IndexOf(header, "太陽光出力制御量"), cw = Array.IndexOf(header, "風力出力制御量");
        double rows = 0, mwh = 0;
        foreach (var f in all.Skip(2).Where(l => l.Length > 0).Select(l => l.Split(',')))
        {
            var s = double.Parse(f[cs], CultureInfo.InvariantCulture) + double.Parse(f[cw], CultureInfo.InvariantCulture);
            rows += s > 0 ? 1 : 0;
            mwh += s / 2;
        }

        var month = Assert.Single(GridSignals.CurtailedHoursByMonth(curtailment));
        Assert.Equal((2026, 4), (month.Year, month.Month));
        Assert.Equal(rows / 2, month.Hours);
        Assert.Equal(30 * 24, month.CoveredHours);
        Assert.Equal(mwh, curtailment.Integral(curtailment.Window), 6);
        Assert.True(rows > 0);
    }

    [Fact]
    public void Price_Tokyo_IsTheJepxAreaPrice_AndOkinawaHasNone()
    {
        var spot = JepxSpotImporter.ReadFile(SharedData.Path("japan", "jepx", "spot_summary_2025.csv"));
        Assert.Equal(15.41, GridSignals.Price(spot, JapanAreas.Tokyo)[0]);
        var ex = Assert.Throws<ArgumentException>(() => GridSignals.Price(spot, JapanAreas.Okinawa));
        Assert.Contains("Okinawa", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Curtailment_WithoutCurtailmentColumns_SaysSo()
    {
        var d = AreaSupplyDemandImporter.ReadFile(SharedData.Path("japan", "area-supply-demand", "mocks", "juyo_2016_tohoku_1Q.csv"));
        var c = GridSignals.Curtailment(d.Series); // the legacy file has 太陽光抑制量 / 風力抑制量
        Assert.Equal(0, c[0]);
        var noColumns = d.Series.Where(kv => !SupplyDemandKeys.IsCurtailment(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Throws<ArgumentException>(() => GridSignals.Curtailment(noColumns));
    }
}
