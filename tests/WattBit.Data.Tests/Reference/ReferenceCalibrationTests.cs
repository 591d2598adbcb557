using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Testing;

namespace WattBit.Data.Tests.Reference;

public sealed class ReferenceCalibrationTests
{
    [Fact]
    public void Report_ChubuAndJepx_HasEveryMetricAndArea()
    {
        var files = Directory.GetFiles(SharedData.Path("japan", "area-supply-demand", "chubu"), "*.csv").Order(StringComparer.Ordinal);
        var chubu = AreaSupplyDemand.Merge(files.Select(f => AreaSupplyDemandImporter.ReadFile(f)));
        var spot = JepxSpotImporter.ReadFile(SharedData.Path("japan", "jepx", "spot_summary_2025.csv"));
        var sample = AreaSupplyDemandImporter.ReadFile(SharedData.Path("japan", "area-supply-demand", "mocks", "eria_jukyu_202604_09.csv"));
        var report = ReferenceCalibration.Report(new CalibrationData([chubu], spot, [sample]), 1);
        Assert.Contains("| KY | eria_jukyu_202604_09.csv | 100 |", report, StringComparison.Ordinal);
        Assert.Contains("## CB Chubu", report, StringComparison.Ordinal);
        Assert.Contains("peak demand (MW)", report, StringComparison.Ordinal);
        Assert.Contains("solar capacity factor", report, StringComparison.Ordinal);
        Assert.Contains("| 2026-04 |", report, StringComparison.Ordinal);
        foreach (var code in new[] { "HKD", "TH", "TK", "CB", "HR", "KN", "CG", "SK", "KY" })
        {
            Assert.Contains($"| {code} |", report, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PriceQuantiles_ShippedTable_IsWhatTheCalibrationDerivesFromJepx()
    {
        var spot = JepxSpotImporter.ReadFile(SharedData.Path("japan", "jepx", "spot_summary_2025.csv"));
        using var w = new StringWriter();
        ReferenceCalibration.WritePriceQuantiles(spot, w);
        Assert.Equal(JapanFacts.ReadShipped("reference_price_quantiles.csv").ReplaceLineEndings(), w.ToString().ReplaceLineEndings());
    }
}
