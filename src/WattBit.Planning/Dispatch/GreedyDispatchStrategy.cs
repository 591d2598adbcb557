using WattBit.Dispatch;
using WattBit.Sites;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Planning.Dispatch;

/// <summary>
/// The default dispatch strategy. For a reduction at a site it takes, in order of least disruption: sustainable battery
/// discharge; deferring interruptible work whose deadline allows; the on-site generator (fuel, start-up time and, for
/// demand response, the operator's permission allowing); moving inference replicas to sites within their
/// latency bound; checkpoint-and-move of training (preferring its region group); pausing at a checkpoint; restarting
/// non-interruptible work elsewhere; stopping. Every move must complete (checkpoint + transfer, or replica start-up)
/// within the notice and fit the destination's limit, GPUs and IT capacity; destinations are ranked by region, then
/// cost. For a surge it adds replicas at the cheapest reachable sites with room; for a failure it restarts work elsewhere.
/// </summary>
public sealed class GreedyDispatchStrategy : IDispatchStrategy
{
    private const double Eps = 1e-9;

    /// <inheritdoc/>
    public string Name => "greedy";

    /// <inheritdoc/>
    public IReadOnlyList<DispatchAction> Propose(DispatchEvent dispatchEvent, FleetState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dispatchEvent);
        ArgumentNullException.ThrowIfNull(state);
        var need = Requirement.Of(dispatchEvent, state);
        var room = new Room(state, need);
        return dispatchEvent switch
        {
            InferenceSurge s => Surge(s, state, room, cancellationToken),
            SiteFailure => Failure(dispatchEvent, state, need, room, cancellationToken),
            _ => Reduce(dispatchEvent, state, need, room, cancellationToken),
        };
    }

    private static List<DispatchAction> Reduce(DispatchEvent e, FleetState state, Requirement need, Room room, CancellationToken ct)
    {
        var actions = new List<DispatchAction>();
        if (need.SiteIndex < 0 || need.Reduction <= Power.Zero)
        {
            return actions;
        }

        var site = state.Sites[need.SiteIndex];
        var id = site.Site.Id;
        var pue = site.Site.Pue.BasePue;
        var left = need.Reduction.Megawatts;
        var notice = need.Deadline - e.IssuedAt;
        if (site.Site.Battery is { } bat)
        {
            var extra = Math.Min(left, bat.SustainablePower(site.BatteryStored, need.Duration).Megawatts - site.BatteryOutput.Megawatts);
            if (extra > Eps)
            {
                actions.Add(new DispatchAction(DispatchActionKind.DischargeBattery, string.Empty, id, null, 1, Power.FromMegawatts(extra), e.IssuedAt,
                    $"battery can hold {extra:0.###} MW more for the expected {need.Duration.TotalHours:0.##} h"));
                left -= extra;
            }
        }

        var candidates = state.Running.Where(w => w.Site == id)
            .Select(w => (W: w, Rank: Rank(w, e, need)))
            .OrderBy(c => c.Rank).ThenByDescending(c => c.W.Power.Megawatts).ToList();
        // The generator comes after deferring work (harmless) and before moving, pausing or stopping it (disruptive).
        var generatorTried = false;
        foreach (var (w, rank) in candidates)
        {
            ct.ThrowIfCancellationRequested();
            if (!generatorTried && rank > 0 && left > Eps)
            {
                generatorTried = true;
                left -= Generator(e, site, need, left, actions);
            }

            if (left <= Eps)
            {
                break;
            }

            left -= Relieve(w, e, need, state, room, pue, left, notice, actions);
        }

        if (!generatorTried && left > Eps)
        {
            Generator(e, site, need, left, actions);
        }

        return actions;
    }

    private static double Generator(DispatchEvent e, SiteState site, Requirement need, double left, List<DispatchAction> actions)
    {
        if (GeneratorDispatch.Action(e, site, need, left) is not { } start)
        {
            return 0;
        }

        actions.Add(start);
        return start.GridRelief.Megawatts;
    }

    /// <summary>Least disruptive first: deferrable work, replicas, checkpointable training, the rest.</summary>
    private static int Rank(RunningWorkload w, DispatchEvent e, Requirement need) => w.Kind switch
    {
        WorkloadKind.Batch or WorkloadKind.Backup when w.Interruptible && CanDefer(w, e, need) => 0,
        WorkloadKind.Inference => 1,
        WorkloadKind.Training when w.Interruptible => 2,
        _ when w.Interruptible => 3,
        _ => 4,
    };

    private static bool CanDefer(RunningWorkload w, DispatchEvent e, Requirement need) =>
        w.Deadline is { } dl && need.Deadline + need.Duration + w.RemainingWork <= dl && e.IssuedAt + w.CheckpointTime <= need.Deadline;

    private static double Relieve(RunningWorkload w, DispatchEvent e, Requirement need, FleetState state, Room room, double pue, double left,
        TimeSpan notice, List<DispatchAction> actions)
    {
        var at = e.IssuedAt;
        var from = w.Site;
        if (w.Interruptible && w.Kind != WorkloadKind.Training && CanDefer(w, e, need))
        {
            actions.Add(new DispatchAction(DispatchActionKind.Defer, w.Id, from, null, w.Units, w.Power * pue, at + w.CheckpointTime,
                $"paused now; its remaining {w.RemainingWork.TotalHours:0.##} h still fit after the event and before its deadline"));
            return w.Power.Megawatts * pue;
        }

        if (w.Kind == WorkloadKind.Inference)
        {
            // Move only the replicas needed, make-before-break, to reachable sites with room.
            var wanted = Math.Min(w.Units, (int)Math.Ceiling((left / pue / w.UnitPower.Megawatts) - Eps));
            var relieved = 0.0;
            if (w.StartupTime <= notice)
            {
                foreach (var to in room.Ranked(w.AllowedSites, from))
                {
                    var n = Math.Min(wanted, room.UnitsThatFit(to, w.UnitPower, w.UnitGpus));
                    if (n <= 0)
                    {
                        continue;
                    }

                    room.Take(to, w.UnitPower * n, w.UnitGpus * n);
                    actions.Add(new DispatchAction(DispatchActionKind.MoveReplicas, w.Id, from, state.Sites[to].Site.Id, n, w.UnitPower * n * pue,
                        at + w.StartupTime, $"{n} replicas start at {state.Sites[to].Site.Id} (within the latency bound) in {w.StartupTime.TotalMinutes:0.#} min, then stop here"));
                    relieved += w.UnitPower.Megawatts * n * pue;
                    wanted -= n;
                    if (wanted == 0)
                    {
                        return relieved;
                    }
                }
            }

            actions.Add(new DispatchAction(DispatchActionKind.Stop, w.Id, from, null, wanted, w.UnitPower * wanted * pue, at,
                w.StartupTime > notice
                    ? $"replicas cannot start elsewhere within the {notice.TotalMinutes:0.#} min notice; {wanted} stopped (demand unserved)"
                    : $"no reachable site has room; {wanted} replicas stopped (demand unserved)"));
            return relieved + (w.UnitPower.Megawatts * wanted * pue);
        }

        var relief = w.Power * pue;
        if (w.Interruptible)
        {
            // Checkpoint and move when it can finish within the notice.
            foreach (var to in room.Ranked(w.AllowedSites, from, state.Network.RegionOf(from)))
            {
                if (room.UnitsThatFit(to, w.Power, w.Gpus) < 1)
                {
                    continue;
                }

                var evac = w.CheckpointTime + state.Network.TransferTime(from, state.Sites[to].Site.Id, w.StateGigabytes);
                if (evac > notice)
                {
                    continue;
                }

                room.Take(to, w.Power, w.Gpus);
                actions.Add(new DispatchAction(DispatchActionKind.CheckpointAndMove, w.Id, from, state.Sites[to].Site.Id, w.Units, relief, at + evac,
                    $"checkpoint {w.CheckpointTime.TotalMinutes:0.#} min + transfer of {w.StateGigabytes:0.#} GB to {state.Sites[to].Site.Id}: evacuated in {evac.TotalMinutes:0.#} min, within the {notice.TotalMinutes:0.#} min notice"));
                return relief.Megawatts;
            }

            if (CanDefer(w, e, need))
            {
                actions.Add(new DispatchAction(DispatchActionKind.Defer, w.Id, from, null, w.Units, relief, at + w.CheckpointTime,
                    "no destination with room within the notice; paused at a checkpoint, its remaining work still fits before its deadline"));
                return relief.Megawatts;
            }

            if (w.CheckpointTime <= notice)
            {
                actions.Add(new DispatchAction(DispatchActionKind.Pause, w.Id, from, null, w.Units, relief, at + w.CheckpointTime,
                    "no destination with room can take it within the notice; paused at a checkpoint (will be late)"));
                return relief.Megawatts;
            }

            actions.Add(new DispatchAction(DispatchActionKind.Stop, w.Id, from, null, w.Units, relief, at,
                $"checkpoint ({w.CheckpointTime.TotalMinutes:0.#} min) longer than the notice; stopped, losing progress since the last checkpoint"));
            return relief.Megawatts;
        }

        foreach (var to in room.Ranked(w.AllowedSites, from))
        {
            if (room.UnitsThatFit(to, w.Power, w.Gpus) >= 1)
            {
                room.Take(to, w.Power, w.Gpus);
                actions.Add(new DispatchAction(DispatchActionKind.RestartElsewhere, w.Id, from, state.Sites[to].Site.Id, w.Units, relief, at,
                    $"cannot pause; stopped and restarted at {state.Sites[to].Site.Id}"));
                return relief.Megawatts;
            }
        }

        actions.Add(new DispatchAction(DispatchActionKind.Stop, w.Id, from, null, w.Units, relief, at, "cannot pause and no site has room; stopped"));
        return relief.Megawatts;
    }

    private static List<DispatchAction> Failure(DispatchEvent e, FleetState state, Requirement need, Room room, CancellationToken ct)
    {
        var actions = new List<DispatchAction>();
        var failed = state.Sites[need.SiteIndex].Site.Id;
        foreach (var w in state.Running.Where(w => w.Site == failed).OrderByDescending(w => w.Power.Megawatts))
        {
            ct.ThrowIfCancellationRequested();
            var left = w.Units;
            foreach (var to in room.Ranked(w.AllowedSites, failed, state.Network.RegionOf(failed)))
            {
                var n = Math.Min(left, room.UnitsThatFit(to, w.UnitPower, w.UnitGpus));
                if (n <= 0 || (w.Kind != WorkloadKind.Inference && n < w.Units))
                {
                    continue;
                }

                room.Take(to, w.UnitPower * n, w.UnitGpus * n);
                var ready = w.StartupTime + state.Network.TransferTime(failed, state.Sites[to].Site.Id, w.StateGigabytes);
                actions.Add(new DispatchAction(DispatchActionKind.RestartElsewhere, w.Id, failed, state.Sites[to].Site.Id, n, Power.Zero, e.IssuedAt + ready,
                    w.Kind == WorkloadKind.Inference ? $"{n} replicas restarted at {state.Sites[to].Site.Id}" : $"restarted at {state.Sites[to].Site.Id} from its last checkpoint"));
                left -= n;
                if (left == 0)
                {
                    break;
                }
            }

            if (left > 0)
            {
                actions.Add(new DispatchAction(DispatchActionKind.Stop, w.Id, failed, null, left, Power.Zero, e.IssuedAt, "site failed and no allowed site has room"));
            }
        }

        return actions;
    }

    private static List<DispatchAction> Surge(InferenceSurge s, FleetState state, Room room, CancellationToken ct)
    {
        var actions = new List<DispatchAction>();
        var template = state.Running.FirstOrDefault(w => w.Id == s.ServiceId && w.Kind == WorkloadKind.Inference)
            ?? throw new ArgumentException($"surge names service '{s.ServiceId}', which has no running replica.", nameof(s));
        var units = (int)Math.Ceiling((s.ExtraRequestsPerSecond / template.RequestsPerUnit) - Eps);
        foreach (var to in room.Ranked(template.AllowedSites, null))
        {
            ct.ThrowIfCancellationRequested();
            var n = Math.Min(units, room.UnitsThatFit(to, template.UnitPower, template.UnitGpus));
            if (n <= 0)
            {
                continue;
            }

            room.Take(to, template.UnitPower * n, template.UnitGpus * n);
            actions.Add(new DispatchAction(DispatchActionKind.AddReplicas, s.ServiceId, state.Sites[to].Site.Id, state.Sites[to].Site.Id, n, Power.Zero,
                s.IssuedAt + template.StartupTime, $"{n} replicas added at {state.Sites[to].Site.Id}, the cheapest reachable site with room"));
            units -= n;
            if (units == 0)
            {
                break;
            }
        }

        return actions;
    }

    /// <summary>Spare grid, GPU and IT room per site while a decision is built.</summary>
    private sealed class Room
    {
        private readonly FleetState _state;
        private readonly double[] _gridMw;
        private readonly double[] _itMw;
        private readonly int[] _gpus;

        public Room(FleetState state, Requirement need)
        {
            _state = state;
            var n = state.Sites.Count;
            _gridMw = new double[n];
            _itMw = new double[n];
            _gpus = new int[n];
            for (var i = 0; i < n; i++)
            {
                var s = state.Sites[i];
                var failed = s.Failed || (need.Failed && i == need.SiteIndex) || i == need.SiteIndex;
                _gridMw[i] = failed ? 0 : Math.Max(0, s.Limit.Megawatts - state.DrawOf(i).Megawatts);
                _itMw[i] = failed ? 0 : Math.Max(0, s.Site.ItCapacity.Megawatts - s.Site.BaseLoad.Megawatts - state.ItMw[i]);
                _gpus[i] = failed ? 0 : Math.Max(0, s.Site.Gpus - state.GpusUsed[i]);
            }
        }

        public int UnitsThatFit(int i, Power unitPower, int unitGpus)
        {
            var mw = unitPower.Megawatts;
            var byGrid = mw <= 0 ? int.MaxValue : (int)Math.Floor((_gridMw[i] / _state.Sites[i].Site.Pue.BasePue / mw) + 1e-9);
            var byIt = mw <= 0 ? int.MaxValue : (int)Math.Floor((_itMw[i] / mw) + 1e-9);
            var byGpu = unitGpus <= 0 ? int.MaxValue : _gpus[i] / unitGpus;
            return Math.Min(byGrid, Math.Min(byIt, byGpu));
        }

        public void Take(int i, Power power, int gpus)
        {
            _gridMw[i] -= power.Megawatts * _state.Sites[i].Site.Pue.BasePue;
            _itMw[i] -= power.Megawatts;
            _gpus[i] -= gpus;
        }

        /// <summary>Allowed sites other than <paramref name="from"/> with room, same region first, then cheapest.</summary>
        public IEnumerable<int> Ranked(IReadOnlyList<SiteId> allowed, SiteId? from, string? region = null)
        {
            var list = new List<int>(allowed.Count);
            foreach (var id in allowed)
            {
                var i = _state.IndexOf(id);
                if (i >= 0 && id != from && _gridMw[i] > Eps)
                {
                    list.Add(i);
                }
            }

            int RegionRank(int i) => region is not null && _state.Network.RegionOf(_state.Sites[i].Site.Id) == region ? 0 : 1;
            list.Sort((a, b) =>
            {
                var c = RegionRank(a).CompareTo(RegionRank(b));
                return c != 0 ? c : _state.Sites[a].CostPerMwh.CompareTo(_state.Sites[b].CostPerMwh);
            });
            return list;
        }
    }
}
