using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Planning.Planner;
using WattBit.Signals;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using PlanningWorkload = WattBit.Planning.Model.Workload;

namespace WattBit.Simulation.Policies;

/// <summary>
/// The planner-driven WattBit policy: each day at midnight the jobs released that day whose window ends within the next
/// <see cref="HorizonHours"/> hours are handed to the WattBit day-ahead optimiser (<see cref="OptimisingPlanner"/>) as
/// one <see cref="PlanningProblem"/> on the forecast the policies plan on; the room it plans into is every site's planned
/// room (grid limit ÷ PUE and IT capacity, less the inference forecast and the load already committed on earlier days).
/// Fleets larger than <see cref="MaxPlannedSites"/> sites are aggregated to one planner site per area (capacity and room
/// summed), so a national year is 365 small LPs. Each planned job is then put on the lowest-PUE site of its planned
/// site or area that holds it at the planned start; jobs the plan leaves out, that no single site holds at the planned
/// start, or whose window is longer than the horizon are placed by the greedy <see cref="WattBitPolicy"/>. Like it, the
/// policy never places load over a limit it knows; unforeseen cuts are curtailment orders that the engine hands to the
/// planner's real-time <see cref="Dispatcher"/> (<see cref="Dispatch"/>), its own most-slack-first stops staying the
/// final safety net (docs/decisions/0064).
/// </summary>
public sealed class PlannerPolicy : SimulationPolicy
{
    /// <summary>Length of each day's planning horizon, h.</summary>
    public const int HorizonHours = 48;

    /// <summary>Fleets with more sites than this are planned per area (one aggregated planner site per area).</summary>
    public const int MaxPlannedSites = 30;

    private readonly WattBitPolicy _greedy = new();
    private readonly OptimisingPlanner _planner;
    private readonly Dispatcher _dispatcher;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, (int Group, int Start)> _plan = [];
    private int[][] _groups = [];
    private int[] _groupOfSite = [];
    private int _perHour = 1;

    /// <summary>Creates the policy.</summary>
    /// <param name="time">Clock the planner times its runs with.</param>
    public PlannerPolicy(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _planner = new OptimisingPlanner(time);

        // A budget no order comes near, so the strategy never times out into the fallback and a seed gives one report.
        _dispatcher = new Dispatcher(time, budget: TimeSpan.FromHours(1));
    }

    /// <inheritdoc/>
    public override bool HonoursLimits => true;

    /// <summary>Jobs placed where and when the optimiser planned them.</summary>
    public int PlannedJobs { get; private set; }

    /// <summary>Jobs placed by the greedy fallback (window longer than the horizon, left out of the plan, or no single site held them at the planned start).</summary>
    public int FallbackJobs { get; private set; }

    /// <summary>Number of planner runs (one per day with jobs to plan).</summary>
    public int PlannerRuns { get; private set; }

    /// <summary>Wall time spent in the optimiser, summed over its runs.</summary>
    public TimeSpan PlanningTime { get; private set; }

    /// <inheritdoc/>
    public override void Initialise(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _greedy.Initialise(context);
        var world = context.World;
        _perHour = Math.Max(1, (int)Math.Round(1 / world.StepHours));
        var siteCount = context.Pue.Length;
        _groups = siteCount <= MaxPlannedSites
            ? [.. Enumerable.Range(0, siteCount).Select(s => new[] { s })]
            : [.. context.SitesByArea.Where(g => g.Length > 0)];
        _groupOfSite = new int[siteCount];
        for (var g = 0; g < _groups.Length; g++)
        {
            foreach (var s in _groups[g])
            {
                _groupOfSite[s] = g;
            }
        }
    }

    /// <inheritdoc/>
    public override void Order(PolicyContext context, Span<int> jobs)
    {
        ArgumentNullException.ThrowIfNull(context);
        _greedy.Order(context, jobs);
        _plan.Clear();
        if (jobs.Length == 0)
        {
            return;
        }

        var world = context.World;
        var set = context.Workload.Jobs;
        var day = context.Step;
        var hours = Math.Min(HorizonHours, (world.Steps - day) / _perHour);
        var end = day + (hours * _perHour);
        var planned = new List<int>(jobs.Length);
        foreach (var j in jobs)
        {
            if (set.Deadline[j] <= end)
            {
                planned.Add(j);
            }
        }

        if (planned.Count == 0 || hours < 1)
        {
            return;
        }

        var started = _time.GetTimestamp();
        var problem = Problem(context, day, hours, planned);
        var plan = _planner.Plan(problem);
        PlanningTime += _time.GetElapsedTime(started);
        PlannerRuns++;
        var dayStart = world.TimeAt(day);
        foreach (var p in plan.Jobs)
        {
            if (p.Site is null || p.Start is not { } start || p.Runs.Count == 0)
            {
                continue;
            }

            // The engine runs a job as one contiguous piece at one site, so a job is placed at the site of its first run.
            // The simulation's jobs are planned as non-interruptible, and the optimiser moves only interruptible jobs, so
            // every planned job has a single run and this loses nothing (docs/decisions/0064).
            var site = p.SiteOf(0);

            var j = int.Parse(p.JobId.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            var step = day + (int)Math.Round((start - dayStart).TotalHours * _perHour);
            step = Math.Clamp(step, set.Release[j], world.Steps - set.Duration[j]);
            _plan[j] = (problem.SiteIndex(site.Value), step);
        }
    }

    /// <inheritdoc/>
    public override JobPlacement Place(PolicyContext context, int job)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_plan.TryGetValue(job, out var p))
        {
            var jobs = context.Workload.Jobs;
            foreach (var site in _groups[p.Group])
            {
                if (_greedy.Fits(context, site, p.Start, jobs.Duration[job], jobs.PowerMw[job]))
                {
                    PlannedJobs++;
                    return new(site, p.Start);
                }
            }
        }

