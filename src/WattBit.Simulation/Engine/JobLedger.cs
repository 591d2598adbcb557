using WattBit.Simulation.Policies;
using WattBit.Workloads;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The state of one policy's run: where and when every job runs (its current piece: site, first step, end step), the
/// jobs committed at each site, and what happened to them (late, resumed after an order, lost, moved on an order). Every
/// commit goes through here so the policy's committed load, the job's piece and the watch site's stack stay in step. A
/// job the policy placed in several pieces (a checkpointing job, <see cref="RunPieces"/>) has all of them committed at
/// once; each later piece becomes the job's current piece at its first step (<see cref="Activate"/>), so the engine
/// runs it exactly as planned. One per simulated policy; not thread-safe.
/// </summary>
internal sealed class JobLedger
{
    private readonly SimulationWorld _world;
    private readonly SimulatedWorkload _workload;
    private readonly PolicyContext _context;
    private readonly bool[] _late;
    private readonly bool[] _disturbed;
    private readonly List<int> _active = [];
    private readonly List<int> _waiting = [];
    private readonly List<JobPiece> _pieces = [];
    private readonly int[] _pieceOf;
    private readonly List<JobPiece>?[] _future;
    private readonly List<int>?[] _activateAt;
    private readonly List<(int Site, int Step, double Mw)>?[] _restores;
    private readonly List<int> _pending = [];
    private readonly HashSet<int> _withdrawnPieces = [];

    /// <summary>Creates the ledger of one run.</summary>
    /// <param name="world">The world.</param>
    /// <param name="workload">The workload.</param>
    /// <param name="context">The policy's planning context, whose committed load the ledger keeps.</param>
    /// <param name="watchSite">The site whose load is kept step by step, by class.</param>
    public JobLedger(SimulationWorld world, SimulatedWorkload workload, PolicyContext context, int watchSite)
    {
        _world = world;
        _workload = workload;
        _context = context;
        var count = workload.Jobs.Count;
        SiteJobs = [.. Enumerable.Range(0, world.Scenario.Sites.Count).Select(_ => new List<int>())];
        Start = new int[count];
        SiteOf = new int[count];
        End = new int[count];
        _late = new bool[count];
        _disturbed = new bool[count];
        _pieceOf = new int[count];
        _future = new List<JobPiece>?[count];
        _activateAt = new List<int>?[world.Steps];
        _restores = new List<(int Site, int Step, double Mw)>?[count];
        WatchSite = watchSite;
        WatchStack = new double[4][];
        for (var c = 0; c < WatchStack.Length; c++)
        {
            WatchStack[c] = new double[world.Steps];
        }
    }

    /// <summary>Jobs committed at each site (some may have ended).</summary>
    public List<int>[] SiteJobs { get; }

    /// <summary>First step of each job's current piece.</summary>
    public int[] Start { get; }

    /// <summary>Site of each job's current piece.</summary>
    public int[] SiteOf { get; }

    /// <summary>Step after each job's current piece.</summary>
    public int[] End { get; }

    /// <summary>The site whose load is kept step by step.</summary>
    public int WatchSite { get; }

    /// <summary>IT load of the watch site by class [batch, training, backup, inference][step], MW (inference is filled by the engine).</summary>
    public double[][] WatchStack { get; }

    /// <summary>Every piece of work run: job, site and steps (a job stopped by an order and resumed has several; work handed back for re-planning is not among them).</summary>
    public IReadOnlyList<JobPiece> Pieces => _withdrawnPieces.Count == 0 ? _pieces : [.. _pieces.Where((_, i) => !_withdrawnPieces.Contains(i))];

    /// <summary>Jobs that finished after their deadline.</summary>
    public int LateJobs { get; private set; }

    /// <summary>IT energy of the late jobs, MWh.</summary>
    public double LateMwh { get; private set; }

    /// <summary>Times a stopped job resumed its remaining work.</summary>
    public int Resumed { get; private set; }

    /// <summary>Jobs whose remaining work found no room after an order.</summary>
    public int Lost { get; private set; }

    /// <summary>IT energy of the work lost, MWh.</summary>
    public double LostMwh { get; private set; }

    /// <summary>Jobs stopped or moved by a curtailment order at least once (they did not run as placed at midnight).</summary>
    public int Disturbed { get; private set; }

    /// <summary>Jobs moved to another site on an order.</summary>
    public int MovedOnOrders { get; private set; }

    /// <summary>Jobs placed in more than one piece at planning.</summary>
    public int JobsInPieces { get; private set; }

    /// <summary>Pieces of the jobs placed in pieces, all counted.</summary>
    public int PiecesPlanned { get; private set; }

    /// <summary>IT energy of the checkpoint restores of the runs in pieces (the job's power over each resume's lost time), MWh.</summary>
    public double CheckpointOverheadMwh { get; private set; }

