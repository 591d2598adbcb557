using WattBit.Simulation.Engine;
using WattBit.Workloads;

namespace WattBit.Simulation.Policies;

/// <summary>
/// What a policy sees while planning: the score per area as known at the simulated time (what it minimises per MWh:
/// published prices where they are published, else the forecast; <see cref="ForecastView"/>), its prefix sums for O(1)
/// window totals, the sites, and the IT load already committed at every site and step (which the policy
/// adds its placements to through <see cref="Commit(int, int, int)"/>). One per simulated policy; not thread-safe.
/// </summary>
public sealed class PolicyContext
{
    internal PolicyContext(SimulationWorld world, SimulatedWorkload workload, ForecastView view)
    {
        World = world;
        Workload = workload;
        Clock = new SimulationClock(world.Scenario.Start);
        View = view;
        var n = world.Steps;
        var forecast = view.Values;
        var sites = world.Scenario.Sites;
        Pue = sites.Select(s => s.Pue).ToArray();
        ItMw = sites.Select(s => s.ItMw).ToArray();
        Load = new double[sites.Count][];
        for (var s = 0; s < sites.Count; s++)
        {
            Load[s] = new double[n];
        }

        Ties = world.Ties;
        TieFlow = new double[Ties?.Lanes ?? 0][];
        for (var l = 0; l < TieFlow.Length; l++)
        {
            TieFlow[l] = new double[n];
        }

        SitesByArea = new int[forecast.Length][];
        for (var a = 0; a < forecast.Length; a++)
        {
            SitesByArea[a] = Enumerable.Range(0, sites.Count).Where(s => world.SiteArea[s] == a).OrderBy(s => Pue[s]).ThenBy(s => s).ToArray();
        }
    }

    /// <summary>The world.</summary>
    public SimulationWorld World { get; }

    /// <summary>The simulated clock: "now" is the start of the step being simulated (the first step of the day while the policy plans it).</summary>
    public SimulationClock Clock { get; }

    /// <summary>The step being simulated (the first step of the day while the policy plans it).</summary>
    public int Step { get; private set; }

    /// <summary>The workload.</summary>
    public SimulatedWorkload Workload { get; }

    /// <summary>
    /// The score as known at the simulated time (decision 0220): the published prices of the days already published, the
    /// forecast beyond; the forecast alone for a carbon score or with <c>published_prices: false</c>.
    /// </summary>
    public ForecastView View { get; }

    /// <summary>Score [area][step] (gCO2/kWh or JPY/kWh) as known now: <see cref="View"/>'s values, rewritten as days are published. Read only.</summary>
    public double[][] Forecast => View.Values;

    /// <summary>Prefix sums of <see cref="Forecast"/> [area][step + 1], redone as days are published. Read only.</summary>
    public double[][] Prefix => View.Prefix;

    /// <summary>PUE of every site.</summary>
    public double[] Pue { get; }

    /// <summary>IT capacity of every site, MW.</summary>
    public double[] ItMw { get; }

    /// <summary>Committed job IT load [site][step], MW.</summary>
    public double[][] Load { get; }

    /// <summary>The inter-area ties moved load must fit, or null when moves between areas are not limited.</summary>
    public TieRoutes? Ties { get; }

    /// <summary>
    /// Committed job load moved between areas on each tie lane [lane][step], MW at the grid (the job's IT power × the PUE
    /// of the site it runs at, on every lane of the path from its home area to the site's area); empty without ties.
    /// </summary>
    public double[][] TieFlow { get; }

    /// <summary>Site indices of every area, lowest PUE first.</summary>
    public int[][] SitesByArea { get; }

    /// <summary>Moves the simulated time to step <paramref name="step"/> (the engine calls this; it never moves back).</summary>
    /// <param name="step">The step.</param>
    internal void MoveTo(int step)
    {
        Step = step;
        Clock.AdvanceTo(World.TimeAt(step));
        View.AdvanceTo(step);
    }

    /// <summary>
    /// The first step job <paramref name="job"/> may be placed at now: its release, or the step being planned when that is
    /// later (work handed back for re-planning, <see cref="SimulationPolicy.ReplansCommittedWork"/>, is never placed in
    /// the past). At a day's first plan every job released that day is released at or after now, so this is its release.
    /// </summary>
    /// <param name="job">Job index.</param>
    public int EarliestStart(int job) => Math.Max(Workload.Jobs.Release[job], Step);

