using WattBit.Simulation.Policies;
using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>
/// One policy's walk through the period on the simulated clock, composed of named pieces: the <see cref="JobLedger"/>
/// (where and when every job runs), the <see cref="BatteryBank"/>, the <see cref="OrderResponse"/> to cuts nobody
/// foresaw, the <see cref="InferenceRouter"/> and the <see cref="PolicyAccounts"/>. At the first step of each day the
/// policy places the jobs released that day; at every step jobs and inference run and each site's draw is measured on
/// actuals. The policy and the batteries plan on the score as known at the step (published prices once published, the
/// forecast beyond; <see cref="PolicyContext.View"/>). The policy reads the simulated time from its <see cref="PolicyContext"/> (<see cref="PolicyContext.Clock"/>).
/// </summary>
internal sealed class PolicyRun
{
    private readonly SimulationWorld _world;
    private readonly SimulatedWorkload _workload;
    private readonly SimulationPolicy _policy;
    private readonly PolicyKind _kind;
    private readonly PolicyContext _context;
    private readonly JobLedger _ledger;
    private readonly BatteryBank _batteries;
    private readonly OrderResponse _orders;
    private readonly InferenceRouter _inference;
    private readonly PolicyAccounts _accounts;
    private readonly List<JobPiece> _was = [];
    private readonly Dictionary<int, (int From, int Count)> _handedBack = [];
    private bool[] _replanned = [];
    private bool[] _changed = [];
    private int _unservedJobs, _moved, _placed, _replans, _publicationPlans;
    private double _unservedMwh;

    /// <summary>Sets up the run of one policy, planning on the forecast score [area][step] as known at each step (<see cref="ForecastView"/>).</summary>
    public PolicyRun(SimulationWorld world, SimulatedWorkload workload, double[][] forecast, SimulationPolicy policy, PolicyKind kind, int[][] reach, bool batteries = true)
    {
        _world = world;
        _workload = workload;
        _policy = policy;
        _kind = kind;
        _context = new PolicyContext(world, workload, ForecastView.For(world, forecast));
        _ledger = new JobLedger(world, workload, _context, WatchSite(world));
        _batteries = new BatteryBank(world, _context, policy.HonoursLimits && batteries);
        _orders = new OrderResponse(world, workload, _context, policy, _ledger, _batteries);
        _inference = new InferenceRouter(world, workload, _context.Pue, _context.ItMw, reach, policy.HonoursLimits);
        _accounts = new PolicyAccounts(world);
    }

    /// <summary>Runs the whole period and returns what was measured.</summary>
    /// <param name="byRelease">Job indices sorted by release step.</param>
    /// <param name="releaseOffsets">Start of each step's jobs in <paramref name="byRelease"/> [step + 1].</param>
    /// <param name="stepsDone">Receives the number of steps finished after each day.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public PolicyResult Execute(int[] byRelease, int[] releaseOffsets, Action<int> stepsDone, CancellationToken cancellationToken)
    {
        var n = _world.Steps;
        var perDay = Math.Max(1, (int)Math.Round(24 / _world.StepHours));
        _policy.Initialise(_context);
        var buffer = new int[Math.Max(1, _workload.Jobs.Count)];
        var siteCount = _world.Scenario.Sites.Count;
        var running = new double[siteCount];
        var inference = new double[siteCount];
        var replans = _policy.ReplansCommittedWork;
        var onPublication = _policy.ReplansOnPublication && _context.View.Publishes;
        if (replans || onPublication)
        {
            _replanned = new bool[_workload.Jobs.Count];
            _changed = new bool[_workload.Jobs.Count];
        }

        for (var day = 0; day < n; day += perDay)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dayEnd = Math.Min(n, day + perDay);
            _context.MoveTo(day);
            PlanDay(byRelease.AsSpan(releaseOffsets[day], releaseOffsets[dayEnd] - releaseOffsets[day]), buffer, replans ? AllCandidates : null);
            _batteries.BeginDay(day, dayEnd);
            for (var t = day; t < dayEnd; t++)
            {
                var known = _context.View.KnownThrough;
                _context.MoveTo(t);
                if (onPublication && t > day && _context.View.KnownThrough > known)
                {
                    // A delivery day was published at this step: the work that could run in it is placed again on its values.
                    _publicationPlans++;
                    PlanDay([], buffer, j => _workload.Jobs.Deadline[j] > known);
                }

                Step(t, running, inference);
            }

            stepsDone(dayEnd - day);
        }

