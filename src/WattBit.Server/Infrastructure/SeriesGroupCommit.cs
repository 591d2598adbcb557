using WattBit.Data.Storage;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// Group commit of published series: writes that arrive while a commit is running wait for it and are then committed
/// together in one transaction (<see cref="ISeriesStore.UpsertSeriesGroupsAsync"/>), so a burst of small publications
/// costs one commit instead of one per request, and a request waits for at most the commit in progress and its own.
/// Each caller gets its own count and returns only once its values are committed (durable, as before). If a grouped
/// commit fails, the writes of that group are retried one by one so only the bad one fails. Off
/// (<see cref="ServerOptions.GroupCommit"/> false): one commit per write. Thread-safe.
/// </summary>
internal sealed class SeriesGroupCommit(ISeriesStore store, bool enabled)
{
    // Once queued a write is committed even if its request goes away: its caller may retry and find it.
    private readonly GroupCommit<IReadOnlyList<SeriesWrite>, long> _group = new(
        groups => store.UpsertSeriesGroupsAsync(groups, CancellationToken.None), alone: writes => store.UpsertSeriesAsync(writes, CancellationToken.None));

    /// <summary>Upserts <paramref name="writes"/> (as <see cref="ISeriesStore.UpsertSeriesAsync"/>): committed when the task completes.</summary>
    public Task<long> WriteAsync(IReadOnlyList<SeriesWrite> writes, CancellationToken ct) =>
        enabled ? _group.CommitAsync(writes) : store.UpsertSeriesAsync(writes, ct);
}
