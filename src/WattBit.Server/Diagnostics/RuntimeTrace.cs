using WattBit.Server.Infrastructure;

namespace WattBit.Server.Diagnostics;

/// <summary>
/// Counts of what the server does in the background that may coincide with a latency tail: live-event notifications
/// from other instances (PostgreSQL <c>NOTIFY</c>) and the catch-ups they cause, background-job journal ticks and lease
/// renewals (heartbeats). Thread-safe (interlocked counters); read by <see cref="RuntimeTrace"/>.
/// </summary>
internal sealed class ServerActivity
{
    private long _notifications;
    private long _catchUps;
    private long _jobTicks;
    private long _heartbeats;

    /// <summary>One notification from another instance delivered to this one.</summary>
    public void Notified() => Interlocked.Increment(ref _notifications);

    /// <summary>One catch-up of the shared event stream.</summary>
    public void CaughtUp() => Interlocked.Increment(ref _catchUps);

    /// <summary>One tick of a background-job runner (its journal read, leases checked).</summary>
    public void JobTicked() => Interlocked.Increment(ref _jobTicks);

    /// <summary>One lease renewal (heartbeat append) of this instance's running jobs.</summary>
    public void LeaseRenewed() => Interlocked.Increment(ref _heartbeats);

    /// <summary>The counters so far: notifications, catch-ups, job ticks, lease renewals.</summary>
    public (long Notifications, long CatchUps, long JobTicks, long Heartbeats) Read() =>
        (Interlocked.Read(ref _notifications), Interlocked.Read(ref _catchUps), Interlocked.Read(ref _jobTicks), Interlocked.Read(ref _heartbeats));
}

/// <summary>
/// With <c>WattBit:RuntimeTrace=true</c>, logs one line a second (event 7100, Information, category
/// <c>WattBit.Server.Diagnostics.RuntimeTrace</c>): the UTC second, GC pause time in that second
/// (<see cref="GC.GetTotalPauseDuration"/> delta), gen0/1/2 collections, lock contentions, the thread pool's queue length
/// and thread count, and <see cref="ServerActivity"/>'s counts. The load bench joins these lines with its per-second
/// latency trace to say which of them coincide with the tail seconds. Off by default: nothing is sampled.
/// </summary>
internal sealed partial class RuntimeTrace(Microsoft.Extensions.Options.IOptions<ServerOptions> options, Journals journals, TimeProvider time,
    ILogger<RuntimeTrace> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RuntimeTrace)
        {
            return;
        }

        var activity = journals.Activity;
        var pause = GC.GetTotalPauseDuration();
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        var contention = Monitor.LockContentionCount;
        var counts = activity.Read();
        // Wake just after each whole UTC second, so a line covers one wall-clock second another process can join on.
        var now = time.GetUtcNow();
        await Task.Delay(TimeSpan.FromMilliseconds(1000 - now.Millisecond), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (!stoppingToken.IsCancellationRequested)
        {
            var second = time.GetUtcNow().ToUnixTimeSeconds() - 1;
            var pauseNow = GC.GetTotalPauseDuration();
            int n0 = GC.CollectionCount(0), n1 = GC.CollectionCount(1), n2 = GC.CollectionCount(2);
            var contentionNow = Monitor.LockContentionCount;
            var countsNow = activity.Read();
            Sample(logger, second, (pauseNow - pause).TotalMilliseconds, n0 - g0, n1 - g1, n2 - g2, contentionNow - contention,
                ThreadPool.PendingWorkItemCount, ThreadPool.ThreadCount, countsNow.Notifications - counts.Notifications,
                countsNow.CatchUps - counts.CatchUps, countsNow.JobTicks - counts.JobTicks, countsNow.Heartbeats - counts.Heartbeats);
            (pause, g0, g1, g2, contention, counts) = (pauseNow, n0, n1, n2, contentionNow, countsNow);
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "runtime-trace second={Second} gcPauseMs={GcPauseMs:F2} gen0={Gen0} gen1={Gen1} gen2={Gen2} " +
        "lockContentions={LockContentions} threadPoolQueue={ThreadPoolQueue} threadPoolThreads={ThreadPoolThreads} notifications={Notifications} " +
        "catchUps={CatchUps} jobTicks={JobTicks} leaseRenewals={LeaseRenewals}")]
    private static partial void Sample(ILogger logger, long second, double gcPauseMs, int gen0, int gen1, int gen2, long lockContentions,
        long threadPoolQueue, int threadPoolThreads, long notifications, long catchUps, long jobTicks, long leaseRenewals);
}
