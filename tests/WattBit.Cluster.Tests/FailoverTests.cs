using System.Diagnostics;
using System.Globalization;
using WattBit.Cluster.Orders;
using WattBit.Cluster.Sites;
using Xunit.Abstractions;

namespace WattBit.Cluster.Tests;

/// <summary>
/// Three silo processes on PostgreSQL; a client streams curtailment orders and workload submissions; one silo is killed
/// by its process id a third of the way in and restarted two thirds in. Nothing is lost, nothing runs twice, and every
/// deadline is met or reported.
/// </summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class FailoverTests(PostgresCluster cluster, ITestOutputHelper output)
{
    private const int Sites = 6;
    private const int Orders = 60;
    private static readonly TimeSpan Notice = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task SiloKilledMidStream_NoOrderLostOrExecutedTwice_EveryDeadlineMetOrReported()
    {
        var grains = cluster.Grains;
        var run = Guid.NewGuid().ToString("N")[..6];
        var siteIds = Enumerable.Range(0, Sites).Select(i => $"fo-{run}-{i}").ToArray();
        foreach (var (id, i) in siteIds.Select((id, i) => (id, i)))
        {
            await Retry(async () =>
            {
                await grains.GetGrain<ISiteGrain>(id).ConfigureAsync(new SiteSetup(id, i % 2 == 0 ? "TK" : "KY", 20, 1.2, 18));
                return true;
            });
        }

        var clock = Stopwatch.StartNew();
        var accepted = 0;
        var retried = 0;
        var workloadsSent = 0;
        var longestOutage = TimeSpan.Zero;
        SiloProcess? killed = null;
        TimeSpan killedAt = default;
        Task<TimeSpan>? declaredDead = null, restarted = null;
        var longestCall = TimeSpan.Zero;
        var orderIds = new List<string>();
        for (var i = 0; i < Orders; i++)
        {
            if (i == Orders / 3)
            {
                killed = await BusiestSiloAsync(grains, siteIds);
                killed.Kill();
                killedAt = clock.Elapsed;
                declaredDead = WaitDeclaredDeadAsync(killed.SiloPort, clock);
            }

            if (i == 2 * Orders / 3)
            {
                // The stream goes on while the new process starts.
                var dead = killed!;
                restarted = Task.Run(async () =>
                {
                    await cluster.RestartAsync(dead);
                    return clock.Elapsed;
                });
            }

            var site = siteIds[i % Sites];
            var now = TimeProvider.System.GetUtcNow();
            var workload = new WorkloadSubmission($"w-{run}-{i}", site, i % 3 == 0 ? "Training" : "Batch", 2 + (i % 4), Interruptible: true, now);
            await Retry(() => grains.GetGrain<ISiteGrain>(site).SubmitAsync(workload));
            workloadsSent++;

            var order = new OrderRequest($"co-{run}-{i:000}", i % 2 == 0 ? "TK" : "KY", site, 1.5, now, now + Notice, now + Notice + Duration, "failover test", "tso");
            var callStarted = clock.Elapsed;
            var (_, tries, outage) = await Retry(() => grains.GetGrain<ICurtailmentOrderGrain>(order.OrderId).AcceptAsync(order));
            longestCall = clock.Elapsed - callStarted > longestCall ? clock.Elapsed - callStarted : longestCall;
            retried += tries > 1 ? 1 : 0;
            longestOutage = outage > longestOutage ? outage : longestOutage;
            accepted++;
            orderIds.Add(order.OrderId);
        }

        var sentDone = clock.Elapsed;
        var deadAt = await declaredDead!;
        var restartedAt = await restarted!;
        var snapshots = await WaitForAllEndedAsync(grains, orderIds, TimeSpan.FromSeconds(90));
        var endedAt = clock.Elapsed;
        var sites = await Task.WhenAll(siteIds.Select(id => grains.GetGrain<ISiteGrain>(id).GetAsync()));
        var executions = sites.SelectMany(s => s.Executions).ToList();
        var executedTwice = executions.GroupBy(e => e.OrderId).Count(g => g.Count() > 1);
        var lost = snapshots.Count(s => s.Request is null || s.Execution is null);
        var effectiveMet = snapshots.Count(s => s.EffectiveMet == true);
        var reported = snapshots.Count(s => s.Reports.Length > 0);
        var unaccounted = snapshots.Count(s => !DeadlinesAccountedFor(s, cluster.Settings.DeadlineGrace));
        var killedAddress = $"127.0.0.1:{killed!.SiloPort}:";
        var executedOnKilled = executions.Count(e => e.Silo.Contains(killedAddress, StringComparison.Ordinal));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            Failover on {PostgresCluster.SiloCount} silo processes (PostgreSQL clustering, state, reminders); silo on port {killed.SiloPort} killed at {killedAt.TotalSeconds:0.0} s, declared dead in the membership table at {deadAt.TotalSeconds:0.0} s, restarted (ready) at {restartedAt.TotalSeconds:0.0} s.
            orders sent {Orders}, accepted {accepted}, executed {executions.Count} (distinct {executions.Select(e => e.OrderId).Distinct().Count()}), executed twice {executedTwice}, lost {lost}
            orders that needed a retried call {retried} (longest run of failures {longestOutage.TotalSeconds:0.00} s); longest accept call, retries included (time to recover) {longestCall.TotalSeconds:0.00} s
            redeliveries answered from the record {sites.Sum(s => s.Redeliveries)}; deliveries recorded by orders {snapshots.Sum(s => s.Deliveries)}; executions by the killed silo's generations {executedOnKilled}
            workloads sent {workloadsSent}, stored {sites.Sum(s => s.Workloads.Length)}
            effective time met {effectiveMet}/{Orders}; orders with a deadline report {reported} ({snapshots.Sum(s => s.Reports.Length)} reports); deadlines neither met nor reported {unaccounted}
            stream sent in {sentDone.TotalSeconds:0.0} s; all orders ended by {endedAt.TotalSeconds:0.0} s
            """));
        foreach (var s in snapshots.Where(s => s.Reports.Length > 0).Take(5))
        {
            output.WriteLine($"  {s.Request!.OrderId}: {string.Join("; ", s.Reports.Select(r => $"{r.Kind} {r.Reason}"))}");
        }

        Assert.Equal(Orders, accepted);
        Assert.Equal(0, lost);
        Assert.Equal(0, executedTwice);
        Assert.Equal(Orders, executions.Count);
        Assert.All(executions, e => Assert.True(e.Met, $"order {e.OrderId}: shed {e.AchievedMw} of {e.RequiredMw} MW"));
        Assert.Equal(Orders, sites.Sum(s => s.Workloads.Length));
        Assert.Equal(0, unaccounted);
        Assert.All(sites, s => Assert.Equal(s.Executions.Select(e => e.OrderId).Order(), s.Lifted.Order()));
        Assert.True(executedOnKilled > 0, "the killed silo executed no order before it died: the test did not exercise a failover");
    }

    /// <summary>An order's effective time was met or reported, and it was lifted within the grace or reported.</summary>
    private static bool DeadlinesAccountedFor(OrderSnapshot s, TimeSpan grace)
    {
        var effective = s.EffectiveMet == true || s.Reports.Any(r => r.Kind == DeadlineKind.Effective);
        var end = s.EndedAt is { } at && (at - s.Request!.ExpectedEndAt <= grace || s.Reports.Any(r => r.Kind == DeadlineKind.End));
        return effective && end;
    }

    /// <summary>Waits until the membership table marks the silo on <paramref name="port"/> dead (status 6); the clock's time then.</summary>
    private async Task<TimeSpan> WaitDeclaredDeadAsync(int port, Stopwatch clock)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var connection = new Npgsql.NpgsqlConnection(cluster.Settings.ConnectionString);
        await connection.OpenAsync(cts.Token);
        while (true)
        {
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE Port = @p AND Status = 6", connection);
            cmd.Parameters.AddWithValue("p", port);
            if ((long)(await cmd.ExecuteScalarAsync(cts.Token))! > 0)
            {
                return clock.Elapsed;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cts.Token);
        }
    }

    /// <summary>The silo that executed most orders so far (so killing it takes live grains and reminders down).</summary>
    private async Task<SiloProcess> BusiestSiloAsync(IGrainFactory grains, string[] siteIds)
    {
        var sites = await Task.WhenAll(siteIds.Select(id => grains.GetGrain<ISiteGrain>(id).GetAsync()));
        var counts = sites.SelectMany(s => s.Executions).GroupBy(e => e.Silo).ToDictionary(g => g.Key, g => g.Count());
        return cluster.Silos.OrderByDescending(p => counts.Where(c => c.Key.Contains($"127.0.0.1:{p.SiloPort}:", StringComparison.Ordinal)).Sum(c => c.Value)).First();
    }

    private static async Task<OrderSnapshot[]> WaitForAllEndedAsync(IGrainFactory grains, List<string> ids, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var snapshots = await Task.WhenAll(ids.Select(id => Retry(() => grains.GetGrain<ICurtailmentOrderGrain>(id).GetAsync())));
            var all = snapshots.Select(s => s.Result).ToArray();
            if (all.All(s => s.Status == OrderStatus.Ended) || cts.IsCancellationRequested)
            {
                return all;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cts.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Calls until it succeeds (a client retries a call that failed because a silo died): result, tries, time from the first failure.</summary>
    private static async Task<(T Result, int Tries, TimeSpan Outage)> Retry<T>(Func<Task<T>> call)
    {
        var tries = 0;
        Stopwatch? failing = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            tries++;
            try
            {
                var result = await call();
                return (result, tries, failing?.Elapsed ?? TimeSpan.Zero);
            }
            catch (Exception e) when (e is not ArgumentException && !cts.IsCancellationRequested)
            {
                failing ??= Stopwatch.StartNew();
                await Task.Delay(TimeSpan.FromMilliseconds(200), cts.Token);
            }
        }
    }
}
