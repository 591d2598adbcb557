using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WattBit.Cluster.Orders;
using WattBit.Cluster.Sites;
using WattBit.Cluster.Sweeps;

namespace WattBit.Cluster.Tests;

/// <summary>The embedded default: one process, localhost clustering, memory state and reminders, no PostgreSQL.</summary>
public sealed class EmbeddedTests : IAsyncLifetime
{
    private IHost? _host;

    private IGrainFactory Grains => _host!.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync() => _host = await EmbeddedHost.StartAsync();

    public Task DisposeAsync() => EmbeddedHost.StopAsync(_host);

    [Fact]
    public async Task Embedded_OrderAcceptedTwice_ExecutedOnceAndLiftedAtItsEnd()
    {
        var site = Grains.GetGrain<ISiteGrain>("emb-1");
        await site.ConfigureAsync(new SiteSetup("emb-1", "TK", 20, 1.0, 15));
        Assert.True(await site.SubmitAsync(new WorkloadSubmission("job-a", "emb-1", "Batch", 6, true, TimeProvider.System.GetUtcNow())));
        Assert.False(await site.SubmitAsync(new WorkloadSubmission("job-a", "emb-1", "Batch", 6, true, TimeProvider.System.GetUtcNow())));
        Assert.True(await site.SubmitAsync(new WorkloadSubmission("job-b", "emb-1", "Training", 8, true, TimeProvider.System.GetUtcNow())));
        var now = TimeProvider.System.GetUtcNow();
        var order = new OrderRequest("co-emb-1", "TK", "emb-1", 5, now, now.AddSeconds(1), now.AddSeconds(2), null, "tso");
        var grain = Grains.GetGrain<ICurtailmentOrderGrain>(order.OrderId);

        var first = await grain.AcceptAsync(order);
        var again = await grain.AcceptAsync(order);

        Assert.False(first.AlreadyKnown);
        Assert.True(again.AlreadyKnown);
        var ended = await OrderWaits.UntilAsync(grain, s => s.Status == OrderStatus.Ended);
        var state = await site.GetAsync();
        var execution = Assert.Single(state.Executions);
        Assert.Equal(order.OrderId, execution.OrderId);
        Assert.True(execution.Met);
        Assert.True(execution.AchievedMw >= 5 - 1e-9);
        Assert.Equal(execution, ended.Execution);
        Assert.Equal([order.OrderId], state.Lifted);
        Assert.All(state.Workloads, w => Assert.Null(w.PausedBy));
        Assert.Equal(["emb-1"], (await Grains.GetGrain<IAreaGrain>("TK").GetAsync()).Sites);
    }

    [Fact]
    public async Task Embedded_OrderArrivingAfterItsDeadlines_IsExecutedAndBothDeadlinesReported()
    {
        var site = Grains.GetGrain<ISiteGrain>("emb-late");
        await site.ConfigureAsync(new SiteSetup("emb-late", "KY", 10, 1.0, 8));
        // Issued a minute ago with ten seconds' notice and twenty seconds' duration: both deadlines passed while no silo held it.
        var issued = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        var order = new OrderRequest("co-emb-late", "KY", "emb-late", 1, issued, issued.AddSeconds(10), issued.AddSeconds(30), null, "tso");
        var grain = Grains.GetGrain<ICurtailmentOrderGrain>(order.OrderId);

        await grain.AcceptAsync(order);

        var ended = await OrderWaits.UntilAsync(grain, s => s.Status == OrderStatus.Ended);
        Assert.False(ended.EffectiveMet);
        Assert.NotNull(ended.Execution);
        Assert.Equal([DeadlineKind.Effective, DeadlineKind.End], ended.Reports.Select(r => r.Kind).Order());
        Assert.All(ended.Reports, r => Assert.True(r.Late > TimeSpan.FromSeconds(25), $"{r.Kind} reported {r.Late} late"));
        Assert.Single((await site.GetAsync()).Executions);
    }

    [Fact]
    public async Task Embedded_OrderIdReusedForAnotherOrder_IsRefused()
    {
        var now = TimeProvider.System.GetUtcNow();
        var order = new OrderRequest("co-emb-2", "TK", "emb-2", 1, now, now.AddMinutes(10), now.AddMinutes(20), null, "tso");
        var grain = Grains.GetGrain<ICurtailmentOrderGrain>(order.OrderId);
        await grain.AcceptAsync(order);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => grain.AcceptAsync(order with { ReductionMw = 2 }));

        Assert.Contains("co-emb-2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embedded_InvalidOrder_NamesTheField()
    {
        var now = TimeProvider.System.GetUtcNow();
        var order = new OrderRequest("co-emb-3", "TK", "emb-3", -1, now, now.AddMinutes(1), now.AddMinutes(2), null, "tso");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => Grains.GetGrain<ICurtailmentOrderGrain>(order.OrderId).AcceptAsync(order));

        Assert.Contains("reduction_mw", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embedded_Sweep_SameMetricsAsOneProcess()
    {
        var cases = TestScenarios.Sweep(2);

        var outcomes = await ScenarioSweep.RunAsync(Grains, cases);

        for (var i = 0; i < cases.Count; i++)
        {
            var local = cases[i].Run(TimeProvider.System);
            Assert.All(local.Zip(outcomes[i].Policies), p => Assert.True(p.First.SameAs(p.Second)));
        }
    }
}
