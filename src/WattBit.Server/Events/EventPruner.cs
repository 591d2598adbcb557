using Microsoft.Extensions.Options;
using WattBit.Server.Infrastructure;

namespace WattBit.Server.Events;

/// <summary>Settings of the live-event stream, bound from <c>WattBit:Events</c>.</summary>
internal sealed class EventOptions
{
    /// <summary>
    /// How long live events are kept in the shared store's <c>events</c> stream (PostgreSQL, or any store the journals
    /// live in); default 7 days. Zero or negative: never pruned.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the pruning pass runs; default 10 minutes. An event is removed between one retention and one retention plus this after it was published.</summary>
    public TimeSpan PruneEvery { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// The pruning pass of the live-event stream (<see cref="EventHub.Stream"/>), a hosted background service on the
/// injected <see cref="TimeProvider"/>. Only that stream is pruned: every other journal stream (orders, connections,
/// dispatch orders, idempotency keys, jobs, market) is what the server's state is rebuilt from and is never touched.
/// <para>
/// Events carry no time, so each pass notes the stream's length with the time it read it; every record up to that
/// length was written by then. A later pass removes the records up to the length noted at least
/// <see cref="EventOptions.Retention"/> ago — each is older than the retention — always keeping the stream's last record
/// so event ids keep increasing. The notes are in memory: after a start, the first removal comes one retention later.
/// Several instances may prune the same stream; the removals are idempotent.
/// </para>
/// </summary>
internal sealed partial class EventPruner(Journals journals, EventHub hub, TimeProvider time, IOptions<ServerOptions> options, ILogger<EventPruner> logger)
    : BackgroundService
{
    private readonly Queue<(DateTimeOffset At, long Length)> _notes = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    private EventOptions Settings => options.Value.Events;

    /// <summary>
    /// One pass at the provider's current time: notes the stream's length, removes the records older than the
    /// retention, and makes the hub forget them. Answers how many records were removed (0 in the embedded mode, where
    /// events are not in the store, or with no retention).
    /// </summary>
    public async Task<int> PruneOnceAsync(CancellationToken cancellationToken = default)
    {
        if (journals.Store is not { } store || Settings.Retention <= TimeSpan.Zero)
        {
            return 0;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            var length = await store.JournalLengthAsync(EventHub.Stream, cancellationToken).ConfigureAwait(false);
            _notes.Enqueue((now, length));
            long through = 0;
            while (_notes.Count > 0 && _notes.Peek().At <= now - Settings.Retention)
            {
                through = _notes.Dequeue().Length;
            }

            if (through == 0)
            {
                return 0;
            }

            var removed = await store.PruneJournalAsync(EventHub.Stream, through, cancellationToken).ConfigureAwait(false);
            hub.Forget(Math.Min(through, length - 1)); // the store keeps its last record; so does the hub

            return removed;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (journals.Store is null || Settings.Retention <= TimeSpan.Zero)
        {
            return;
        }

        var every = Settings.PruneEvery > TimeSpan.Zero ? Settings.PruneEvery : TimeSpan.FromMinutes(10);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var removed = await PruneOnceAsync(stoppingToken).ConfigureAwait(false);
                    if (removed > 0)
                    {
                        Pruned(logger, removed, Settings.Retention);
                    }
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException or TimeoutException or InvalidOperationException)
                {
                    PruneFailed(logger, e);
                }

                await Task.Delay(every, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Releases the pass's gate.</summary>
    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 7021, Level = LogLevel.Information, Message = "Live events: removed {Removed} events older than {Retention}.")]
    private static partial void Pruned(ILogger logger, int removed, TimeSpan retention);

    [LoggerMessage(EventId = 7022, Level = LogLevel.Warning, Message = "Live events: pruning failed; the next pass retries.")]
    private static partial void PruneFailed(ILogger logger, Exception e);
}