        return _accounts.ToResult(_kind, _ledger, _batteries, _unservedJobs, _unservedMwh, _moved) with
        {
            OrdersDispatched = _orders.Dispatched,
            OrdersToFallback = _orders.ToFallback,
            JobsMovedOnOrders = _ledger.MovedOnOrders,
            JobsAsPlanned = _policy is PlannerPolicy ? _placed - _ledger.Disturbed : 0,
            JobsReplanned = _replanned.Count(x => x),
            JobsReplacedElsewhere = _changed.Count(x => x),
            Replacements = _replans,
            PublicationPlans = _publicationPlans,
            JobsInPieces = _ledger.JobsInPieces,
            PiecesPlanned = _ledger.PiecesPlanned,
            CheckpointOverheadItMwh = _ledger.CheckpointOverheadMwh,
            JobPieces = _ledger.Pieces,
            BatteryUses = _batteries.Uses(),
            BatterySolves = _batteries.Solves,
            TieFlowMw = [.. _context.TieFlow.Select(f => f.Select(v => (float)v).ToArray())],
        };
    }

    private static readonly Func<int, bool> AllCandidates = _ => true;

    // The policy places the jobs released today, in its order, and (when `handBack` is given) the work committed at
    // earlier plans that has not started and no order has touched, which the ledger first takes out of the committed
    // room; the ledger commits each placement.
    private void PlanDay(ReadOnlySpan<int> released, int[] buffer, Func<int, bool>? handBack)
    {
        var jobs = _workload.Jobs;
        released.CopyTo(buffer);
        var count = released.Length;
        _handedBack.Clear();
        if (handBack is not null)
        {
            _was.Clear();
            var back = _ledger.Withdraw(_context.Step, handBack, buffer.AsSpan(count), _was);
            for (int i = 0, at = 0; i < back; i++)
            {
                var j = buffer[count + i];
                var pieces = 0;
                while (at + pieces < _was.Count && _was[at + pieces].Job == j)
                {
                    pieces++;
                }

                _handedBack[j] = (at, pieces);
                at += pieces;
                _placed--;
                _replans++;
                _replanned[j] = true;
                if (_was[_handedBack[j].From].Site != jobs.Home[j])
                {
                    _moved--;
                }
            }

            count += back;
        }

        var today = buffer.AsSpan(0, count);
        if (today.IsEmpty)
        {
            return;
        }

        _policy.Order(_context, today);
        foreach (var j in today)
        {
            var placement = _policy.Place(_context, j);
            if (placement.Site < 0)
            {
                _unservedJobs++;
                _unservedMwh += jobs.PowerMw[j] * jobs.Duration[j] * _world.StepHours;
                if (_handedBack.ContainsKey(j))
                {
                    _changed[j] = true;
                }

                continue;
            }

            _placed++;
            var pieces = _policy.PlacedPieces(j);
            if (pieces is not null)
            {
                _ledger.RunPieces(j, pieces, _policy.Checkpoint);
            }
            else
            {
                _ledger.Run(j, placement.Site, placement.Start, jobs.Duration[j]);
            }

            if (_handedBack.TryGetValue(j, out var was) && !Same(was, pieces, placement, jobs.Duration[j]))
            {
                _changed[j] = true;
            }

            if (placement.Site != jobs.Home[j])
            {
                _moved++;
            }
        }
    }

    // Whether the placement equals the pieces the job had before it was handed back.
    private bool Same((int From, int Count) was, IReadOnlyList<JobPiece>? pieces, JobSlot placement, int duration)
    {
        if (pieces is null || pieces.Count == 1)
        {
            var one = pieces is null ? new JobPiece(_was[was.From].Job, placement.Site, placement.Start, placement.Start + duration) : pieces[0];
            return was.Count == 1 && _was[was.From] == one;
        }

        if (pieces.Count != was.Count)
        {
            return false;
        }

        for (var i = 0; i < pieces.Count; i++)
        {
            if (pieces[i] != _was[was.From + i])
            {
                return false;
            }
        }

        return true;
    }

    // One step: jobs run (obeying cuts), inference is served, batteries act, and every site's draw is booked.
    private void Step(int t, double[] running, double[] inference)
    {
        _ledger.Activate(t);
        _accounts.Clipped(_orders.RunJobs(t, running));
        _inference.Serve(t, running, inference, _accounts);
        _ledger.WatchStack[3][t] = inference[_ledger.WatchSite];
        _accounts.BeginStep();
        for (var s = 0; s < running.Length; s++)
        {
            var it = running[s] + inference[s];
            var draw = _batteries.Apply(s, t, it * _context.Pue[s]);
            if (_world.MinimumDrawMw.Count > 0 && _policy.HonoursLimits && _world.MinimumDrawMw[s][t] > draw + 1e-9)
            {
                // A floor under the draw (上げDR, decision 0196): work placed later starts now, then the battery charges.
                var pulled = _ledger.PullForward(s, t, (_world.MinimumDrawMw[s][t] - draw) / _context.Pue[s], Math.Min((_world.LimitMw[s][t] - draw) / _context.Pue[s], _context.ItMw[s] - it));
                running[s] += pulled;
                it += pulled;
                draw = _batteries.Raise(s, t, draw + (pulled * _context.Pue[s]), _world.MinimumDrawMw[s][t]);
            }

            _accounts.Site(s, t, it, draw, _context.Pue[s]);
        }

        _accounts.EndStep(t);
    }

    // The site whose load the report shows: the largest flexible (else provisional, else any) site in the area with
    // the most curtailment, so the sample week shows both the moving limit and absorbed surplus.
    private static int WatchSite(SimulationWorld world)
    {
        var sites = world.Scenario.Sites;
        var curtailment = world.CurtailedMw.Select(c => c.Sum()).ToArray();
        var best = 0;
        for (var s = 1; s < sites.Count; s++)
        {
            if (Rank(s).CompareTo(Rank(best)) > 0)
            {
                best = s;
            }
        }

        return best;

        (int, double, double) Rank(int s) => ((int)sites[s].Connection.Kind, curtailment[world.SiteArea[s]], sites[s].ItMw);
    }
}
