using Google.OrTools.Graph;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The perfect-foresight bound of a simulation (decision 0182): the least objective (lifecycle tCO2 or JPY) at which the
/// year's deferrable jobs could have run had every actual been known for the whole year, computed on a relaxation of the
/// placement problem, so no policy can place the same jobs within their windows for less. Each job's energy may be spread
/// over any steps of its window [release, deadline) at up to its power per step and over any sites of any area its home
/// area is tied to (jobs may pause and split; the ties' capacity is not checked); each step's sites take at most their actual room (the smaller of actual limit ÷
/// PUE and IT capacity, less the inference at home), pooled per (area, PUE) and charged at the area's actual value × PUE.
/// That is a min-cost flow (jobs → steps of their tied system → (area, PUE) groups), solved exactly by OR-Tools on integer kWh.
/// </summary>
/// <param name="Objective">What the value is: lifecycle carbon (tCO2) or cost (JPY).</param>
/// <param name="Value">The bound: least grid value of the jobs' energy (tCO2 or JPY).</param>
/// <param name="JobEnergyMwh">The jobs' IT energy (MWh).</param>
/// <param name="UnplacedMwh">IT energy that found no room in its window even so (0 when every job fits).</param>
/// <param name="Arcs">Arcs of the flow network.</param>
/// <param name="AtReleaseValue">The same jobs' value run at release at their home sites (the baseline's placement, without its limits).</param>
/// <param name="AreaItMwh">The bound's job IT energy per area (the world's area order), MWh.</param>
public sealed record ForesightBound(SimulationObjective Objective, double Value, double JobEnergyMwh, double UnplacedMwh, long Arcs, double AtReleaseValue,
    IReadOnlyList<double> AreaItMwh)
{
    /// <summary>Whether each site's room is its own, used only by jobs whose power level it holds (decision 0207), rather than pooled per (area, PUE) (decision 0182).</summary>
    public bool PerSite { get; init; }

    /// <summary>How the whole-run bound (decision 0223) was searched, when this is that bound; null for a flow's bound.</summary>
    public WholeRunSearch? WholeRun { get; init; }

    /// <summary>Wall time the flow took to build and solve (set by the engine; zero when not timed).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Cost of a kWh nothing could place, per kWh in the flow's units: far above any step's value.</summary>
    private const long Unplaced = 100_000_000;

    /// <summary>Power levels of the per-site bound: a job enters at the highest level at or below its power, a site's room at a step at the highest at or below that room.</summary>
    internal const int Levels = 16;

    /// <summary>
    /// Computes the bound for the world's objective on the workload's jobs. Pooled (decision 0182): each step's room is
    /// pooled per (area, PUE), so a job's energy may fill any part of it. Per site (decision 0207): each site's room at a
    /// step is its own, and a job may use it only where that room is at least the job's power rounded down to one of
    /// <see cref="Levels"/> levels (the jobs' power quantiles): no placement runs a job at a site and step where it does
    /// not fit, so the per-site bound is still a lower bound, and never below the pooled one.
    /// </summary>
    /// <param name="world">The world (actual signals and limits).</param>
    /// <param name="workload">The workload (jobs and inference).</param>
    /// <param name="perSite">Per-site room with the power levels instead of room pooled per (area, PUE).</param>
    /// <exception cref="InvalidOperationException">The flow solver did not find the optimum.</exception>
    public static ForesightBound Compute(SimulationWorld world, SimulatedWorkload workload, bool perSite = false) => Solve(world, workload, perSite, prices: false).Bound;

    /// <summary>
    /// The pooled bound (decision 0182) and its room prices: for every (area, PUE) group and step, the flow's dual of that
    /// step's room (what one more IT kWh of room would save, in the objective's units per IT kWh; 0 where the room is not
    /// full), read from node potentials of the optimal flow's residual network (shortest paths, Bellman-Ford with a queue).
    /// The whole-run bound (decision 0223) starts from them. Null prices when the potentials did not settle within the
    /// pass limit (any prices are valid for that bound; these are only a good start).
    /// </summary>
    /// <param name="world">The world (actual signals and limits).</param>
    /// <param name="workload">The workload (jobs and inference).</param>
    public static (ForesightBound Bound, double[][]? RoomPrices) ComputeWithPrices(SimulationWorld world, SimulatedWorkload workload) =>
        Solve(world, workload, perSite: false, prices: true);

    private static (ForesightBound Bound, double[][]? RoomPrices) Solve(SimulationWorld world, SimulatedWorkload workload, bool perSite, bool prices)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(workload);
        var actual = Actual(world);
        var flow = Flow(world, workload.Jobs, null, 0, world.Steps, actual, (s, t) => SiteRoom(world, workload, s, t), perSite, prices);
        var bound = new ForesightBound(world.Scenario.Objective, flow.Value, flow.JobEnergyMwh, flow.UnplacedMwh, flow.Arcs, AtRelease(world, workload), flow.AreaItMwh) { PerSite = perSite };
        return (bound, flow.RoomPrices);
    }

    /// <summary>
    /// The min-cost flow of the bound, general: the jobs <paramref name="subset"/> (all when null) spread over the steps of
    /// their windows within [<paramref name="from"/>, <paramref name="to"/>), valued at <paramref name="score"/> [area][step]
    /// × PUE, into the room <paramref name="room"/>(site, step) (IT MW, pooled per (area, PUE) or per site with the power
    /// levels). The bound calls it with every job, the whole period, the actuals and the actual room; the day flow (decision
    /// 0229) with a day's jobs, the forecast planned on and the planned room left.
    /// </summary>
    internal static FlowSolution Flow(SimulationWorld world, JobSet jobs, IReadOnlyList<int>? subset, int from, int to, IReadOnlyList<double[]> score,
        Func<int, int, double> room, bool perSite, bool prices, bool midway = false, bool jobFlows = false)
    {
        var objective = world.Scenario.Objective;
        var h = world.StepHours;
        var n = to - from;
        var count = subset?.Count ?? jobs.Count;
        int JobAt(int k) => subset is null ? k : subset[k];

        var groups = Groups(world);
        var system = SystemOf(world);
        var systems = system.Distinct().Order().ToList();

        // Per site: the jobs' power levels (quantiles of their power, the lowest 0) and each job's level.
        var levels = perSite ? Levels : 1;
        var thresholds = new double[levels];
        var jobLevel = new int[count];
        if (perSite)
        {
            var powers = new double[count];
            for (var k = 0; k < count; k++)
            {
                powers[k] = jobs.PowerMw[JobAt(k)];
            }

            Array.Sort(powers);
            for (var k = 1; k < levels; k++)
            {
                thresholds[k] = powers[Math.Min(powers.Length - 1, (int)((long)powers.Length * k / levels))];
            }

            for (var k = 0; k < count; k++)
            {
                jobLevel[k] = LevelOf(thresholds, jobs.PowerMw[JobAt(k)]);
            }
        }

        var flow = new MinCostFlow();
        var sink = count + (systems.Count * n * levels);
        long arcs = 0;
        long supply = 0;
        var firstArc = jobFlows ? new int[count + 1] : null;
        for (var k = 0; k < count; k++)
        {
            var j = JobAt(k);
            if (firstArc is not null)
            {
                firstArc[k] = flow.NumArcs();
            }

            var energy = (long)Math.Round(jobs.PowerMw[j] * jobs.Duration[j] * h * 1000);
            var rate = (long)Math.Ceiling(jobs.PowerMw[j] * h * 1000);
            flow.SetNodeSupply(k, energy);
            supply += energy;
            for (var t = Math.Max(from, jobs.Release[j]); t < Math.Min(to, jobs.Deadline[j]); t++)
            {
                flow.AddArcWithCapacityAndUnitCost(k, count + ((((systems.IndexOf(system[world.SiteArea[jobs.Home[j]]]) * n) + t - from) * levels) + jobLevel[k]), rate, 0);
                arcs++;
            }

            flow.AddArcWithCapacityAndUnitCost(k, sink, energy, Unplaced);
            arcs++;
        }

        flow.SetNodeSupply(sink, -supply);
        if (perSite)
        {
            // Up the levels at every step: a job may use every room at or above its level.
            for (var node = count; node < sink; node++)
            {
                if ((node - count) % levels != levels - 1)
                {
                    flow.AddArcWithCapacityAndUnitCost(node, node + 1, supply, 0);
                    arcs++;
                }
            }
        }

        var groupArcs = new List<(int Arc, int Area)>();
        var roomArcs = new List<(int Arc, int Group, int Step)>();
        if (perSite)
        {
            // Every site's own room at each step, at the level of that room; sites of one (area, PUE) at one level add.
            var cap = new double[levels];
            for (var t = from; t < to; t++)
            {
                foreach (var (area, pue, members) in groups)
                {
                    Array.Clear(cap);
                    foreach (var s in members)
                    {
                        var r = room(s, t);
                        if (r > 0)
                        {
                            cap[LevelOf(thresholds, r)] += r;
                        }
                    }

                    var unitCost = (long)Math.Round(score[area][t] * pue * 1000);
                    var first = count + ((((systems.IndexOf(system[area]) * n) + t - from) * levels));
                    for (var k = 0; k < levels; k++)
                    {
                        var kwh = (long)Math.Ceiling(cap[k] * h * 1000);
                        if (kwh > 0)
                        {
                            groupArcs.Add((flow.AddArcWithCapacityAndUnitCost(first + k, sink, kwh, unitCost), area));
                            arcs++;
                        }
                    }
                }
            }
        }
        else
        {
            var pooled = new double[groups.Length][];
            for (var g = 0; g < groups.Length; g++)
            {
                pooled[g] = new double[n];
                foreach (var s in groups[g].Sites)
                {
                    for (var t = from; t < to; t++)
                    {
                        pooled[g][t - from] += room(s, t);
                    }
                }
            }

            for (var t = from; t < to; t++)
            {
                for (var g = 0; g < groups.Length; g++)
                {
                    var cap = (long)Math.Ceiling(pooled[g][t - from] * h * 1000);
                    if (cap > 0)
                    {
                        // Value per IT kWh in thousandths: g/kWh (carbon) or JPY/kWh (price) × PUE × 1000.
                        var arc = flow.AddArcWithCapacityAndUnitCost(count + (systems.IndexOf(system[groups[g].Area]) * n) + t - from, sink, cap, (long)Math.Round(score[groups[g].Area][t] * groups[g].Pue * 1000));
                        groupArcs.Add((arc, groups[g].Area));
                        roomArcs.Add((arc, g, t - from));
                        arcs++;
                    }
                }
            }
        }

        var status = flow.Solve();
        if (status != MinCostFlowBase.Status.OPTIMAL)
        {
            throw new InvalidOperationException($"the perfect-foresight bound's flow ended {status}, not at the optimum");
        }

        long unplaced = 0;
        var placedCost = flow.OptimalCost();
        for (var a = 0; a < flow.NumArcs(); a++)
        {
            if (flow.Head(a) == sink && flow.Tail(a) < count && flow.Flow(a) > 0)
            {
                unplaced += flow.Flow(a);
                placedCost -= flow.Flow(a) * Unplaced;
            }
        }

        // thousandths of (g or JPY) per kWh × kWh → g or JPY; tonnes for carbon.
        var value = placedCost / 1000.0 / (objective == SimulationObjective.Cost ? 1 : 1_000_000);
        var areaMwh = new double[world.AreaCodes.Count];
        foreach (var (arc, area) in groupArcs)
        {
            areaMwh[area] += flow.Flow(arc) / 1000.0;
        }

        double[][]? perJob = null;
        if (firstArc is not null)
        {
            // Each job's arcs to the steps of its window, in step order, then its arc to the sink: kWh per step.
            perJob = new double[count][];
            for (var k = 0; k < count; k++)
            {
                var j = JobAt(k);
                var lo = Math.Max(from, jobs.Release[j]);
                perJob[k] = new double[Math.Max(0, Math.Min(to, jobs.Deadline[j]) - lo)];
                for (var i = 0; i < perJob[k].Length; i++)
                {
                    perJob[k][i] = flow.Flow(firstArc[k] + i) / 1000.0;
                }
            }
        }

        return new FlowSolution(value, supply / 1000.0, unplaced / 1000.0, arcs, areaMwh, prices ? RoomPrices(flow, sink, roomArcs, groups.Length, n, midway) : null)
        {
            JobFlows = perJob,
        };
    }

    // The room arcs' duals from potentials of the optimal flow's residual network: d = shortest distances from a virtual
    // node joined to every node at 0 (no negative cycle at the optimum), the step node's price d(sink) − d(step), and a
    // room arc's dual max(0, that price − its cost). Thousandths per kWh → the objective's unit per IT kWh (g or JPY).
    // Midway (decision 0230): where the optimum is degenerate a contested room's dual is a range, from what the job that
    // yields it loses elsewhere (these potentials give that end) to what the job that takes it would lose (potentials
    // −e, e the shortest distances to the sink); the midpoint leaves neither job indifferent. Ranges that end at the
    // penalty of placing nothing keep the lower end.
    private static double[][]? RoomPrices(MinCostFlow flow, int sink, List<(int Arc, int Group, int Step)> roomArcs, int groupCount, int n, bool midway = false)
    {
        var nodes = sink + 1;
        var arcCount = flow.NumArcs();
        var tail = new int[arcCount];
        var head = new int[arcCount];
        var cost = new long[arcCount];
        var forward = new bool[arcCount];
        var backward = new bool[arcCount];
        for (var a = 0; a < arcCount; a++)
        {
            tail[a] = flow.Tail(a);
            head[a] = flow.Head(a);
            cost[a] = flow.UnitCost(a);
            var f = flow.Flow(a);
            forward[a] = f < flow.Capacity(a);
            backward[a] = f > 0;
        }

        if (Distances(nodes, tail, head, cost, forward, backward, -1) is not { } d)
        {
            return null;
        }

        // Distances to the sink are distances from it on the reversed residual network.
        long[]? e = null;
        if (midway && (e = Distances(nodes, head, tail, cost, forward, backward, sink)) is null)
        {
            return null;
        }

        var prices = new double[groupCount][];
        for (var g = 0; g < groupCount; g++)
        {
            prices[g] = new double[n];
        }

        foreach (var (arc, g, t) in roomArcs)
        {
            var low = Math.Max(0, d[sink] - d[tail[arc]] - cost[arc]);
            var high = e is null ? low : e[tail[arc]] - cost[arc];
            prices[g][t] = (high >= low && high < Unplaced / 2 ? (low + high) / 2.0 : low) / 1000.0;
        }

        return prices;
    }

    // Shortest distances from a virtual node joined to every node at 0 over the residual arcs (an arc a from tail to head
    // while forward[a], at its cost; back from head to tail while backward[a], at minus its cost), Bellman-Ford with a
    // queue; null past the pass limit.
    private static long[]? Distances(int nodes, int[] tail, int[] head, long[] cost, bool[] forward, bool[] backward, int source)
    {
        var arcCount = tail.Length;
        var degree = new int[nodes + 1];
        for (var a = 0; a < arcCount; a++)
        {
            degree[tail[a] + 1] += forward[a] ? 1 : 0;
            degree[head[a] + 1] += backward[a] ? 1 : 0;
        }

        for (var v = 0; v < nodes; v++)
        {
            degree[v + 1] += degree[v];
        }

        var next = new int[nodes];
        Array.Copy(degree, next, nodes);
        var to = new int[degree[nodes]];
        var weight = new long[degree[nodes]];
        for (var a = 0; a < arcCount; a++)
        {
            if (forward[a])
            {
                to[next[tail[a]]] = head[a];
                weight[next[tail[a]]++] = cost[a];
            }

            if (backward[a])
            {
                to[next[head[a]]] = tail[a];
                weight[next[head[a]]++] = -cost[a];
            }
        }

        var d = new long[nodes];
        var queued = new bool[nodes];
        var queue = new Queue<int>(nodes);
        for (var v = 0; v < nodes; v++)
        {
            if (source < 0 || v == source)
            {
                queue.Enqueue(v);
                queued[v] = true;
            }
            else
            {
                d[v] = Far;
            }
        }

        // At most PotentialPasses relaxations per arc on average: the residual network's shortest paths are short in
        // practice; past that the potentials are given up (the whole-run bound then starts from zero prices).
        var budget = (long)PotentialPasses * Math.Max(1, to.Length);
        while (queue.Count > 0)
        {
            var u = queue.Dequeue();
            queued[u] = false;
            for (var e = degree[u]; e < degree[u + 1]; e++)
            {
                if (--budget < 0)
                {
                    return null;
                }

                var v = to[e];
                if (d[u] < Far && d[u] + weight[e] < d[v])
                {
                    d[v] = d[u] + weight[e];
                    if (!queued[v])
                    {
                        queued[v] = true;
                        queue.Enqueue(v);
                    }
                }
            }
        }

        return d;
    }

    // Distance of a node not reached from the source.
    private const long Far = long.MaxValue / 4;

    /// <summary>Relaxations per residual arc, on average, after which the flow's potentials are given up.</summary>
    private const int PotentialPasses = 400;

    /// <summary>
    /// The (area, PUE) groups of the world's sites, by area then PUE: sites of one area with the same PUE cost the same per
    /// IT kWh, so their room adds exactly.
    /// </summary>
    /// <param name="world">The world.</param>
    public static (int Area, double Pue, int[] Sites)[] Groups(SimulationWorld world)
    {
        var sites = world.Scenario.Sites;
        return [.. Enumerable.Range(0, sites.Count).GroupBy(s => (world.SiteArea[s], sites[s].Pue)).OrderBy(g => g.Key.Item1).ThenBy(g => g.Key.Pue)
            .Select(g => (g.Key.Item1, g.Key.Pue, g.ToArray()))];
    }

    /// <summary>For every area, the first area of its tied system (all one system without ties): a job's energy stays in its home area's system.</summary>
    /// <param name="world">The world.</param>
    internal static int[] SystemOf(SimulationWorld world)
    {
        var areas = world.AreaCodes.Count;
        var system = new int[areas];
        for (var a = 0; a < areas; a++)
        {
            system[a] = a;
            for (var b = 0; b < a; b++)
            {
                if (world.Ties is null || world.Ties.Path(a, b) is not null)
                {
                    system[a] = system[b];
                    break;
                }
            }
        }

        return system;
    }

    /// <summary>A site's room for jobs at a step: the smaller of its actual limit ÷ PUE and its IT capacity, less the inference at home (MW IT, never negative).</summary>
    /// <param name="world">The world.</param>
    /// <param name="workload">The workload.</param>
    /// <param name="s">Site index.</param>
    /// <param name="t">Step.</param>
    internal static double SiteRoom(SimulationWorld world, SimulatedWorkload workload, int s, int t)
    {
        var site = world.Scenario.Sites[s];
        return Math.Max(0, Math.Min(world.LimitMw[s][t] / site.Pue, site.ItMw) - workload.InferenceMw[s][t]);
    }

    /// <summary>The jobs' value run at release at their home sites (the baseline's placement, without its limits), in the objective's unit.</summary>
    /// <param name="world">The world.</param>
    /// <param name="workload">The workload.</param>
    internal static double AtRelease(SimulationWorld world, SimulatedWorkload workload)
    {
        var actual = Actual(world);
        var jobs = workload.Jobs;
        var sites = world.Scenario.Sites;
        var n = world.Steps;
        double atRelease = 0;
        for (var j = 0; j < jobs.Count; j++)
        {
            var home = jobs.Home[j];
            var series = actual[world.SiteArea[home]];
            double v = 0;
            for (var t = jobs.Release[j]; t < Math.Min(n, jobs.Release[j] + jobs.Duration[j]); t++)
            {
                v += series[t];
            }

            atRelease += v * jobs.PowerMw[j] * sites[home].Pue * world.StepHours;
        }

        return Scale(world.Scenario.Objective, atRelease);
    }

    /// <summary>
    /// The same objective of a policy's own job pieces (their IT power × the site's PUE × the area's actual value, step by
    /// step), so a policy's placement compares with the bound and with the baseline's on the same terms.
    /// </summary>
    /// <param name="world">The world the policy ran in.</param>
    /// <param name="workload">The workload.</param>
    /// <param name="policy">The policy's result.</param>
    public static double JobValue(SimulationWorld world, SimulatedWorkload workload, PolicyResult policy)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(policy);
        var actual = Actual(world);
        var sites = world.Scenario.Sites;
        double sum = 0;
        foreach (var piece in policy.JobPieces)
        {
            var series = actual[world.SiteArea[piece.Site]];
            double v = 0;
            for (var t = piece.From; t < piece.To; t++)
            {
                v += series[t];
            }

            sum += v * workload.Jobs.PowerMw[piece.Job] * sites[piece.Site].Pue * world.StepHours;
        }

        return Scale(world.Scenario.Objective, sum);
    }

    // The highest level whose threshold is at or below the power (thresholds ascending, the first 0).
    private static int LevelOf(double[] thresholds, double mw)
    {
        var k = Array.BinarySearch(thresholds, mw);
        if (k >= 0)
        {
            while (k + 1 < thresholds.Length && thresholds[k + 1] <= mw)
            {
                k++;
            }

            return k;
        }

        return Math.Max(0, ~k - 1);
    }

    // MW·h × g/kWh = kg → tonnes; × JPY/kWh = 1000 JPY.
    internal static double Scale(SimulationObjective objective, double sum) => objective == SimulationObjective.Cost ? sum * 1000 : sum / 1000;

    private static IReadOnlyList<double[]> Actual(SimulationWorld world) =>
        world.Scenario.Objective == SimulationObjective.Cost ? world.Price : world.CarbonLifecycle;
}