        FallbackJobs++;
        return _greedy.Place(context, job);
    }

    /// <summary>
    /// Hands a curtailment order at <paramref name="site"/> and step <paramref name="t"/> to the planner's real-time
    /// <see cref="Dispatcher"/>: the fleet state is the affected site and the other sites of its area, each at its actual
    /// limit now with its running jobs (interruptible: the engine's jobs checkpoint), and inference as base load at the
    /// other sites; the affected site's battery is left out, as the engine's battery state already covers what it can.
    /// </summary>
    /// <param name="context">Policy context.</param>
    /// <param name="site">Affected site.</param>
    /// <param name="t">Step of the order.</param>
    /// <param name="until">First step after the cut.</param>
    /// <param name="shedIt">Job IT load over the site's actual room, MW.</param>
    /// <param name="running">Jobs committed at each site (the engine's lists; those with start &lt;= t &lt; end run now).</param>
    /// <param name="start">First step of each job's current piece.</param>
    /// <param name="end">Step after each job's current piece.</param>
    /// <param name="sites">The engine's index of each site of the returned state, in state order.</param>
    internal DispatchDecision Dispatch(PolicyContext context, int site, int t, int until, double shedIt, IReadOnlyList<List<int>> running,
        int[] start, int[] end, out int[] sites)
    {
        var world = context.World;
        var specs = world.Scenario.Sites;
        var jobs = context.Workload.Jobs;
        var now = context.Clock.GetUtcNow().ToOffset(Jst.Offset);
        sites = [site, .. context.SitesByArea[world.SiteArea[site]].Where(q => q != site)];
        var states = new SiteState[sites.Length];
        var dcs = new DcSite[sites.Length];
        var ids = new SiteId[sites.Length];
        for (var i = 0; i < sites.Length; i++)
        {
            var q = sites[i];
            var spec = specs[q];
            ids[i] = new SiteId(spec.Id);
            var inference = i == 0 ? 0 : context.Workload.InferenceMw[q][t];
            var model = new Site(ids[i], spec.Id, spec.Area, Power.FromMegawatts(context.ItMw[q]), context.Pue[q], spec.Location);
            dcs[i] = new DcSite(model, 0, GridConnection.FirmOf(Power.FromMegawatts(Math.Max(0, world.LimitMw[q][t]))), baseLoad: Power.FromMegawatts(inference));
            states[i] = new SiteState(dcs[i], Power.FromMegawatts(Math.Max(0, world.LimitMw[q][t])), Energy.Zero, CostPerMwh: context.Forecast[world.SiteArea[q]][t]);
        }

        var step = world.Scenario.Step;
        var workloads = new List<RunningWorkload>();
        for (var i = 0; i < sites.Length; i++)
        {
            foreach (var j in running[sites[i]])
            {
                if (start[j] > t || end[j] <= t)
                {
                    continue;
                }

                var kind = jobs.Class[j] switch
                {
                    Engine.JobClass.Training => WorkloadKind.Training,
                    Engine.JobClass.Backup => WorkloadKind.Backup,
                    _ => WorkloadKind.Batch,
                };
                workloads.Add(new RunningWorkload(JobId(j), kind, "simulation", ids[i], Power.FromMegawatts(jobs.PowerMw[j]), 0, 1, true, TimeSpan.Zero, 0,
                    TimeSpan.Zero, ids, world.TimeAt(jobs.Deadline[j]), step * (end[j] - t)));
            }
        }

        // The engine's jobs checkpoint at once and carry no state, so a move takes only the network's latency; the
        // one-minute notice stands for it, and a moved job continues at the next step.
        var order = new CurtailmentOrder(now, ids[0], Power.FromMegawatts(shedIt * context.Pue[site]), TimeSpan.FromMinutes(1), step * Math.Max(1, until - t));
        return _dispatcher.Handle(order, new FleetState(now, states, workloads, new Network(dcs)));
    }

    /// <summary>
    /// Whether a job of <paramref name="power"/> MW can continue at <paramref name="site"/> for every step of
    /// [start, start + steps): its planned room (less committed load) holds it at every step, and its actual room (limit
    /// now, less committed load and inference) at the first; a cut at the target later is an order there.
    /// </summary>
    internal bool CanContinue(PolicyContext context, int site, int start, int steps, double power)
    {
        var world = context.World;
        if (start + steps > world.Steps || !_greedy.Fits(context, site, start, steps, power))
        {
            return false;
        }

        var actual = Math.Min(world.LimitMw[site][start] / context.Pue[site], context.ItMw[site]) - context.Workload.InferenceMw[site][start];
        return context.Load[site][start] + power <= actual + 1e-9;
    }

    /// <summary>The planner's id of a simulation job.</summary>
    internal static string JobId(int job) => "j" + job.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public override JobPlacement Resume(PolicyContext context, int job, int earliest, int steps, int avoidSite, int avoidUntil) =>
        _greedy.Resume(context, job, earliest, steps, avoidSite, avoidUntil);

    // One planner site per group: capacity summed, PUE capacity-weighted, and a flexible connection whose headroom is
    // the group's remaining planned room (each site's own room at the step, less what is committed there) at that PUE.
    private PlanningProblem Problem(PolicyContext context, int day, int hours, List<int> jobs)
    {
        var world = context.World;
        var specs = world.Scenario.Sites;
        var start = world.TimeAt(day);
        var hour = TimeSpan.FromHours(1);
        var sites = new DcSite[_groups.Length];
        var areas = new HashSet<int>();
        for (var g = 0; g < _groups.Length; g++)
        {
            var members = _groups[g];
            var it = members.Sum(s => context.ItMw[s]);
            var pue = members.Sum(s => context.ItMw[s] * context.Pue[s]) / it;
            var headroom = new double[hours];
            for (var h = 0; h < hours; h++)
            {
                double room = 0;
                foreach (var s in members)
                {
                    var least = double.MaxValue;
                    for (var k = 0; k < _perHour; k++)
                    {
                        var t = day + (h * _perHour) + k;
                        least = Math.Min(least, _greedy.Room[s][t] - context.Load[s][t]);
                    }

                    room += Math.Max(0, least);
                }

                headroom[h] = room * pue;
            }

            var first = specs[members[0]];
            var id = members.Length == 1 ? first.Id : "area-" + first.Area.Code;
            var site = new Site(new SiteId(id), id, first.Area, Power.FromMegawatts(it), pue, first.Location);
            var connection = GridConnection.FlexibleOf(new QuantileSeries(TimeSeries.Wrap(start, hour, headroom, SeriesUnit.Megawatts)));
            sites[g] = new DcSite(site, 0, connection);
            areas.Add(world.SiteArea[members[0]]);
        }

        var set = context.Workload.Jobs;
        var workloads = new List<PlanningWorkload>(jobs.Count);
        foreach (var j in jobs)
        {
            workloads.Add(new BatchWork(JobId(j), "simulation", world.TimeAt(set.Release[j]),
                world.TimeAt(set.Deadline[j]), world.Scenario.Step * set.Duration[j], Power.FromMegawatts(set.PowerMw[j]), interruptible: false,
                home: sites[_groupOfSite[set.Home[j]]].Id.Value));
        }

        // The objective's forecast is the only score the policies plan on: carbon at a carbon price with zero energy
        // prices, or the price forecast with no carbon price.
        var carbonObjective = world.Scenario.Objective == Scenarios.SimulationObjective.Carbon;
        var zero = new double[hours];
        var carbon = new List<KeyValuePair<string, TimeSeries>>();
        var price = new List<KeyValuePair<string, TimeSeries>>();
        foreach (var a in areas)
        {
            var forecast = new double[hours];
            for (var h = 0; h < hours; h++)
            {
                double sum = 0;
                for (var k = 0; k < _perHour; k++)
                {
                    sum += context.Forecast[a][day + (h * _perHour) + k];
                }

                forecast[h] = sum / _perHour;
            }

            var code = world.AreaCodes[a];
            carbon.Add(new(code, TimeSeries.Wrap(start, hour, carbonObjective ? forecast : zero, SeriesUnit.GramsPerKilowattHour)));
            price.Add(new(code, TimeSeries.Wrap(start, hour, carbonObjective ? zero : forecast, SeriesUnit.YenPerKilowattHour)));
        }

        var costs = new PlanningCosts(CarbonPriceYenPerTonne: carbonObjective ? 10_000 : 0);
        return new PlanningProblem(start, hours, sites, new Network(sites), workloads, new SignalSet(SignalKind.Carbon, carbon),
            new SignalSet(SignalKind.Price, price), costs: costs, confidence: 0.5, useN1Capacity: false);
    }
}
