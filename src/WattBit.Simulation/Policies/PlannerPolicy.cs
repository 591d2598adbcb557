using WattBit.Planning.Dispatch;
using WattBit.Planning.Model;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Simulation.Policies;

/// <summary>
/// The planner-driven WattBit policy: each day at midnight it plans every job released that day, per site, as one
/// packing on the forecast the policies plan on, into every site's planned room (grid limit ÷ PUE and IT capacity, less
/// the inference forecast and the load already committed on earlier days): largest energy first (power × run length),
/// each job at the (site, start) with the lowest forecast score whose room holds it at every step of its run
/// (first-fit decreasing: the long, heavy runs take the clean sites' continuous room before the short ones fragment it;
/// docs/decisions/0172). A job that checkpoints (<see cref="JobSet.Checkpoints"/>) may instead run in pieces within its
/// window: its run time plus the <see cref="CheckpointCost"/> of its pauses and moves, in the steps of the window with
/// the lowest forecast score at a site with room at that step, kept at one site while that costs no more; the pieces
/// are taken when their score is lower than the best whole run's (docs/decisions/0187). Like the greedy <see cref="WattBitPolicy"/> (least slack first) the policy never places load over
/// a limit it knows; unforeseen cuts are curtailment orders that the engine hands to the planner's real-time
/// <see cref="Dispatcher"/> (<see cref="Dispatch"/>), its own most-slack-first stops staying the final safety net
/// (docs/decisions/0064). The scenario's <c>day_plan</c> may rank the whole runs by the day flow's room prices or start them
/// where the day flow puts most of their energy instead (decision 0230: both measured worse than this search, the default);
/// <c>bound: day-flow</c> measures each day against that flow (decision 0229).
/// </summary>
public sealed class PlannerPolicy : SimulationPolicy
{
    private readonly WattBitPolicy _greedy = new();
    private readonly Dispatcher _dispatcher;
    private readonly TimeProvider _time;
    private readonly CheckpointCost _checkpoint;
    private long _dayStarted;
    private List<JobPiece>? _lastPieces;
    private double[] _stepCost = [];
    private int[] _stepSite = [];
    private int[] _order = [];
    private int[] _areaOrder = [];
    private double[] _cheapest = [];
    private int _cheapestKnown;
    private double[] _window = [];

    // The day flow (decisions 0229, 0230): the priced prefix sums [area][step + 1] the day's whole runs are ranked by, valid
    // from the day's start to its jobs' last deadline; each area's (area, PUE) group (that of its lowest-PUE site, which its
    // search tries first); each job's start from the flow; the day-flow rows under bound: day-flow.
    private double[][] _priced = [];
    private int[] _areaGroup = [];
    private double[] _groupPue = [];
    private bool _usePrices;
    private readonly Dictionary<int, int> _flowStart = [];
    private List<DayFlowDay>? _days;

    /// <summary>Creates the policy.</summary>
    /// <param name="time">Clock the planner times its runs with.</param>
    /// <param name="checkpoint">What a pause or move of a checkpointing job costs (default <see cref="CheckpointCost.Default"/>).</param>
    public PlannerPolicy(TimeProvider time, CheckpointCost? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _checkpoint = checkpoint ?? CheckpointCost.Default;

        // A budget no order comes near, so the strategy never times out into the fallback and a seed gives one report.
        _dispatcher = new Dispatcher(time, budget: TimeSpan.FromHours(1));
    }

    /// <inheritdoc/>
    public override bool HonoursLimits => true;

    /// <summary>When the policy places committed work that has not started again (scenario key <c>replan</c>; decisions 0232, 0233). Default: never.</summary>
    public ReplanMode Replan { get; init; }

    /// <inheritdoc/>
    public override bool ReplansCommittedWork => Replan is ReplanMode.Midnight or ReplanMode.MidnightAndPublication;

    /// <inheritdoc/>
    public override bool ReplansOnPublication => Replan is ReplanMode.Publication or ReplanMode.MidnightAndPublication;

    /// <summary>How the day's whole runs are placed (the scenario's <c>day_plan</c>; decision 0230).</summary>
    public PlannerDayPlan DayPlan { get; private set; }