    /// <summary>Forecast score of running from <paramref name="start"/> for <paramref name="duration"/> steps in area <paramref name="area"/> (sum over steps).</summary>
    /// <param name="area">Area index.</param>
    /// <param name="start">First step.</param>
    /// <param name="duration">Steps.</param>
    public double WindowScore(int area, int start, int duration) => Prefix[area][start + duration] - Prefix[area][start];

    /// <summary>Adds job <paramref name="job"/> running at <paramref name="site"/> from <paramref name="start"/> to the committed load.</summary>
    /// <param name="job">Job index.</param>
    /// <param name="site">Site index.</param>
    /// <param name="start">First step.</param>
    public void Commit(int job, int site, int start) => Commit(job, site, start, Workload.Jobs.Duration[job]);

    /// <summary>Adds <paramref name="steps"/> steps of job <paramref name="job"/> running at <paramref name="site"/> from <paramref name="start"/> to the committed load (a resumed remainder).</summary>
    /// <param name="job">Job index.</param>
    /// <param name="site">Site index.</param>
    /// <param name="start">First step.</param>
    /// <param name="steps">Steps it runs.</param>
    public void Commit(int job, int site, int start, int steps)
    {
        AddLoad(site, start, start + steps, Workload.Jobs.PowerMw[job]);
        AddFlow(job, site, start, start + steps, 1);
    }

    /// <summary>Removes job <paramref name="job"/> from the committed load of <paramref name="site"/> over [<paramref name="from"/>, <paramref name="to"/>) (stopped by a curtailment order).</summary>
    /// <param name="job">Job index.</param>
    /// <param name="site">Site index.</param>
    /// <param name="from">First step removed.</param>
    /// <param name="to">End step, exclusive.</param>
    internal void Uncommit(int job, int site, int from, int to)
    {
        AddLoad(site, from, to, -Workload.Jobs.PowerMw[job]);
        AddFlow(job, site, from, to, -1);
    }

    /// <summary>
    /// Adds <paramref name="itMw"/> of job <paramref name="job"/>'s checkpoint restore to the committed load of
    /// <paramref name="site"/> at step <paramref name="t"/> (negative to take it back), and to the ties on the way from
    /// its home area.
    /// </summary>
    /// <param name="job">Job index.</param>
    /// <param name="site">Site index.</param>
    /// <param name="t">The step the piece resumes in.</param>
    /// <param name="itMw">IT power of the restore averaged over the step, MW.</param>
    internal void CommitRestore(int job, int site, int t, double itMw)
    {
        Load[site][t] += itMw;
        var home = World.SiteArea[Workload.Jobs.Home[job]];
        var area = World.SiteArea[site];
        if (Ties is null || home == area || Ties.Path(home, area) is not { } path)
        {
            return;
        }

        foreach (var lane in path)
        {
            TieFlow[lane][t] += itMw * Pue[site];
        }
    }

