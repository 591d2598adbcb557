using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Simulation.Policies;

/// <summary>
/// The planner-driven WattBit policy: each day at midnight it plans every job released that day, per site, as one
/// packing on the forecast the policies plan on, into every site's planned room (grid limit ÷ PUE and IT capacity, less
/// the inference forecast and the load already committed on earlier days): largest energy first (power × run length),
/// each job at the (site, start) with the lowest forecast score whose room holds it at every step of its run
/// (first-fit decreasing: the long, heavy runs take the clean sites' continuous room before the short ones fragment it;
/// docs/decisions/0172). Like the greedy <see cref="WattBitPolicy"/> (least slack first) the policy never places load over
/// a limit it knows; unforeseen cuts are curtailment orders that the engine hands to the planner's real-time
/// <see cref="Dispatcher"/> (<see cref="Dispatch"/>), its own most-slack-first stops staying the final safety net
/// (docs/decisions/0064).
/// </summary>
public sealed class PlannerPolicy : SimulationPolicy
{
    private readonly WattBitPolicy _greedy = new();
    private readonly Dispatcher _dispatcher;
    private readonly TimeProvider _time;
    private long _dayStarted;

    /// <summary>Creates the policy.</summary>
    /// <param name="time">Clock the planner times its runs with.</param>
    public PlannerPolicy(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;

        // A budget no order comes near, so the strategy never times out into the fallback and a seed gives one report.
        _dispatcher = new Dispatcher(time, budget: TimeSpan.FromHours(1));
    }

    /// <inheritdoc/>
    public override bool HonoursLimits => true;

    /// <summary>Jobs the day's plan placed (on time, or late within 48 h when nothing held them on time).</summary>
    public int PlannedJobs { get; private set; }

    /// <summary>Jobs the day's plan found no room for (not run).</summary>
    public int FallbackJobs { get; private set; }

    /// <summary>Number of planner runs (one per day with jobs to plan).</summary>
    public int PlannerRuns { get; private set; }

    /// <summary>Wall time spent planning, summed over its runs.</summary>
    public TimeSpan PlanningTime { get; private set; }

    /// <inheritdoc/>
    public override void Initialise(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _greedy.Initialise(context);
    }

    /// <inheritdoc/>
    public override void Order(PolicyContext context, Span<int> jobs)
    {
        ArgumentNullException.ThrowIfNull(context);
        _dayStarted = _time.GetTimestamp();
        if (jobs.Length > 0)
        {
            PlannerRuns++;
        }

        var set = context.Workload.Jobs;
        jobs.Sort((a, b) =>
        {
            var c = (set.PowerMw[b] * set.Duration[b]).CompareTo(set.PowerMw[a] * set.Duration[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
    }

    /// <inheritdoc/>
    public override JobSlot Place(PolicyContext context, int job)
    {
        ArgumentNullException.ThrowIfNull(context);
        var placement = _greedy.Place(context, job);
        if (placement.Site >= 0)
        {
            PlannedJobs++;
        }
        else
        {
            FallbackJobs++;
        }

        // The day's jobs are placed one after the other right after Order: the day's planning time runs to the last.
        PlanningTime = PlanningTime.Add(_time.GetElapsedTime(_dayStarted));
        _dayStarted = _time.GetTimestamp();
        return placement;
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

                workloads.Add(new RunningWorkload(JobId(j), jobs.Kind[j], "simulation", ids[i], Power.FromMegawatts(jobs.PowerMw[j]), 0, 1, true, TimeSpan.Zero, 0,
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
    public override JobSlot Resume(PolicyContext context, int job, int earliest, int steps, int avoidSite, int avoidUntil) =>
        _greedy.Resume(context, job, earliest, steps, avoidSite, avoidUntil);
}
