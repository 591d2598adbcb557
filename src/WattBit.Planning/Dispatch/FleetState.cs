using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Planning.Dispatch;

/// <summary>A site's live state.</summary>
/// <param name="Site">The site.</param>
/// <param name="Limit">Grid limit now.</param>
/// <param name="BatteryStored">Energy in the battery now (zero without one).</param>
/// <param name="BatteryOutput">Battery power now, positive when discharging.</param>
/// <param name="CostPerMwh">Energy plus carbon cost now (JPY/MWh), used to rank destinations.</param>
/// <param name="Failed">Whether the site is down.</param>
/// <param name="GeneratorOutput">On-site generator output now (zero when none runs).</param>
/// <param name="GeneratorFuel">Fuel left in the generator, as energy it can generate; null = a full tank.</param>
public sealed record SiteState(DcSite Site, Power Limit, Energy BatteryStored, Power BatteryOutput = default, double CostPerMwh = 0, bool Failed = false,
    Power GeneratorOutput = default, Energy? GeneratorFuel = null)
{
    /// <summary>The fuel left, as energy the generator can still produce (zero without a generator).</summary>
    public Energy FuelLeft => GeneratorFuel ?? Site.Generator?.FullTank ?? Energy.Zero;
}

/// <summary>
/// A workload (or a group of identical inference replicas) running now. <see cref="Units"/> is the replica count
/// (1 for a job); power and GPUs are for all units together.
/// </summary>
/// <param name="Id">Workload id.</param>
/// <param name="Kind">Kind.</param>
/// <param name="Owner">Operator.</param>
/// <param name="Site">Where it runs.</param>
/// <param name="Power">IT power of all units.</param>
/// <param name="Gpus">GPUs of all units.</param>
/// <param name="Units">Replica count (1 for a job).</param>
/// <param name="Interruptible">Whether it may pause (checkpointable training, interruptible batch, backup).</param>
/// <param name="CheckpointTime">Time to checkpoint before pausing or moving.</param>
/// <param name="StateGigabytes">State to move.</param>
/// <param name="StartupTime">Time to start at another site (replicas: make before break).</param>
/// <param name="AllowedSites">Sites it may run at (inference: within its latency bound).</param>
/// <param name="Deadline">Deadline, or null.</param>
/// <param name="RemainingWork">Run time still needed.</param>
/// <param name="RequestsPerUnit">Requests/s one replica serves (inference; 0 for jobs).</param>
public sealed record RunningWorkload(string Id, WorkloadKind Kind, string Owner, SiteId Site, Power Power, int Gpus, int Units,
    bool Interruptible, TimeSpan CheckpointTime, double StateGigabytes, TimeSpan StartupTime, IReadOnlyList<SiteId> AllowedSites,
    DateTimeOffset? Deadline = null, TimeSpan RemainingWork = default, double RequestsPerUnit = 0)
{
    /// <summary>IT power of one unit.</summary>
    public Power UnitPower => Power / Units;

    /// <summary>GPUs of one unit.</summary>
    public int UnitGpus => Gpus / Units;

    /// <summary>A copy with <paramref name="units"/> units (power and GPUs scaled) at <paramref name="site"/>.</summary>
    public RunningWorkload Resized(int units, SiteId site) => this with { Units = units, Power = UnitPower * units, Gpus = UnitGpus * units, Site = site };
}