    /// <summary>Under <c>bound: day-flow</c> (decision 0229): every planned day against its day flow and the greedy's placement of it from the same state; else null.</summary>
    public IReadOnlyList<DayFlowDay>? DayFlow => _days;

    /// <summary>Days whose room prices did not settle (the day then ranked by the forecast alone).</summary>
    public int UnpricedDays { get; private set; }

    /// <summary>Number of planner runs (one per day with jobs to plan).</summary>
    public int PlannerRuns { get; private set; }

    /// <summary>Wall time spent planning, summed over its runs.</summary>
    public TimeSpan PlanningTime { get; private set; }

    /// <inheritdoc/>
    public override void Initialise(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _greedy.Initialise(context);

        // The least score any site could have at each step (its area's score × the lowest PUE), room aside: the d
        // cheapest of a window bound what pieces can score, so most jobs skip the search for them. Redone over the steps
        // the view publishes (decision 0220), so it stays a bound on what the pieces read.
        _cheapest = new double[context.World.Steps];
        Cheapest(context, 0, _cheapest.Length);
        _cheapestKnown = context.View.KnownThrough;

        var groups = ForesightBound.Groups(context.World);
        _groupPue = [.. groups.Select(g => g.Pue)];
        _areaGroup = new int[context.SitesByArea.Length];
        _priced = new double[context.SitesByArea.Length][];
        for (var a = 0; a < _areaGroup.Length; a++)
        {
            _areaGroup[a] = context.SitesByArea[a].Length == 0 ? -1 : Array.FindIndex(groups, g => g.Sites.Contains(context.SitesByArea[a][0]));
            _priced[a] = new double[context.World.Steps + 1];
        }

        _days = context.World.Scenario.BoundDayFlow ? [] : null;
        DayPlan = context.World.Scenario.DayPlan;
    }

    private void Cheapest(PolicyContext context, int from, int to)
    {
        var minPue = context.Pue.Length > 0 ? context.Pue.Min() : 1;
        for (var t = from; t < to; t++)
        {
            var least = double.PositiveInfinity;
            for (var a = 0; a < context.SitesByArea.Length; a++)
            {
                if (context.SitesByArea[a].Length > 0)
                {
                    least = Math.Min(least, context.Forecast[a][t] * minPue);
                }
            }

            _cheapest[t] = least;
        }
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

        _usePrices = false;
        _flowStart.Clear();
        if (jobs.Length == 0 || (DayPlan == PlannerDayPlan.Search && _days is null))
        {
            return;
        }

        var day = jobs.ToArray();
        var priced = DayPlan == PlannerDayPlan.Prices;
        var flow = Engine.DayFlow.Solve(context, day, _greedy.Room, prices: priced, jobFlows: DayPlan == PlannerDayPlan.Flow, out var to);
        if (flow.JobFlows is { } flows)
        {
            FlowStarts(context, day, flows);
        }

        if (priced)
        {
            if (flow.RoomPrices is { } prices)
            {
                PriceDay(context, prices, to);
                _usePrices = true;
            }
            else
            {
                UnpricedDays++;
            }
        }

        if (_days is not null)
        {
            var (greedy, unserved) = GreedyDay(context, day);
            var (whole, pieces) = NoRoom(context, day);
            _days.Add(new DayFlowDay(context.Step, day.Length, flow.Value, flow.UnplacedMwh, greedy, 0, unserved, 0, whole, pieces));
        }
    }

    // Route (b) of decision 0230: each job's start is the one whose run holds most of its flow (earliest on a tie).
    private void FlowStarts(PolicyContext context, int[] day, double[][] flows)
    {
        var jobs = context.Workload.Jobs;
        for (var k = 0; k < day.Length; k++)
        {
            var j = day[k];
            var d = jobs.Duration[j];
            var lo = Math.Max(context.Step, jobs.Release[j]);
            var f = flows[k];
            if (f.Length < d)
            {
                continue;
            }

            double run = 0;
            for (var i = 0; i < d; i++)
            {
                run += f[i];
            }

            var best = run;
            var bestStart = lo;
            for (var i = d; i < f.Length; i++)
            {
                run += f[i] - f[i - d];
                if (run > best + 1e-9)
                {
                    best = run;
                    bestStart = lo + i - d + 1;
                }
            }

            if (best > 0)
            {
                _flowStart[j] = bestStart;
            }
        }
    }

