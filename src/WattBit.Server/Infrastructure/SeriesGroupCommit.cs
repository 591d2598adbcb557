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
    private readonly Lock _lock = new();
    private List<(IReadOnlyList<SeriesWrite> Writes, TaskCompletionSource<long> Done)> _pending = [];
    private bool _committing;

    /// <summary>Upserts <paramref name="writes"/> (as <see cref="ISeriesStore.UpsertSeriesAsync"/>): committed when the task completes.</summary>
    public async Task<long> WriteAsync(IReadOnlyList<SeriesWrite> writes, CancellationToken ct)
    {
        if (!enabled)
        {
            return await store.UpsertSeriesAsync(writes, ct).ConfigureAwait(false);
        }

        var done = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_lock)
        {
            _pending.Add((writes, done));
            lead = !_committing;
            _committing = true;
        }

        if (lead)
        {
            await CommitPendingAsync().ConfigureAwait(false);
        }

        return await done.Task.ConfigureAwait(false);
    }

    /// <summary>Commits what is pending, group after group, until nothing is left (run by the caller that found no commit running).</summary>
    private async Task CommitPendingAsync()
    {
        while (true)
        {
            List<(IReadOnlyList<SeriesWrite> Writes, TaskCompletionSource<long> Done)> group;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _committing = false;
                    return;
                }

                group = _pending;
                _pending = [];
            }

            try
            {
                // Once queued a write is committed even if its request goes away: its caller may retry and find it.
                var counts = await store.UpsertSeriesGroupsAsync([.. group.Select(g => g.Writes)], CancellationToken.None).ConfigureAwait(false);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(counts[i]);
                }
            }
            catch (Exception) when (group.Count > 1)
            {
                foreach (var (writes, done) in group)
                {
                    try
                    {
                        done.TrySetResult(await store.UpsertSeriesAsync(writes, CancellationToken.None).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        done.TrySetException(ex);
                    }
                }
            }
            catch (Exception ex)
            {
                group[0].Done.TrySetException(ex);
            }
        }
    }
}
