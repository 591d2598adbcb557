using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using WattBit.Server.Infrastructure;
using WattBit.Server.Security;

namespace WattBit.Server.Events;

/// <summary>
/// A live event. <see cref="Key"/> set: only that key sees it; <see cref="Operator"/> set: only that DC operator and the
/// grid operator of <see cref="Area"/> see it; otherwise every authenticated caller does.
/// </summary>
internal sealed record ServerEvent(long Id, string Type, string? Area, string? Operator, object Data, string? Key = null)
{
    public bool IsVisibleTo(Caller caller) =>
        Key is not null ? caller.KeyId == Key
        : Operator is null
        || (caller.IsDcOperator && caller.Operator == Operator)
        || (Area is not null && caller.IsGridOperatorOf(Area));
}

/// <summary>
/// Fans events out to subscribers; each has a bounded queue (the oldest events are dropped for a reader that stalls).
/// The last <see cref="HistorySize"/> events are kept so a client that reconnects with <c>Last-Event-ID</c> gets what it
/// missed. Event ids start from the start-up time in microseconds, so they keep increasing across restarts.
/// <para>
/// With a PostgreSQL store (<see cref="Journals.Shared"/>) every event is appended to the store's stream <c>events</c>
/// and announced with <c>NOTIFY wattbit_events</c> (<see cref="NotifyChannel"/>); every instance (this one too) delivers the stream to its own
/// subscribers in order (<see cref="SharedEventListener"/>), so a client of any instance gets the events published on
/// all of them, and the event id is the position in that stream: the same on every instance, so a client that reconnects
/// to another instance with <c>Last-Event-ID</c> resumes where it stopped.
/// </para>
/// Thread-safe.
/// </summary>
internal sealed class EventHub
{
    public const int HistorySize = 1024;

    /// <summary>The store stream live events are kept in (shared mode); the only stream the server prunes (<see cref="EventPruner"/>).</summary>
    public const string Stream = "events";

    /// <summary>The channel instances announce new events on.</summary>
    public const string NotifyChannel = "wattbit_events";

    /// <summary>An event as the shared stream keeps it (the data as the JSON clients get).</summary>
    internal sealed record SharedEvent(string Type, string? Area, string? Operator, string? Key, JsonElement Data);

    private readonly StoreJournal<SharedEvent>? _shared;
    private readonly bool _sharedMode;

    public EventHub(TimeProvider time, Journals journals)
    {
        _nextEvent = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        if (journals.Store is { } store)
        {
            var length = store.JournalLengthAsync(Stream).GetAwaiter().GetResult();
            _sharedMode = true; // set before the replay below: replayed events keep their stream positions as ids
            var shared = new StoreJournal<SharedEvent>(store, Stream, Deliver, Math.Max(0, length - HistorySize))
            {
                NotifyOnAppend = journals.Notifications is { } n ? (n, NotifyChannel, NotifyPayload) : null,
            };
            _shared = shared;
            _group = new GroupCommit<SharedEvent, bool>(async events =>
            {
                await shared.AppendManyAsync(events).ConfigureAwait(false);
                return [.. events.Select(_ => true)];
            }, MaxGroup);
        }
    }

    /// <summary>Called with each event delivered from the shared stream (published here or on another instance).</summary>
    public event Action<ServerEvent>? Delivered;

