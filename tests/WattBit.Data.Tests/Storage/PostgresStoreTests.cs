using WattBit.Testing;
using WattBit.Data.Storage;

namespace WattBit.Data.Tests.Storage;

/// <summary>The conformance suite against a real PostgreSQL server (one fresh database per test).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : StoreConformanceTests
{
    protected override async Task<IWattBitStore> OpenStoreAsync() =>
        await WattBitStore.OpenAsync("postgres:" + await server.CreateDatabaseAsync());

    [Fact]
    public async Task Open_TwoStoresOnOneDatabaseAtOnce_MigrateOnce()
    {
        var connection = await server.CreateDatabaseAsync();
        var opening = Enumerable.Range(0, 4).Select(_ => WattBitStore.OpenAsync("postgres:" + connection)).ToArray();
        var stores = await Task.WhenAll(opening);
        try
        {
            Assert.All(stores, s => Assert.Equal(stores[0].SchemaVersion, s.SchemaVersion));
            Assert.StartsWith("postgres:127.0.0.1:", stores[0].Description, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var s in stores)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Notify_ReachesAListenerOfAnotherStoreOnTheSameDatabase()
    {
        var connection = await server.CreateDatabaseAsync();
        await using var a = (PostgresStore)await WattBitStore.OpenAsync("postgres:" + connection);
        await using var b = (PostgresStore)await WattBitStore.OpenAsync("postgres:" + connection);
        using var stop = new CancellationTokenSource();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listen = b.ListenAsync("wattbit_test", p => heard.TrySetResult(p), () => listening.TrySetResult(), stop.Token);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await a.NotifyAsync("wattbit_test", "orders:7");

        Assert.Equal("orders:7", await heard.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await stop.CancelAsync();
        await listen.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AppendAndNotify_WritesTheRecordAndNotifiesOnce_AndATakenPositionWritesAndSendsNothing()
    {
        var connection = await server.CreateDatabaseAsync();
        await using var a = (PostgresStore)await WattBitStore.OpenAsync("postgres:" + connection);
        await using var b = (PostgresStore)await WattBitStore.OpenAsync("postgres:" + connection);
        using var stop = new CancellationTokenSource();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heard = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var listen = b.ListenAsync("wattbit_test", p => heard.Writer.TryWrite(p), () => listening.TrySetResult(), stop.Token);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(await a.TryAppendJournalAndNotifyAsync("events", 1, "first", "wattbit_test", "p1"));
        Assert.False(await a.TryAppendJournalAndNotifyAsync("events", 1, "again", "wattbit_test", "taken"));
        Assert.True(await a.TryAppendJournalAndNotifyAsync("events", 2, "second", "wattbit_test", "p2"));

        // One listener connection hears notifications in commit order: the refused append's would come between the two.
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("p1", await heard.Reader.ReadAsync(wait.Token));
        Assert.Equal("p2", await heard.Reader.ReadAsync(wait.Token));
        Assert.Equal(["first", "second"], (await b.ReadJournalAsync("events", 0)).Select(r => r.Body));
        await stop.CancelAsync();
        await listen.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task BatchAppend_WritesEveryRecordAtConsecutivePositions_OrNothingWhenOneIsTaken_AndNotifiesOncePerBatch()
    {
        var connection = await server.CreateDatabaseAsync();
        await using var a = (PostgresStore)await WattBitStore.OpenAsync("postgres:" + connection);
        await using var b = (PostgresStore)await WattBitStore.OpenAsync("postgres:" + connection);
        using var stop = new CancellationTokenSource();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heard = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var listen = b.ListenAsync("wattbit_test", p => heard.Writer.TryWrite(p), () => listening.TrySetResult(), stop.Token);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(await a.TryAppendJournalBatchAndNotifyAsync("events", 1, ["e1", "e2", "e3"], "wattbit_test", "batch1"));
        // Position 5 taken by another writer: a batch over 4-6 writes none of them (4 and 6 stay free).
        Assert.True(await b.TryAppendJournalAsync("events", 5, "other"));
        Assert.False(await a.TryAppendJournalBatchAndNotifyAsync("events", 4, ["x4", "x5", "x6"], "wattbit_test", "refused"));
        Assert.True(await a.TryAppendJournalBatchAndNotifyAsync("events", 4, ["e4"], "wattbit_test", "batch2"));

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("batch1", await heard.Reader.ReadAsync(wait.Token));
        Assert.Equal("batch2", await heard.Reader.ReadAsync(wait.Token));
        Assert.Equal([(1L, "e1"), (2L, "e2"), (3L, "e3"), (4L, "e4"), (5L, "other")], (await b.ReadJournalAsync("events", 0)).Select(r => (r.Seq, r.Body)));
        await stop.CancelAsync();
        await listen.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