    // The prefix sums of forecast + room price per area over the day's steps: a whole run's key is its forecast score plus
    // the dual of the room it takes (per grid kWh: the IT price ÷ the group's PUE), so by complementary slackness a job
    // takes the slot the day's optimum gives it and leaves contested room to the jobs that need it more (decision 0230).
    private void PriceDay(PolicyContext context, double[][] prices, int to)
    {
        var from = context.Step;
        for (var a = 0; a < _priced.Length; a++)
        {
            var g = _areaGroup[a];
            if (g < 0)
            {
                continue;
            }

            var f = context.Forecast[a];
            var p = _priced[a];
            var price = prices[g];
            var pue = _groupPue[g];
            p[from] = 0;
            for (var t = from; t < to; t++)
            {
                p[t + 1] = p[t] + f[t] + (price[t - from] / pue);
            }
        }
    }

    // The day's jobs with room aside: each at its cheapest whole run, and in its cheapest steps, at any area's lowest PUE.
    private (double Whole, double Pieces) NoRoom(PolicyContext context, int[] day)
    {
        var jobs = context.Workload.Jobs;
        var world = context.World;
        var minPue = context.Pue.Min();
        if (context.View.KnownThrough > _cheapestKnown)
        {
            Cheapest(context, _cheapestKnown, context.View.KnownThrough);
            _cheapestKnown = context.View.KnownThrough;
        }

        double whole = 0, pieces = 0;
        foreach (var j in day)
        {
            var d = jobs.Duration[j];
            var r = jobs.Release[j];
            var end = Math.Min(world.Steps, jobs.Deadline[j]);
            var best = double.PositiveInfinity;
            for (var a = 0; a < context.SitesByArea.Length; a++)
            {
                if (context.SitesByArea[a].Length == 0)
                {
                    continue;
                }

                for (var s = r; s + d <= end; s++)
                {
                    best = Math.Min(best, context.WindowScore(a, s, d));
                }
            }

            var scale = jobs.PowerMw[j] * minPue * world.StepHours;
            whole += double.IsFinite(best) ? ForesightBound.Scale(world.Scenario.Objective, best * scale) : 0;
            var least = LeastPiecesScore(r, end, d);
            pieces += double.IsFinite(least) ? ForesightBound.Scale(world.Scenario.Objective, least * jobs.PowerMw[j] * world.StepHours) : 0;
        }

        return (whole, pieces);
    }

    // The greedy's placement of the day's jobs from this state, valued on the forecast, then taken back (decision 0229).
    private (double Value, int Unserved) GreedyDay(PolicyContext context, int[] day)
    {
        var jobs = context.Workload.Jobs;
        var order = (int[])day.Clone();
        _greedy.Order(context, order);
        var placed = new List<(int Job, JobSlot Slot)>(order.Length);
        double value = 0;
        var unserved = 0;
        foreach (var j in order)
        {
            var slot = _greedy.Place(context, j);
            if (slot.Site < 0)
            {
                unserved++;
                continue;
            }

            value += Engine.DayFlow.Value(context, j, slot.Site, slot.Start, slot.Start + jobs.Duration[j]);
            context.Commit(j, slot.Site, slot.Start);
            placed.Add((j, slot));
        }

        for (var i = placed.Count - 1; i >= 0; i--)
        {
            var (j, slot) = placed[i];
            context.Uncommit(j, slot.Site, slot.Start, slot.Start + jobs.Duration[j]);
        }

        return (value, unserved);
    }

