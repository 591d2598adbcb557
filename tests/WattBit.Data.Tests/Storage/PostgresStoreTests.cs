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

    [Fact]
    public async Task AppendAtNext_TwoStoresAppendingConcurrentlyToOneStream_LoseNothing_GapFree_AndEachWriterSeesEveryRecordInOrder()
    {
        var connection = await server.CreateDatabaseAsync();
        await using var a = (PostgresStore)await WattBitStore.OpenAsync("postgres:" + connection);
        await using var b = (PostgresStore)await WattBitStore.OpenAsync("postgres:" + connection);
        using var stop = new CancellationTokenSource();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int Rounds = 40;
        var heard = 0;
        var allHeard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listen = b.ListenAsync("wattbit_test", _ =>
        {
            if (Interlocked.Increment(ref heard) == 2 * Rounds)
            {
                allHeard.TrySetResult();
            }
        }, () => listening.TrySetResult(), stop.Token);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Four writers (two per store, as two server instances each with two journals' worth of traffic), each appending
        // batches of 1-3 records in turn and keeping its own view as a journal does: what it missed, then its own records.
        async Task<List<JournalRecord>> Writer(PostgresStore store, string name, bool notify)
        {
            var view = new List<JournalRecord>();
            long known = 0;
            for (var round = 0; round < Rounds; round++)
            {
                string[] bodies = [.. Enumerable.Range(0, 1 + (round % 3)).Select(i => $"{name}-{round}-{i}")];
                var appended = notify
                    ? await store.AppendJournalAndNotifyAsync("events", bodies, known, "wattbit_test", "")
                    : await store.AppendJournalAsync("events", bodies, known);
                view.AddRange(appended.Missed);
                view.AddRange(bodies.Select((body, i) => new JournalRecord(appended.FirstSeq + i, body)));
                known = view[^1].Seq;
            }

            return view;
        }

        var views = await Task.WhenAll(
            Task.Run(() => Writer(a, "a1", notify: true)), Task.Run(() => Writer(a, "a2", notify: false)),
            Task.Run(() => Writer(b, "b1", notify: true)), Task.Run(() => Writer(b, "b2", notify: false)));

        // Every record written once, at positions 1..n without a gap (each writer wrote 40 rounds of 1, 2, 3, 1... records:
        // 13 x 6 + 1 = 79).
        var stored = await a.ReadJournalAsync("events", 0);
        Assert.Equal(4 * 79, stored.Count);
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(r => r.Seq));
        Assert.Equal(4 * 79, stored.Select(r => r.Body).Distinct().Count());
        foreach (var name in new[] { "a1", "a2", "b1", "b2" })
        {
            // Each writer's records are in the order it wrote them.
            var own = stored.Where(r => r.Body.StartsWith(name + "-", StringComparison.Ordinal)).Select(r => r.Body).ToList();
            Assert.Equal(Enumerable.Range(0, Rounds).SelectMany(round => Enumerable.Range(0, 1 + (round % 3)).Select(i => $"{name}-{round}-{i}")), own);
        }

        // Each writer's view is exactly the stored stream up to its last position: nothing skipped, nothing twice, in order.
        foreach (var view in views)
        {
            Assert.Equal(stored.Take(view.Count), view);
            Assert.Equal(view.Count, view[^1].Seq);
        }

        // One notification per notifying append (2 writers x 40 rounds), sent only once the records were committed.
        await allHeard.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await listen.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2 * Rounds, heard);
    }
}
