using System.Globalization;
using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Testing;
using WattBit.Time;
using K = WattBit.Data.Import.SupplyDemandKeys;

namespace WattBit.Data.Tests.Import;

public sealed class AreaSupplyDemandYearTests
{
    private static readonly TimeSpan s_jst = Jst.Offset;

    private static string[] Files(string area) =>
        [.. Directory.GetFiles(SharedData.Path("japan", "area-supply-demand", area), "*.csv").Order(StringComparer.Ordinal)];

    [Fact]
    public void ImportTokyo_AllMonths_EveryRowKeptAndEnergyEqualsRawSum()
    {
        var files = Files("tokyo");
        var parts = files.Select(f => AreaSupplyDemandImporter.ReadFile(f)).ToList();
        var merged = AreaSupplyDemand.Merge(parts);

        Assert.Equal(JapanAreas.Tokyo, merged.Area);
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, s_jst), merged.Start);
        var rawRows = files.Sum(f => File.ReadAllLines(f).Length - 2);
        Assert.Equal(rawRows, merged.Rows);
        Assert.Equal(rawRows, merged[K.Demand].Values.ToArray().Count(v => !double.IsNaN(v)));

        // The raw rows, summed independently of the importer: MW average over 30 min -> MWh = MW / 2.
        foreach (var (key, column) in new[] { (K.Demand, 2), (K.Solar, 11), (K.Interconnection, 17) })
        {
            double raw = 0;
            foreach (var f in files)
            {
                foreach (var line in File.ReadLines(f).Skip(2))
                {
                    raw += double.Parse(line.Split(',')[column], CultureInfo.InvariantCulture) / 2;
                }
            }

            var s = merged[key];
            double imported = 0;
            for (var i = 0; i < s.Count; i++)
            {
                imported += double.IsNaN(s[i]) ? 0 : s[i] * 0.5;
            }

            Assert.Equal(raw, imported, 6);
        }
    }

    [Fact]
    public void ImportTokyo_FiscalYear2025_IsCompleteExceptTheMissingMarchDays()
    {
        var merged = AreaSupplyDemand.Merge(Files("tokyo").Select(f => AreaSupplyDemandImporter.ReadFile(f)));
        var fy = new TimeWindow(new DateTimeOffset(2025, 4, 1, 0, 0, 0, s_jst), new DateTimeOffset(2026, 3, 1, 0, 0, 0, s_jst));
        var demand = merged[K.Demand].Slice(fy);
        Assert.False(demand.HasMissing);
        Assert.Equal(334 * 48, demand.Count);

        // Annual energy of Tokyo (about 270-280 TWh a year): 11 months in a plausible band.
        var twh = demand.Integral(fy) / 1e6;
        Assert.InRange(twh, 220, 280);
        Assert.Contains(merged.Warnings, w => w.Message.Contains("no data for", StringComparison.Ordinal));
    }

    [Fact]
    public void ImportChubu_Months_RowsAndPeriod()
    {
        var files = Files("chubu");
        var merged = AreaSupplyDemand.Merge(files.Select(f => AreaSupplyDemandImporter.ReadFile(f)));
        Assert.Equal(JapanAreas.Chubu, merged.Area);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, s_jst), merged.Start);
        Assert.Equal(new DateTimeOffset(2026, 8, 1, 0, 0, 0, s_jst), merged.Window.End);
        Assert.Equal(files.Sum(f => File.ReadAllLines(f).Length - 2), merged.Rows);
        Assert.Equal(merged.Rows, merged.Count);
        Assert.False(merged[K.Demand].HasMissing);
    }
}
