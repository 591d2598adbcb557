namespace WattBit.Grid.Headroom;

/// <summary>Runs a <see cref="HeadroomEngine"/> over many buses in parallel and hands results back in bus order.</summary>
public static class HeadroomRunner
{
    /// <summary>
    /// Computes every listed bus (in parallel, up to <paramref name="maxParallelism"/> at once) and calls
    /// <paramref name="sink"/> once per bus, in the order of <paramref name="buses"/>, on the calling thread. The
    /// <see cref="BusHeadroom"/> passed to the sink is reused afterwards: copy what you keep.
    /// </summary>
    /// <param name="engine">The engine.</param>
    /// <param name="buses">0-based bus indexes.</param>
    /// <param name="sink">Receives each result in order.</param>
    /// <param name="progress">Receives the number of buses done so far (optional).</param>
    /// <param name="maxParallelism">Worker threads; default all cores.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static void Run(HeadroomEngine engine, IReadOnlyList<int> buses, Action<BusHeadroom> sink, IProgress<int>? progress = null,
        int maxParallelism = -1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(buses);
        ArgumentNullException.ThrowIfNull(sink);
        var workers = maxParallelism > 0 ? maxParallelism : Environment.ProcessorCount;
        var batch = Math.Max(1, workers * 4);
        var results = new BusHeadroom[batch];
        for (var i = 0; i < batch; i++)
        {
            results[i] = new BusHeadroom(engine.Steps);
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken };
        if (engine.GroupSize > 1 && engine.Options.Criterion == ContingencyCriterion.N1 && !engine.UsePairIndex)
        {
            RunGrouped(engine, buses, sink, progress, workers, options);
            return;
        }

        for (var start = 0; start < buses.Count; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batch, buses.Count - start);
            var first = start;
            Parallel.For(0, count, options, i => engine.Compute(buses[first + i], results[i]));
            for (var i = 0; i < count; i++)
            {
                sink(results[i]);
            }

            progress?.Report(start + count);
        }
    }

    /// <summary>
    /// Windows of buses in the requested order; each window cut into groups of electrically close buses
    /// (<see cref="BusGroups"/>) computed in parallel, one group per worker (decision 0113).
    /// </summary>
    private static void RunGrouped(HeadroomEngine engine, IReadOnlyList<int> buses, Action<BusHeadroom> sink, IProgress<int>? progress,
        int workers, ParallelOptions options)
    {
        var window = engine.GroupSize * workers * 2;
        var results = new BusHeadroom[Math.Min(window, buses.Count)];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new BusHeadroom(engine.Steps);
        }

        var model = engine.Sensitivities.Model;
        for (var start = 0; start < buses.Count; start += window)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(window, buses.Count - start);
            var slice = new int[count];
            for (var i = 0; i < count; i++)
            {
                slice[i] = buses[start + i];
            }

            var groups = BusGroups.Partition(model, slice, engine.GroupSize);
            Parallel.ForEach(groups, options, g =>
            {
                var gb = new int[g.Length];
                var gr = new BusHeadroom[g.Length];
                for (var i = 0; i < g.Length; i++)
                {
                    gb[i] = slice[g[i]];
                    gr[i] = results[g[i]];
                }

                engine.ComputeGroup(gb, gr);
            });
            for (var i = 0; i < count; i++)
            {
                sink(results[i]);
            }

            progress?.Report(start + count);
        }
    }
}
