using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Formats;
using WattBit.Signals;
using WattBit.Testing;
using WattBit.Time;
using K = WattBit.Data.Import.SupplyDemandKeys;

namespace WattBit.Data.Tests.Reference;

public sealed class ReferenceYearTests
{
    private static readonly Lazy<ReferenceYear> s_year = new(() => ReferenceYear.Generate(2025, 1));

    [Fact]
    public void Generate_FiscalYear_HasAllTenAreasAtHalfHours()
    {
        var y = s_year.Value;
        Assert.Equal(10, y.Areas.Count);
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset), y.Window.Start);
        foreach (var a in y.Areas.Values)
        {
            Assert.Equal(365 * 48, a.Demand.Count);
            Assert.Equal(TimeSpan.FromMinutes(30), a.Demand.Step);
            Assert.False(a.Demand.HasMissing);
            Assert.False(a.Price.HasMissing);
        }
    }

    [Fact]
    public void Generate_SameSeed_GivesTheSameYear_OtherSeedDiffers()
    {
        var again = ReferenceYear.Generate(2025, 1);
        var other = ReferenceYear.Generate(2025, 2);
        foreach (var code in new[] { "TK", "KY" })
        {
            Assert.Equal(s_year.Value.Areas[code].Demand.Values.ToArray(), again.Areas[code].Demand.Values.ToArray());
            Assert.Equal(s_year.Value.Areas[code].Price.Values.ToArray(), again.Areas[code].Price.Values.ToArray());
            Assert.NotEqual(s_year.Value.Areas[code].Mix[K.Solar].Values.ToArray(), other.Areas[code].Mix[K.Solar].Values.ToArray());
        }
    }

    [Fact]
    public void Generate_EverySlot_SupplyBalancesDemand()
    {
        foreach (var a in s_year.Value.Areas.Values)
        {
            var d = a.Demand;
            for (var i = 0; i < d.Count; i += 7)
            {
                double supply = 0;
                foreach (var (key, s) in a.Mix)
                {
                    if (K.IsSupply(key))
                    {
                        supply += s[i];
                    }
                }

                Assert.Equal(d[i], supply, 6);
            }
        }
    }

    [Fact]
    public void Generate_Curtailment_OnlyOfSolarAndWindThatExisted_AndKyushuCurtailsMoreThanTokyo()
    {
        var y = s_year.Value;
        foreach (var a in y.Areas.Values)
        {
            for (var i = 0; i < a.Demand.Count; i++)
            {
                Assert.True(a.Mix[K.SolarCurtailed][i] >= 0 && a.Mix[K.Solar][i] >= -1e-9);
                Assert.True(a.Mix[K.WindCurtailed][i] >= 0 && a.Mix[K.Wind][i] >= -1e-9);
            }
        }

        static double Hours(ReferenceArea a) => Data.Signals.GridSignals.CurtailedHoursByMonth(Data.Signals.GridSignals.Curtailment(a.Mix)).Sum(m => m.Hours);
        Assert.True(Hours(y.Areas["KY"]) > Hours(y.Areas["TK"]));
        Assert.True(Hours(y.Areas["KY"]) > 100);
    }

    [Fact]
    public void Generate_TokyoYear_MatchesTheRealFiscal2025Energy()
    {
        var files = Directory.GetFiles(SharedData.Path("japan", "area-supply-demand", "tokyo"), "*.csv").Order(StringComparer.Ordinal);
        var real = AreaSupplyDemand.Merge(files.Select(f => AreaSupplyDemandImporter.ReadFile(f)));
        var fy = new TimeWindow(new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset), new DateTimeOffset(2026, 3, 1, 0, 0, 0, Jst.Offset));
        var realTwh = real[K.Demand].Slice(fy).Integral(fy) / 1e6;
        var generated = s_year.Value.Areas["TK"].Demand.Slice(fy).Integral(fy) / 1e6;
        Assert.InRange(generated / realTwh, 0.95, 1.05);
    }

    [Fact]
    public void Signals_CarbonPriceCurtailment_CoverEveryArea()
    {
        var y = s_year.Value;
        var carbon = y.Signal(SignalKind.Carbon);
        var price = y.Signal(SignalKind.Price);
        var curtailment = y.Signal(SignalKind.Curtailment);
        Assert.Equal(10, carbon.Locations.Count);
        Assert.InRange(carbon["TK"].Average(carbon.Window), 300, 700);
        Assert.True(carbon["KY"].Average(carbon.Window) < carbon["ON"].Average(carbon.Window)); // nuclear and solar vs. an island of coal
        var q = ReferenceModel.Default.PriceQuantilesByArea["TK"];
        Assert.InRange(price["TK"].Values.ToArray().Min(), q[0], q[^1]);
        Assert.Equal(SeriesUnit.MegawattHours, curtailment["KY"].Unit);
        Assert.Throws<ArgumentException>(() => y.Signal(SignalKind.Headroom));
    }

    [Fact]
    public void Model_UserAreaTableMissingAnArea_FailsClearly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"wb-ref-{Guid.NewGuid():N}.csv");
        var shipped = JapanFacts.ReadShipped("reference_areas.csv").Split('\n');
        File.WriteAllText(path, string.Join('\n', shipped.Where(l => !l.StartsWith("ON,", StringComparison.Ordinal))));
        try
        {
            var ex = Assert.Throws<InputFormatException>(() => ReferenceModel.Load(path, null, null));
            Assert.Contains("ON", ex.Problem, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Holidays_WeekendsAndGoldenWeek()
    {
        Assert.True(ReferenceYear.IsHoliday(new DateOnly(2025, 5, 5)));
        Assert.True(ReferenceYear.IsHoliday(new DateOnly(2025, 4, 5))); // Saturday
        Assert.False(ReferenceYear.IsHoliday(new DateOnly(2025, 4, 7)));
        Assert.Equal(JapanAreas.All.Count, ReferenceModel.Default.Areas.Count);
    }
}
