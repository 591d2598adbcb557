using System.Globalization;
using Google.OrTools.LinearSolver;
using WattBit.Workloads;

namespace WattBit.Planning.Shifting;

/// <summary>The joint placement under capacity limits.</summary>
internal sealed record JointPlacement(PlacementOption?[] Options, IReadOnlyList<UnplacedJob> Unplaced, OptimalityStatus Status, double Gap, string Method);

/// <summary>
/// Places jobs jointly when locations have power limits, as a MIP solved by HiGHS (through OR-Tools), lexicographically:
/// first the most energy served, then the least total score. Limits apply to the step-average power, and a job whose
/// own power is above a location's limit never runs there.
/// <list type="bullet">
/// <item>A non-interruptible job at a limited location: its cost and its share of every step are linear in its start
/// between consecutive breakpoints (<see cref="JobPlacer.CandidateStarts"/>), so the start is modelled as a convex
/// combination of two neighbouring breakpoints (weights λ, one binary per piece): exact in continuous time.</item>
/// <item>An interruptible job at a limited location: one binary for the location and the hours it runs in each step.</item>
/// <item>At an unlimited location a job simply takes its independent optimum.</item>
/// </list>
/// A greedy placement (<see cref="GreedyPlacer"/>) is always computed; when the MIP runs out of time without a better
/// answer, the greedy one is returned with the gap to the best bound known. Thread-safe (stateless).
/// </summary>
internal static class CapacityPlacer
{
    private sealed record Model(
        bool[] TooBig,
        Dictionary<(int Job, int Location), (Variable Var, PlacementOption Option)> Free,
        Dictionary<(int Job, int Location), (Variable Choose, Variable[] Lambda, Variable[] Pieces, long[] Starts)> Contiguous,
        Dictionary<(int Job, int Location), (Variable Choose, Variable[] Hours, long[] SegStart, long[] SegEnd)> Interruptible,
        List<(Variable Var, double Coefficient)> ScoreTerms,
        Variable?[] Unserved);

    private const double ScoreTolerance = 1e-9;

