using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WattBit.Data.Storage;
using WattBit.Server.Signals;
using WattBit.Testing;
using WattBit.Time;

namespace WattBit.Server.Tests;

/// <summary>
/// Two instances on one PostgreSQL answer the hot reads (current signal, node headroom) from an in-process cache: a
/// write on one is read on the other once its notification has reached it, and a notification missed while the listen
/// connection was down is recovered when it is re-established.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedReadCacheTests(PostgresServer postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string Current = "/api/areas/TK/signals/carbon/current";

    [Fact]
    public async Task AWriteOnOneInstance_IsReadOnTheOther_OnceItsNotificationArrived()
    {
        var settings = new Dictionary<string, string> { ["WattBit:Store"] = "postgres:" + await postgres.CreateDatabaseAsync() };
        await using var a = new StartedServer(settings);
        await using var b = new StartedServer(settings);
        await a.StartAsync();
        await b.StartAsync();
        var node = TestServer.UploadNodeOf("TK:上野");

        // B has read both before (the reference value; no headroom: 404), so both reads are in its cache.
        var before = (await (await b.Server.Client().GetAsync(Current)).OkJsonAsync()).GetProperty("value").GetDouble();
        await (await b.Server.Client().GetAsync($"/api/areas/TK/nodes/{node}/headroom")).ProblemAsync(404);

        var slot = SignalCatalog.Floor(b.Server.Time.GetUtcNow());
        var signal = Invalidation(b);
        var published = before + 111.5;
        await (await a.Server.Client("tso-tk").PutJsonAsync("/api/areas/TK/signals/carbon", new { start = slot, stepMinutes = 30, values = new[] { published } })).OkJsonAsync();
        await signal.WaitAsync(Timeout);
        Assert.Equal(published, (await (await b.Server.Client().GetAsync(Current)).OkJsonAsync()).GetProperty("value").GetDouble());

        var headroom = Invalidation(b);
        await (await a.Server.Client("tso-tk").PutJsonAsync($"/api/areas/TK/nodes/{node}/headroom", new { start = slot, stepMinutes = 60, values = new[] { 42.0, 40.0 } })).OkJsonAsync();
        await headroom.WaitAsync(Timeout);
        var read = await (await b.Server.Client().GetAsync($"/api/areas/TK/nodes/{node}/headroom")).OkJsonAsync();
        Assert.Equal([42.0, 40.0], read.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public async Task ANotificationMissedWhileTheListenConnectionWasDown_IsRecoveredWhenItIsReestablished()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string> { ["WattBit:Store"] = "postgres:" + connection };
        await using var b = new StartedServer(settings);
        await b.StartAsync();
        var before = (await (await b.Server.Client().GetAsync(Current)).OkJsonAsync()).GetProperty("value").GetDouble();

        // Another writer commits a value and its live event, but its notification never reaches B (none is sent).
        var slot = SignalCatalog.Floor(b.Server.Time.GetUtcNow());
        var published = before + 222.25;
        await using (var writer = await PostgresStore.OpenAsync(connection))
        {
            await writer.UpsertSeriesAsync(
                [new SeriesWrite(new SeriesKey("TK", "carbon", SignalCatalog.PublishedSource), TimeSeries.Wrap(slot, SignalCatalog.Step, [published], SeriesUnit.GramsPerKilowattHour))]);
            var seq = await writer.JournalLengthAsync("events") + 1;
            Assert.True(await writer.TryAppendJournalAsync("events", seq,
                $$$"""{"type":"signal","area":"TK","operator":null,"key":null,"data":{"area":"TK","metric":"carbon","start":"{{{slot:O}}}","end":"{{{slot + SignalCatalog.Step:O}}}"}}"""));
        }

        // Without the notification B still answers from its cache (its clock stands still, so nothing expires)...
        Assert.Equal(before, (await (await b.Server.Client().GetAsync(Current)).OkJsonAsync()).GetProperty("value").GetDouble());

        // ...until its listen connection is lost and re-established: it then catches up the stream and sees the event.
        var recovered = Invalidation(b);
        await using (var admin = new NpgsqlConnection(connection))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()", admin);
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1);
        }

        await recovered.WaitAsync(Timeout);
        Assert.Equal(published, (await (await b.Server.Client().GetAsync(Current)).OkJsonAsync()).GetProperty("value").GetDouble());
    }

    /// <summary>Completes when the server's published-series cache is next emptied.</summary>
    private static Task Invalidation(StartedServer server)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Server.Services.GetRequiredService<SignalCatalog>().Published.Invalidated += () => done.TrySetResult();
        return done.Task;
    }
}
