using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WattBit.Server.Grid;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>
/// The server's layer with Tokyo and Chubu on their own TSO actuals (decision 0126): built when ../shared holds them
/// for the layer's hours, labelled with which areas are real, and the reference year alone when switched off.
/// </summary>
public sealed class RealAreaLayerTests
{
    private static HeadroomLayerHost Host(DateTimeOffset now, bool real) => new(Options.Create(new ServerOptions
    {
        HeadroomLayer = { Days = 1, Substations = ["TK:上野", "CB:東名古屋", "HKD:函館"], RealAreas = real, RealData = Testing.SharedData.Path("japan") },
    }), new FakeTimeProvider(now));

    [Fact]
    public async Task Layer_InJanuary2026_PutsTokyoAndChubuOnTheirActuals_AndSaysSo()
    {
        // 2026-01-15 12:00 JST: the Tokyo (FY2025 on) and Chubu (January 2026 on) actuals both cover the day.
        var now = new DateTimeOffset(2026, 1, 15, 3, 0, 0, TimeSpan.Zero);
        var real = await Host(now, real: true).LayerAsync(default);
        var reference = await Host(now, real: false).LayerAsync(default);
        Assert.StartsWith("CB: TSO area actuals (area-supply-demand/chubu", real.Info.Profile, StringComparison.Ordinal);
        Assert.Contains("TK: TSO area actuals (area-supply-demand/tokyo", real.Info.Profile, StringComparison.Ordinal);
        Assert.EndsWith("other areas: reference year FY2025 (seed 1)", real.Info.Profile, StringComparison.Ordinal);
        Assert.Equal("reference year FY2025 (seed 1), demand of the modelled areas", reference.Info.Profile);
        var day = new TimeWindow(real.Info.First, real.Info.End);
        foreach (var id in new[] { "TK:上野", "CB:東名古屋" })
        {
            var a = real.Hourly(id, day);
            var b = reference.Hourly(id, day);
            Assert.Equal(24, a.Count);
            Assert.True(a.Zip(b).Any(p => Math.Abs(p.First.N0Mw - p.Second.N0Mw) > 1), $"{id}: the real area's hours equal the reference year's");
        }
    }

    [Fact]
    public async Task Layer_WhereNoActualsCoverTheHours_IsTheReferenceYear()
    {
        // 2026-10-01: beyond every area's actuals (Tokyo to August 2026, Chubu to July 2026).
        var layer = await Host(new DateTimeOffset(2026, 10, 1, 3, 0, 0, TimeSpan.Zero), real: true).LayerAsync(default);
        Assert.Equal("reference year FY2026 (seed 1), demand of the modelled areas", layer.Info.Profile);
    }
}
