using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WattBit.Data.Storage;
using WattBit.Server.Events;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;

namespace WattBit.Server.Tests;

/// <summary>
/// The pruning pass of the live-event stream in the store: events older than the retention are removed, newer ones and
/// every other stream stay, and a client reconnecting with a pruned <c>Last-Event-ID</c> is told its replay is incomplete.
/// </summary>
public sealed class EventPruningTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Caller Planner = new("planner-1", "planner", null, null);

    [Fact]
    public async Task EventsOlderThanTheRetention_AreRemoved_NewerRemain_AndAReconnectFromAPrunedIdIsToldItIsIncomplete()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-prune-").FullName;
        try
        {
            await using var store = await SqliteStore.OpenAsync(Path.Combine(folder, "w.db"));
            Assert.True(await store.TryAppendJournalAsync("orders", 1, "{}"));
            var time = new FakeTimeProvider(Start);
            var journals = new Journals(Path.Combine(folder, "journal.jsonl"), store);
            var hub = new EventHub(time, journals);
            var options = Options.Create(new ServerOptions { Events = { Retention = TimeSpan.FromHours(1) } });
            var pruner = new EventPruner(journals, hub, time, options, NullLogger<EventPruner>.Instance);

            // Events 1-3 at 00:00, 4-5 at 00:30; passes at 00:00, 00:30 and 01:01 (only 1-3 are then over an hour old).
            for (var i = 1; i <= 3; i++)
            {
                await hub.PublishAsync("signal", "TK", null, new { n = i });
            }

            Assert.Equal(0, await pruner.PruneOnceAsync());
            time.Advance(TimeSpan.FromMinutes(30));
            await hub.PublishAsync("signal", "TK", null, new { n = 4 });
            await hub.PublishAsync("signal", "TK", null, new { n = 5 });
            Assert.Equal(0, await pruner.PruneOnceAsync());
            time.Advance(TimeSpan.FromMinutes(31));

            Assert.Equal(3, await pruner.PruneOnceAsync());
            Assert.Equal([4L, 5L], (await store.ReadJournalAsync(EventHub.Stream, 0)).Select(r => r.Seq));
            Assert.Single(await store.ReadJournalAsync("orders", 0));

            // 01:31: 4-5 are over an hour old, but the last event is always kept so ids keep increasing.
            time.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(1, await pruner.PruneOnceAsync());
            Assert.Equal([5L], (await store.ReadJournalAsync(EventHub.Stream, 0)).Select(r => r.Seq));
            await hub.PublishAsync("signal", "TK", null, new { n = 6 });
            Assert.Equal(6, await store.JournalLengthAsync(EventHub.Stream));

            // The running instance and one started now both answer the same: from id 2 (pruned) the replay is incomplete,
            // from id 5 (held) it is complete.
            foreach (var instance in new[] { hub, new EventHub(time, journals) })
            {
                var (ready, ids) = await ReconnectAsync(instance, 2, expected: 2);
                Assert.False(ready.GetProperty("complete").GetBoolean());
                Assert.Equal(2, ready.GetProperty("replayed").GetInt32());
                Assert.Equal([5L, 6L], ids);

                (ready, ids) = await ReconnectAsync(instance, 5, expected: 1);
                Assert.True(ready.GetProperty("complete").GetBoolean());
                Assert.Equal([6L], ids);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task NoRetention_OrTheEmbeddedMode_PrunesNothing()
    {
        var folder = Directory.CreateTempSubdirectory("wattbit-prune-").FullName;
        try
        {
            await using var store = await SqliteStore.OpenAsync(Path.Combine(folder, "w.db"));
            var time = new FakeTimeProvider(Start);
            var shared = new Journals(Path.Combine(folder, "journal.jsonl"), store);
            var hub = new EventHub(time, shared);
            await hub.PublishAsync("signal", "TK", null, new { n = 1 });
            await hub.PublishAsync("signal", "TK", null, new { n = 2 });
            var off = new EventPruner(shared, hub, time, Options.Create(new ServerOptions { Events = { Retention = TimeSpan.Zero } }), NullLogger<EventPruner>.Instance);
            var embedded = new Journals(Path.Combine(folder, "journal.jsonl"), null);
            var files = new EventPruner(embedded, new EventHub(time, embedded), time, Options.Create(new ServerOptions()), NullLogger<EventPruner>.Instance);
            for (var pass = 0; pass < 3; pass++)
            {
                Assert.Equal(0, await off.PruneOnceAsync());
                Assert.Equal(0, await files.PruneOnceAsync());
                time.Advance(TimeSpan.FromDays(30));
            }

            Assert.Equal(2, (await store.ReadJournalAsync(EventHub.Stream, 0)).Count);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(JsonElement Ready, List<long> Ids)> ReconnectAsync(EventHub hub, long lastEventId, int expected)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = hub.SubscribeAsync(Planner, lastEventId, timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("ready", events.Current.Type);
        var ready = JsonSerializer.SerializeToElement(events.Current.Data, Journals.Json);
        var ids = new List<long>();
        for (var i = 0; i < expected; i++)
        {
            Assert.True(await events.MoveNextAsync());
            ids.Add(events.Current.Id);
        }

        return (ready, ids);
    }
}