    /// <summary>Commits <paramref name="steps"/> steps of job <paramref name="j"/> at <paramref name="site"/> from <paramref name="start"/>.</summary>
    public void Run(int j, int site, int start, int steps)
    {
        _pending.Add(j);
        _context.Commit(j, site, start, steps);
        Watch(j, site, start, start + steps, 1);
        Current(j, new JobPiece(j, site, start, start + steps));
        Late(j, start + steps);
    }

    /// <summary>
    /// Commits job <paramref name="j"/> in the <paramref name="pieces"/> the policy placed (in time order, not
    /// overlapping, their steps the job's run time): the first is its current piece, the others become current at their
    /// first step, each drawing its restore (the job's power over <paramref name="cost"/>'s pause or move time) in that step.
    /// </summary>
    public void RunPieces(int j, IReadOnlyList<JobPiece> pieces, CheckpointCost cost)
    {
        if (pieces.Count == 1)
        {
            Run(j, pieces[0].Site, pieces[0].From, pieces[0].To - pieces[0].From);
            return;
        }

        var jobs = _workload.Jobs;
        _pending.Add(j);
        foreach (var p in pieces)
        {
            _context.Commit(j, p.Site, p.From, p.To - p.From);
            Watch(j, p.Site, p.From, p.To, 1);
        }

        Current(j, pieces[0]);
        var future = new List<JobPiece>(pieces.Count - 1);
        var restores = new List<(int Site, int Step, double Mw)>(pieces.Count - 1);
        for (var i = 1; i < pieces.Count; i++)
        {
            future.Add(pieces[i]);
            (_activateAt[pieces[i].From] ??= []).Add(j);
            var mw = jobs.PowerMw[j] * cost.Resume(pieces[i].Site != pieces[i - 1].Site).TotalHours / _world.StepHours;
            restores.Add((pieces[i].Site, pieces[i].From, mw));
            Restore(j, pieces[i].Site, pieces[i].From, mw);
        }

        _future[j] = future;
        _restores[j] = restores;
        JobsInPieces++;
        PiecesPlanned += pieces.Count;
        Late(j, pieces[^1].To);
    }

    /// <summary>Makes the later pieces that begin at step <paramref name="t"/> their jobs' current pieces (call before the step runs).</summary>
    public void Activate(int t)
    {
        if (_activateAt[t] is not { } list)
        {
            return;
        }

        _activateAt[t] = null;
        foreach (var j in list)
        {
            // A job stopped by an order has its later pieces taken back (and resumed as one): nothing to start then.
            if (_future[j] is not { Count: > 0 } future || future[0].From != t)
            {
                continue;
            }

            var next = future[0];
            future.RemoveAt(0);
            SiteJobs[SiteOf[j]].Remove(j);
            Current(j, next);
        }
    }

    /// <summary>
    /// Hands back for re-planning (docs/decisions/0232) every committed job whose run, or first piece, starts at or after
    /// step <paramref name="now"/> and that no order has stopped or moved (and <paramref name="select"/> accepts, when
    /// given): its load leaves the committed room exactly (every piece, the restores of its later pieces, the watch
    /// site's stack) and it no longer counts as late or in pieces. The placements handed back are appended to
    /// <paramref name="was"/> (every piece of a job, in time order), the jobs written to <paramref name="into"/>; returns
    /// how many. A job handed back must be committed again (<see cref="Run"/>, <see cref="RunPieces"/>) or counted unserved.
    /// </summary>
    /// <param name="now">The step being planned.</param>
    /// <param name="select">Which of the candidates to hand back (null: all).</param>
    /// <param name="into">Receives the jobs handed back.</param>
    /// <param name="was">Receives the pieces they had.</param>
    public int Withdraw(int now, Func<int, bool>? select, Span<int> into, List<JobPiece> was)
    {
        var count = 0;
        var kept = 0;
        for (var i = 0; i < _pending.Count; i++)
        {
            var j = _pending[i];
            if (_disturbed[j] || Start[j] < now)
            {
                // Started, stopped or moved: it is never handed back, so it leaves the list.
                continue;
            }

            if (select is not null && !select(j))
            {
                _pending[kept++] = j;
                continue;
            }

            into[count++] = j;
            Withdraw(j, was);
        }

        _pending.RemoveRange(kept, _pending.Count - kept);
        return count;
    }

