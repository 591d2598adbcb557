using WattBit.Planning.Model;

namespace WattBit.Planning.Planner;

/// <summary>How the packer ranks site-hours.</summary>
internal enum PackMode
{
    /// <summary>Each job at its home site, as early as possible; batteries idle.</summary>
    NoShift,

    /// <summary>Each job where and when carbon intensity is lowest; batteries idle.</summary>
    GreedyCarbon,

    /// <summary>Cheapest objective cost, following the LP's per-site budgets and battery schedule.</summary>
    Optimiser,
}

/// <summary>
/// Turns a ranking of site-hours (and, for the optimiser, the LP's budgets) into a feasible integer plan: inference
/// replicas first (whole replicas within latency bounds), then jobs least flexible first, gangs whole, non-interruptible
/// jobs contiguous at one site, never above a site's IT, GPU or grid room. In optimiser mode an interruptible job may
/// also move between sites between its hours when that is cheaper (each move waits for its checkpoint and state
/// transfer), and a local search then re-places each job at its cheapest room while that lowers the objective.
/// In optimiser mode a site's on-site generator that the operator allows beyond emergencies adds room above the grid
/// limit, in the steps after its start-up and while its fuel above the emergency reserve lasts, at its fuel cost plus the
/// carbon price of its emissions (decision 0213); the site's LP afterwards runs it for what was placed there.
/// </summary>
internal sealed class Packer
{
    private const double Eps = 1e-9;
    private readonly ProblemData _d;
    private readonly PackMode _mode;
    private readonly LpResult? _lp;
    private readonly Schedule _x;
    private readonly double[][] _score;
    private readonly double[][] _roomMw;
    private readonly double[][] _budgetMw;
    private readonly double[][] _genRoomMw;
    private readonly double[] _fuelLeftMwh;
    private readonly double[] _fuelTaken;
    private readonly double _overBudget;
    private readonly int[] _fracStep;
    private readonly List<(double Key, int Site, int Step)> _candidates = [];
    private readonly int[] _siteAt;
    private bool _trueCost;

    public Packer(ProblemData d, PackMode mode, LpResult? lp, bool countLpCharging = true)
    {
        _d = d;
        _mode = mode;
        _lp = lp;
        _x = new Schedule(d);
        _score = LpRelaxation.Jagged(d.S, d.T);
        _roomMw = LpRelaxation.Jagged(d.S, d.T);
        _budgetMw = LpRelaxation.Jagged(d.S, d.T);
        _genRoomMw = LpRelaxation.Jagged(d.S, d.T);
        _fuelLeftMwh = new double[d.S];
        _fuelTaken = new double[d.S];
        double lo = double.MaxValue, hi = double.MinValue;
        for (var s = 0; s < d.S; s++)
        {
            for (var t = 0; t < d.T; t++)
            {
                _score[s][t] = d.Pue[s][t] * (mode == PackMode.GreedyCarbon ? d.KgPerMwh[s][t] : d.CostPerMwh[s][t]);
                lo = Math.Min(lo, _score[s][t]);
                hi = Math.Max(hi, _score[s][t]);
                // Room for IT load: the IT rating, and the grid limit plus on-site generation plus (optimiser only) the
                // LP's net battery discharge, divided by PUE.
                var net = lp is not null && mode == PackMode.Optimiser ? lp.DischargeMw[s][t] - (countLpCharging ? lp.ChargeMw[s][t] : 0) : 0;
                var grid = ((d.LimitMw[s][t] + d.GenMw[s][t] + net) / d.Pue[s][t]) - d.BaseMw[s];
                _roomMw[s][t] = Math.Max(0, Math.Min(d.ItCapMw[s] - d.BaseMw[s], grid));
                _budgetMw[s][t] = lp?.JobItMw[s][t] ?? 0;
                if (mode == PackMode.Optimiser && d.GeneratorFuelMwh[s] > 0)
                {
                    // The generator's room above the grid room; what base load above the grid room needs of it is spent first.
                    var withGenerator = grid + (d.GeneratorMw[s][t] / d.Pue[s][t]);
                    _genRoomMw[s][t] = Math.Max(0, Math.Min(d.ItCapMw[s] - d.BaseMw[s], withGenerator) - _roomMw[s][t]);
                    _fuelLeftMwh[s] -= Math.Min(d.GeneratorMw[s][t], Math.Max(0, -grid * d.Pue[s][t])) * PlanningProblem.Step.TotalHours;
                }
            }

            _fuelLeftMwh[s] += d.GeneratorFuelMwh[s];
        }

        _overBudget = hi - lo + 1;
        _fracStep = new int[d.Jobs.Length];
        Array.Fill(_fracStep, -1);
        _siteAt = new int[d.T];
    }