/// <summary>The fleet now: sites, what runs where, and the network. Immutable; dispatch returns a new one.</summary>
public sealed class FleetState
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>Creates the state.</summary>
    /// <param name="now">The instant the state describes.</param>
    /// <param name="sites">Site states.</param>
    /// <param name="running">Running workloads.</param>
    /// <param name="network">Network between the sites.</param>
    /// <param name="paused">Workloads paused or deferred (not drawing power).</param>
    public FleetState(DateTimeOffset now, IReadOnlyList<SiteState> sites, IReadOnlyList<RunningWorkload> running, Network network,
        IReadOnlyList<RunningWorkload>? paused = null)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(network);
        Now = now;
        Sites = sites;
        Running = running;
        Network = network;
        Paused = paused ?? [];
        for (var i = 0; i < sites.Count; i++)
        {
            _index[sites[i].Site.Id.Value] = i;
        }

        var it = new double[sites.Count];
        var gpus = new int[sites.Count];
        foreach (var w in running)
        {
            var i = _index[w.Site.Value];
            it[i] += w.Power.Megawatts;
            gpus[i] += w.Gpus;
        }

        ItMw = it;
        GpusUsed = gpus;
    }

    /// <summary>The instant the state describes.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Site states.</summary>
    public IReadOnlyList<SiteState> Sites { get; }

    /// <summary>Running workloads.</summary>
    public IReadOnlyList<RunningWorkload> Running { get; }

    /// <summary>Paused or deferred workloads.</summary>
    public IReadOnlyList<RunningWorkload> Paused { get; }

    /// <summary>Network between the sites.</summary>
    public Network Network { get; }

    /// <summary>IT load of workloads per site (MW, excluding base load), in site order.</summary>
    public IReadOnlyList<double> ItMw { get; }

    /// <summary>GPUs in use per site, in site order.</summary>
    public IReadOnlyList<int> GpusUsed { get; }

    /// <summary>Index of a site, or -1.</summary>
    public int IndexOf(SiteId site) => _index.TryGetValue(site.Value, out var i) ? i : -1;

    /// <summary>Grid draw of site <paramref name="i"/> now: PUE x (base + workloads) less battery and generator output (zero when failed).</summary>
    public Power DrawOf(int i)
    {
        var s = Sites[i];
        return s.Failed
            ? Power.Zero
            : Power.FromMegawatts((s.Site.Pue.BasePue * (s.Site.BaseLoad.Megawatts + ItMw[i])) - s.BatteryOutput.Megawatts - s.GeneratorOutput.Megawatts);
    }

    /// <summary>
    /// The state at <paramref name="at"/> according to a plan: jobs running in that hour, inference replicas of that
    /// hour, limits, battery energy and output of that hour.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="at"/> is outside the plan's horizon.</exception>
    public static FleetState FromPlan(PlanningProblem problem, Plan plan, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.Horizon.Contains(at))
        {
            throw new ArgumentOutOfRangeException(nameof(at), at, $"{at:O} is outside the plan's horizon {plan.Horizon}.");
        }

        var t = (int)Math.Floor((at - problem.Start).TotalHours);
        var sites = new List<SiteState>();
        for (var s = 0; s < problem.Sites.Count; s++)
        {
            var site = problem.Sites[s];
            var sch = plan.Sites[s];
            var stored = site.Battery is null ? 0 : t == 0 ? site.Battery.InitialEnergy.MegawattHours : sch.BatterySocMwh[t - 1];
            var area = site.Site.Area.Code;
            var at0 = problem.TimeAt(t);
            var cost = (problem.Price[area][problem.Price[area].IndexOf(at0)] * 1000) +
                       (problem.Carbon[area][problem.Carbon[area].IndexOf(at0)] / 1000 * problem.Costs.CarbonPriceYenPerTonne);
            // A generator the plan runs carries its output into the state, with the fuel the plan burnt before this hour.
            var generator = sch.GeneratorMw is { } gm ? gm[t] : 0;
            Energy? fuel = null;
            if (site.Generator is { } g && sch.GeneratorMw is { } burnt && t > 0)
            {
                var used = 0.0;
                for (var k = 0; k < t; k++)
                {
                    used += burnt[k] * PlanningProblem.Step.TotalHours;
                }

                fuel = used > 0 ? g.FullTank - Energy.FromMegawattHours(used) : null;
            }

            sites.Add(new SiteState(site, Power.FromMegawatts(sch.LimitMw[t]), Energy.FromMegawattHours(stored),
                Power.FromMegawatts(sch.DischargeMw[t] - sch.ChargeMw[t]), double.IsFinite(cost) ? cost : 0,
                GeneratorOutput: Power.FromMegawatts(generator), GeneratorFuel: fuel));
        }

        var byId = problem.Workloads.ToDictionary(w => w.Id, StringComparer.Ordinal);
        var running = new List<RunningWorkload>();
        foreach (var job in plan.Jobs)
        {
            var run = IndexOfRun(job.Runs, at);
            if (job.Site is null || run < 0 || byId[job.JobId] is not DeferrableJob dj)
            {
                continue;
            }

            var site = job.SiteOf(run); // where it runs then: a job the plan moves runs at several sites

            var done = job.Runs.Where(r => r.Start < at).Sum(r => ((r.End < at ? r.End : at) - r.Start).TotalHours);
            var allowed = Array.ConvertAll(problem.EligibleSites(dj.Locations), i => problem.Sites[i].Id);
            running.Add(new RunningWorkload(dj.Id, dj.Kind, dj.Owner, site, dj.Power, dj.Gpus, 1, dj.Interruptible, dj.CheckpointTime,
                dj.StateGigabytes, TimeSpan.FromMinutes(1), allowed, dj.Deadline, dj.Duration - TimeSpan.FromHours(done)));
        }

        foreach (var inf in plan.Inference)
        {
            var n = (int)inf.Replicas[t];
            if (n <= 0 || byId[inf.ServiceId] is not InferenceService svc)
            {
                continue;
            }

            running.Add(new RunningWorkload(svc.Id, WorkloadKind.Inference, svc.Owner, inf.Site, svc.ReplicaPower * n, svc.ReplicaGpus * n, n,
                false, TimeSpan.Zero, 0, svc.StartupTime, ReachableSites(problem, svc), RequestsPerUnit: svc.RequestsPerReplica));
        }

        return new FleetState(at, sites, running, problem.Network);
    }

    private static int IndexOfRun(IReadOnlyList<TimeWindow> runs, DateTimeOffset at)
    {
        for (var i = 0; i < runs.Count; i++)
        {
            if (runs[i].Contains(at))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Sites within the service's latency bound of every one of its user regions.</summary>
    public static IReadOnlyList<SiteId> ReachableSites(PlanningProblem problem, InferenceService service)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(service);
        var result = new List<SiteId>();
        foreach (var i in problem.EligibleSites(service.Locations))
        {
            var id = problem.Sites[i].Id;
            if (service.Demand.All(d => problem.Network.UserLatency(d.Region, id) <= service.LatencyBound))
            {
                result.Add(id);
            }
        }

        return result;
    }

    /// <summary>A copy with different sites, running and paused workloads (the network and time stay).</summary>
    public FleetState With(IReadOnlyList<SiteState> sites, IReadOnlyList<RunningWorkload> running, IReadOnlyList<RunningWorkload> paused) =>
        new(Now, sites, running, Network, paused);
}