    // Takes job j, not started, out of the committed load and the counters, appending its pieces to `was`.
    private void Withdraw(int j, List<JobPiece> was)
    {
        var jobs = _workload.Jobs;
        var first = _pieces[_pieceOf[j]];
        was.Add(first);
        _context.Uncommit(j, first.Site, first.From, first.To);
        Watch(j, first.Site, first.From, first.To, -1);
        SiteJobs[first.Site].Remove(j);
        _withdrawnPieces.Add(_pieceOf[j]);
        if (_future[j] is { Count: > 0 } future)
        {
            foreach (var p in future)
            {
                was.Add(p);
                _context.Uncommit(j, p.Site, p.From, p.To);
                Watch(j, p.Site, p.From, p.To, -1);
                _activateAt[p.From]?.Remove(j);
            }

            JobsInPieces--;
            PiecesPlanned -= future.Count + 1;
            future.Clear();
        }

        if (_restores[j] is { Count: > 0 } restores)
        {
            foreach (var x in restores)
            {
                Restore(j, x.Site, x.Step, -x.Mw);
            }

            restores.Clear();
        }

        if (_late[j])
        {
            _late[j] = false;
            LateJobs--;
            LateMwh -= jobs.PowerMw[j] * jobs.Duration[j] * _world.StepHours;
        }

        End[j] = Start[j];
    }

    /// <summary>Whether job <paramref name="j"/> still has pieces planned after its current one.</summary>
    public bool HasLaterPieces(int j) => _future[j] is { Count: > 0 };

    // Commits (or with a negative power takes back) a restore of job j at site s in step t.
    private void Restore(int j, int s, int t, double mw)
    {
        _context.CommitRestore(j, s, t, mw);
        CheckpointOverheadMwh += mw * _world.StepHours;
        if (s == WatchSite)
        {
            WatchStack[WatchLayer(_workload.Jobs.Kind[j])][t] += mw;
        }
    }

    // Makes piece p job j's current piece.
    private void Current(int j, JobPiece p)
    {
        SiteJobs[p.Site].Add(j);
        SiteOf[j] = p.Site;
        Start[j] = p.From;
        End[j] = p.To;
        _pieceOf[j] = _pieces.Count;
        _pieces.Add(p);
    }

    private void Late(int j, int end)
    {
        var jobs = _workload.Jobs;
        if (end > jobs.Deadline[j] && !_late[j])
        {
            _late[j] = true;
            LateJobs++;
            LateMwh += jobs.PowerMw[j] * jobs.Duration[j] * _world.StepHours;
        }
    }

    /// <summary>Whether job <paramref name="j"/> runs at site <paramref name="s"/> at step <paramref name="t"/> (not yet stopped, moved or re-queued).</summary>
    public bool RunsAt(int j, int s, int t) => SiteOf[j] == s && Start[j] <= t && End[j] > t;

