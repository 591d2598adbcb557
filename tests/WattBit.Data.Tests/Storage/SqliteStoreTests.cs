using WattBit.Data.Storage;
using WattBit.Time;

namespace WattBit.Data.Tests.Storage;

/// <summary>The conformance suite against a SQLite file, plus what only a file store has (reopening, WAL).</summary>
public sealed class SqliteStoreTests : StoreConformanceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wattbit-sqlite-").FullName;

    private string DbPath => Path.Combine(_folder, "wattbit.db");

    protected override async Task<IWattBitStore> OpenStoreAsync() => await WattBitStore.OpenAsync(DbPath);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Reopen_SameFile_KeepsDataAndSchemaVersion()
    {
        var key = new SeriesKey("TK", "demand", "tso");
        var start = new DateTimeOffset(2025, 4, 1, 0, 0, 0, Jst.Offset);
        await Store.UpsertSeriesAsync([new SeriesWrite(key, new TimeSeries(start, TimeSpan.FromMinutes(30), [5.0], SeriesUnit.Megawatts))]);

        await using var again = await WattBitStore.OpenAsync("sqlite:" + DbPath);

        Assert.Equal(Store.SchemaVersion, again.SchemaVersion);
        Assert.Equal(5.0, (await again.ReadSeriesAsync(key, TimeWindow.FromDuration(start, TimeSpan.FromMinutes(30))))![0]);
    }

    [Fact]
    public async Task Open_FileIsInWalMode()
    {
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + DbPath);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Open_MissingFolder_ThrowsNamingIt()
    {
        var missing = Path.Combine(_folder, "no-such-folder", "x.db");
        var e = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => WattBitStore.OpenAsync(missing));
        Assert.Contains("no-such-folder", e.Message, StringComparison.Ordinal);
    }
}
