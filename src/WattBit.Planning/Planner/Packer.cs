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
/// replicas first (whole replicas within latency bounds), then jobs in earliest-deadline order, each at one site,
/// gangs whole, non-interruptible jobs contiguous, never above a site's IT, GPU or grid room.
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
    private readonly double _overBudget;

    public Packer(ProblemData d, PackMode mode, LpResult? lp, bool countLpCharging = true)
    {
        _d = d;
        _mode = mode;
        _lp = lp;
        _x = new Schedule(d);
        _score = LpRelaxation.Jagged(d.S, d.T);
        _roomMw = LpRelaxation.Jagged(d.S, d.T);
        _budgetMw = LpRelaxation.Jagged(d.S, d.T);
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
            }
        }

        _overBudget = hi - lo + 1;
    }

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

        return _x;
    }

    private bool Fits(int s, int t, double mw, int gpus) =>
        _x.JobItMw[s][t] + _x.InfItMw[s][t] + mw <= _roomMw[s][t] + Eps && _x.GpusUsed[s][t] + gpus <= _d.Gpus[s] + Eps;

    private double StepScore(int s, int t, double mw)
    {
        if (_mode == PackMode.NoShift)
        {
            return t; // as early as possible
        }

        var score = _score[s][t];
        if (_mode == PackMode.Optimiser && _x.JobItMw[s][t] + mw > _budgetMw[s][t] + 1e-6)
        {
            score += _overBudget;
        }

        return score;
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
                var take = Math.Min(n, job.Steps);
                cost = 0;
                for (var k = 0; k < take; k++)
                {
                    cost += keys[k];
                    steps.Add(idx[k]);
                }

                cost += (job.Steps - take) * _d.Problem.Costs.UnservedYenPerMwh * job.PowerMw;
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

        if (best is null)
        {
            _x.JobUnservedMwh[j] = job.WorkMwh;
            _x.JobReason[j] = "not planned: no room at any allowed site in the horizon";
            _x.JobSteps[j] = [];
            return;
        }

        best.Sort();
        var fullSteps = best.Count;
        for (var k = 0; k < fullSteps; k++)
        {
            var t = best[k];
            var frac = k == fullSteps - 1 && fullSteps == job.Steps ? job.LastFraction : 1.0;
            _x.JobItMw[bestSite][t] += job.PowerMw * frac;
            _x.GpusUsed[bestSite][t] += job.Gpus;
            if (t >= job.Deadline)
            {
                _x.JobLateMwh[j] += job.PowerMw * frac;
            }
        }

        _x.JobSite[j] = bestSite;
        _x.JobSteps[j] = best;
        _x.JobUnservedMwh[j] = Math.Max(0, job.WorkMwh - (job.PowerMw * (fullSteps == job.Steps ? fullSteps - 1 + job.LastFraction : fullSteps)));
        var where = bestSite == job.Home ? "home site" : "moved from " + _d.Problem.Sites[job.Home].Id + " (lower " + (_mode == PackMode.GreedyCarbon ? "carbon" : "cost") + ")";
        _x.JobReason[j] = _mode switch
        {
            PackMode.NoShift => "as soon as released at home site",
            _ when _x.JobLateMwh[j] > 0 => where + "; late: not enough room before the deadline",
            _ when _x.JobUnservedMwh[j] > 0 => where + "; partly unplanned: not enough room",
            _ => where + (_mode == PackMode.GreedyCarbon ? ", lowest-carbon hours" : ", cheapest hours within the LP budget"),
        };
    }

    private double BestBlock(JobData job, int s, int rel, double late, List<int> steps)
    {
        var k = job.Steps;
        var best = double.MaxValue;
        var bestStart = -1;
        for (var t0 = rel; t0 + k <= _d.T; t0++)
        {
            var cost = 0.0;
            var ok = true;
            for (var t = t0; t < t0 + k; t++)
            {
                if (!Fits(s, t, job.PowerMw, job.Gpus))
                {
                    ok = false;
                    t0 = t; // no block containing t fits; resume after it
                    break;
                }

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
        while (add < want && Fits(s, t, svc.ReplicaMw, svc.ReplicaGpus))
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
