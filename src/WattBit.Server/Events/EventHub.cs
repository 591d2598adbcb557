using System.Collections.Concurrent;
using System.Threading.Channels;
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
/// missed. Event ids start from the start-up time in microseconds, so they keep increasing across restarts. Thread-safe.
/// </summary>
internal sealed class EventHub(TimeProvider time)
{
    public const int HistorySize = 1024;
    private readonly ConcurrentDictionary<long, (Caller Caller, Channel<ServerEvent> Channel)> _subscribers = new();
    private readonly Queue<ServerEvent> _history = new(HistorySize);
    private readonly Lock _lock = new();
    private long _nextSubscriber;
    private long _nextEvent = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;

    public int SubscriberCount => _subscribers.Count;

    public void Publish(string type, string? area, string? op, object data, string? key = null)
    {
        // One lock orders history and fan-out, so a subscriber replaying history never misses nor repeats an event.
        lock (_lock)
        {
            var e = new ServerEvent(++_nextEvent, type, area, op, data, key);
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

    public async IAsyncEnumerable<ServerEvent> SubscribeAsync(Caller caller, long? lastEventId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextSubscriber);
        var channel = Channel.CreateBounded<ServerEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        List<ServerEvent> missed;
        lock (_lock)
        {
            _subscribers[id] = (caller, channel);
            missed = lastEventId is { } last ? [.. _history.Where(e => e.Id > last && e.IsVisibleTo(caller))] : [];
        }

        try
        {
            // The first event tells the client it is subscribed: anything published after it reaches this stream.
            yield return new ServerEvent(0, "ready", null, null, new { subscriber = id, replayed = missed.Count });
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
