using System.Diagnostics;
using Google.OrTools.LinearSolver;

namespace WattBit.Planning.Planner;

/// <summary>What the aggregated LP returns: budgets for the heuristic and a lower bound.</summary>
internal sealed class LpResult
{
    public required bool Optimal { get; init; }

    public required string Status { get; init; }

    public required string Backend { get; init; }

    /// <summary>Objective of the LP (a lower bound on any plan's objective when <see cref="Optimal"/>).</summary>
    public required double Objective { get; init; }

    /// <summary>Job IT power per site and step (MW).</summary>
    public required double[][] JobItMw { get; init; }

    /// <summary>Per service, region, site and step: requests/s served there.</summary>
    public required double[][][][] Served { get; init; }

    public required double[][] ChargeMw { get; init; }

    public required double[][] DischargeMw { get; init; }

    public required double[][] GenUsedMw { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>Job work the LP leaves undone within the horizon (MWh).</summary>
    public double UnservedMwh { get; init; }

    /// <summary>Job work the LP does after its deadline (MWh).</summary>
    public double LateMwh { get; init; }
}

/// <summary>
/// The planning LP with jobs aggregated into classes (same allowed sites, GPUs per MW, release and deadline) and
/// classes into pools (same allowed sites and GPUs per MW), so its size grows with the number of distinct windows, not
/// jobs. It relaxes integrality, gang contiguity and move delays, so its optimum is a valid lower bound on the objective
/// of every feasible plan (docs/decisions/0041).
/// <para>
/// The model is built in three parts that meet in each site's rows per step (<see cref="SiteRows"/>): the sites
/// themselves (grid draw under the limit, battery, on-site generator: <see cref="AddSites"/>), the deferrable work
/// (<see cref="AddJobs"/>) and inference (<see cref="AddInference"/>); <see cref="Read"/> turns the solution into
/// budgets for the heuristic.
/// </para>
/// </summary>
internal static class LpRelaxation
{
    private const double OverloadPenalty = 1e8;

    /// <summary>Above this many jobs, windows widen to two-hour buckets (a weaker bound, a much smaller LP).</summary>
    internal const int BucketAboveJobs = 2_000;

    public static LpResult Solve(ProblemData d, TimeSpan timeLimit, string? backendId, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        ct.ThrowIfCancellationRequested();
        using var solver = SolverFactory.CreateLinear(backendId, out var backend);
        solver.SuppressOutput();
        if (timeLimit != Timeout.InfiniteTimeSpan)
        {
            solver.SetTimeLimit((long)Math.Max(1, timeLimit.TotalMilliseconds));
        }

        var objective = solver.Objective();
        objective.SetMinimization();
        var sites = AddSites(solver, objective, d);
        var jobs = AddJobs(solver, objective, d, sites);
        var inference = AddInference(solver, objective, d, sites);

        ct.ThrowIfCancellationRequested();
        var built = watch.Elapsed;
        var status = solver.Solve();
        var optimal = status == Solver.ResultStatus.OPTIMAL;
        var solved = optimal || status == Solver.ResultStatus.FEASIBLE;
        var result = new LpResult
        {
            Optimal = optimal,
            Status = $"{status}: {solver.NumVariables():N0} variables, {solver.NumConstraints():N0} rows, built in {built.TotalSeconds:0.00} s",
            Backend = backend,
            Objective = optimal ? objective.Value() : double.NaN,
            JobItMw = Jagged(d.S, d.T),
            Served = new double[d.Services.Length][][][],
            ChargeMw = Jagged(d.S, d.T),
            DischargeMw = Jagged(d.S, d.T),
            GenUsedMw = Jagged(d.S, d.T),
            Elapsed = watch.Elapsed,
            UnservedMwh = solved ? jobs.Unserved.Sum(v => v.SolutionValue()) : 0,
            LateMwh = solved ? jobs.Late.Sum(v => v.SolutionValue()) : 0,
        };
        if (solved)
        {
            Read(d, sites, jobs, inference, result);
        }

        return result;
    }