    public static JointPlacement Solve(IReadOnlyList<BatchJob> jobs, PrefixIntegral[] integrals, int[][] allowed, PlacementOption[] independent,
        double[] capacity, IReadOnlyList<string> locationNames, TimeSpan timeLimit, long? nodeLimit, string solverId, CancellationToken cancellationToken)
    {
        var greedy = GreedyPlacer.Place(jobs, integrals, allowed, capacity, cancellationToken);
        var solverName = solverId;
        var half = Math.Max(1000, (long)timeLimit.TotalMilliseconds / 2);

        // Phase 1: serve as much energy as the limits allow.
        using var first = NewSolver(ref solverName, nodeLimit);
        var m1 = Build(first);
        var objective = first.Objective();
        for (var j = 0; j < jobs.Count; j++)
        {
            if (m1.Unserved[j] is { } u)
            {
                objective.SetCoefficient(u, jobs[j].Energy.KilowattHours);
            }
        }

        objective.SetMinimization();
        Hint(first, m1, greedy);
        first.SetTimeLimit(half);
        var status1 = first.Solve();
        var phase1Ok = status1 is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE;

        PlacementOption?[]? mip = null;
        var proven = false;
        var bound = double.NaN;
        var tooBig = m1.TooBig;
        if (phase1Ok)
        {
            // Phase 2, in a fresh model (re-solving a modified HiGHS model through OR-Tools is unreliable): at that
            // service, the least score.
            var bestUnserved = objective.Value();
            using var second = NewSolver(ref solverName, nodeLimit);
            var m2 = Build(second);
            var keep = second.MakeConstraint(double.NegativeInfinity, bestUnserved + (1e-7 * Math.Max(1, bestUnserved)));
            for (var j = 0; j < jobs.Count; j++)
            {
                if (m2.Unserved[j] is { } u)
                {
                    keep.SetCoefficient(u, jobs[j].Energy.KilowattHours);
                }
            }

            var objective2 = second.Objective();
            foreach (var (v, coefficient) in m2.ScoreTerms)
            {
                objective2.SetCoefficient(v, coefficient);
            }

            objective2.SetMinimization();
            Hint(second, m2, greedy);
            second.SetTimeLimit(half);
            var status2 = second.Solve();

            if (status2 is Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE)
            {
                proven = status1 == Solver.ResultStatus.OPTIMAL && status2 == Solver.ResultStatus.OPTIMAL;
                bound = status1 == Solver.ResultStatus.OPTIMAL ? objective2.BestBound() : double.NaN;
                mip = Extract(jobs, integrals, capacity, m2.Free, m2.Contiguous, m2.Interruptible);
            }
        }

        Model Build(Solver solver)
        {
            var tooBig = new bool[jobs.Count];
            var free = new Dictionary<(int Job, int Location), (Variable Var, PlacementOption Option)>();
            var contiguous = new Dictionary<(int Job, int Location), (Variable Choose, Variable[] Lambda, Variable[] Pieces, long[] Starts)>();
            var interruptible = new Dictionary<(int Job, int Location), (Variable Choose, Variable[] Hours, long[] SegStart, long[] SegEnd)>();
            var rows = new Dictionary<(int Location, int Step), Constraint>();
            var scoreTerms = new List<(Variable Var, double Coefficient)>();
            var unserved = new Variable?[jobs.Count];

            Constraint Row(int location, int step)
            {
                if (!rows.TryGetValue((location, step), out var row))
                {
                    row = solver.MakeConstraint(double.NegativeInfinity, capacity[location]);
                    rows[(location, step)] = row;
                }

                return row;
            }

            for (var j = 0; j < jobs.Count; j++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var job = jobs[j];
                var kw = job.Power.Kilowatts;
                var pick = solver.MakeConstraint(1, 1);
                var any = false;
                foreach (var li in allowed[j])
                {
                    var sig = integrals[li];
                    if (double.IsPositiveInfinity(capacity[li]))
                    {
                        var best = JobPlacer.Best(job, sig, li);
                        var v = solver.MakeBoolVar(string.Empty);
                        pick.SetCoefficient(v, 1);
                        scoreTerms.Add((v, best.Score));
                        free[(j, li)] = (v, best);
                        any = true;
                        continue;
                    }

                    if (kw > capacity[li] * (1 + 1e-12))
                    {
                        continue;
                    }

                    any = true;
                    var choose = solver.MakeBoolVar(string.Empty);
                    pick.SetCoefficient(choose, 1);
                    if (!job.Interruptible)
                    {
                        var starts = JobPlacer.CandidateStarts(job, sig).ToArray();
                        var lambda = new Variable[starts.Length];
                        var sum = solver.MakeConstraint(0, 0);
                        sum.SetCoefficient(choose, -1);
                        for (var i = 0; i < starts.Length; i++)
                        {
                            lambda[i] = solver.MakeNumVar(0, 1, string.Empty);
                            sum.SetCoefficient(lambda[i], 1);
                            var e = starts[i] + job.Duration.Ticks;
                            scoreTerms.Add((lambda[i], kw * sig.Over(starts[i], e)));
                            foreach (var (step, fraction) in Shifter.Occupancy(sig, [starts[i]], [e]))
                            {
                                Row(li, step).SetCoefficient(lambda[i], kw * fraction);
                            }
                        }

                        var pieces = Array.Empty<Variable>();
                        if (starts.Length > 2)
                        {
                            // One piece [s_p, s_p+1] is chosen; only its two ends may carry weight.
                            pieces = new Variable[starts.Length - 1];
                            var pieceSum = solver.MakeConstraint(0, 0);
                            pieceSum.SetCoefficient(choose, -1);
                            for (var p = 0; p < pieces.Length; p++)
                            {
                                pieces[p] = solver.MakeBoolVar(string.Empty);
                                pieceSum.SetCoefficient(pieces[p], 1);
                            }

                            for (var i = 0; i < starts.Length; i++)
                            {
                                var adjacent = solver.MakeConstraint(double.NegativeInfinity, 0);
                                adjacent.SetCoefficient(lambda[i], 1);
                                if (i > 0)
                                {
                                    adjacent.SetCoefficient(pieces[i - 1], -1);
                                }

                                if (i < pieces.Length)
                                {
                                    adjacent.SetCoefficient(pieces[i], -1);
                                }
                            }
                        }

                        contiguous[(j, li)] = (choose, lambda, pieces, starts);
                    }
                    else
                    {
                        long r = job.Release.UtcTicks, d = job.Deadline.UtcTicks;
                        var first = (int)((r - sig.Start) / sig.Step);
                        var n = (int)((d - 1 - sig.Start) / sig.Step) - first + 1;
                        var hours = new Variable[n];
                        var segStart = new long[n];
                        var segEnd = new long[n];
                        var total = solver.MakeConstraint(0, 0);
                        total.SetCoefficient(choose, -job.Duration.TotalHours);
                        var stepHours = (double)sig.Step / TimeSpan.TicksPerHour;
                        for (var k = 0; k < n; k++)
                        {
                            segStart[k] = Math.Max(r, sig.Boundary(first + k));
                            segEnd[k] = Math.Min(d, sig.Boundary(first + k + 1));
                            var len = (double)(segEnd[k] - segStart[k]) / TimeSpan.TicksPerHour;
                            hours[k] = solver.MakeNumVar(0, len, string.Empty);
                            var link = solver.MakeConstraint(double.NegativeInfinity, 0);
                            link.SetCoefficient(hours[k], 1);
                            link.SetCoefficient(choose, -len);
                            total.SetCoefficient(hours[k], 1);
                            scoreTerms.Add((hours[k], kw * sig.Value(first + k)));
                            Row(li, first + k).SetCoefficient(hours[k], kw / stepHours);
                        }

                        interruptible[(j, li)] = (choose, hours, segStart, segEnd);
                    }
                }

                if (!any)
                {
                    tooBig[j] = true;
                    pick.SetBounds(0, 0);
                    continue;
                }

                unserved[j] = solver.MakeBoolVar(string.Empty);
                pick.SetCoefficient(unserved[j], 1);
            }

            return new Model(tooBig, free, contiguous, interruptible, scoreTerms, unserved);
        }

        // Keep the better of the MIP and the greedy placement: more energy served first, then less score.
        var (chosen, method) = mip is not null && !Better(jobs, greedy, mip) ? (mip, $"MIP ({Pretty(solverName)})") : (greedy, "greedy");
        if (!proven && chosen == greedy && mip is not null)
        {
            method = $"greedy (MIP ({Pretty(solverName)}) found nothing better within its limits)";
        }
        else if (!proven && mip is null)
        {
            method = $"greedy (MIP ({Pretty(solverName)}) found no solution within its limits)";
        }
        else if (!proven)
        {
            method = $"MIP ({Pretty(solverName)}), {(nodeLimit is null ? "time limit" : "node or time limit")} reached" + (status1 == Solver.ResultStatus.OPTIMAL ? string.Empty : "; served energy not proven maximal");
        }

        var score = chosen.Sum(o => o?.Score ?? 0);
        if (Enumerable.Range(0, jobs.Count).All(j => chosen[j] is not null || tooBig[j]))
        {
            // Every job that can run at all is served, so the served set is the best possible and each job's own
            // unconstrained optimum bounds its score from below; keep the better of that and the solver's bound.
            var own = Enumerable.Range(0, jobs.Count).Where(j => chosen[j] is not null).Sum(j => independent[j].Score);
            bound = double.IsNaN(bound) ? own : Math.Max(bound, own);
        }

        var gap = proven ? 0 : double.IsNaN(bound) ? double.PositiveInfinity : Math.Max(0, score - bound) / Math.Max(ScoreTolerance, Math.Abs(score));
        var unplaced = new List<UnplacedJob>();
        for (var j = 0; j < jobs.Count; j++)
        {
            if (chosen[j] is not null)
            {
                continue;
            }

            var job = jobs[j];
            var locs = string.Join(", ", allowed[j].Select(li => $"{locationNames[li]} {capacity[li].ToString("0.###", CultureInfo.InvariantCulture)} kW"));
            unplaced.Add(new UnplacedJob(job.Id, tooBig[j]
                ? $"its power {job.Power} exceeds the capacity of every location it may use ({locs})."
                : $"no room left under the capacity limits of {locs} in its window {job.Window} for {job.Power} over {job.Duration.TotalMinutes:0.##} min."));
        }

        return new JointPlacement(chosen, unplaced, proven ? OptimalityStatus.ProvenOptimal : OptimalityStatus.Feasible, gap, method);
    }

    /// <summary>Gives the solver the greedy placement as a starting solution (used by SCIP; ignored by solvers without hints).</summary>
    private static void Hint(Solver solver, Model model, PlacementOption?[] greedy)
    {
        var vars = new List<Variable>();
        var values = new List<double>();
        void Set(Variable v, double value)
        {
            vars.Add(v);
            values.Add(value);
        }

        for (var j = 0; j < greedy.Length; j++)
        {
            if (model.Unserved[j] is { } u)
            {
                Set(u, greedy[j] is null ? 1 : 0);
            }
        }

        foreach (var ((j, li), (v, _)) in model.Free)
        {
            Set(v, greedy[j] is { } g && g.Location == li ? 1 : 0);
        }

        foreach (var ((j, li), (choose, lambda, pieces, starts)) in model.Contiguous)
        {
            var chosen = greedy[j] is { } g && g.Location == li;
            Set(choose, chosen ? 1 : 0);
            var at = chosen ? Array.IndexOf(starts, greedy[j]!.Value.RunStarts[0]) : -1;
            for (var i = 0; i < lambda.Length; i++)
            {
                Set(lambda[i], i == at ? 1 : 0);
            }

            var piece = at < 0 ? -1 : Math.Min(at, pieces.Length - 1);
            for (var p = 0; p < pieces.Length; p++)
            {
                Set(pieces[p], p == piece ? 1 : 0);
            }
        }

        foreach (var ((j, li), (choose, hours, segStart, segEnd)) in model.Interruptible)
        {
            var chosen = greedy[j] is { } g && g.Location == li;
            Set(choose, chosen ? 1 : 0);
            for (var k = 0; k < hours.Length; k++)
            {
                double h = 0;
                if (chosen)
                {
                    var g2 = greedy[j]!.Value;
                    for (var r = 0; r < g2.RunStarts.Length; r++)
                    {
                        var lo = Math.Max(g2.RunStarts[r], segStart[k]);
                        var hi = Math.Min(g2.RunEnds[r], segEnd[k]);
                        h += Math.Max(0, hi - lo) / (double)TimeSpan.TicksPerHour;
                    }
                }

                Set(hours[k], h);
            }
        }

        solver.SetHint([.. vars], [.. values]);
    }

    private static string Pretty(string solver) => solver == "HIGHS" ? "HiGHS" : solver;

    private static Solver NewSolver(ref string name, long? nodeLimit)
    {
        var solver = Planner.SolverFactory.CreateMip(name, out var backend);
        name = backend;
        if (nodeLimit is { } nodes)
        {
            Planner.SolverFactory.LimitNodes(solver, backend, nodes);
        }

        return solver;
    }

    private static double Served(IReadOnlyList<BatchJob> jobs, IReadOnlyList<PlacementOption?> options)
    {
        double total = 0;
        for (var j = 0; j < jobs.Count; j++)
        {
            total += options[j] is null ? 0 : jobs[j].Energy.KilowattHours;
        }

        return total;
    }

    /// <summary>True when <paramref name="a"/> is strictly better than <paramref name="b"/>: more energy served, or as much for less score.</summary>
    private static bool Better(IReadOnlyList<BatchJob> jobs, PlacementOption?[] a, PlacementOption?[] b)
    {
        double sa = Served(jobs, a), sb = Served(jobs, b);
        if (Math.Abs(sa - sb) > 1e-6 * Math.Max(1, sa))
        {
            return sa > sb;
        }

        return a.Sum(o => o?.Score ?? 0) < b.Sum(o => o?.Score ?? 0) - (1e-9 * Math.Max(1, Math.Abs(b.Sum(o => o?.Score ?? 0))));
    }

    private static PlacementOption?[] Extract(IReadOnlyList<BatchJob> jobs, PrefixIntegral[] integrals, double[] capacity,
        Dictionary<(int Job, int Location), (Variable Var, PlacementOption Option)> free,
        Dictionary<(int Job, int Location), (Variable Choose, Variable[] Lambda, Variable[] Pieces, long[] Starts)> contiguous,
        Dictionary<(int Job, int Location), (Variable Choose, Variable[] Hours, long[] SegStart, long[] SegEnd)> interruptible)
    {
        var result = new PlacementOption?[jobs.Count];
        var contiguousStarts = new List<(int Job, int Location, double Start)>();
        foreach (var ((j, _), (v, option)) in free)
        {
            if (v.SolutionValue() > 0.5)
            {
                result[j] = option;
            }
        }

        foreach (var ((j, li), (choose, hours, segStart, segEnd)) in interruptible)
        {
            if (choose.SolutionValue() > 0.5)
            {
                result[j] = Runs(jobs[j], integrals[li], li, hours, segStart, segEnd);
            }
        }

        foreach (var ((j, li), (choose, lambda, _, starts)) in contiguous)
        {
            if (choose.SolutionValue() > 0.5)
            {
                double start = 0;
                for (var i = 0; i < starts.Length; i++)
                {
                    start += lambda[i].SolutionValue() * starts[i];
                }

                contiguousStarts.Add((j, li, start));
            }
        }

        SettleStarts(jobs, integrals, capacity, result, contiguousStarts);
        return result;
    }

    /// <summary>
    /// Puts the contiguous jobs on whole seconds: the MIP's start may fall between two seconds, so each is moved to the
    /// neighbouring second that keeps every step within its limit given the others (the cheaper one when both do).
    /// </summary>
    private static void SettleStarts(IReadOnlyList<BatchJob> jobs, PrefixIntegral[] integrals, double[] capacity, PlacementOption?[] result,
        List<(int Job, int Location, double Start)> starts)
    {
        var load = new Dictionary<(int, int), double>();
        void Add(int job, int location, long start, double sign)
        {
            var sig = integrals[location];
            foreach (var (step, fraction) in Shifter.Occupancy(sig, [start], [start + jobs[job].Duration.Ticks]))
            {
                load[(location, step)] = load.GetValueOrDefault((location, step)) + (sign * jobs[job].Power.Kilowatts * fraction);
            }
        }

        bool Fits(int job, int location, long start)
        {
            var sig = integrals[location];
            foreach (var (step, fraction) in Shifter.Occupancy(sig, [start], [start + jobs[job].Duration.Ticks]))
            {
                if (load.GetValueOrDefault((location, step)) + (jobs[job].Power.Kilowatts * fraction) > capacity[location] * (1 + 1e-9))
                {
                    return false;
                }
            }

            return true;
        }

        for (var j = 0; j < result.Length; j++)
        {
            if (result[j] is { } placed && !double.IsPositiveInfinity(capacity[placed.Location]))
            {
                for (var r = 0; r < placed.RunStarts.Length; r++)
                {
                    Add(j, placed.Location, placed.RunStarts[r], 1);
                }
            }
        }

        var seconds = starts.Select(s => (s.Job, s.Location, Floor: (long)Math.Floor(s.Start / TimeSpan.TicksPerSecond) * TimeSpan.TicksPerSecond)).ToArray();
        foreach (var (job, location, floor) in seconds)
        {
            Add(job, location, floor, 1);
        }

        foreach (var (job, location, floor) in seconds)
        {
            Add(job, location, floor, -1);
            var sig = integrals[location];
            var dur = jobs[job].Duration.Ticks;
            var ceil = Math.Min(floor + TimeSpan.TicksPerSecond, jobs[job].Deadline.UtcTicks - dur);
            var lo = Math.Max(floor, jobs[job].Release.UtcTicks);
            var choice = (Fits(job, location, lo), Fits(job, location, ceil)) switch
            {
                (true, true) => sig.Over(lo, lo + dur) <= sig.Over(ceil, ceil + dur) ? lo : ceil,
                (false, true) => ceil,
                _ => lo,
            };
            Add(job, location, choice, 1);
            result[job] = new PlacementOption(location, [choice], [choice + dur], jobs[job].Power.Kilowatts * sig.Over(choice, choice + dur));
        }
    }

    /// <summary>Turns the hours chosen per step into runs, whole seconds, exactly the job's duration in total.</summary>
    private static PlacementOption Runs(BatchJob job, PrefixIntegral sig, int location, Variable[] hours, long[] segStart, long[] segEnd)
    {
        var n = hours.Length;
        var take = new long[n];
        long sum = 0;
        var largest = 0;
        for (var k = 0; k < n; k++)
        {
            var ticks = (long)Math.Round(hours[k].SolutionValue() * TimeSpan.TicksPerHour / TimeSpan.TicksPerSecond) * TimeSpan.TicksPerSecond;
            take[k] = Math.Clamp(ticks, 0, segEnd[k] - segStart[k]);
            sum += take[k];
            largest = take[k] > take[largest] ? k : largest;
        }

        // Rounding to whole seconds may leave a few seconds over or short; settle them where there is room.
        var residual = job.Duration.Ticks - sum;
        for (var k = 0; residual != 0 && k < n; k++)
        {
            var idx = (largest + k) % n;
            var room = residual > 0 ? segEnd[idx] - segStart[idx] - take[idx] : -take[idx];
            var delta = residual > 0 ? Math.Min(residual, room) : Math.Max(residual, room);
            take[idx] += delta;
            residual -= delta;
        }

        return JobPlacer.FromPieces(job, sig, location, segStart, segEnd, take);
    }
}
