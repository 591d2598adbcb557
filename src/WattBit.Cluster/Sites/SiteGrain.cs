using Microsoft.Extensions.Logging;
using WattBit.Areas;
using WattBit.Cluster.Orders;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Sites;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Cluster.Sites;

/// <summary>Durable state of a site grain.</summary>
[GenerateSerializer]
internal sealed class SiteGrainState
{
    [Id(0)] public SiteSetup? Setup { get; set; }

    [Id(1)] public List<SiteWorkload> Workloads { get; set; } = [];

    [Id(2)] public List<ExecutionRecord> Executions { get; set; } = [];

    [Id(3)] public int Redeliveries { get; set; }

    [Id(4)] public List<string> Lifted { get; set; } = [];
}

/// <summary>
/// The site grain. Exactly-once execution rests on two things: the execution record is written in the same state
/// write as its effects, keyed by order id, so a redelivery finds it; and the storage's optimistic concurrency (ETag)
/// makes a second activation that raced during a membership change fail its write instead of recording twice.
/// </summary>
internal sealed partial class SiteGrain(
    [PersistentState("site", ClusterHosting.StorageName)] IPersistentState<SiteGrainState> state,
    TimeProvider time, ILocalSiloDetails silo, ILogger<SiteGrain> logger) : Grain, ISiteGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task ConfigureAsync(SiteSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        setup.Validate();
        if (setup.SiteId != Id)
        {
            throw new ArgumentException($"setup of site '{setup.SiteId}' sent to site '{Id}'.", nameof(setup));
        }

        if (state.State.Setup != setup)
        {
            state.State.Setup = setup;
            await state.WriteStateAsync();
        }

        await GrainFactory.GetGrain<IAreaGrain>(setup.Area).AddSiteAsync(Id);
    }

    public async Task<bool> SubmitAsync(WorkloadSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (submission.SiteId != Id || string.IsNullOrWhiteSpace(submission.WorkloadId) || !(submission.PowerMw > 0) ||
            !Enum.TryParse<WorkloadKind>(submission.Kind, ignoreCase: true, out _))
        {
            throw new ArgumentException(
                $"workload '{submission.WorkloadId}' for site '{Id}': needs this site's id, a kind (Training, Inference, Batch, Backup) and a positive power (got site '{submission.SiteId}', kind '{submission.Kind}', {submission.PowerMw} MW).",
                nameof(submission));
        }

        if (state.State.Workloads.Exists(w => w.Submission.WorkloadId == submission.WorkloadId))
        {
            return false;
        }

        state.State.Workloads.Add(new SiteWorkload(submission, null));
        await state.WriteStateAsync();
        return true;
    }

    public async Task<ExecutionRecord> ExecuteAsync(OrderRequest order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (state.State.Executions.Find(e => e.OrderId == order.OrderId) is { } done)
        {
            state.State.Redeliveries++;
            await state.WriteStateAsync();
            LogRedelivery(logger, order.OrderId, Id);
            return done;
        }

        var setup = state.State.Setup ?? throw new InvalidOperationException($"site '{Id}' is not configured; order '{order.OrderId}' cannot be executed.");
        var fleet = Fleet(setup, order.IssuedAt);
        var decision = new Dispatcher(time).Handle(order.ToDispatchEvent(), fleet);
        var stillRunning = decision.After.Running.Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < state.State.Workloads.Count; i++)
        {
            var w = state.State.Workloads[i];
            if (w.PausedBy is null && !stillRunning.Contains(w.Submission.WorkloadId))
            {
                state.State.Workloads[i] = w with { PausedBy = order.OrderId };
            }
        }

        var record = new ExecutionRecord(order.OrderId, time.GetUtcNow(), decision.Required.Megawatts, decision.Achieved.Megawatts, decision.Met,
            decision.UsedFallback, [.. decision.Actions.Select(a => $"{a.Kind} {a.WorkloadId}".TrimEnd())], silo.SiloAddress.ToString());
        state.State.Executions.Add(record);
        await state.WriteStateAsync();
        LogExecuted(logger, order.OrderId, Id, record.AchievedMw, record.Met);
        return record;
    }

    public async Task LiftAsync(string orderId)
    {
        if (state.State.Lifted.Contains(orderId))
        {
            return;
        }

        for (var i = 0; i < state.State.Workloads.Count; i++)
        {
            if (state.State.Workloads[i].PausedBy == orderId)
            {
                state.State.Workloads[i] = state.State.Workloads[i] with { PausedBy = null };
            }
        }

        state.State.Lifted.Add(orderId);
        await state.WriteStateAsync();
    }

    public Task<SiteSnapshot> GetAsync() => Task.FromResult(new SiteSnapshot(state.State.Setup, [.. state.State.Workloads],
        [.. state.State.Executions], state.State.Redeliveries, [.. state.State.Lifted]));

    /// <summary>The one-site fleet the dispatcher acts on: the site at its limit with the workloads that run now.</summary>
    private FleetState Fleet(SiteSetup setup, DateTimeOffset now)
    {
        var id = new SiteId(setup.SiteId);
        var limit = Power.FromMegawatts(setup.LimitMw);
        var site = new DcSite(new Site(id, setup.SiteId, JapanAreas.Get(setup.Area), Power.FromMegawatts(setup.ItMw), setup.Pue),
            gpus: int.MaxValue / 2, GridConnection.FirmOf(limit));
        var running = state.State.Workloads.Where(w => w.PausedBy is null).Select(w => new RunningWorkload(
            w.Submission.WorkloadId, Enum.Parse<WorkloadKind>(w.Submission.Kind, ignoreCase: true), "operator", id,
            Power.FromMegawatts(w.Submission.PowerMw), 0, 1, w.Submission.Interruptible, TimeSpan.Zero, 0, TimeSpan.FromMinutes(1), [id]))
            .ToList();
        return new FleetState(now, [new SiteState(site, limit, Energy.Zero)], running, new Network([site]));
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Order {OrderId} executed at site {SiteId}: {AchievedMw} MW shed, met {Met}.")]
    private static partial void LogExecuted(ILogger logger, string orderId, string siteId, double achievedMw, bool met);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "Order {OrderId} redelivered to site {SiteId}: already executed, not executed again.")]
    private static partial void LogRedelivery(ILogger logger, string orderId, string siteId);
}

/// <summary>Durable state of an area grain.</summary>
[GenerateSerializer]
internal sealed class AreaGrainState
{
    [Id(0)] public List<string> Sites { get; set; } = [];

    [Id(1)] public List<string> Orders { get; set; } = [];
}

/// <summary>The area grain: an index of the area's sites and orders.</summary>
internal sealed class AreaGrain([PersistentState("area", ClusterHosting.StorageName)] IPersistentState<AreaGrainState> state) : Grain, IAreaGrain
{
    public Task AddSiteAsync(string siteId) => AddAsync(state.State.Sites, siteId);

    public Task AddOrderAsync(string orderId) => AddAsync(state.State.Orders, orderId);

    public Task<AreaSnapshot> GetAsync() => Task.FromResult(new AreaSnapshot([.. state.State.Sites], [.. state.State.Orders]));

    private async Task AddAsync(List<string> list, string id)
    {
        if (!list.Contains(id))
        {
            list.Add(id);
            await state.WriteStateAsync();
        }
    }
}