    /// <summary>Passes of the local search over all jobs (each stops early once a pass improves nothing).</summary>
    internal const int ImprovePasses = 2;

    public Schedule Run(CancellationToken ct)
    {
        PlaceInference();
        var order = new int[_d.Jobs.Length];
        for (var j = 0; j < order.Length; j++)
        {
            order[j] = j;
        }

        // Jobs that cannot pause first (they need contiguous room), then least flexible first (fewest spare steps in the
        // window), then larger first: jobs that fit in few places get them before flexible jobs take their cheap hours.
        var slack = Array.ConvertAll(_d.Jobs, j => j.Deadline - j.Release - j.Steps);
        Array.Sort(order, (a, b) =>
        {
            var c = _d.Jobs[a].Interruptible.CompareTo(_d.Jobs[b].Interruptible);
            c = c != 0 ? c : slack[a].CompareTo(slack[b]);
            return c != 0 ? c : _d.Jobs[b].PowerMw.CompareTo(_d.Jobs[a].PowerMw);
        });
        var n = 0;
        foreach (var j in order)
        {
            if ((++n & 255) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            PlaceJob(j);
        }

        if (_mode == PackMode.Optimiser)
        {
            Repair(ct);
            Improve(order, ct);
            Eject(ct);
        }

        return _x;
    }

    /// <summary>Adds (<paramref name="sign"/> = 1) or removes (-1) job j's load at a site for the given sorted steps, and updates its late and unplanned energy.</summary>
    private void Load(int j, int site, List<int> steps, int sign, int fracStep)
    {
        var job = _d.Jobs[j];
        var full = steps.Count == job.Steps;
        for (var k = 0; k < steps.Count; k++)
        {
            var t = steps[k];
            // The partial step keeps its place when other steps move, so no other step's load ever grows unchecked.
            var frac = full && t == fracStep ? job.LastFraction : 1.0;
            AddJobIt(site, t, sign * job.PowerMw * frac);
            _x.GpusUsed[site][t] += sign * job.Gpus;
            if (t >= job.Deadline)
            {
                _x.JobLateMwh[j] += sign * job.PowerMw * frac;
            }
        }

        if (sign > 0)
        {
            _fracStep[j] = full ? fracStep : -1;
            _x.JobSite[j] = site;
            _x.JobSteps[j] = steps;
            _x.JobUnservedMwh[j] = Math.Max(0, job.WorkMwh - (job.PowerMw * (full ? steps.Count - 1 + job.LastFraction : steps.Count)));
        }
    }

    /// <summary>
    /// Local repair for interruptible jobs left partly unplanned: free a step at their site by moving one step of
    /// another interruptible job there to a free step of its own window (same site, before its deadline), then take it.
    /// </summary>
    private void Repair(CancellationToken ct)
    {
        var atStep = new List<int>[_d.S][];
        for (var s = 0; s < _d.S; s++)
        {
            atStep[s] = new List<int>[_d.T];
            for (var t = 0; t < _d.T; t++)
            {
                atStep[s][t] = [];
            }
        }

        for (var j = 0; j < _d.Jobs.Length; j++)
        {
            if (_x.JobSite[j] >= 0 && _x.JobStepSites[j] is null)
            {
                foreach (var t in _x.JobSteps[j])
                {
                    atStep[_x.JobSite[j]][t].Add(j);
                }
            }
        }

        for (var j = 0; j < _d.Jobs.Length; j++)
        {
            var job = _d.Jobs[j];
            var s = _x.JobSite[j];
            if (s < 0 || !job.Interruptible || _x.JobStepSites[j] is not null || _x.JobSteps[j].Count >= job.Steps)
            {
                continue;
            }

            ct.ThrowIfCancellationRequested();
            for (var t = job.ReleaseAt[s]; t < _d.T && _x.JobSteps[j].Count < job.Steps; t++)
            {
                if (_x.JobSteps[j].Contains(t))
                {
                    continue;
                }

                if (!Fits(s, t, job.PowerMw, job.Gpus) && !MakeRoom(s, t, j, atStep))
                {
                    continue;
                }

                var steps = new List<int>(_x.JobSteps[j]) { t };
                steps.Sort();
                Load(j, s, _x.JobSteps[j], -1, _fracStep[j]);
                Load(j, s, steps, +1, t); // the step added last carries the partial hour
                atStep[s][t].Add(j);
                _x.JobReason[j] = _x.JobReason[j].Replace("; partly unplanned: not enough room", "; completed by moving other work's hours", StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Moves steps of other interruptible jobs at (s, t) to free steps of their own windows until job j fits at t.</summary>
    private bool MakeRoom(int s, int t, int j, List<int>[][] atStep)
    {
        var job = _d.Jobs[j];
        foreach (var k in atStep[s][t].ToArray())
        {
            var other = _d.Jobs[k];
            if (k == j || !other.Interruptible || _x.JobStepSites[k] is not null || t >= other.Deadline)
            {
                continue;
            }

            var steps = _x.JobSteps[k];
            var frac = _fracStep[k];
            Load(k, s, steps, -1, frac);
            var moved = -1;
            for (var u = other.ReleaseAt[s]; u < Math.Min(other.Deadline, _d.T); u++)
            {
                if (u != t && !steps.Contains(u) && Fits(s, u, other.PowerMw, other.Gpus))
                {
                    moved = u;
                    break;
                }
            }

            if (moved < 0)
            {
                Load(k, s, steps, +1, frac);
                continue;
            }

            var next = new List<int>(steps);
            next.Remove(t);
            next.Add(moved);
            next.Sort();
            Load(k, s, next, +1, frac == t ? moved : frac);
            atStep[s][t].Remove(k);
            atStep[s][moved].Add(k);
            if (Fits(s, t, job.PowerMw, job.Gpus))
            {
                return true;
            }
        }

        return Fits(s, t, job.PowerMw, job.Gpus);
    }

    /// <summary>
    /// Whether mw more IT load fits at (s, t): within the grid room, or within the generator's room above it with the
    /// generator output it needs within the fuel left less <paramref name="fuelTaken"/> (what the placement being built
    /// already takes at s).
    /// </summary>
    private bool Fits(int s, int t, double mw, int gpus, double fuelTaken = 0, bool withGenerator = true)
    {
        if (_x.GpusUsed[s][t] + gpus > _d.Gpus[s] + Eps)
        {
            return false;
        }

        var load = _x.JobItMw[s][t] + _x.InfItMw[s][t] + mw;
        return load <= _roomMw[s][t] + Eps ||
               (withGenerator && _genRoomMw[s][t] > 0 && load <= _roomMw[s][t] + _genRoomMw[s][t] + Eps &&
                GeneratorNeed(s, t, mw) <= _fuelLeftMwh[s] - fuelTaken + Eps);
    }

    /// <summary>IT load above the grid room at (s, t), MW: what the generator carries (times PUE).</summary>
    private double Over(int s, int t) => Math.Max(0, _x.JobItMw[s][t] + _x.InfItMw[s][t] - _roomMw[s][t]);

    /// <summary>The generator output (MWh over the step) that mw more IT load at (s, t) needs.</summary>
    private double GeneratorNeed(int s, int t, double mw)
    {
        if (_genRoomMw[s][t] <= 0)
        {
            return 0;
        }

        var used = _x.JobItMw[s][t] + _x.InfItMw[s][t];
        var it = Math.Max(0, used + mw - _roomMw[s][t]) - Math.Max(0, used - _roomMw[s][t]);
        return it * _d.Pue[s][t] * PlanningProblem.Step.TotalHours;
    }

    /// <summary>Adds job IT load at (s, t), keeping the generator's fuel left in step with the load above the grid room.</summary>
    private void AddJobIt(int s, int t, double mw)
    {
        var before = Over(s, t);
        _x.JobItMw[s][t] += mw;
        if (_genRoomMw[s][t] > 0)
        {
            _fuelLeftMwh[s] -= (Over(s, t) - before) * _d.Pue[s][t] * PlanningProblem.Step.TotalHours;
        }
    }

    private double StepScore(int s, int t, double mw)
    {
        if (_mode == PackMode.NoShift)
        {
            return t; // as early as possible
        }

        var score = _score[s][t];
        if (_mode == PackMode.Optimiser && !_trueCost && _x.JobItMw[s][t] + mw > _budgetMw[s][t] + 1e-6)
        {
            score += _overBudget;
        }

        // The part above the grid room runs on the generator: its cost instead of the grid's.
        var need = mw > Eps ? GeneratorNeed(s, t, mw) : 0;
        return need > 0 ? score + (need / mw * (_d.GeneratorCostPerMwh[s] - _d.CostPerMwh[s][t])) : score;
    }

    private void PlaceJob(int j)
    {
        var job = _d.Jobs[j];
        var h = 1.0;
        var late = _d.Problem.Costs.LateYenPerMwh * job.PowerMw * h;
        var sites = _mode == PackMode.NoShift ? [job.Home] : job.Eligible;
        var bestCost = double.MaxValue;
        List<int>? best = null;
        var bestSite = -1;
        var steps = new List<int>(job.Steps);
        var keys = new double[_d.T];
        var idx = new int[_d.T];
        foreach (var s in sites)
        {
            var rel = job.ReleaseAt[s];
            if (rel < 0 || rel >= _d.T)
            {
                continue;
            }

            steps.Clear();
            double cost;
            if (job.Interruptible)
            {
                var n = 0;
                for (var t = rel; t < _d.T; t++)
                {
                    if (Fits(s, t, job.PowerMw, job.Gpus))
                    {
                        keys[n] = (StepScore(s, t, job.PowerMw) * job.PowerMw * h) + (t >= job.Deadline ? late * (1 + (t * 1e-6)) : 0);
                        idx[n++] = t;
                    }
                }

                if (n == 0)
                {
                    continue;
                }

                Array.Sort(keys, idx, 0, n);
                cost = 0;
                var fuel = 0.0;
                for (var k = 0; k < n && steps.Count < job.Steps; k++)
                {
                    // Cheapest first, skipping steps whose generator output the fuel left no longer covers.
                    var need = GeneratorNeed(s, idx[k], job.PowerMw);
                    if (need > 0 && need > _fuelLeftMwh[s] - fuel + Eps)
                    {
                        continue;
                    }

                    fuel += need;
                    cost += keys[k];
                    steps.Add(idx[k]);
                }

                cost += (job.Steps - steps.Count) * _d.Problem.Costs.UnservedYenPerMwh * job.PowerMw;
            }
            else
            {
                cost = BestBlock(job, s, rel, late, steps);
                if (steps.Count == 0)
                {
                    continue;
                }
            }

            if (cost < bestCost - 1e-9)
            {
                bestCost = cost;
                best = [.. steps];
                bestSite = s;
            }
        }

        List<int>? moveSteps = null, moveSites = null;
        if (_mode == PackMode.Optimiser && job.Interruptible && job.Eligible.Length > 1 && _trueCost)
        {
            moveSteps = [];
            moveSites = [];
            var cost = MovingPlacement(j, moveSteps, moveSites);
            if (cost < bestCost - 1e-6 && moveSites.Exists(x => x != moveSites[0]))
            {
                best = null;
                bestCost = cost;
            }
            else
            {
                moveSteps = null;
            }
        }

        if (moveSteps is not null)
        {
            var at = moveSites!;
            LoadMoving(j, moveSteps, at, +1);
            var n = at.Distinct().Count();
            _x.JobReason[j] = $"moves between {n} sites ({string.Join(", ", at.Distinct().Select(x => _d.Problem.Sites[x].Id.Value))}) for cheaper hours" +
                (_x.JobLateMwh[j] > 0 ? "; late: not enough room before the deadline" : _x.JobUnservedMwh[j] > 0 ? "; partly unplanned: not enough room" : string.Empty);
            return;
        }

        if (best is null)
        {
            _x.JobUnservedMwh[j] = job.WorkMwh;
            _x.JobReason[j] = "not planned: no room at any allowed site in the horizon";
            _x.JobSteps[j] = [];
            return;
        }

        best.Sort();
        Load(j, bestSite, best, +1, best[^1]);
        var where = bestSite == job.Home ? "home site" : "moved from " + _d.Problem.Sites[job.Home].Id + " (lower " + (_mode == PackMode.GreedyCarbon ? "carbon" : "cost") + ")";
        _x.JobReason[j] = _mode switch
        {
            PackMode.NoShift => "as soon as released at home site",
            _ when _x.JobLateMwh[j] > 0 => where + "; late: not enough room before the deadline",
            _ when _x.JobUnservedMwh[j] > 0 => where + "; partly unplanned: not enough room",
            _ => where + (_mode == PackMode.GreedyCarbon ? ", lowest-carbon hours" : ", cheapest hours within the LP budget"),
        };
    }

    /// <summary>
    /// The cheapest hours for interruptible job j at any of its sites, one site per hour, each move between sites
    /// leaving the hours its checkpoint and state transfer take; fills the steps (in time order) and their sites and
    /// returns the cost (step scores, late and unplanned penalties).
    /// </summary>
    private double MovingPlacement(int j, List<int> steps, List<int> sites)
    {
        var job = _d.Jobs[j];
        var late = _d.Problem.Costs.LateYenPerMwh * job.PowerMw;
        _candidates.Clear();
        foreach (var s in job.Eligible)
        {
            for (var t = Math.Max(0, job.ReleaseAt[s]); t < _d.T; t++)
            {
                if (Fits(s, t, job.PowerMw, job.Gpus))
                {
                    _candidates.Add(((StepScore(s, t, job.PowerMw) * job.PowerMw) + (t >= job.Deadline ? late * (1 + (t * 1e-6)) : 0), s, t));
                }
            }
        }

        _candidates.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Site != b.Site ? (a.Site == job.Home ? -1 : b.Site == job.Home ? 1 : a.Site.CompareTo(b.Site)) : a.Step.CompareTo(b.Step));
        Array.Fill(_siteAt, -1);
        Array.Clear(_fuelTaken);
        var taken = 0;
        var cost = 0.0;
        foreach (var (key, s, t) in _candidates)
        {
            if (taken == job.Steps)
            {
                break;
            }

            var need = GeneratorNeed(s, t, job.PowerMw);
            if (_siteAt[t] < 0 && (need <= 0 || need <= _fuelLeftMwh[s] - _fuelTaken[s] + Eps) && MoveFits(job, s, t))
            {
                _fuelTaken[s] += need;
                _siteAt[t] = s;
                cost += key;
                taken++;
            }
        }

        for (var t = 0; t < _d.T; t++)
        {
            if (_siteAt[t] >= 0)
            {
                steps.Add(t);
                sites.Add(_siteAt[t]);
            }
        }

        return taken == 0 ? double.MaxValue : cost + ((job.Steps - taken) * _d.Problem.Costs.UnservedYenPerMwh * job.PowerMw);
    }

    /// <summary>Whether running at site s in step t leaves time for the moves from the job's previous step and to its next one (in <see cref="_siteAt"/>).</summary>
    private bool MoveFits(JobData job, int s, int t)
    {
        var prev = t - 1;
        while (prev >= 0 && _siteAt[prev] < 0)
        {
            prev--;
        }

        var next = t + 1;
        while (next < _d.T && _siteAt[next] < 0)
        {
            next++;
        }

        return (prev < 0 || _siteAt[prev] == s || t >= prev + 1 + MoveSteps(job, _siteAt[prev], s)) &&
               (next >= _d.T || _siteAt[next] == s || next >= t + 1 + MoveSteps(job, s, _siteAt[next]));
    }

    /// <summary>Whole steps a move of the job from site a to site b takes: its checkpoint and the transfer of its state, rounded up.</summary>
    private int MoveSteps(JobData job, int a, int b)
    {
        var p = _d.Problem;
        var time = job.Job.CheckpointTime + p.Network.TransferTime(p.Sites[a].Id, p.Sites[b].Id, job.Job.StateGigabytes);
        return (int)Math.Ceiling((time / PlanningProblem.Step) - 1e-9);
    }

    /// <summary>Adds (1) or removes (-1) a moving job's load: step k at sites[k]; the last step carries the partial hour.</summary>
    private void LoadMoving(int j, List<int> steps, List<int> sites, int sign)
    {
        var job = _d.Jobs[j];
        var full = steps.Count == job.Steps;
        for (var k = 0; k < steps.Count; k++)
        {
            var (s, t) = (sites[k], steps[k]);
            var frac = full && k == steps.Count - 1 ? job.LastFraction : 1.0;
            AddJobIt(s, t, sign * job.PowerMw * frac);
            _x.GpusUsed[s][t] += sign * job.Gpus;
            if (t >= job.Deadline)
            {
                _x.JobLateMwh[j] += sign * job.PowerMw * frac;
            }
        }

        if (sign > 0)
        {
            _fracStep[j] = -1;
            _x.JobSite[j] = sites[0];
            _x.JobSteps[j] = steps;
            _x.JobStepSites[j] = sites;
            _x.JobUnservedMwh[j] = Math.Max(0, job.WorkMwh - (job.PowerMw * (full ? steps.Count - 1 + job.LastFraction : steps.Count)));
        }
    }

    /// <summary>Takes job j out of the schedule; returns what restores it.</summary>
    private (int Site, List<int> Steps, List<int>? Sites, int Frac, string Reason) Unload(int j)
    {
        var saved = (_x.JobSite[j], _x.JobSteps[j], _x.JobStepSites[j], _fracStep[j], _x.JobReason[j]);
        if (_x.JobStepSites[j] is { } sites)
        {
            LoadMoving(j, _x.JobSteps[j], sites, -1);
        }
        else if (_x.JobSite[j] >= 0)
        {
            Load(j, _x.JobSite[j], _x.JobSteps[j], -1, _fracStep[j]);
        }

        _x.JobSite[j] = -1;
        _x.JobSteps[j] = [];
        _x.JobStepSites[j] = null;
        _x.JobLateMwh[j] = 0;
        _x.JobUnservedMwh[j] = _d.Jobs[j].WorkMwh;
        _fracStep[j] = -1;
        return saved;
    }

    private void Restore(int j, (int Site, List<int> Steps, List<int>? Sites, int Frac, string Reason) saved)
    {
        Unload(j);
        if (saved.Sites is not null)
        {
            LoadMoving(j, saved.Steps, saved.Sites, +1);
        }
        else if (saved.Site >= 0)
        {
            Load(j, saved.Site, saved.Steps, +1, saved.Frac);
        }

        _x.JobReason[j] = saved.Reason;
    }

    /// <summary>Objective cost of job j as placed: energy at the step scores (PUE, price, carbon), late and unplanned penalties.</summary>
    private double JobCost(int j)
    {
        var job = _d.Jobs[j];
        var cost = (_x.JobLateMwh[j] * _d.Problem.Costs.LateYenPerMwh) + (_x.JobUnservedMwh[j] * _d.Problem.Costs.UnservedYenPerMwh);
        var steps = _x.JobSteps[j];
        var full = steps.Count == job.Steps;
        for (var k = 0; k < steps.Count; k++)
        {
            var s = _x.JobStepSites[j]?[k] ?? _x.JobSite[j];
            var t = steps[k];
            var last = _x.JobStepSites[j] is null ? t == _fracStep[j] : k == steps.Count - 1;
            var mw = job.PowerMw * (full && last ? job.LastFraction : 1.0);
            cost += _score[s][t] * mw;
            if (_genRoomMw[s][t] > 0)
            {
                // The job's share of the load above the grid room (the job counted last) runs on the generator.
                cost += Math.Min(mw, Over(s, t)) * _d.Pue[s][t] * (_d.GeneratorCostPerMwh[s] - _d.CostPerMwh[s][t]);
            }
        }

        return cost;
    }

    /// <summary>
    /// Local search: jobs late or partly unplanned first, then every job in packing order, is taken out and placed again
    /// at its cheapest room (true costs, LP budgets no longer binding), kept only when its cost falls.
    /// </summary>
    private void Improve(int[] order, CancellationToken ct)
    {
        _trueCost = true;
        var first = Array.FindAll(order, j => _x.JobLateMwh[j] > Eps || _x.JobUnservedMwh[j] > Eps);
        for (var pass = 0; pass <= ImprovePasses; pass++)
        {
            var gained = 0.0;
            var n = 0;
            foreach (var j in pass == 0 ? first : order)
            {
                if ((++n & 255) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                var before = JobCost(j);
                var saved = Unload(j);
                PlaceJob(j);
                var after = JobCost(j);
                if (after < before - 1e-6)
                {
                    gained += before - after;
                }
                else
                {
                    Restore(j, saved);
                }
            }

            if (pass > 0 && gained < 1e-6)
            {
                break;
            }
        }

        _trueCost = false;
    }

    /// <summary>Other jobs tried per late or partly unplanned job by <see cref="Eject"/>.</summary>
    internal const int EjectTries = 120;

    /// <summary>
    /// For each job still late or partly unplanned, worst first: take out another job that runs at one of its sites
    /// inside its window (the most flexible first), place the late job, then the other one, both at their cheapest
    /// room; kept when the two together cost less, otherwise both go back.
    /// </summary>
    private void Eject(CancellationToken ct)
    {
        _trueCost = true;
        var penalty = new double[_d.Jobs.Length];
        var late = new List<int>();
        for (var j = 0; j < _d.Jobs.Length; j++)
        {
            penalty[j] = (_x.JobLateMwh[j] * _d.Problem.Costs.LateYenPerMwh) + (_x.JobUnservedMwh[j] * _d.Problem.Costs.UnservedYenPerMwh);
            if (penalty[j] > Eps && _x.JobSite[j] >= 0)
            {
                late.Add(j);
            }
        }

        if (late.Count == 0)
        {
            _trueCost = false;
            return;
        }

        late.Sort((a, b) => penalty[b].CompareTo(penalty[a]));
        var slack = Array.ConvertAll(_d.Jobs, j => j.Deadline - j.Release - j.Steps);
        var others = new List<int>();
        foreach (var j in late)
        {
            ct.ThrowIfCancellationRequested();
            var job = _d.Jobs[j];
            others.Clear();
            for (var k = 0; k < _d.Jobs.Length; k++)
            {
                if (k != j && penalty[k] <= Eps && Overlaps(k, job))
                {
                    others.Add(k);
                }
            }

            others.Sort((a, b) => slack[b].CompareTo(slack[a]));
            for (var i = 0; i < Math.Min(EjectTries, others.Count) && (_x.JobLateMwh[j] > Eps || _x.JobUnservedMwh[j] > Eps); i++)
            {
                var k = others[i];
                var before = JobCost(j) + JobCost(k);
                var savedJ = Unload(j);
                var savedK = Unload(k);
                PlaceJob(j);
                PlaceJob(k);
                if (JobCost(j) + JobCost(k) >= before - 1e-6)
                {
                    Unload(k);
                    Unload(j);
                    Restore(j, savedJ);
                    Restore(k, savedK);
                }
            }
        }

        _trueCost = false;
    }

    /// <summary>Whether job k runs at one of <paramref name="job"/>'s sites in a step where that job could run before its deadline.</summary>
    private bool Overlaps(int k, JobData job)
    {
        var steps = _x.JobSteps[k];
        for (var i = 0; i < steps.Count; i++)
        {
            var s = _x.JobStepSites[k]?[i] ?? _x.JobSite[k];
            if (s >= 0 && job.ReleaseAt[s] >= 0 && steps[i] >= job.ReleaseAt[s] && steps[i] < job.Deadline)
            {
                return true;
            }
        }

        return false;
    }

    private double BestBlock(JobData job, int s, int rel, double late, List<int> steps)
    {
        var k = job.Steps;
        var best = double.MaxValue;
        var bestStart = -1;
        for (var t0 = rel; t0 + k <= _d.T; t0++)
        {
            var cost = 0.0;
            var fuel = 0.0;
            var ok = true;
            for (var t = t0; t < t0 + k; t++)
            {
                if (!Fits(s, t, job.PowerMw, job.Gpus, fuel))
                {
                    ok = false;
                    if (!Fits(s, t, job.PowerMw, job.Gpus))
                    {
                        t0 = t; // no block containing t fits; resume after it
                    }

                    break;
                }

                fuel += GeneratorNeed(s, t, job.PowerMw);
                cost += (StepScore(s, t, job.PowerMw) * job.PowerMw) + (t >= job.Deadline ? late : 0);
            }

            if (ok && cost < best)
            {
                best = cost;
                bestStart = t0;
            }
        }

        if (bestStart >= 0)
        {
            for (var t = bestStart; t < bestStart + k; t++)
            {
                steps.Add(t);
            }
        }

        return best;
    }

    private void PlaceInference()
    {
        for (var i = 0; i < _d.Services.Length; i++)
        {
            var svc = _d.Services[i];
            for (var t = 0; t < _d.T; t++)
            {
                for (var r = 0; r < svc.Reach.Length; r++)
                {
                    var need = svc.Demand[r][t];
                    if (_mode == PackMode.Optimiser && _lp is not null && _lp.Served.Length > i && _lp.Served[i] is { } served)
                    {
                        foreach (var s in svc.Reach[r])
                        {
                            need -= Serve(i, s, t, Math.Min(need, served[r][t][s]));
                        }
                    }

                    foreach (var s in RankInference(svc, r, t))
                    {
                        if (need <= Eps)
                        {
                            break;
                        }

                        need -= Serve(i, s, t, need);
                    }

                    _x.UnservedInferenceMwh += Math.Max(0, need) * svc.MwhPerRps;
                }
            }
        }
    }

    private int[] RankInference(ServiceData svc, int r, int t)
    {
        var reach = (int[])svc.Reach[r].Clone();
        if (_mode == PackMode.NoShift)
        {
            var region = svc.Service.Demand[r].Region;
            Array.Sort(reach, (a, b) => a == svc.Home ? -1 : b == svc.Home ? 1 :
                _d.Problem.Network.UserLatency(region, _d.Problem.Sites[a].Id).CompareTo(_d.Problem.Network.UserLatency(region, _d.Problem.Sites[b].Id)));
        }
        else
        {
            Array.Sort(reach, (a, b) => _score[a][t].CompareTo(_score[b][t]));
        }

        return reach;
    }

    /// <summary>Serves up to <paramref name="rps"/> at site s, adding whole replicas while they fit; returns what was served.</summary>
    private double Serve(int i, int s, int t, double rps)
    {
        if (rps <= Eps)
        {
            return 0;
        }

        var svc = _d.Services[i];
        var have = _x.Replicas[i][s][t];
        var served = _x.ServedRps[i][s][t];
        var spare = (have * svc.Rps) - served;
        var want = Math.Max(0, (int)Math.Ceiling(((rps - spare) / svc.Rps) - 1e-9));
        var add = 0;
        while (add < want && Fits(s, t, svc.ReplicaMw, svc.ReplicaGpus, withGenerator: false))
        {
            _x.InfItMw[s][t] += svc.ReplicaMw;
            _x.GpusUsed[s][t] += svc.ReplicaGpus;
            add++;
        }

        _x.Replicas[i][s][t] = have + add;
        var done = Math.Min(rps, spare + (add * svc.Rps));
        _x.ServedRps[i][s][t] = served + done;
        return done;
    }
}
