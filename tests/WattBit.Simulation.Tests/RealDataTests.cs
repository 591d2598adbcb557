using System.Globalization;
using WattBit.Formats;
using WattBit.Testing;
using WattBit.Time;

namespace WattBit.Simulation.Tests;

public sealed class RealDataTests
{
    private static string Scenario(string real, string start = "2025-04-01", string end = "2025-04-03") => TestScenarios.Yaml(days: 2, jobs: 50, start: start)
        .Replace("  synthetic: 2025\n", $"  synthetic: 2025\n  real: {real}\n", StringComparison.Ordinal)
        .Replace($"  end: {DateOnly.ParseExact(start, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(2):yyyy-MM-dd}", $"  end: {end}", StringComparison.Ordinal);

    [Fact]
    public void MissingRealDataFolder_FailsBeforeRunning_NamingTheKeyItsLineAndWhatToDo()
    {
        var yaml = Scenario("no-such-folder/japan");
        var e = Assert.Throws<InputFormatException>(() => TestScenarios.Parse(yaml));
        Assert.Equal(yaml.Split('\n').ToList().FindIndex(l => l.Contains("real:", StringComparison.Ordinal)) + 1, e.Line);
        Assert.Contains("data.real", e.Message, StringComparison.Ordinal);
        Assert.Contains("WATTBIT_SHARED_DATA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RealPrices_AreJepxAreaPricesAveragedOverTheHour_AndOkinawaStaysSynthetic()
    {
        var scenario = TestScenarios.Parse(Scenario(SharedData.Path("japan")));
        var world = TestScenarios.World(scenario);
        var tk = world.AreaCodes.ToList().IndexOf("TK");
        var hkd = world.AreaCodes.ToList().IndexOf("HKD");

        // spot_summary_2025.csv, 2025/04/01 slots 1 and 2 (00:00-01:00 JST): Tokyo 15.41 and 14.25, Hokkaido 15.41 and 14.25
        // JPY/kWh (read from the file by hand).
        Assert.Equal((15.41 + 14.25) / 2, world.Price[tk][0], 9);
        Assert.Equal((15.41 + 14.25) / 2, world.Price[hkd][0], 9);
        var sources = world.Sources.ToDictionary(x => (x.Area, x.Series));
        Assert.Equal("real", sources[("TK", "price")].Label);
        Assert.Equal("synthetic", sources[("ON", "price")].Label);
        Assert.Equal("synthetic", sources[("ON", "carbon")].Label);
        // Tokyo's one generated site takes the first kind of the 40/30/30 mix, firm: its limit is the contract the scenario types.
        Assert.Equal("scenario-typed 1 site", sources[("TK", "grid limits")].Label);

        // Without data.real the same scenario is the synthetic year, labelled so.
        var synthetic = TestScenarios.World(scenario with { RealDataDir = null });
        Assert.All(synthetic.Sources.Where(x => x.Series != "grid limits"), x => Assert.Equal("synthetic", x.Label));
        Assert.NotEqual(synthetic.Price[tk][0], world.Price[tk][0]);
    }

    [Fact]
    public void RealTokyoCarbon_IsTheMixOfTheTsoActuals_AndChubuIsRealOnlyWhereItsFilesBegin()
    {
        var scenario = TestScenarios.Parse(Scenario(SharedData.Path("japan"), "2025-12-31", "2026-01-02"));
        var world = TestScenarios.World(scenario);
        var tk = world.AreaCodes.ToList().IndexOf("TK");
        var cb = world.AreaCodes.ToList().IndexOf("CB");

        // Independent of the overlay: Tokyo's January file through the carbon calculator, hour 24 (2026-01-01 00:00 JST) =
        // the mean of its first two half-hours.
        var january = Data.Import.AreaSupplyDemandImporter.ReadFile(SharedData.Path("japan", "area-supply-demand", "tokyo", "eria_jukyu_202601_03.csv"), Areas.JapanAreas.Tokyo);
        var carbon = Data.Signals.GridSignals.Carbon(january);
        var at = (int)((new DateTimeOffset(2026, 1, 1, 0, 0, 0, Jst.Offset) - carbon.Start).Ticks / carbon.Step.Ticks);
        Assert.Equal((carbon[at] + carbon[at + 1]) / 2, world.CarbonLifecycle[tk][24], 9);

        // Chubu's files start in January 2026: its first day here is the reference year's, its second real.
        var synthetic = TestScenarios.World(scenario with { RealDataDir = null });
        Assert.Equal(synthetic.CarbonLifecycle[cb][0], world.CarbonLifecycle[cb][0], 12);
        Assert.NotEqual(synthetic.CarbonLifecycle[cb][24], world.CarbonLifecycle[cb][24]);
        var cbCarbon = world.Sources.Single(x => x.Area == "CB" && x.Series == "carbon");
        Assert.Equal(24, cbCarbon.RealSteps);
        Assert.Equal("real 50 %", cbCarbon.Label);
    }
}
