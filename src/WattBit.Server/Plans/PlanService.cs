using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using WattBit.Data.Storage;
using WattBit.Plans;
using WattBit.Server.Connections;
using WattBit.Server.Dispatch;
using WattBit.Server.Events;
using WattBit.Server.Signals;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Server.Plans;

/// <summary>What a plan says beyond its placements (kept as JSON in the stored plan's note).</summary>
internal sealed record PlanOutcome(string Method, string Status, double EmissionsKg, double BaselineEmissionsKg, IReadOnlyList<UnplacedWorkload> Unplaced);

/// <summary>A workload the plan could not place, with the reason.</summary>
internal sealed record UnplacedWorkload(string Workload, string Reason);

/// <summary>One run of a workload at a site.</summary>
internal sealed record PlannedRun(string Workload, string Site, DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// A site's hourly cap on grid draw in a plan: its connection's limit (less curtailment orders in force, at most any
/// maintenance on its node) hour by hour from <paramref name="Start"/>, or IT capacity × PUE for a site without one; an
/// hour whose node has no published headroom caps at 0 MW (the plan places nothing there).
/// </summary>
internal sealed record PlanCaps(string Site, DateTimeOffset Start, double[] HourlyMw);

/// <summary>Why the last queued replan of an operator failed (the plan shown is the one before it).</summary>
internal sealed record ReplanFailure(DateTimeOffset At, string Error);

/// <summary>A DC operator's current plan; <paramref name="LastFailure"/> is set when the last queued replan failed.</summary>
internal sealed record PlanResponse(long Version, DateTimeOffset CreatedAt, DateTimeOffset HorizonStart, DateTimeOffset HorizonEnd, IReadOnlyList<PlannedRun> Runs,
    PlanOutcome Summary, IReadOnlyList<PlanCaps> Caps, ReplanFailure? LastFailure = null);

/// <summary>
/// Day-ahead plan per DC operator: its workloads that are released within the next two days and not past their deadline
/// are placed in time and across its own sites by the one planning path, <see cref="OptimiserPlans"/> (the planner's
/// full model within each site's hourly limit, energy cost plus carbon price), the same planner <c>wattbit plan</c>
/// runs on a scenario file. Replanned after
/// every change to the operator's sites or workloads, one run per operator at a time; each new plan is stored
/// (<c>{operator}/current</c>) and announced as a <c>plan</c> event to that operator.
/// <para>
/// Replans asked for by a change (<see cref="RequestReplan"/>) are queued, not fired and forgotten: the service is a
/// hosted worker that runs them, coalesces the requests an operator makes before its replan starts into one, and on
/// shutdown cancels the running ones and stops taking new ones. A replan that fails is not lost in a log: the operator
/// gets a <c>plan-failed</c> event and its plan says the failure (<see cref="PlanResponse.LastFailure"/>) until a replan
/// succeeds.
/// </para>
/// <para>
/// Every saved plan carries its sites' hourly caps (<see cref="PlanRecord.Caps"/>): what <see cref="SiteLimits"/> gives
/// from each site's grid connection over the plan's horizon, or IT capacity × PUE for a site without one.
/// </para>
/// </summary>
internal sealed partial class PlanService(IWattBitStore store, SignalCatalog catalog, EventHub events, DispatchBook dispatch, OptimiserPlans optimiser,
    SiteLimits limits, ILogger<PlanService> logger) : BackgroundService
{
    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, ReplanFailure> _failures = new(StringComparer.Ordinal);
    public static readonly TimeSpan Lookahead = TimeSpan.FromDays(2);
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly Channel<string> _requests = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);

    public static string PlanId(string op) => op + "/current";

    /// <summary>
    /// Queues a replan of <paramref name="op"/>'s plan (one queued replan per operator: requests before it starts join
    /// it); failures are logged and the previous plan stays current.
    /// </summary>
    public void RequestReplan(string op)
    {
        if (_queued.TryAdd(op, 0))
        {
            _ = _requests.Writer.TryWrite(op);
        }
    }

    /// <summary>Runs the queued replans, a few operators at a time, until the host stops.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => RunQueuedAsync(stoppingToken)));

    private async Task RunQueuedAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var op in _requests.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                // Dequeued before it runs: a change made while it runs queues the next replan.
                _queued.TryRemove(op, out _);
                try
                {
                    await ReplanAsync(op, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && stoppingToken.IsCancellationRequested))
                {
                    LogReplanFailed(logger, e, op);
                    _failures[op] = new ReplanFailure(catalog.Now, e.Message);
                    await events.PublishAsync("plan-failed", null, op, new { error = e.Message }).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    public async Task<PlanResponse> ReplanAsync(string op, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(op, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Dispatch orders still in force hold over a replan: their workloads stay out of the curtailment.
            var plan = await BuildAsync(op, ct).ConfigureAwait(false);
            foreach (var order in await dispatch.InForceAsync(op, catalog.Now, ct).ConfigureAwait(false))
            {
                plan = Applied(plan, order);
            }

            var response = await SaveAsync(op, plan, ct).ConfigureAwait(false);
            _failures.TryRemove(op, out _);
            return response with { LastFailure = null };
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Applies a new dispatch order to the operator's current plan (<see cref="DispatchService.Apply"/>), saves and announces it; null without a plan.</summary>
    public async Task<PlanResponse?> ApplyDispatchAsync(string op, DispatchOrder order, CancellationToken ct)
    {
        var gate = _locks.GetOrAdd(op, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await store.GetPlanAsync(PlanId(op), ct).ConfigureAwait(false) is { } current
                ? await SaveAsync(op, Applied(current.Value, order), ct).ConfigureAwait(false)
                : null;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<PlanResponse> SaveAsync(string op, PlanRecord plan, CancellationToken ct)
    {
        plan = new PlanRecord(plan.Id, plan.CreatedAt, plan.Horizon, await CapsAsync(op, plan.Horizon, ct).ConfigureAwait(false), plan.Placements, plan.Note);
        var existing = await store.GetPlanAsync(plan.Id, ct).ConfigureAwait(false);
        var version = await store.SavePlanAsync(plan, existing?.Version ?? 0, ct).ConfigureAwait(false);
        var response = WithMarket(ToResponse(new Versioned<PlanRecord>(plan, version), null)!, await store.GetPlanAsync(Market.MarketBook.PlanId(op), ct).ConfigureAwait(false))!;
        await events.PublishAsync("plan", null, op, new { version, runs = response.Runs.Count, unplaced = response.Summary.Unplaced.Count }).ConfigureAwait(false);
        return response;
    }

    private static PlanRecord Applied(PlanRecord plan, DispatchOrder order)
    {
        var summary = Summary(plan);
        var unplaced = summary.Unplaced.ToList();
        var placements = DispatchService.Apply(plan.Placements, order, unplaced);
        var end = placements.Count == 0 ? plan.Horizon.End : placements.Max(p => p.End);
        var horizon = end > plan.Horizon.End ? new TimeWindow(plan.Horizon.Start, SignalCatalog.Ceiling(end)) : plan.Horizon;
        return new PlanRecord(plan.Id, plan.CreatedAt, horizon, plan.Caps, placements, JsonSerializer.Serialize(summary with { Unplaced = unplaced }, s_json));
    }

    private static PlanOutcome Summary(PlanRecord p) =>
        JsonSerializer.Deserialize<PlanOutcome>(p.Note ?? "{}", s_json) ?? new PlanOutcome("none", "empty", 0, 0, []);

    public async Task<PlanResponse?> CurrentAsync(string op, CancellationToken ct) =>
        WithMarket(ToResponse(await store.GetPlanAsync(PlanId(op), ct).ConfigureAwait(false), _failures.GetValueOrDefault(op)),
            await store.GetPlanAsync(Market.MarketBook.PlanId(op), ct).ConfigureAwait(false));

    /// <summary>
    /// The hourly caps of the operator's sites over <paramref name="horizon"/> (whole hours covering it): each site's limit
    /// as the plan planned on it (<see cref="SiteLimits.PlanningAsync"/> at <see cref="SiteLimits.PlannedLevel"/>), IT
    /// capacity × PUE without a connection, 0 MW where nothing is known (a flexible node with neither published headroom
    /// nor a forecast).
    /// </summary>
    private async Task<List<SiteHourlyCaps>> CapsAsync(string op, TimeWindow horizon, CancellationToken ct)
    {
        var prefix = op + "/";
        var start = new DateTimeOffset(horizon.Start.UtcTicks / s_hour.Ticks * s_hour.Ticks, TimeSpan.Zero);
        var hours = (int)Math.Ceiling((horizon.End - start) / s_hour);
        var caps = new List<SiteHourlyCaps>();
        foreach (var v in await store.ListSitesAsync(ct).ConfigureAwait(false))
        {
            var site = v.Value;
            if (!site.Id.Value.StartsWith(prefix, StringComparison.Ordinal) || hours <= 0)
            {
                continue;
            }

            var hourly = await limits.PlanningAsync(site, start, hours, ct).ConfigureAwait(false);
            var draw = site.GridDraw(site.ItCapacity);
            caps.Add(new SiteHourlyCaps(new SiteId(site.Id.Value[prefix.Length..]), start,
                [.. Enumerable.Range(0, hours).Select(h => hourly is null ? draw : Power.FromMegawatts(hourly.AtLevel(h, SiteLimits.PlannedLevel) is var mw && double.IsNaN(mw) ? 0 : mw))]));
        }

        return caps;
    }

    /// <summary>
    /// Adds the operator's market placements (decision 0132): work it bought, as <c>market:{bid}</c> at the seller's site
    /// (<c>{seller}/{site}</c>), and work it sold, as <c>market:{buyer}/{bid}</c> at its own site.
    /// </summary>
    private static PlanResponse? WithMarket(PlanResponse? plan, Versioned<PlanRecord>? market) =>
        plan is null || market is not { } m ? plan
        : plan with { Runs = [.. plan.Runs, .. m.Value.Placements.Where(p => p.End > plan.HorizonStart).Select(p => new PlannedRun(p.JobId, p.Location, p.Start, p.End))] };

    private async Task<PlanRecord> BuildAsync(string op, CancellationToken ct)
    {
        var prefix = op + "/";
        var now = SignalCatalog.Floor(catalog.Now);
        var sites = (await store.ListSitesAsync(ct).ConfigureAwait(false)).Where(s => s.Value.Id.Value.StartsWith(prefix, StringComparison.Ordinal))
            .Select(s => s.Value).ToList();
        var unplaced = new List<UnplacedWorkload>();
        var jobs = new List<BatchJob>();
        foreach (var v in await store.ListJobsAsync(new TimeWindow(now, now + Lookahead), ct).ConfigureAwait(false))
        {
            var j = v.Value;
            if (!j.Id.StartsWith(prefix, StringComparison.Ordinal) || j.Release >= now + Lookahead)
            {
                continue;
            }

            // Work cannot start in the past: plan from the current slot on.
            var release = j.Release < now ? now : j.Release;
            if (j.Deadline - release < j.Duration)
            {
                unplaced.Add(new UnplacedWorkload(j.Id[prefix.Length..], "It no longer fits before its deadline."));
                continue;
            }

            jobs.Add(new BatchJob(j.Id[prefix.Length..], release, j.Deadline, j.Duration, j.Power, j.Interruptible, [.. j.Locations.Select(l => l[prefix.Length..])], j.Kind));
        }

        var horizon = new TimeWindow(now, now + Lookahead);
        if (jobs.Count == 0 || sites.Count == 0)
        {
            unplaced.AddRange(jobs.Select(j => new UnplacedWorkload(j.Id, "The operator has no sites.")));
            return Record(op, horizon, [], new PlanOutcome("none", "empty", 0, 0, unplaced));
        }

        var (window, planned, summary) = await optimiser.PlanAsync(op, sites, jobs, unplaced, ct).ConfigureAwait(false);
        return Record(op, window, planned, summary);
    }

    private PlanRecord Record(string op, TimeWindow horizon, List<JobPlacement> placements, PlanOutcome summary) =>
        new(PlanId(op), catalog.Now, horizon, [], placements, JsonSerializer.Serialize(summary, s_json));

    private static PlanResponse? ToResponse(Versioned<PlanRecord>? v, ReplanFailure? failure)
    {
        if (v is not { } plan)
        {
            return null;
        }

        var p = plan.Value;
        var summary = Summary(p);
        return new PlanResponse(plan.Version, p.CreatedAt, p.Horizon.Start, p.Horizon.End,
            [.. p.Placements.Select(x => new PlannedRun(x.JobId, x.Location, x.Start, x.End))], summary,
            [.. p.Caps.Select(c => new PlanCaps(c.Site.Value, c.Start, [.. c.Hourly.Select(x => x.Megawatts)]))], failure);
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Replanning for operator {Operator} failed; the previous plan stays current")]
    private static partial void LogReplanFailed(ILogger logger, Exception exception, string @operator);
}