    /// <summary>The jobs running at site <paramref name="s"/> at step <paramref name="t"/>, most slack first (the order the engine stops them in).</summary>
    public List<int> RunningMostSlackFirst(int s, int t)
    {
        var jobs = _workload.Jobs;
        var list = SiteJobs[s];
        list.RemoveAll(j => End[j] <= t);
        _active.Clear();
        foreach (var j in list)
        {
            if (Start[j] <= t)
            {
                _active.Add(j);
            }
        }

        _active.Sort((a, b) =>
        {
            var c = (jobs.Deadline[b] - End[b]).CompareTo(jobs.Deadline[a] - End[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return _active;
    }

    /// <summary>
    /// Starts work placed later at site <paramref name="s"/> at step <paramref name="t"/> instead (a floor under the
    /// site's draw, 上げDR, decision 0196): jobs already released whose whole piece still lies ahead, the one placed
    /// soonest first, until <paramref name="wantedItMw"/> is started (the last job may start more), each only when it
    /// fits the site's IT capacity and its actual and planned limits at every step it then runs. A job started earlier
    /// finishes earlier, so no deadline is missed. Returns the IT power started, MW.
    /// </summary>
    /// <param name="s">Site index.</param>
    /// <param name="t">Step.</param>
    /// <param name="wantedItMw">IT power wanted, MW.</param>
    /// <param name="roomItMw">IT power the site can still take at step <paramref name="t"/> under its actual limit (its inference included), MW.</param>
    public double PullForward(int s, int t, double wantedItMw, double roomItMw)
    {
        var jobs = _workload.Jobs;
        var list = SiteJobs[s];
        var pue = _context.Pue[s];
        double started = 0;
        _waiting.Clear();
        foreach (var j in list)
        {
            if (Start[j] > t && jobs.Release[j] <= t)
            {
                _waiting.Add(j);
            }
        }

        _waiting.Sort((a, b) => Start[a] != Start[b] ? Start[a].CompareTo(Start[b]) : a.CompareTo(b));
        foreach (var j in _waiting)
        {
            var power = jobs.PowerMw[j];
            var steps = End[j] - Start[j];
            if (started >= wantedItMw - 1e-9)
            {
                break;
            }

            if (started + power > roomItMw + 1e-9 || t + steps > _world.Steps || !Fits(s, t, steps, power, pue, Start[j], End[j]))
            {
                continue;
            }

            _context.Uncommit(j, s, Start[j], End[j]);
            Watch(j, s, Start[j], End[j], -1);
            _context.Commit(j, s, t, steps);
            Watch(j, s, t, t + steps, 1);
            Start[j] = t;
            End[j] = t + steps;
            _pieces[_pieceOf[j]] = _pieces[_pieceOf[j]] with { From = t, To = t + steps };
            PulledForward++;
            started += power;
        }

        return started;
    }

    /// <summary>Jobs started earlier than placed to lift a site's draw to a floor (上げDR).</summary>
    public int PulledForward { get; private set; }

    // Whether job power fits site s over [t, t + steps) once its own piece [from, to) is taken out.
    private bool Fits(int s, int t, int steps, double power, double pue, int from, int to)
    {
        for (var k = t; k < t + steps; k++)
        {
            var own = k >= from && k < to ? power : 0;
            var room = Math.Min(Math.Min(_world.LimitMw[s][k], _world.PlannedLimitMw[s][k]) / pue, _context.ItMw[s]);
            if (_context.Load[s][k] - own + power > room + 1e-9)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Moves the rest of running job <paramref name="j"/> from site <paramref name="s"/> at step <paramref name="t"/> to continue at <paramref name="target"/> from the next step.</summary>
    public void Move(int j, int s, int t, int target)
    {
        var left = End[j] - t + LaterSteps(j);
        _ = Take(j, s, t);
        MovedOnOrders++;
        Run(j, target, t + 1, left);
    }

    /// <summary>
    /// Stops job <paramref name="j"/> at site <paramref name="s"/> from step <paramref name="t"/> and resumes it where and
    /// when <paramref name="policy"/> finds room after the order (from where it stopped: the jobs checkpoint), or loses
    /// it. Returns the IT power freed at <paramref name="s"/> in step <paramref name="t"/>, MW (its restore there included).
    /// </summary>
    public double Requeue(SimulationPolicy policy, int j, int s, int t, int until)
    {
        var jobs = _workload.Jobs;
        var left = End[j] - t + LaterSteps(j);
        var restore = Take(j, s, t);
        var resumed = t + 1 < _world.Steps ? policy.Resume(_context, j, t + 1, left, s, until) : JobSlot.Unserved;
        if (resumed.Site < 0)
        {
            Lost++;
            LostMwh += jobs.PowerMw[j] * left * _world.StepHours;
            End[j] = t;
        }
        else
        {
            Resumed++;
            Run(j, resumed.Site, resumed.Start, left);
        }

        return jobs.PowerMw[j] + restore;
    }

    // Steps of job j's pieces planned after its current one.
    private int LaterSteps(int j)
    {
        var steps = 0;
        if (_future[j] is { } future)
        {
            foreach (var p in future)
            {
                steps += p.To - p.From;
            }
        }

        return steps;
    }

    // Removes the rest of job j's piece at site s from step t, and the pieces planned after it (and their restores).
    // Returns the restore power freed at site s in step t, MW.
    private double Take(int j, int s, int t)
    {
        double freed = 0;
        if (!_disturbed[j])
        {
            _disturbed[j] = true;
            Disturbed++;
        }

        if (_future[j] is { Count: > 0 } future)
        {
            foreach (var p in future)
            {
                _context.Uncommit(j, p.Site, p.From, p.To);
                Watch(j, p.Site, p.From, p.To, -1);
            }

            future.Clear();
        }

        if (_restores[j] is { Count: > 0 } restores)
        {
            restores.RemoveAll(x =>
            {
                if (x.Step < t)
                {
                    return false;
                }

                Restore(j, x.Site, x.Step, -x.Mw);
                freed += x.Site == s && x.Step == t ? x.Mw : 0;
                return true;
            });
        }

        _context.Uncommit(j, s, t, End[j]);
        _pieces[_pieceOf[j]] = _pieces[_pieceOf[j]] with { To = t };
        Watch(j, s, t, End[j], -1);
        SiteJobs[s].Remove(j);
        return freed;
    }

    /// <summary>The layer of <see cref="WatchStack"/> of a kind of work: batch, training, backup, inference.</summary>
    private static int WatchLayer(WorkloadKind kind) => kind switch
    {
        WorkloadKind.Batch => 0,
        WorkloadKind.Training => 1,
        WorkloadKind.Backup => 2,
        _ => 3,
    };

    private void Watch(int j, int site, int from, int to, double sign)
    {
        if (site == WatchSite)
        {
            var series = WatchStack[WatchLayer(_workload.Jobs.Kind[j])];
            for (var t = from; t < to; t++)
            {
                series[t] += sign * _workload.Jobs.PowerMw[j];
            }
        }
    }
}
