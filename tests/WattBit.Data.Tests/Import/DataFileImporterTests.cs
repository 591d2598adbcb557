using WattBit.Data.Import;
using WattBit.Data.Storage;
using WattBit.Formats;
using WattBit.Testing;

namespace WattBit.Data.Tests.Import;

public sealed class DataFileImporterTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"wb-import-{Guid.NewGuid():N}");
    private IWattBitStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _store = await WattBitStore.OpenAsync(Path.Combine(_dir, "test.db"));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Tokyo(string month) => SharedData.Path("japan", "area-supply-demand", "tokyo", $"eria_jukyu_{month}_03.csv");

    [Fact]
    public async Task Import_SameFileTwice_SecondChangesNothing()
    {
        var time = TimeProvider.System;
        var first = await DataFileImporter.ImportAsync(_store, Tokyo("202504"), time);
        Assert.Equal(ImportOutcome.Stored, first.Result.Outcome);
        var before = await _store.ListSeriesAsync();

        var second = await DataFileImporter.ImportAsync(_store, Tokyo("202504"), time);
        Assert.Equal(ImportOutcome.AlreadyImported, second.Result.Outcome);
        Assert.Equal(0, second.Result.PointsWritten);
        Assert.Equal(before.Select(i => (i.Key, i.Points)), (await _store.ListSeriesAsync()).Select(i => (i.Key, i.Points)));
        Assert.Single(await _store.ListImportsAsync());
    }

    [Fact]
    public async Task Import_StoredSeries_ReadBackAsImported()
    {
        var imported = await DataFileImporter.ImportAsync(_store, Tokyo("202504"), TimeProvider.System);
        var window = imported.File.Window;
        var demand = await _store.ReadSeriesAsync(new SeriesKey("TK", SupplyDemandKeys.Demand, DataFileImporter.TsoSource), window);
        Assert.NotNull(demand);
        var original = AreaSupplyDemandImporter.ReadFile(Tokyo("202504"))[SupplyDemandKeys.Demand];
        Assert.Equal(original.Values.ToArray(), demand!.Values.ToArray());
    }

    [Fact]
    public async Task Import_TruncatedFile_StoresNothingAndKeepsWhatWasThere()
    {
        await DataFileImporter.ImportAsync(_store, Tokyo("202504"), TimeProvider.System);
        var before = await _store.ListSeriesAsync();
        var bad = Path.Combine(_dir, "eria_jukyu_202505_03.csv");
        var bytes = await File.ReadAllBytesAsync(Tokyo("202505"));
        await File.WriteAllBytesAsync(bad, bytes[..(bytes.Length / 2)]);

        var ex = await Assert.ThrowsAsync<InputFormatException>(() => DataFileImporter.ImportAsync(_store, bad, TimeProvider.System));
        Assert.True(ex.Line > 2);
        Assert.Equal(before.Select(i => (i.Key, i.Points)), (await _store.ListSeriesAsync()).Select(i => (i.Key, i.Points)));
        Assert.Single(await _store.ListImportsAsync());
    }

    [Fact]
    public void Parse_UnknownFile_SaysWhatIsExpected()
    {
        var ex = Assert.Throws<InputFormatException>(() => DataFileImporter.Parse("notes.csv", [0x61]));
        Assert.Contains("eria_jukyu", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JepxAndOccto_KeysNameTheSource()
    {
        var spot = DataFileImporter.Parse("spot_summary_2025.csv", File.ReadAllBytes(SharedData.Path("japan", "jepx", "spot_summary_2025.csv")));
        Assert.Contains(spot.Series, s => s.Key == new SeriesKey("KY", "price", "jepx"));
        var occto = DataFileImporter.Parse("dashboard-20260817.json", File.ReadAllBytes(SharedData.Path("japan", "occto", "dashboard-20260817.json")));
        Assert.Contains(occto.Series, s => s.Key.Location == "TH-TK" && s.Key.Source == "occto");
        Assert.Equal(TimeSpan.FromDays(1), occto.Window.Duration);
    }
}
