using System.Text.RegularExpressions;
using WattBit.Data.Storage;
using WattBit.Dispatch;
using WattBit.Plans;
using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Server.Connections;
using WattBit.Server.Events;
using WattBit.Server.Orders;
using WattBit.Server.Plans;
using WattBit.Server.Signals;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Server.Dispatch;

/// <summary>
/// Turns each curtailment order into a dispatch order for the curtailed site's DC operator. The fleet is the operator's
/// sites and the work its current plan runs when the order takes effect; <see cref="Dispatcher.Handle"/> decides (its
/// greedy strategy, checked, or its always-feasible fallback), the order is journaled, sent as a <c>dispatch-order</c>
/// event to that operator, and applied to the plan (<see cref="PlanService.ApplyDispatchAsync"/>, a <c>plan</c> event).
/// If even building the fleet fails, the site powers down for the curtailment: an order is never left unmet. For a site
/// whose operator's job engine is configured, the order is then carried out on it (<see cref="DispatchExecutions"/>). Work
/// the operator sold on the market (decision 0134) is in the fleet like its own (<c>market:{buyer}/{bid}</c>: divisible bids
/// may pause, blocks may not; it may move to the operator's sites the bid allows), and the market settles what the order
/// did to it (<see cref="Market.MarketBook.SettleCurtailmentAsync"/>: the buyers' plans follow, curtailed MWh are credited).
/// Thread-safe.
/// </summary>
internal sealed partial class DispatchService(IWattBitStore store, PlanService plans, SiteLimits limits, DispatchBook book, EventHub events, TimeProvider time,
    DispatchExecutions executions, Market.MarketBook market, ILogger<DispatchService> logger)
{
    /// <summary>Checkpoint time assumed for interruptible work (the server's workload model has none of its own).</summary>
    public static readonly TimeSpan CheckpointTime = TimeSpan.FromMinutes(5);

    /// <summary>Start-up time at another site assumed for every workload.</summary>
    public static readonly TimeSpan StartupTime = TimeSpan.FromMinutes(1);

    private readonly Dispatcher _dispatcher = new(time);

    /// <summary>Dispatches a just-issued curtailment order; never throws for a bad fleet (the fallback decides).</summary>
    public async Task<DispatchOrder> DispatchAsync(Orders.BookedOrder order, CancellationToken ct)
    {
        DispatchOrder result;
        try
        {
            var (state, site) = await FleetAsync(order, ct).ConfigureAwait(false);
            var e = new CurtailmentOrder(order.IssuedAt, site, Power.FromMegawatts(order.ReductionMw), order.EffectiveAt - order.IssuedAt,
                order.ExpectedEndAt - order.EffectiveAt);
            result = ToOrder(order, _dispatcher.Handle(e, state, ct));
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            LogFleetFailed(logger, ex, order.Id);
            result = PowerDown(order, ex.Message);
        }

        result = result with { Execution = executions.Plan(result) };
        await book.AddAsync(result, CancellationToken.None).ConfigureAwait(false); // not cancelled: the curtailment order is journalled
        await DispatchEvents.PublishAsync(events, result).ConfigureAwait(false);
        executions.Enqueue(result);
        try
        {
            await plans.ApplyDispatchAsync(order.Operator, result, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // The order stands (it is journaled and sent); the plan catches up with it at the next replan.
            LogPlanFailed(logger, ex, result.Id);
        }

        try
        {
            await market.SettleCurtailmentAsync(order.IssuedBy, result, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            // The order stands; the market settlement is logged as failed (a market operator sees no entry for it).
            LogMarketFailed(logger, ex, result.Id);
        }

        return result;
    }

    /// <summary>The operator's fleet when the order takes effect: its sites (limit at that step) and the runs of its plan then.</summary>
    private async Task<(FleetState State, SiteId Site)> FleetAsync(Orders.BookedOrder order, CancellationToken ct)
    {
        var op = order.Operator;
        var prefix = op + "/";
        var at = order.EffectiveAt;
        var sites = (await store.ListSitesAsync(ct).ConfigureAwait(false)).Where(s => s.Value.Id.Value.StartsWith(prefix, StringComparison.Ordinal)).Select(s => s.Value).ToList();
        var states = new List<SiteState>(sites.Count);
        foreach (var site in sites)
        {
            // Without a connection the site may draw what its facility can (IT capacity × PUE).
            var limit = (await limits.LimitsAsync(site, SignalCatalog.Floor(at), 1, SignalCatalog.Step, ct).ConfigureAwait(false))?[0] ?? site.GridDraw(site.ItCapacity).Megawatts;
            var dc = new DcSite(site, 0, GridConnection.FirmOf(Power.FromMegawatts(limit)));
            states.Add(new SiteState(dc, Power.FromMegawatts(limit), Energy.Zero));
        }

        var network = new Network([.. states.Select(s => s.Site)]);
        var running = new List<RunningWorkload>();
        if (await plans.CurrentAsync(op, ct).ConfigureAwait(false) is { } plan)
        {
            var jobs = (await store.ListJobsAsync(new TimeWindow(at, at + TimeSpan.FromTicks(1)), ct).ConfigureAwait(false))
                .Where(j => j.Value.Id.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(j => j.Value.Id[prefix.Length..], j => j.Value, StringComparer.Ordinal);
            var all = sites.Select(s => s.Id).ToList();
            foreach (var run in plan.Runs)
            {
                if (run.Start > at || run.End <= at || !jobs.TryGetValue(run.Workload, out var job) || !sites.Exists(s => s.Id.Value == prefix + run.Site))
                {
                    continue;
                }

                var allowed = job.Locations.Count == 0 ? all : [.. all.Where(s => job.Locations.Contains(s.Value))];
                running.Add(new RunningWorkload(run.Workload, WorkloadKind.Batch, op, new SiteId(prefix + run.Site), job.Power, 0, 1, job.Interruptible,
                    job.Interruptible ? CheckpointTime : TimeSpan.Zero, 0, StartupTime, allowed, job.Deadline, run.End - at));
            }
        }

        // Work sold on the market runs at the seller's sites like its own: a divisible bid may pause, a block may not.
        var own = sites.ToDictionary(s => s.Id.Value[prefix.Length..], StringComparer.Ordinal);
        foreach (var sold in await market.SoldAtAsync(op, at).ConfigureAwait(false))
        {
            if (!own.TryGetValue(sold.Site, out var site))
            {
                continue;
            }

            List<SiteId> allowed = [.. sold.AllowedSites.Where(own.ContainsKey).Select(s => own[s].Id)];
            running.Add(new RunningWorkload(Market.MarketBook.SoldWorkload(sold.Buyer, sold.Bid.Id), WorkloadKind.Batch, op, site.Id, Power.FromMegawatts(sold.Mw / site.Pue), 0, 1,
                sold.Bid.Divisible, sold.Bid.Divisible ? CheckpointTime : TimeSpan.Zero, 0, StartupTime, allowed, sold.Bid.Deadline, sold.RunEnd - at));
        }

        return (new FleetState(at, states, running, network), new SiteId(prefix + order.SiteId));
    }

    private DispatchOrder ToOrder(Orders.BookedOrder order, DispatchDecision d)
    {
        var prefix = order.Operator + "/";
        // Only where the operator's prefix starts a site id, not inside another id (a buyer "beta" in market:beta/... for operator "a").
        string Bare(string text) => Regex.Replace(text, "(?<![A-Za-z0-9_.-])" + Regex.Escape(prefix), "", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        string Site(string id) => id.StartsWith(prefix, StringComparison.Ordinal) ? id[prefix.Length..] : id;

        // Workload ids are the plan's own (bare) or sold work's market:{buyer}/{bid}: never stripped.
        var steps = d.Actions.Select(a =>
        {
            var (starts, completes) = AtTheLatest(order, a.CompletesAt);
            return new DispatchStep(a.Kind, a.WorkloadId.Length == 0 ? null : a.WorkloadId, Site(a.From.Value), a.To is { } to ? Site(to.Value) : null,
                a.Units, a.GridRelief.Megawatts, completes, Bare(a.Reason), starts);
        }).ToList();
        return New(order, d.Required.Megawatts, d.Achieved.Megawatts, d.Met, d.UsedFallback, steps, [.. d.Refused.Select(Bare)]);
    }

    /// <summary>
    /// When an action the dispatcher planned from the order's issue (in place at <paramref name="completesAt"/>) starts and
    /// is in place when it is carried out as late as it can be: its lead time before the order's <c>effectiveAt</c>, never
    /// before the issue (a lead longer than the notice starts at once, as planned).
    /// </summary>
    internal static (DateTimeOffset StartsAt, DateTimeOffset CompletesAt) AtTheLatest(Orders.BookedOrder order, DateTimeOffset completesAt)
    {
        var lead = completesAt > order.IssuedAt ? completesAt - order.IssuedAt : TimeSpan.Zero;
        var starts = order.EffectiveAt - lead > order.IssuedAt ? order.EffectiveAt - lead : order.IssuedAt;
        return (starts, starts + lead);
    }

    private DispatchOrder PowerDown(Orders.BookedOrder order, string why) =>
        New(order, order.ReductionMw, order.ReductionMw, true, true,
            [new DispatchStep(DispatchActionKind.PowerDownSite, null, order.SiteId, null, 1, order.ReductionMw, order.EffectiveAt,
                "fallback: the site's fleet state could not be built, so the whole site powers down for the curtailment", order.EffectiveAt)],
            [$"dispatcher not run: {why}"]);

    private DispatchOrder New(Orders.BookedOrder order, double required, double achieved, bool met, bool fallback, IReadOnlyList<DispatchStep> steps,
        IReadOnlyList<string> refused) =>
        new("do-" + Guid.NewGuid().ToString("N"), order.Id, order.Area, order.Operator, order.SiteId, time.GetUtcNow(), order.EffectiveAt, order.ExpectedEndAt,
            order.ReductionMw, required, achieved, met, fallback, steps, refused, OrderState.Issued, null, null);

    /// <summary>
    /// The placements with a dispatch order applied to the runs at its site that reach into its curtailment: each run is
    /// cut where its action is in place; deferred or paused work resumes at the site when the curtailment ends, moved
    /// work continues at its destination (restarted work from the beginning), stopped work (and everything on a site
    /// powered down) is dropped and reported in <paramref name="unplaced"/>.
    /// </summary>
    public static List<JobPlacement> Apply(IReadOnlyList<JobPlacement> placements, DispatchOrder order, List<UnplacedWorkload> unplaced)
    {
        var byWorkload = order.Actions.Where(a => a.Workload is not null).GroupBy(a => a.Workload!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var powerDown = order.Actions.FirstOrDefault(a => a.Action == DispatchActionKind.PowerDownSite);
        var resume = SignalCatalog.Ceiling(order.ExpectedEndAt);
        var result = new List<JobPlacement>(placements.Count);
        foreach (var p in placements)
        {
            var step = p.Location != order.SiteId ? null : byWorkload.GetValueOrDefault(p.JobId) is { Action: not (DispatchActionKind.DischargeBattery or DispatchActionKind.StartGenerator or DispatchActionKind.AddReplicas) } s ? s : powerDown;
            var cut = step is null ? p.End : step.CompletesAt > p.Start ? step.CompletesAt : p.Start;
            if (step is null || cut >= p.End || p.Start >= order.ExpectedEndAt)
            {
                result.Add(p);
                continue;
            }

            if (cut > p.Start)
            {
                result.Add(p with { End = cut });
            }

            var rest = p.End - cut;
            switch (step.Action)
            {
                case DispatchActionKind.Defer or DispatchActionKind.Pause:
                    result.Add(new JobPlacement(p.JobId, p.Location, resume, resume + rest));
                    break;
                case DispatchActionKind.CheckpointAndMove or DispatchActionKind.MoveReplicas when step.To is { } to:
                    result.Add(new JobPlacement(p.JobId, to, cut, cut + rest));
                    break;
                case DispatchActionKind.RestartElsewhere when step.To is { } to:
                    result.Add(new JobPlacement(p.JobId, to, cut, cut + (p.End - p.Start)));
                    break;
                default:
                    unplaced.Add(new UnplacedWorkload(p.JobId, $"Stopped at {cut:O} by dispatch order {order.Id} (curtailment {order.CurtailmentOrderId}): {step.Reason}"));
                    break;
            }
        }

        return result;
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Error, Message = "Dispatch of curtailment order {Order} could not build the fleet; the site powers down")]
    private static partial void LogFleetFailed(ILogger logger, Exception exception, string order);

    [LoggerMessage(EventId = 7303, Level = LogLevel.Warning, Message = "Dispatch order {Order} could not be settled on the market")]
    private static partial void LogMarketFailed(ILogger logger, Exception exception, string order);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Warning, Message = "Dispatch order {Order} could not be applied to the plan")]
    private static partial void LogPlanFailed(ILogger logger, Exception exception, string order);
}
