using WattBit.Data.Storage;
using WattBit.Server.Infrastructure;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>Concurrent publications committed together: each caller gets its own count, and a bad write fails only its own caller.</summary>
public sealed class GroupCommitTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static SeriesWrite Write(string location, int values, TimeSpan step) =>
        new(new SeriesKey(location, "carbon", "published"),
            TimeSeries.Wrap(Start, step, [.. Enumerable.Range(0, values).Select(i => 100.0 + i)], SeriesUnit.GramsPerKilowattHour, location));

    [Fact]
    public async Task ConcurrentWrites_EachGetTheirOwnCount_AreAllStored_AndABadOneFailsAlone()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-group-commit-").FullName;
        try
        {
            await using var store = await SqliteStore.OpenAsync(Path.Combine(folder, "w.db"));
            // Stored on a 30-min grid first, so an hourly write under the same key is refused by the store.
            await store.UpsertSeriesAsync([Write("bad", 1, TimeSpan.FromMinutes(30))]);
            var commit = new SeriesGroupCommit(store, enabled: true);

            var writes = Enumerable.Range(0, 40).Select(i => commit.WriteAsync([Write($"L{i}", 1 + (i % 5), TimeSpan.FromMinutes(30))], CancellationToken.None)).ToList();
            var bad = commit.WriteAsync([Write("bad", 2, TimeSpan.FromHours(1))], CancellationToken.None);
            writes.AddRange(Enumerable.Range(40, 40).Select(i => commit.WriteAsync([Write($"L{i}", 1 + (i % 5), TimeSpan.FromMinutes(30))], CancellationToken.None)));

            await Assert.ThrowsAsync<ArgumentException>(() => bad);
            var counts = await Task.WhenAll(writes);
            Assert.Equal(Enumerable.Range(0, 80).Select(i => (long)(1 + (i % 5))), counts);
            for (var i = 0; i < 80; i++)
            {
                var n = 1 + (i % 5);
                var read = await store.ReadSeriesAsync(new SeriesKey($"L{i}", "carbon", "published"), new TimeWindow(Start, Start.AddMinutes(30 * n)));
                Assert.Equal(Enumerable.Range(0, n).Select(j => 100.0 + j), read!.Values.ToArray());
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