    /// <summary>
    /// The payload of this hub's notifications: unique to this process's hub, so its listener can tell its own
    /// notifications (whose events the append already delivered here) from other instances'.
    /// </summary>
    public string NotifyPayload { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Whether events are shared with other instances.</summary>
    public bool Shared => _shared is not null;

    /// <summary>Delivers what other instances published since the last call (shared mode; nothing otherwise), without blocking a thread while the store answers.</summary>
    public Task CatchUpAsync(CancellationToken cancellationToken = default) => _shared?.CatchUpAsync(cancellationToken) ?? Task.CompletedTask;
    private readonly ConcurrentDictionary<long, (Caller Caller, Channel<ServerEvent> Channel)> _subscribers = new();
    private readonly Queue<ServerEvent> _history = new(HistorySize);
    private readonly Lock _lock = new();
    private long _nextSubscriber;
    private long _nextEvent;

    public int SubscriberCount => _subscribers.Count;

    /// <summary>
    /// Publishes an event: in shared mode appended to the stream and announced in one statement, awaited without blocking
    /// a thread (decision 0193); otherwise delivered to this instance's subscribers at once.
    /// </summary>
    public Task PublishAsync(string type, string? area, string? op, object data, string? key = null)
    {
        if (_shared is not null)
        {
            return CommitAsync(new SharedEvent(type, area, op, key, JsonSerializer.SerializeToElement(data, Journals.Json)));
        }

        Fan(new ServerEvent(0, type, area, op, data, key));
        return Task.CompletedTask;
    }

    /// <summary>The most events one statement appends.</summary>
    private const int MaxGroup = 256;

    /// <summary>
    /// Group commit of shared events: an event published while an append is in flight waits for it and is then appended
    /// with the others that waited, in one statement (<see cref="StoreJournal{T}.AppendManyAsync"/>), in the order they
    /// were published. Completes when the event is in the stream. Not cancelled: an event follows a change already made.
    /// </summary>
    private readonly GroupCommit<SharedEvent, bool>? _group;

    private Task CommitAsync(SharedEvent e) => _group!.CommitAsync(e);

    private void Deliver(SharedEvent shared, long seq)
    {
        // Handlers first (they empty this instance's read caches), so a subscriber that reads after the event sees the change.
        var e = new ServerEvent(seq, shared.Type, shared.Area, shared.Operator, shared.Data, shared.Key);
        Delivered?.Invoke(e);
        Fan(e);
    }

    private void Fan(ServerEvent e)
    {
        // One lock orders history and fan-out, so a subscriber replaying history never misses nor repeats an event.
        lock (_lock)
        {
            if (!_sharedMode)
            {
                e = e with { Id = ++_nextEvent };
            }

            if (_history.Count == HistorySize)
            {
                _history.Dequeue();
            }

            _history.Enqueue(e);
            foreach (var (_, sub) in _subscribers)
            {
                if (e.IsVisibleTo(sub.Caller))
                {
                    sub.Channel.Writer.TryWrite(e);
                }
            }
        }
    }

    /// <summary>
    /// Forgets the held events with ids up to <paramref name="throughId"/> (those the pruning pass removed from the shared
    /// stream), so a client reconnecting with an older <c>Last-Event-ID</c> is told its replay is incomplete.
    /// </summary>
    public void Forget(long throughId)
    {
        lock (_lock)
        {
            while (_history.Count > 0 && _history.Peek().Id <= throughId)
            {
                _history.Dequeue();
            }
        }
    }

    /// <summary>
    /// Subscribes <paramref name="caller"/>. The first event is <c>ready</c> with <c>replayed</c> (how many held events
    /// after <paramref name="lastEventId"/> follow) and <c>complete</c>: false when events after
    /// <paramref name="lastEventId"/> are no longer held (pruned as older than the retention, beyond the last
    /// <see cref="HistorySize"/>, or sent before this instance started in the embedded mode); the client then re-reads
    /// the state it follows through the API.
    /// </summary>
    public async IAsyncEnumerable<ServerEvent> SubscribeAsync(Caller caller, long? lastEventId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (_shared is not null)
        {
            await _shared.CatchUpAsync(ct).ConfigureAwait(false);
        }

        var id = Interlocked.Increment(ref _nextSubscriber);
        var channel = Channel.CreateBounded<ServerEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        List<ServerEvent> missed;
        bool complete;
        lock (_lock)
        {
            _subscribers[id] = (caller, channel);
            missed = lastEventId is { } last ? [.. _history.Where(e => e.Id > last && e.IsVisibleTo(caller))] : [];

            // Ids follow one another without gaps, so the replay is complete when the oldest held event is the one after
            // lastEventId (or older), or when nothing was published after it.
            var newest = _shared?.Position ?? _nextEvent;
            complete = lastEventId is not { } l
                || (_history.Count > 0 ? _history.Peek().Id <= l + 1 : l >= newest);
        }

        try
        {
            // The first event tells the client it is subscribed: anything published after it reaches this stream.
            yield return new ServerEvent(0, "ready", null, null, new { subscriber = id, replayed = missed.Count, complete });
            foreach (var e in missed)
            {
                yield return e;
            }

            while (await channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            _subscribers.TryRemove(id, out _);
        }
    }
}