/// <summary>How the whole-run bound's multipliers were searched (decision 0223).</summary>
/// <param name="Iterations">Subgradient steps taken (each one's L is a valid bound).</param>
/// <param name="BestIteration">The step whose L is the bound (0 = the start).</param>
/// <param name="FromFlowPrices">Whether the search started from the pooled flow's room duals (else from zero prices).</param>
/// <param name="InPieces">Checkpointing jobs, placed in pieces (each piece at full power at one site).</param>
/// <param name="NoWholeRun">Jobs that do not checkpoint but have no whole run in their window (given the flow's relaxation).</param>
/// <param name="LeftOutMwh">IT energy the best step left out at ten times the dearest step's value (0 when every job found a run).</param>
public sealed record WholeRunSearch(int Iterations, int BestIteration, bool FromFlowPrices, int InPieces, int NoWholeRun, double LeftOutMwh);

/// <summary>What <see cref="ForesightBound.Flow"/> found.</summary>
/// <param name="Value">Least value of the placed energy, in the objective's unit (t or JPY).</param>
/// <param name="JobEnergyMwh">The jobs' IT energy, MWh.</param>
/// <param name="UnplacedMwh">IT energy that found no room in its window.</param>
/// <param name="Arcs">Arcs of the network.</param>
/// <param name="AreaItMwh">IT energy placed per area, MWh.</param>
/// <param name="RoomPrices">Room duals [group][step − from] per IT kWh, when asked for and the potentials settled; else null.</param>
internal sealed record FlowSolution(double Value, double JobEnergyMwh, double UnplacedMwh, long Arcs, IReadOnlyList<double> AreaItMwh, double[][]? RoomPrices)
{
    /// <summary>When asked for: each job's flow (MWh IT) at each step of its window from max(from, release), else null.</summary>
    public double[][]? JobFlows { get; init; }
}