    /// <summary>
    /// Whether <paramref name="gridMw"/> more moved from area <paramref name="homeArea"/> to area <paramref name="siteArea"/>
    /// fits every tie on the way at every step of [<paramref name="start"/>, <paramref name="start"/> + <paramref name="duration"/>);
    /// always true within an area or without ties, false where no tie joins the areas.
    /// </summary>
    /// <param name="homeArea">The job's home area index.</param>
    /// <param name="siteArea">The area index of the site it would run at.</param>
    /// <param name="start">First step.</param>
    /// <param name="duration">Steps.</param>
    /// <param name="gridMw">Its grid power there, MW.</param>
    public bool TieFits(int homeArea, int siteArea, int start, int duration, double gridMw)
    {
        if (Ties is null || homeArea == siteArea)
        {
            return true;
        }

        if (Ties.Path(homeArea, siteArea) is not { } path)
        {
            return false;
        }

        foreach (var lane in path)
        {
            var flow = TieFlow[lane];
            var cap = Ties.LaneCapacity(lane) + 1e-9;
            for (var t = start; t < start + duration; t++)
            {
                if (flow[t] + gridMw > cap)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private void AddFlow(int job, int site, int from, int to, double sign)
    {
        if (Ties is null)
        {
            return;
        }

        var home = World.SiteArea[Workload.Jobs.Home[job]];
        var area = World.SiteArea[site];
        if (home == area || Ties.Path(home, area) is not { } path)
        {
            return;
        }

        var mw = sign * Workload.Jobs.PowerMw[job] * Pue[site];
        foreach (var lane in path)
        {
            var flow = TieFlow[lane];
            for (var t = from; t < to; t++)
            {
                flow[t] += mw;
            }
        }
    }

    private void AddLoad(int site, int from, int to, double power)
    {
        var load = Load[site];
        for (var t = from; t < to; t++)
        {
            load[t] += power;
        }
    }
}

/// <summary>Where and when a policy runs a job; <see cref="Site"/> −1 means it is not run at all.</summary>
/// <param name="Site">Site index, or −1.</param>
/// <param name="Start">First step.</param>
public readonly record struct JobSlot(int Site, int Start)
{
    /// <summary>The job is not run.</summary>
    public static JobSlot Unserved { get; } = new(-1, -1);
}

/// <summary>A workload-shifting policy: places each job as it is released (jobs of a day are planned together at the start of the day).</summary>
public abstract class SimulationPolicy
{
    /// <summary>Whether the policy honours site grid limits (its dispatcher also redirects or sheds inference to stay within them).</summary>
    public virtual bool HonoursLimits => false;

    /// <summary>Called once before the first day.</summary>
    /// <param name="context">The planning context.</param>
    public virtual void Initialise(PolicyContext context)
    {
    }

    /// <summary>Places job <paramref name="job"/>; the engine commits the placement.</summary>
    /// <param name="context">The planning context.</param>
    /// <param name="job">Job index.</param>
    public abstract JobSlot Place(PolicyContext context, int job);

    /// <summary>
    /// Places the remaining <paramref name="steps"/> steps of job <paramref name="job"/>, stopped by a curtailment order,
    /// from <paramref name="earliest"/> on, not at <paramref name="avoidSite"/> before <paramref name="avoidUntil"/> (the
    /// end of the order); the engine commits it. Default: the work is not resumed (it is lost).
    /// </summary>
    /// <param name="context">The planning context.</param>
    /// <param name="job">Job index.</param>
    /// <param name="earliest">First step it may resume in.</param>
    /// <param name="steps">Steps of work left.</param>
    /// <param name="avoidSite">The site under the order.</param>
    /// <param name="avoidUntil">End step (exclusive) of the order at that site.</param>
    public virtual JobSlot Resume(PolicyContext context, int job, int earliest, int steps, int avoidSite, int avoidUntil) => JobSlot.Unserved;

    /// <summary>
    /// The pieces of the placement <see cref="Place"/> just returned for <paramref name="job"/> when it runs in more than one
    /// (a checkpointing job paused or moved within its window; their steps include the checkpoint overhead), else null:
    /// the engine then runs the job in one piece at the returned slot. Default: null.
    /// </summary>
    /// <param name="job">Job index.</param>
    public virtual IReadOnlyList<JobPiece>? PlacedPieces(int job) => null;

    /// <summary>What a pause or move of a checkpointing job costs under this policy (default <see cref="CheckpointCost.Default"/>).</summary>
    public virtual CheckpointCost Checkpoint => CheckpointCost.Default;

    /// <summary>
    /// Whether, at each day's plan, the engine hands back the work placed at earlier plans that has not started (its run,
    /// or its first piece, starts at or after now) and that no order has touched, takes its load out of the committed room
    /// and has the policy place it again, in its <see cref="Order"/> together with the day's released jobs, from
    /// <see cref="PolicyContext.EarliestStart"/> (docs/decisions/0232). Default false: each job is placed once.
    /// </summary>
    public virtual bool ReplansCommittedWork => false;

    /// <summary>
    /// Whether the engine also re-plans when a delivery day's values are published (the cost objective with published
    /// prices, <see cref="ForecastView"/>): at that step the not-started, untouched work whose window reaches the newly
    /// published day is handed back and placed again on the published values (docs/decisions/0233). Default false.
    /// </summary>
    public virtual bool ReplansOnPublication => false;

    /// <summary>The order in which the jobs released in one day (and the work handed back, when the policy re-plans) are placed (default: by release, then index).</summary>
    /// <param name="context">The planning context.</param>
    /// <param name="jobs">The jobs of the day, sorted in place.</param>
    public virtual void Order(PolicyContext context, Span<int> jobs)
    {
    }
}
