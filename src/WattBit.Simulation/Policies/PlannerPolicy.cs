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
/// policy never places load over a limit it knows, and the engine's dispatcher enforces unforeseen cuts
/// (docs/decisions/0064).
/// </summary>
public sealed class PlannerPolicy : SimulationPolicy
{
    /// <summary>Length of each day's planning horizon, h.</summary>
    public const int HorizonHours = 48;

    /// <summary>Fleets with more sites than this are planned per area (one aggregated planner site per area).</summary>
    public const int MaxPlannedSites = 30;

    private readonly WattBitPolicy _greedy = new();
    private readonly OptimisingPlanner _planner;
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
        var day = set.Release[jobs[0]] / (24 * _perHour) * 24 * _perHour;
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
            if (p.Site is not { } site || p.Start is not { } start)
            {
                continue;
            }

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
            workloads.Add(new BatchWork("j" + j.ToString(System.Globalization.CultureInfo.InvariantCulture), "simulation", world.TimeAt(set.Release[j]),
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