    /// <inheritdoc/>
    public override JobSlot Place(PolicyContext context, int job)
    {
        ArgumentNullException.ThrowIfNull(context);
        _lastPieces = null;
        var placement = PlaceInTime(context, job);
        if (_days is { Count: > 0 })
        {
            var row = _days[^1];
            var value = 0.0;
            if (_lastPieces is { } pieces)
            {
                foreach (var piece in pieces)
                {
                    value += Engine.DayFlow.Value(context, job, piece.Site, piece.From, piece.To);
                }
            }
            else if (placement.Site >= 0)
            {
                value = Engine.DayFlow.Value(context, job, placement.Site, placement.Start, placement.Start + context.Workload.Jobs.Duration[job]);
            }

            _days[^1] = row with { Planner = row.Planner + value, PlannerUnserved = row.PlannerUnserved + (placement.Site < 0 ? 1 : 0) };
        }

        // The day's jobs are placed one after the other right after Order: the day's planning time runs to the last.
        PlanningTime = PlanningTime.Add(_time.GetElapsedTime(_dayStarted));
        _dayStarted = _time.GetTimestamp();
        return placement;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<JobPiece>? PlacedPieces(int job) => _lastPieces is { } p && p.Count > 0 && p[0].Job == job ? p : null;

    /// <summary>Jobs placed in more than one piece.</summary>
    public int PiecedJobs { get; private set; }

    // Pieces replace a whole run that fits only when they score this share lower (their restores included): on the
    // national sample 5 % and any lower score gave the same CO2 to 0.02 % (decision 0187).
    private const double Margin = 0.05;

    // The best whole run on time; a checkpointing job's pieces when they score lower; else the greedy's late fallback.
    private JobSlot PlaceInTime(PolicyContext context, int job)
    {
        var jobs = context.Workload.Jobs;
        var d = jobs.Duration[job];
        var prefix = _usePrices ? _priced : null;
        // Route (b): a job that checkpoints keeps the choice between its best whole run and pieces below.
        if ((!jobs.Checkpoints[job] || d < 2) && _flowStart.TryGetValue(job, out var start) && start <= jobs.LatestStart(job)
            && _greedy.Search(context, job, start, d, start, -1, 0, context.SitesByArea, null, late: false) is { Site: >= 0 } atFlow)
        {
            return atFlow;
        }

        if (!jobs.Checkpoints[job] || d < 2)
        {
            return _greedy.Search(context, job, context.EarliestStart(job), d, jobs.LatestStart(job), -1, 0, context.SitesByArea, null, late: true, prefix);
        }

        var whole = _greedy.Search(context, job, context.EarliestStart(job), d, jobs.LatestStart(job), -1, 0, context.SitesByArea, null, late: false, prefix);
        var wholeScore = whole.Site >= 0 ? context.WindowScore(context.World.SiteArea[whole.Site], whole.Start, d) * context.Pue[whole.Site] : double.PositiveInfinity;
        if (context.View.KnownThrough > _cheapestKnown)
        {
            Cheapest(context, _cheapestKnown, context.View.KnownThrough);
            _cheapestKnown = context.View.KnownThrough;
        }

        if (whole.Site >= 0 && LeastPiecesScore(context.EarliestStart(job), Math.Min(context.World.Steps, jobs.Deadline[job]), d) >= wholeScore * (1 - Margin))
        {
            return whole;
        }

        if (Pieces(context, job, out var score) is { } pieces && (whole.Site < 0 || score < wholeScore * (1 - Margin)))
        {
            if (pieces.Count == 1)
            {
                return new JobSlot(pieces[0].Site, pieces[0].From);
            }

            _lastPieces = pieces;
            PiecedJobs++;
            return new JobSlot(pieces[0].Site, pieces[0].From);
        }

        return whole.Site >= 0 ? whole : _greedy.Place(context, job);
    }

    // The sum of the d least step scores in [from, to), room aside: no pieces there can score less.
    private double LeastPiecesScore(int from, int to, int d)
    {
        var w = to - from;
        if (w < d)
        {
            return double.PositiveInfinity;
        }

        if (_window.Length < w)
        {
            _window = new double[w];
        }

        Array.Copy(_cheapest, from, _window, 0, w);
        Array.Sort(_window, 0, w);
        double sum = 0;
        for (var i = 0; i < d; i++)
        {
            sum += _window[i];
        }

        return sum;
    }

    /// <summary>
    /// The pieces of a checkpointing job within its window: for every step its cheapest site with planned room (forecast
    /// score × PUE, the ties on the way holding it), then the cheapest steps for its run time, in time order, each kept at
    /// the site of the step before when that costs no more; each resumed piece draws its restore (the job's power over the
    /// pause or move time) in its first step, which must fit there and adds to the score. Null when the window has too few
    /// steps with room or a restore does not fit.
    /// </summary>
    internal List<JobPiece>? Pieces(PolicyContext context, int job, out double score)
    {
        score = double.PositiveInfinity;
        var world = context.World;
        var jobs = context.Workload.Jobs;
        var r = context.EarliestStart(job);
        var end = Math.Min(world.Steps, jobs.Deadline[job]);
        var window = end - r;
        var d = jobs.Duration[job];
        var p = jobs.PowerMw[job];
        var home = world.SiteArea[jobs.Home[job]];
        if (window <= d)
        {
            return null;
        }

        if (_stepCost.Length < window)
        {
            _stepCost = new double[window];
            _stepSite = new int[window];
            _order = new int[window];
        }

        var areas = context.SitesByArea.Length;
        if (_areaOrder.Length != areas)
        {
            _areaOrder = new int[areas];
        }

        var minPue = context.Pue.Length > 0 ? context.Pue.Min() : 1;
        var usable = 0;
        for (var i = 0; i < window; i++)
        {
            var t = r + i;
            for (var a = 0; a < areas; a++)
            {
                _areaOrder[a] = a;
            }

            // Areas by forecast at this step (insertion sort: ten areas).
            for (var a = 1; a < areas; a++)
            {
                var x = _areaOrder[a];
                var b = a - 1;
                while (b >= 0 && context.Forecast[_areaOrder[b]][t] > context.Forecast[x][t])
                {
                    _areaOrder[b + 1] = _areaOrder[b];
                    b--;
                }

                _areaOrder[b + 1] = x;
            }

            var best = double.PositiveInfinity;
            var bestSite = -1;
            foreach (var a in _areaOrder)
            {
                var f = context.Forecast[a][t];
                if (f * minPue >= best)
                {
                    break;
                }

                foreach (var site in context.SitesByArea[a])
                {
                    if (_greedy.Fits(context, site, t, 1, p) && context.TieFits(home, a, t, 1, p * context.Pue[site]))
                    {
                        if (f * context.Pue[site] < best)
                        {
                            best = f * context.Pue[site];
                            bestSite = site;
                        }

                        break;
                    }
                }
            }

            _stepCost[i] = best;
            _stepSite[i] = bestSite;
            if (bestSite >= 0)
            {
                _order[usable++] = i;
            }
        }

        if (usable < d)
        {
            return null;
        }

        // Steps with room, cheapest first (earlier first on a tie).
        var costs = _stepCost;
        Array.Sort(_order, 0, usable, Comparer<int>.Create((x, y) =>
        {
            var c = costs[x].CompareTo(costs[y]);
            return c != 0 ? c : x.CompareTo(y);
        }));

        var chosen = new int[d];
        Array.Copy(_order, chosen, d);
        Array.Sort(chosen);
        var pieces = new List<JobPiece>();
        score = 0;
        foreach (var i in chosen)
        {
            var t = r + i;
            var site = _stepSite[i];
            var cost = _stepCost[i];
            if (pieces.Count > 0)
            {
                var last = pieces[^1];
                var keep = last.Site;
                var keepCost = context.Forecast[world.SiteArea[keep]][t] * context.Pue[keep];
                if (keep != site && keepCost <= cost + 1e-12 && _greedy.Fits(context, keep, t, 1, p) && context.TieFits(home, world.SiteArea[keep], t, 1, p * context.Pue[keep]))
                {
                    site = keep;
                    cost = keepCost;
                }

                if (site == last.Site && last.To == t)
                {
                    pieces[^1] = last with { To = t + 1 };
                    score += cost;
                    continue;
                }

                // The resume draws its restore in this step: it must fit the step's room too, and it costs its energy.
                var restore = _checkpoint.Resume(site != last.Site).TotalHours / world.StepHours;
                if (!_greedy.Fits(context, site, t, 1, p * (1 + restore)) || !context.TieFits(home, world.SiteArea[site], t, 1, p * (1 + restore) * context.Pue[site]))
                {
                    return null;
                }

                score += restore * cost;
            }

            pieces.Add(new JobPiece(job, site, t, t + 1));
            score += cost;
        }

        return pieces;
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
