using System.Collections.Concurrent;

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
    /// Windows of buses in the requested order, each cut into groups of electrically close buses (<see cref="BusGroups"/>,
    /// decision 0113). The workers take groups one after another across windows (so no core waits at the end of a
    /// window), while the calling thread hands each finished window to the sink in order; up to
    /// <see cref="WindowsInFlight"/> windows of results exist at once, so memory stays bounded whatever the bus count.
    /// </summary>
    private static void RunGrouped(HeadroomEngine engine, IReadOnlyList<int> buses, Action<BusHeadroom> sink, IProgress<int>? progress,
        int workers, ParallelOptions options)
    {
        var window = engine.GroupSize * workers * 2;
        var model = engine.Sensitivities.Model;
        var windowCount = (buses.Count + window - 1) / window;
        var slices = new int[windowCount][];
        var items = new List<(int Window, int[] Group)>();
        var remaining = new int[windowCount];
        for (var w = 0; w < windowCount; w++)
        {
            var start = w * window;
            var count = Math.Min(window, buses.Count - start);
            var slice = new int[count];
            for (var i = 0; i < count; i++)
            {
                slice[i] = buses[start + i];
            }

            slices[w] = slice;
            foreach (var g in BusGroups.Partition(model, slice, engine.GroupSize))
            {
                items.Add((w, g));
                remaining[w]++;
            }
        }

        var buffers = new BusHeadroom[Math.Min(WindowsInFlight, windowCount)][];
        for (var k = 0; k < buffers.Length; k++)
        {
            buffers[k] = new BusHeadroom[Math.Min(window, buses.Count)];
            for (var i = 0; i < buffers[k].Length; i++)
            {
                buffers[k][i] = new BusHeadroom(engine.Steps);
            }
        }

        var gate = new object();
        var emitted = -1;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken);
        var workerOptions = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = stop.Token };
        var compute = Task.Run(() => Parallel.ForEach(Partitioner.Create(items, EnumerablePartitionerOptions.NoBuffering), workerOptions, item =>
        {
            lock (gate)
            {
                // The buffer of window w is free once window w - WindowsInFlight has gone to the sink.
                while (emitted < item.Window - buffers.Length && !stop.IsCancellationRequested)
                {
                    Monitor.Wait(gate);
                }
            }

            stop.Token.ThrowIfCancellationRequested();
            var results = buffers[item.Window % buffers.Length];
            var slice = slices[item.Window];
            var gb = new int[item.Group.Length];
            var gr = new BusHeadroom[item.Group.Length];
            for (var i = 0; i < item.Group.Length; i++)
            {
                gb[i] = slice[item.Group[i]];
                gr[i] = results[item.Group[i]];
            }

            engine.ComputeGroup(gb, gr);
            lock (gate)
            {
                remaining[item.Window]--;
                Monitor.PulseAll(gate);
            }
        }));
        _ = compute.ContinueWith(_ =>
        {
            lock (gate)
            {
                Monitor.PulseAll(gate);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        try
        {
            for (var w = 0; w < windowCount; w++)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                lock (gate)
                {
                    while (remaining[w] > 0 && !compute.IsCompleted)
                    {
                        Monitor.Wait(gate);
                    }
                }

                if (remaining[w] > 0)
                {
                    break; // the workers stopped (an error or a cancellation): reported below
                }

                var results = buffers[w % buffers.Length];
                for (var i = 0; i < slices[w].Length; i++)
                {
                    sink(results[i]);
                }

                lock (gate)
                {
                    emitted = w;
                    Monitor.PulseAll(gate);
                }

                progress?.Report(Math.Min(buses.Count, (w + 1) * window));
            }
        }
        catch
        {
            stop.Cancel();
            lock (gate)
            {
                Monitor.PulseAll(gate);
            }

            try
            {
                compute.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
                // the sink's exception is the one to report
            }

            throw;
        }

        try
        {
            compute.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (options.CancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(options.CancellationToken);
        }
    }

    /// <summary>Windows of results held at once by the grouped runner (one going to the sink, the next ones computing).</summary>
    private const int WindowsInFlight = 3;
}