    /// <summary>
    /// Per site and step: the IT row (IT load at most the capacity left beside the base load), the GPU row, and the grid
    /// balance (PUE × IT load + battery charge − discharge − on-site generation − grid draw = −PUE × base load), with the
    /// grid draw under the site's limit. Work and inference add their IT load to these rows.
    /// </summary>
    private static SiteRows AddSites(Solver solver, Objective objective, ProblemData d)
    {
        var costs = d.Problem.Costs;
        var rows = new SiteRows(d.S, d.T);
        for (var s = 0; s < d.S; s++)
        {
            var battery = d.Problem.Sites[s].Battery;
            Variable? previousStored = null;
            for (var t = 0; t < d.T; t++)
            {
                var pue = d.Pue[s][t];
                rows.It[s, t] = solver.MakeConstraint(double.NegativeInfinity, Math.Max(0, d.ItCapMw[s] - d.BaseMw[s]));
                rows.Gpus[s, t] = solver.MakeConstraint(double.NegativeInfinity, d.Gpus[s]);
                var grid = solver.MakeConstraint(-pue * d.BaseMw[s], -pue * d.BaseMw[s]);
                rows.Grid[s, t] = grid;

                var gridDraw = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
                grid.SetCoefficient(gridDraw, -1);
                objective.SetCoefficient(gridDraw, d.CostPerMwh[s][t]);
                var limit = solver.MakeConstraint(double.NegativeInfinity, d.LimitMw[s][t]);
                limit.SetCoefficient(gridDraw, 1);

                // When even the base load with every relief at full cannot stay under the limit, the limit gets a
                // priced overload so the LP stays feasible (the plan reports the overload; it is never a saving).
                var leastDraw = (pue * d.BaseMw[s]) - d.GenMw[s][t] - (battery?.MaxPower.Megawatts ?? 0);
                if (leastDraw > d.LimitMw[s][t] - 1e-9)
                {
                    var overload = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
                    limit.SetCoefficient(overload, -1);
                    objective.SetCoefficient(overload, OverloadPenalty);
                }

                if (d.GenMw[s][t] > 0)
                {
                    rows.GeneratorUsed[s, t] = solver.MakeNumVar(0, d.GenMw[s][t], string.Empty);
                    grid.SetCoefficient(rows.GeneratorUsed[s, t], -1);
                }

                if (battery is not null)
                {
                    previousStored = AddBatteryStep(solver, objective, rows, s, t, battery, previousStored, costs.BatteryCycleYenPerMwh);
                }
            }

            // The battery ends the horizon at least as full as it started.
            if (previousStored is not null && battery is not null)
            {
                previousStored.SetLb(Math.Max(previousStored.Lb(), battery.InitialSoc * battery.EnergyCapacity.MegawattHours));
            }
        }

        return rows;
    }

    /// <summary>
    /// One step of a site's battery: charge and discharge in the grid balance, and the state of charge
    /// (stored_t = stored_{t−1} + η_c × charge − discharge / η_d, stored_{−1} the initial charge). Returns the stored energy.
    /// </summary>
    private static Variable AddBatteryStep(Solver solver, Objective objective, SiteRows rows, int s, int t, Model.Battery battery,
        Variable? previousStored, double cycleCost)
    {
        var capacity = battery.EnergyCapacity.MegawattHours;
        var charge = solver.MakeNumVar(0, battery.MaxPower.Megawatts, string.Empty);
        var discharge = solver.MakeNumVar(0, battery.MaxPower.Megawatts, string.Empty);
        rows.Charge[s, t] = charge;
        rows.Discharge[s, t] = discharge;
        rows.Grid[s, t].SetCoefficient(charge, 1);
        rows.Grid[s, t].SetCoefficient(discharge, -1);
        objective.SetCoefficient(discharge, cycleCost);

        var stored = solver.MakeNumVar(battery.MinSoc * capacity, battery.MaxSoc * capacity, string.Empty);
        var initial = previousStored is null ? battery.InitialSoc * capacity : 0;
        var balance = solver.MakeConstraint(initial, initial);
        balance.SetCoefficient(stored, 1);
        if (previousStored is not null)
        {
            balance.SetCoefficient(previousStored, -1);
        }

        balance.SetCoefficient(charge, -battery.ChargeEfficiency);
        balance.SetCoefficient(discharge, 1 / battery.DischargeEfficiency);
        return stored;
    }

