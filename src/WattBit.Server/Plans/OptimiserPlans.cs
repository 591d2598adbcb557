using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Plans;
using WattBit.Server.Connections;
using WattBit.Server.Signals;
using WattBit.Signals;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Workloads;

namespace WattBit.Server.Plans;

/// <summary>
/// Day-ahead plans with the full planning model (<see cref="OptimisingPlanner"/>: an LP relaxation packed into a
/// feasible plan, cost of energy plus carbon price): the server's one planning path, for every operator (decision 0166).
/// Every site's hourly limit is what <see cref="SiteLimits.PlanningAsync"/> gives (the connection less curtailment orders,
/// capped by maintenance; for a flexible connection at a substation of the headroom layer, the forecast quantiles of its
/// headroom, decision 0139), as a flexible connection the optimiser must stay within, on the 1 − confidence quantile; a site without a connection is a firm one at
/// IT capacity × PUE. Hourly steps, at most a week (the planner's bound). The problem is the one `wattbit plan` builds
/// from a scenario file with the same sites, workloads and hourly signals. Stateless.
/// </summary>
internal sealed class OptimiserPlans(SignalCatalog catalog, SiteLimits limits, TimeProvider time)
{
    /// <summary>The longest horizon the planner takes (168 hourly steps).</summary>
    public static readonly TimeSpan MaxHorizon = TimeSpan.FromHours(168);

    /// <summary>Time the LP may take.</summary>
    public static readonly TimeSpan LpTimeLimit = TimeSpan.FromSeconds(10);

    /// <summary>Plans <paramref name="jobs"/> (ids and locations without the operator prefix) on the operator's <paramref name="sites"/>.</summary>
    public async Task<(TimeWindow Horizon, List<JobPlacement> Placements, PlanOutcome Summary)> PlanAsync(string op, IReadOnlyList<Site> sites,
        IReadOnlyList<BatchJob> jobs, List<UnplacedWorkload> unplaced, CancellationToken ct)
    {
        var prefix = op + "/";
        var hour = PlanningProblem.Step;
        var start = new DateTimeOffset(jobs.Min(j => j.Release).UtcTicks / hour.Ticks * hour.Ticks, TimeSpan.Zero);
        var last = jobs.Max(j => j.Deadline);
        var end = new DateTimeOffset((last.UtcTicks + hour.Ticks - 1) / hour.Ticks * hour.Ticks, TimeSpan.Zero);
        end = end > start + MaxHorizon ? start + MaxHorizon : end;
        var steps = (int)((end - start) / hour);
        var horizon = new TimeWindow(start, end);

        var dcSites = new List<DcSite>(sites.Count);
        foreach (var site in sites)
        {
            var bare = new Site(new SiteId(site.Id.Value[prefix.Length..]), site.Name, site.Area, site.ItCapacity, site.Pue, site.Location);
            var limit = await limits.PlanningAsync(site, start, steps, ct).ConfigureAwait(false);
            var connection = limit is null ? GridConnection.FirmOf(site.GridDraw(site.ItCapacity)) : GridConnection.FlexibleOf(limit);
            dcSites.Add(new DcSite(bare, 0, connection));
        }

        var areas = sites.Select(s => s.Area).DistinctBy(a => a.Code).ToList();
        var carbon = new List<KeyValuePair<string, TimeSeries>>();
        var price = new List<KeyValuePair<string, TimeSeries>>();
        foreach (var area in areas)
        {
            carbon.Add(new(area.Code, (await catalog.ReadAsync(area, SignalKind.Carbon, horizon, ct).ConfigureAwait(false)).Resample(hour)));
            price.Add(new(area.Code, (await catalog.ReadAsync(area, SignalKind.Price, horizon, ct).ConfigureAwait(false)).Resample(hour)));
        }

        // Work past the horizon's end is the next plan's: each job's window is clipped to it (its run time at most the window).
        var workloads = new List<Workload>(jobs.Count);
        foreach (var j in jobs)
        {
            var clipped = j.Deadline <= end ? j
                : new BatchJob(j.Id, j.Release, end, j.Duration < end - j.Release ? j.Duration : end - j.Release, j.Power, j.Interruptible, j.Locations, j.Kind);
            workloads.Add(new SubmittedJob(clipped, op));
        }

        var network = new Network(dcSites);
        var problem = new PlanningProblem(start, steps, dcSites, network, workloads, new SignalSet(SignalKind.Carbon, carbon), new SignalSet(SignalKind.Price, price));
        var (plan, baseline) = await Task.Run(() => (new OptimisingPlanner(time, LpTimeLimit).Plan(problem, ct), new NoShiftPlanner(time).Plan(problem, ct)), ct)
            .ConfigureAwait(false);

        var power = jobs.ToDictionary(j => j.Id, j => j.Power, StringComparer.Ordinal);
        var placements = new List<JobPlacement>();
        foreach (var p in plan.Jobs)
        {
            if (p.Site is null || p.Runs.Count == 0)
            {
                unplaced.Add(new UnplacedWorkload(p.JobId, p.Reason));
                continue;
            }

            // The planner's steps are hours; the runs end when the work is done (a moving job runs at several sites).
            placements.AddRange(p.WorkRuns(power[p.JobId]).Select((r, k) => new JobPlacement(p.JobId, p.SiteOf(k).Value, r.Start, r.End)));
            if (p.Unserved.MegawattHours > 1e-9)
            {
                unplaced.Add(new UnplacedWorkload(p.JobId, $"{p.Unserved.MegawattHours:0.###} MWh of it could not be planned within the horizon and the sites' limits."));
            }
        }

        var status = plan.Notes.Count == 0 ? plan.Summary.Status : plan.Summary.Status + "; " + string.Join("; ", plan.Notes);
        return (horizon, placements, new PlanOutcome(plan.Method, status, plan.Summary.Emissions.Kilograms, baseline.Summary.Emissions.Kilograms, unplaced));
    }
}
