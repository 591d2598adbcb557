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
        var obj = solver.Objective();
        obj.SetMinimization();
        int S = d.S, T = d.T;
        var costs = d.Problem.Costs;
        var inf = double.PositiveInfinity;

        // Site-level rows: IT, GPU and grid balance per (s, t).
        var itRow = new Constraint[S, T];
        var gpuRow = new Constraint[S, T];
        var gridRow = new Constraint[S, T];
        var ch = new Variable?[S, T];
        var dis = new Variable?[S, T];
        var gu = new Variable?[S, T];
        for (var s = 0; s < S; s++)
        {
            var site = d.Problem.Sites[s];
            var bat = site.Battery;
            Variable? prevSoc = null;
            for (var t = 0; t < T; t++)
            {
                itRow[s, t] = solver.MakeConstraint(-inf, Math.Max(0, d.ItCapMw[s] - d.BaseMw[s]));
                gpuRow[s, t] = solver.MakeConstraint(-inf, d.Gpus[s]);
                // pue*(base + jobs + inference) + ch - dis - gu - g = 0
                gridRow[s, t] = solver.MakeConstraint(-d.Pue[s][t] * d.BaseMw[s], -d.Pue[s][t] * d.BaseMw[s]);
                var g = solver.MakeNumVar(0, inf, string.Empty);
                gridRow[s, t].SetCoefficient(g, -1);
                obj.SetCoefficient(g, d.CostPerMwh[s][t]);
                var cap = solver.MakeConstraint(-inf, d.LimitMw[s][t]);
                cap.SetCoefficient(g, 1);
                var worst = (d.Pue[s][t] * d.BaseMw[s]) - d.GenMw[s][t] - (bat?.MaxPower.Megawatts ?? 0);
                if (worst > d.LimitMw[s][t] - 1e-9)
                {
                    var over = solver.MakeNumVar(0, inf, string.Empty);
                    cap.SetCoefficient(over, -1);
                    obj.SetCoefficient(over, OverloadPenalty);
                }

                if (d.GenMw[s][t] > 0)
                {
                    gu[s, t] = solver.MakeNumVar(0, d.GenMw[s][t], string.Empty);
                    gridRow[s, t].SetCoefficient(gu[s, t], -1);
                }

                if (bat is not null)
                {
                    var e = bat.EnergyCapacity.MegawattHours;
                    ch[s, t] = solver.MakeNumVar(0, bat.MaxPower.Megawatts, string.Empty);
                    dis[s, t] = solver.MakeNumVar(0, bat.MaxPower.Megawatts, string.Empty);
                    gridRow[s, t].SetCoefficient(ch[s, t], 1);
                    gridRow[s, t].SetCoefficient(dis[s, t], -1);
                    obj.SetCoefficient(dis[s, t], costs.BatteryCycleYenPerMwh);
                    var soc = solver.MakeNumVar(bat.MinSoc * e, bat.MaxSoc * e, string.Empty);
                    // soc_t - soc_{t-1} - eta_c*ch + dis/eta_d = 0 (soc_{-1} = initial)
                    var init = prevSoc is null ? bat.InitialSoc * e : 0;
                    var bal = solver.MakeConstraint(init, init);
                    bal.SetCoefficient(soc, 1);
                    if (prevSoc is not null)
                    {
                        bal.SetCoefficient(prevSoc, -1);
                    }

                    bal.SetCoefficient(ch[s, t], -bat.ChargeEfficiency);
                    bal.SetCoefficient(dis[s, t], 1 / bat.DischargeEfficiency);
                    prevSoc = soc;
                }
            }

            if (prevSoc is not null && bat is not null)
            {
                prevSoc.SetLb(Math.Max(prevSoc.Lb(), bat.InitialSoc * bat.EnergyCapacity.MegawattHours));
            }
        }

        // Jobs: classes within pools.
        var pools = new Dictionary<string, Pool>(StringComparer.Ordinal);
        foreach (var j in d.Jobs)
        {
            var gpm = j.Gpus / j.PowerMw;
            var key = string.Join(',', j.Eligible) + "|" + gpm.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            if (!pools.TryGetValue(key, out var pool))
            {
                pool = new Pool(j.Eligible, gpm);
                pools[key] = pool;
            }

            // Windows widen to whole buckets (release rounded down, deadline up): still a relaxation, far fewer classes.
            // Each step of a class is capped by the power of its jobs whose own window holds that step, so the widened
            // edges add no room that no job has.
            var bucket = d.Jobs.Length > BucketAboveJobs ? 2 : 1;
            var ck = (j.Release / bucket * bucket, Math.Min(T, (Math.Max(j.Deadline, j.Release) + bucket - 1) / bucket * bucket));
            if (!pool.Classes.TryGetValue(ck, out var c))
            {
                c = new JobClass(T);
                pool.Classes[ck] = c;
            }

            c.Work += j.WorkMwh;
            c.Rate += j.PowerMw;
            for (var t = j.Release; t < Math.Min(T, Math.Max(j.Deadline, j.Release)); t++)
            {
                c.RateAt[t] += j.PowerMw;
            }
        }

        var u = new List<(int Site, int Step, Variable Var)>();
        var unservedVars = new List<Variable>();
        var lateVars = new List<Variable>();
        foreach (var pool in pools.Values)
        {
            var balance = new Constraint?[T];
            foreach (var ((r, dl), c) in pool.Classes)
            {
                var done = solver.MakeConstraint(c.Work, c.Work);
                var unserved = solver.MakeNumVar(0, inf, string.Empty);
                done.SetCoefficient(unserved, 1);
                obj.SetCoefficient(unserved, costs.UnservedYenPerMwh);
                unservedVars.Add(unserved);
                if (dl < T)
                {
                    // Late work, relaxed: it uses no capacity but pays the late penalty plus the cheapest energy it could
                    // find after the deadline, so the LP stays a lower bound without a variable per late hour.
                    var late = solver.MakeNumVar(0, c.Rate * (T - dl), string.Empty);
                    done.SetCoefficient(late, 1);
                    obj.SetCoefficient(late, costs.LateYenPerMwh + CheapestEnergy(d, pool.Sites, dl, T));
                    lateVars.Add(late);
                }

                for (var t = r; t < dl; t++)
                {
                    if (c.RateAt[t] <= 0)
                    {
                        continue;
                    }

                    if (balance[t] is null)
                    {
                        balance[t] = solver.MakeConstraint(0, 0);
                        foreach (var s in pool.Sites)
                        {
                            var us = solver.MakeNumVar(0, inf, string.Empty);
                            balance[t]!.SetCoefficient(us, -1);
                            itRow[s, t].SetCoefficient(us, 1);
                            if (pool.GpusPerMw > 0)
                            {
                                gpuRow[s, t].SetCoefficient(us, pool.GpusPerMw);
                            }

                            gridRow[s, t].SetCoefficient(us, d.Pue[s][t]);
                            u.Add((s, t, us));
                        }
                    }

                    var z = solver.MakeNumVar(0, c.RateAt[t], string.Empty);
                    balance[t]!.SetCoefficient(z, 1);
                    done.SetCoefficient(z, 1);
                }
            }
        }

        // Inference.
        var served = new (Variable Var, int Site)[d.Services.Length][][][];
        for (var i = 0; i < d.Services.Length; i++)
        {
            var svc = d.Services[i];
            served[i] = new (Variable, int)[svc.Reach.Length][][];
            var capRows = new Dictionary<(int, int), Constraint>();
            for (var r = 0; r < svc.Reach.Length; r++)
            {
                served[i][r] = new (Variable, int)[T][];
                for (var t = 0; t < T; t++)
                {
                    var dem = solver.MakeConstraint(svc.Demand[r][t], svc.Demand[r][t]);
                    var un = solver.MakeNumVar(0, inf, string.Empty);
                    dem.SetCoefficient(un, 1);
                    obj.SetCoefficient(un, costs.UnservedInferenceYenPerMwh * svc.MwhPerRps);
                    served[i][r][t] = new (Variable, int)[svc.Reach[r].Length];
                    for (var k = 0; k < svc.Reach[r].Length; k++)
                    {
                        var s = svc.Reach[r][k];
                        if (!capRows.TryGetValue((s, t), out var capRow))
                        {
                            capRow = solver.MakeConstraint(-inf, 0);
                            var y = solver.MakeNumVar(0, inf, string.Empty);
                            capRow.SetCoefficient(y, -svc.Rps);
                            itRow[s, t].SetCoefficient(y, svc.ReplicaMw);
                            gpuRow[s, t].SetCoefficient(y, svc.ReplicaGpus);
                            gridRow[s, t].SetCoefficient(y, d.Pue[s][t] * svc.ReplicaMw);
                            capRows[(s, t)] = capRow;
                        }

                        var f = solver.MakeNumVar(0, inf, string.Empty);
                        dem.SetCoefficient(f, 1);
                        capRow.SetCoefficient(f, 1);
                        served[i][r][t][k] = (f, s);
                    }
                }
            }
        }

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
            Objective = optimal ? obj.Value() : double.NaN,
            JobItMw = Jagged(S, T),
            Served = new double[d.Services.Length][][][],
            ChargeMw = Jagged(S, T),
            DischargeMw = Jagged(S, T),
            GenUsedMw = Jagged(S, T),
            Elapsed = watch.Elapsed,
            UnservedMwh = solved ? unservedVars.Sum(v => v.SolutionValue()) : 0,
            LateMwh = solved ? lateVars.Sum(v => v.SolutionValue()) : 0,
        };
        if (!solved)
        {
            return result;
        }


        foreach (var (s, t, v) in u)
        {
            result.JobItMw[s][t] += v.SolutionValue();
        }

        for (var s = 0; s < S; s++)
        {
            for (var t = 0; t < T; t++)
            {
                result.ChargeMw[s][t] = ch[s, t]?.SolutionValue() ?? 0;
                result.DischargeMw[s][t] = dis[s, t]?.SolutionValue() ?? 0;
                result.GenUsedMw[s][t] = gu[s, t]?.SolutionValue() ?? 0;
            }
        }

        for (var i = 0; i < d.Services.Length; i++)
        {
            result.Served[i] = new double[served[i].Length][][];
            for (var r = 0; r < served[i].Length; r++)
            {
                result.Served[i][r] = Jagged(T, S);
                for (var t = 0; t < T; t++)
                {
                    foreach (var (v, s) in served[i][r][t])
                    {
                        result.Served[i][r][t][s] = v.SolutionValue();
                    }
                }
            }
        }

        return result;
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