    /// <summary>Groups the jobs into pools (same allowed sites and GPUs per MW) and, within a pool, classes (same window).</summary>
    private static Dictionary<string, Pool> Pools(ProblemData d)
    {
        var pools = new Dictionary<string, Pool>(StringComparer.Ordinal);
        foreach (var j in d.Jobs)
        {
            var gpusPerMw = j.Gpus / j.PowerMw;
            var key = string.Join(',', j.Eligible) + "|" + gpusPerMw.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            if (!pools.TryGetValue(key, out var pool))
            {
                pool = new Pool(j.Eligible, gpusPerMw);
                pools[key] = pool;
            }

            // Windows widen to whole buckets (release rounded down, deadline up): still a relaxation, far fewer classes.
            // Each step of a class is capped by the power of its jobs whose own window holds that step, so the widened
            // edges add no room that no job has.
            var bucket = d.Jobs.Length > BucketAboveJobs ? 2 : 1;
            var end = Math.Max(j.Deadline, j.Release);
            var window = (j.Release / bucket * bucket, Math.Min(d.T, (end + bucket - 1) / bucket * bucket));
            if (!pool.Classes.TryGetValue(window, out var jobClass))
            {
                jobClass = new JobClass(d.T);
                pool.Classes[window] = jobClass;
            }

            jobClass.Work += j.WorkMwh;
            jobClass.Rate += j.PowerMw;
            for (var t = j.Release; t < Math.Min(d.T, end); t++)
            {
                jobClass.RateAt[t] += j.PowerMw;
            }
        }

        return pools;
    }

    /// <summary>
    /// The deferrable work, per class: its work is done in its window (at most its jobs' power each step), late after
    /// it, or unserved. Per pool and step, what its classes do is placed at the pool's sites as IT load.
    /// </summary>
    private static JobVariables AddJobs(Solver solver, Objective objective, ProblemData d, SiteRows sites)
    {
        var costs = d.Problem.Costs;
        var jobs = new JobVariables();
        foreach (var pool in Pools(d).Values)
        {
            // Per step: the pool's work done by its classes equals the IT load it puts on its sites.
            var placed = new Constraint?[d.T];
            foreach (var ((release, deadline), jobClass) in pool.Classes)
            {
                var workDone = solver.MakeConstraint(jobClass.Work, jobClass.Work);
                var unserved = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
                workDone.SetCoefficient(unserved, 1);
                objective.SetCoefficient(unserved, costs.UnservedYenPerMwh);
                jobs.Unserved.Add(unserved);
                if (deadline < d.T)
                {
                    // Late work, relaxed: it uses no capacity but pays the late penalty plus the cheapest energy it could
                    // find after the deadline, so the LP stays a lower bound without a variable per late hour.
                    var late = solver.MakeNumVar(0, jobClass.Rate * (d.T - deadline), string.Empty);
                    workDone.SetCoefficient(late, 1);
                    objective.SetCoefficient(late, costs.LateYenPerMwh + CheapestEnergy(d, pool.Sites, deadline, d.T));
                    jobs.Late.Add(late);
                }

                for (var t = release; t < deadline; t++)
                {
                    if (jobClass.RateAt[t] <= 0)
                    {
                        continue;
                    }

                    placed[t] ??= PlaceAtSites(solver, d, sites, pool, t, jobs);
                    var workAtStep = solver.MakeNumVar(0, jobClass.RateAt[t], string.Empty);
                    placed[t]!.SetCoefficient(workAtStep, 1);
                    workDone.SetCoefficient(workAtStep, 1);
                }
            }
        }

        return jobs;
    }

