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

    [Fact]
    public async Task Embedded_SweepOfAScenarioOnTheLayer_GivesTheSummaryOfWattbitSimulate()
    {
        // Limits from the backbone's headroom layer at each site's substation, moves within OCCTO's ties, plans on the
        // forecasting engine: a sweep composes the run as `wattbit simulate` does (one composer, one host composition).
        const string Yaml = """
            name: sweep-grid
            period: {start: 2025-07-14, end: 2025-07-16}
            seed: 11
            forecast: engine
            grid: {limits: layer, ties: japan}
            sites:
              - {id: ky, area: KY, lat: 33.60, lon: 130.40, it_mw: 1.2, connection: {kind: flexible, mw: 1.6}}
              - {id: kn, area: KN, lat: 34.70, lon: 135.50, it_mw: 1.8, connection: {kind: firm, mw: 2.2}}
              - {id: tk, area: TK, lat: 35.85, lon: 139.60, it_mw: 1.5, connection: {kind: provisional, mw: 2}}
            workload: {target_mw: 2, jobs: 50}
            policies: [baseline, wattbit]
            """;
        var outcome = Assert.Single(await ScenarioSweep.RunAsync(Grains, [new SweepCase("grid", Yaml, "sweep-grid.yaml")]));

        var folder = Directory.CreateTempSubdirectory("wattbit-sweep-cli-").FullName;
        try
        {
            var file = Path.Combine(folder, "sweep-grid.yaml");
            await File.WriteAllTextAsync(file, Yaml);
            var cli = await WattBit.Cli.Tests.WattbitProcess.RunAsync(folder, "simulate", file, "--out", Path.Combine(folder, "report"));
            Assert.True(cli.ExitCode == 0, cli.Out + cli.Error);
            var lines = await File.ReadAllLinesAsync(Path.Combine(folder, "report", "summary.csv"));
            var header = lines[0].Split(',');
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
            Assert.Equal(outcome.Policies.Select(p => p.Policy.ToLowerInvariant()), rows.Select(r => r[0]));
            double Column(string[] row, string name) => double.Parse(row[Array.IndexOf(header, name)], System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < rows.Count; i++)
            {
                var (p, r) = (outcome.Policies[i], rows[i]);
                // The CSV keeps about seven significant digits and at most three decimals.
                static double Rounding(double v) => Math.Max(5e-4, Math.Abs(v) * 1e-6);
                Assert.Equal(Column(r, "energy_mwh"), p.EnergyMwh, Rounding(p.EnergyMwh));
                Assert.Equal(Column(r, "cost_jpy"), p.CostYen, Rounding(p.CostYen));
                Assert.Equal(Column(r, "lifecycle_t"), p.LifecycleTonnes, Rounding(p.LifecycleTonnes));
                Assert.Equal(Column(r, "site_steps_over_limit"), p.SiteStepsOverLimit);
                Assert.Equal(Column(r, "late_jobs"), p.LateJobs);
                Assert.Equal(Column(r, "unserved_jobs"), p.UnservedJobs);
            }

            // The layer's limits are in it: the wattbit policy keeps every site within them.
            Assert.Equal(0, outcome.Policies.Single(p => p.Policy.Equals("wattbit", StringComparison.OrdinalIgnoreCase)).SiteStepsOverLimit);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
