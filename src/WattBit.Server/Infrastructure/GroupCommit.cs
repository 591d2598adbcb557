namespace WattBit.Server.Infrastructure;

/// <summary>
/// Group commit: items that arrive while a commit is running wait for it and are then committed together (at most
/// <c>maxGroup</c> at a time, in arrival order) by one call of <c>commit</c>, so a burst of small writes costs one round
/// trip and one transaction instead of one each, and an item waits for at most the commit in progress and its own. The
/// caller that finds no commit running drives the commits until nothing is pending; every caller returns only once its
/// own item is committed, with its own result. When a group of several fails and <c>alone</c> is given, its items are
/// committed one by one so only the bad one fails; otherwise every item of the group fails with the error. Once queued,
/// an item is committed even if its caller goes away. Thread-safe.
/// </summary>
/// <typeparam name="TItem">What is committed.</typeparam>
/// <typeparam name="TResult">What each item's commit answers.</typeparam>
internal sealed class GroupCommit<TItem, TResult>(
    Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> commit, int maxGroup = int.MaxValue, Func<TItem, Task<TResult>>? alone = null)
{
    private readonly Lock _lock = new();
    private List<(TItem Item, TaskCompletionSource<TResult> Done)> _pending = [];
    private bool _committing;

    /// <summary>Queues <paramref name="item"/>; completes with its result once it is committed.</summary>
    public async Task<TResult> CommitAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool lead;
        lock (_lock)
        {
            _pending.Add((item, done));
            lead = !_committing;
            _committing = true;
        }

        if (lead)
        {
            await CommitPendingAsync().ConfigureAwait(false);
        }

        return await done.Task.ConfigureAwait(false);
    }

    private async Task CommitPendingAsync()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done)> group;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _committing = false;
                    return;
                }

                group = _pending.Count <= maxGroup ? _pending : _pending[..maxGroup];
                _pending = _pending.Count <= maxGroup ? [] : _pending[maxGroup..];
            }

            try
            {
                var results = await commit([.. group.Select(g => g.Item)]).ConfigureAwait(false);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception) when (group.Count > 1 && alone is not null)
            {
                foreach (var (item, done) in group)
                {
                    try
                    {
                        done.TrySetResult(await alone(item).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        done.TrySetException(ex);
                    }
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, done) in group)
                {
                    done.TrySetException(ex);
                }
            }
        }
    }
}