    /// <summary>A pool's IT load at each of its sites in step <paramref name="t"/>, on the sites' rows; returns the row that sums it.</summary>
    private static Constraint PlaceAtSites(Solver solver, ProblemData d, SiteRows sites, Pool pool, int t, JobVariables jobs)
    {
        var placed = solver.MakeConstraint(0, 0);
        foreach (var s in pool.Sites)
        {
            var itLoad = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
            placed.SetCoefficient(itLoad, -1);
            sites.It[s, t].SetCoefficient(itLoad, 1);
            if (pool.GpusPerMw > 0)
            {
                sites.Gpus[s, t].SetCoefficient(itLoad, pool.GpusPerMw);
            }

            sites.Grid[s, t].SetCoefficient(itLoad, d.Pue[s][t]);
            jobs.ItLoad.Add((s, t, itLoad));
        }

        return placed;
    }

    /// <summary>
    /// Inference: each region's demand per step is served from the sites within reach or left unserved; a site's
    /// replicas (continuous) carry what it serves, and put their IT, GPUs and grid load on its rows.
    /// </summary>
    private static (Variable Served, int Site)[][][][] AddInference(Solver solver, Objective objective, ProblemData d, SiteRows sites)
    {
        var costs = d.Problem.Costs;
        var served = new (Variable Served, int Site)[d.Services.Length][][][];
        for (var i = 0; i < d.Services.Length; i++)
        {
            var service = d.Services[i];
            served[i] = new (Variable, int)[service.Reach.Length][][];
            var replicaCapacity = new Dictionary<(int Site, int Step), Constraint>();
            for (var r = 0; r < service.Reach.Length; r++)
            {
                served[i][r] = new (Variable, int)[d.T][];
                for (var t = 0; t < d.T; t++)
                {
                    var demand = solver.MakeConstraint(service.Demand[r][t], service.Demand[r][t]);
                    var unservedRps = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
                    demand.SetCoefficient(unservedRps, 1);
                    objective.SetCoefficient(unservedRps, costs.UnservedInferenceYenPerMwh * service.MwhPerRps);
                    served[i][r][t] = new (Variable, int)[service.Reach[r].Length];
                    for (var k = 0; k < service.Reach[r].Length; k++)
                    {
                        var s = service.Reach[r][k];
                        if (!replicaCapacity.TryGetValue((s, t), out var capacity))
                        {
                            // Served requests at the site at most replicas × requests per replica.
                            capacity = solver.MakeConstraint(double.NegativeInfinity, 0);
                            var replicas = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
                            capacity.SetCoefficient(replicas, -service.Rps);
                            sites.It[s, t].SetCoefficient(replicas, service.ReplicaMw);
                            sites.Gpus[s, t].SetCoefficient(replicas, service.ReplicaGpus);
                            sites.Grid[s, t].SetCoefficient(replicas, d.Pue[s][t] * service.ReplicaMw);
                            replicaCapacity[(s, t)] = capacity;
                        }

                        var servedRps = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
                        demand.SetCoefficient(servedRps, 1);
                        capacity.SetCoefficient(servedRps, 1);
                        served[i][r][t][k] = (servedRps, s);
                    }
                }
            }
        }

        return served;
    }

    /// <summary>Reads the solution: job IT load, battery and generator per site and step, inference served per site.</summary>
    private static void Read(ProblemData d, SiteRows sites, JobVariables jobs, (Variable Served, int Site)[][][][] inference, LpResult result)
    {
        foreach (var (s, t, itLoad) in jobs.ItLoad)
        {
            result.JobItMw[s][t] += itLoad.SolutionValue();
        }

        for (var s = 0; s < d.S; s++)
        {
            for (var t = 0; t < d.T; t++)
            {
                result.ChargeMw[s][t] = sites.Charge[s, t]?.SolutionValue() ?? 0;
                result.DischargeMw[s][t] = sites.Discharge[s, t]?.SolutionValue() ?? 0;
                result.GenUsedMw[s][t] = sites.GeneratorUsed[s, t]?.SolutionValue() ?? 0;
            }
        }

        for (var i = 0; i < d.Services.Length; i++)
        {
            result.Served[i] = new double[inference[i].Length][][];
            for (var r = 0; r < inference[i].Length; r++)
            {
                result.Served[i][r] = Jagged(d.T, d.S);
                for (var t = 0; t < d.T; t++)
                {
                    foreach (var (servedRps, s) in inference[i][r][t])
                    {
                        result.Served[i][r][t][s] = servedRps.SolutionValue();
                    }
                }
            }
        }
    }

    /// <summary>Lowest grid cost of one MWh of IT work at the given sites and steps (PUE included; zero when on-site generation could cover it).</summary>
    private static double CheapestEnergy(ProblemData d, int[] sites, int from, int to)
    {
        var best = double.MaxValue;
        foreach (var s in sites)
        {
            for (var t = from; t < to; t++)
            {
                best = Math.Min(best, d.GenMw[s][t] > 0 || d.Problem.Sites[s].Battery is not null ? 0 : d.Pue[s][t] * d.CostPerMwh[s][t]);
            }
        }

        return best == double.MaxValue ? 0 : Math.Max(0, best);
    }

    internal static double[][] Jagged(int a, int b)
    {
        var x = new double[a][];
        for (var i = 0; i < a; i++)
        {
            x[i] = new double[b];
        }

        return x;
    }

    /// <summary>Each site's rows and relief variables per step, where work and inference add their load.</summary>
    private sealed class SiteRows(int sites, int steps)
    {
        /// <summary>IT load at most the IT capacity left beside the base load.</summary>
        public Constraint[,] It { get; } = new Constraint[sites, steps];

        /// <summary>GPUs at most the site's GPUs.</summary>
        public Constraint[,] Gpus { get; } = new Constraint[sites, steps];

        /// <summary>The grid balance: PUE × IT load + charge − discharge − generation − grid draw = −PUE × base load.</summary>
        public Constraint[,] Grid { get; } = new Constraint[sites, steps];

        /// <summary>Battery charge, MW (null without a battery).</summary>
        public Variable?[,] Charge { get; } = new Variable?[sites, steps];

        /// <summary>Battery discharge, MW (null without a battery).</summary>
        public Variable?[,] Discharge { get; } = new Variable?[sites, steps];

        /// <summary>On-site generation used, MW (null where none is available).</summary>
        public Variable?[,] GeneratorUsed { get; } = new Variable?[sites, steps];
    }

    /// <summary>The deferrable work's variables that the result reads.</summary>
    private sealed class JobVariables
    {
        /// <summary>Job IT load per site and step.</summary>
        public List<(int Site, int Step, Variable ItLoad)> ItLoad { get; } = [];

        /// <summary>Per class: work left undone, MWh.</summary>
        public List<Variable> Unserved { get; } = [];

        /// <summary>Per class with a deadline inside the horizon: work done after it, MWh.</summary>
        public List<Variable> Late { get; } = [];
    }

    private sealed class Pool(int[] sites, double gpusPerMw)
    {
        public int[] Sites { get; } = sites;

        public double GpusPerMw { get; } = gpusPerMw;

        public Dictionary<(int, int), JobClass> Classes { get; } = [];
    }

    private sealed class JobClass(int steps)
    {
        public double Work { get; set; }

        public double Rate { get; set; }

        /// <summary>Per step: power of the class's jobs whose own window holds the step.</summary>
        public double[] RateAt { get; } = new double[steps];
    }
}
