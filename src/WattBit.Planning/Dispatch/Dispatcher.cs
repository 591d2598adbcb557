using WattBit.Dispatch;
using WattBit.Formats;
using WattBit.Units;

namespace WattBit.Planning.Dispatch;

/// <summary>
/// Handles dispatch events on a live fleet. A strategy (by default <see cref="GreedyDispatchStrategy"/>) proposes
/// actions within a time budget; the dispatcher applies them to a copy of the state and checks that the required
/// reduction is reached, that every action completes within the notice (evacuation times), and that no other site goes
/// above its limit, GPUs or IT capacity. A proposal that fails, throws or times out is refused and the always-feasible
/// fallback decides: battery, then immediate stops at the site, then powering the site down, all instantaneous.
/// Thread-safe: it keeps no state between calls.
/// </summary>
/// <param name="time">Clock for the strategy's time budget.</param>
/// <param name="strategy">Strategy to try first; default <see cref="GreedyDispatchStrategy"/>.</param>
/// <param name="budget">Time the strategy may take; default 500 ms (the notice is usually minutes).</param>
public sealed class Dispatcher(TimeProvider time, IDispatchStrategy? strategy = null, TimeSpan? budget = null)
{
    private const double Tolerance = 1e-6;
    private readonly IDispatchStrategy _strategy = strategy ?? new GreedyDispatchStrategy();

    /// <summary>Decides what to do about <paramref name="dispatchEvent"/>.</summary>
    /// <exception cref="ArgumentException">The event names a site or service the state does not know.</exception>
    public DispatchDecision Handle(DispatchEvent dispatchEvent, FleetState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatchEvent);
        ArgumentNullException.ThrowIfNull(state);
        var need = Requirement.Of(dispatchEvent, state);
        var refused = new List<string>();
        using (var timer = new CancellationTokenSource(budget ?? TimeSpan.FromMilliseconds(500), time))
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token))
        {
            try
            {
                var actions = _strategy.Propose(dispatchEvent, state, cts.Token);
                var after = Apply(state, actions, need);
                var problem = Verify(state, after, actions, need);
                if (problem is null)
                {
                    return Decision(dispatchEvent, state, actions, after, need, false, refused);
                }

                refused.Add($"{_strategy.Name}: {problem}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                refused.Add($"{_strategy.Name}: ran out of its time budget");
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or KeyNotFoundException or ArithmeticException)
            {
                refused.Add($"{_strategy.Name} failed: {ex.Message}");
            }
        }

        var fallback = Fallback(dispatchEvent, state, need);
        var fallbackAfter = Apply(state, fallback, need);
        return Decision(dispatchEvent, state, fallback, fallbackAfter, need, true, refused);
    }

    /// <summary>
    /// The always-feasible fallback: sustainable battery discharge, then the on-site generator when it starts within the
    /// notice (and is allowed for the event), then stop workloads at the site (largest first), then power the site down;
    /// every other action is instantaneous, so any notice is met.
    /// </summary>
    public static IReadOnlyList<DispatchAction> Fallback(DispatchEvent dispatchEvent, FleetState state, Requirement need)
    {
        ArgumentNullException.ThrowIfNull(dispatchEvent);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(need);
        var actions = new List<DispatchAction>();
        var at = dispatchEvent.IssuedAt;
        if (need.Failed)
        {
            var failed = state.Sites[need.SiteIndex].Site.Id;
            actions.AddRange(state.Running.Where(w => w.Site == failed).Select(w =>
                new DispatchAction(DispatchActionKind.Stop, w.Id, failed, null, w.Units, Power.Zero, at, "fallback: site failed; stopped")));
            return actions;
        }

        if (need.SiteIndex < 0 || need.Reduction <= Power.Zero)
        {
            return actions;
        }

        var site = state.Sites[need.SiteIndex];
        var left = need.Reduction.Megawatts;
        if (site.Site.Battery is { } bat && !site.Failed)
        {
            var extra = Math.Min(left, bat.SustainablePower(site.BatteryStored, need.Duration).Megawatts - site.BatteryOutput.Megawatts);
            if (extra > Tolerance)
            {
                actions.Add(new DispatchAction(DispatchActionKind.DischargeBattery, string.Empty, site.Site.Id, null, 1, Power.FromMegawatts(extra), at,
                    $"fallback: battery holds {extra:0.###} MW for {need.Duration.TotalHours:0.##} h"));
                left -= extra;
            }
        }

        if (left > Tolerance && GeneratorDispatch.Action(dispatchEvent, site, need, left, "fallback: ") is { } generator)
        {
            actions.Add(generator);
            left -= generator.GridRelief.Megawatts;
        }

        var pue = site.Site.Pue.BasePue;
        foreach (var w in state.Running.Where(w => w.Site == site.Site.Id).OrderByDescending(w => w.Power.Megawatts))
        {
            if (left <= Tolerance)
            {
                break;
            }

            var relief = w.Power.Megawatts * pue;
            actions.Add(new DispatchAction(DispatchActionKind.Stop, w.Id, site.Site.Id, null, w.Units, Power.FromMegawatts(relief), at,
                "fallback: stopped at once to honour the curtailment"));
            left -= relief;
        }

        if (left > Tolerance)
        {
            var baseRelief = site.Site.BaseLoad.Megawatts * pue;
            actions.Add(new DispatchAction(DispatchActionKind.PowerDownSite, string.Empty, site.Site.Id, null, 0, Power.FromMegawatts(baseRelief), at,
                "fallback: workloads alone cannot shed enough; the site powers down (base load off)"));
        }

        return actions;
    }

    /// <summary>Applies actions to a copy of the state.</summary>
    /// <exception cref="ArgumentException">An action names an unknown workload or site, or moves more units than run.</exception>
    public static FleetState Apply(FleetState state, IReadOnlyList<DispatchAction> actions, Requirement need)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(need);
        var sites = state.Sites.ToList();
        var running = state.Running.ToList();
        var paused = state.Paused.ToList();
        if (need.SiteIndex >= 0 && need.NewLimit is { } limit)
        {
            sites[need.SiteIndex] = sites[need.SiteIndex] with { Limit = limit };
        }

        if (need.Failed)
        {
            sites[need.SiteIndex] = sites[need.SiteIndex] with { Failed = true, BatteryOutput = Power.Zero, GeneratorOutput = Power.Zero };
        }

        foreach (var a in actions)
        {
            var from = state.IndexOf(a.From);
            if (from < 0)
            {
                throw new ArgumentException($"action names unknown site '{a.From}'.", nameof(actions));
            }

            switch (a.Kind)
            {
                case DispatchActionKind.DischargeBattery:
                    sites[from] = sites[from] with { BatteryOutput = sites[from].BatteryOutput + a.GridRelief };
                    break;
                case DispatchActionKind.StartGenerator:
                    var fuel = sites[from].FuelLeft.MegawattHours - (a.GridRelief.Megawatts * need.Duration.TotalHours);
                    sites[from] = sites[from] with
                    {
                        GeneratorOutput = sites[from].GeneratorOutput + a.GridRelief, GeneratorFuel = Energy.FromMegawattHours(Math.Max(0, fuel)),
                    };
                    break;
                case DispatchActionKind.PowerDownSite:
                    running.RemoveAll(w => w.Site == a.From);
                    sites[from] = sites[from] with { Failed = true, BatteryOutput = Power.Zero, GeneratorOutput = Power.Zero };
                    break;
                case DispatchActionKind.AddReplicas:
                    var template = running.Concat(state.Running).FirstOrDefault(w => w.Id == a.WorkloadId)
                        ?? throw new ArgumentException($"no running replica of '{a.WorkloadId}' to copy.", nameof(actions));
                    running.Add(template.Resized(a.Units, a.To ?? a.From));
                    break;
                default:
                    var i = running.FindIndex(w => w.Id == a.WorkloadId && w.Site == a.From);
                    if (i < 0 || running[i].Units < a.Units)
                    {
                        throw new ArgumentException($"action {a.Kind} on '{a.WorkloadId}' at {a.From}: not running there with {a.Units} units.", nameof(actions));
                    }

                    var w0 = running[i];
                    if (w0.Units == a.Units)
                    {
                        running.RemoveAt(i);
                    }
                    else
                    {
                        running[i] = w0.Resized(w0.Units - a.Units, w0.Site);
                    }

                    if (a.Kind is DispatchActionKind.CheckpointAndMove or DispatchActionKind.MoveReplicas or DispatchActionKind.RestartElsewhere)
                    {
                        var to = a.To ?? throw new ArgumentException($"action {a.Kind} on '{a.WorkloadId}' has no destination.", nameof(actions));
                        var j = running.FindIndex(w => w.Id == a.WorkloadId && w.Site == to);
                        running.Add(w0.Resized(a.Units, to));
                        if (j >= 0)
                        {
                            // Merge replicas of the same service at the destination.
                            var merged = running[j].Resized(running[j].Units + a.Units, to);
                            running.RemoveAt(running.Count - 1);
                            running[j] = merged;
                        }
                    }
                    else if (a.Kind is DispatchActionKind.Defer or DispatchActionKind.Pause)
                    {
                        paused.Add(w0.Resized(a.Units, w0.Site));
                    }

                    break;
            }
        }

        return state.With(sites, running, paused);
    }

    private static string? Verify(FleetState before, FleetState after, IReadOnlyList<DispatchAction> actions, Requirement need)
    {
        foreach (var a in actions)
        {
            if (need.Reduction > Power.Zero && a.CompletesAt > need.Deadline)
            {
                return $"{a.Kind} of '{a.WorkloadId}' completes at {a.CompletesAt:HH:mm:ss}, after the notice ends at {need.Deadline:HH:mm:ss}";
            }

            if (a.To is { } to && before.Running.FirstOrDefault(w => w.Id == a.WorkloadId) is { } w && !w.AllowedSites.Contains(to))
            {
                return $"'{a.WorkloadId}' may not run at {to}";
            }
        }

        if (need.Failed && after.Running.Any(w => w.Site == after.Sites[need.SiteIndex].Site.Id))
        {
            return "workloads are left on the failed site";
        }

        if (need.SiteIndex >= 0 && need.Reduction > Power.Zero)
        {
            var achieved = before.DrawOf(need.SiteIndex) - after.DrawOf(need.SiteIndex);
            if (achieved.Megawatts < need.Reduction.Megawatts - Tolerance)
            {
                return $"sheds {achieved.Megawatts:0.###} MW of the {need.Reduction.Megawatts:0.###} MW required";
            }
        }

        for (var i = 0; i < after.Sites.Count; i++)
        {
            var s = after.Sites[i];
            if (i == need.SiteIndex || s.Failed)
            {
                continue;
            }

            var grew = after.DrawOf(i).Megawatts > before.DrawOf(i).Megawatts + Tolerance;
            if (grew && after.DrawOf(i).Megawatts > s.Limit.Megawatts + Tolerance)
            {
                return $"site {s.Site.Id} would draw {after.DrawOf(i).Megawatts:0.###} MW above its {s.Limit.Megawatts:0.###} MW limit";
            }

            if (after.GpusUsed[i] > s.Site.Gpus && after.GpusUsed[i] > before.GpusUsed[i])
            {
                return $"site {s.Site.Id} would need {after.GpusUsed[i]} GPUs of {s.Site.Gpus}";
            }

            if (grew && s.Site.BaseLoad.Megawatts + after.ItMw[i] > s.Site.ItCapacity.Megawatts + Tolerance)
            {
                return $"site {s.Site.Id} would exceed its IT capacity";
            }
        }

        return null;
    }

    private static DispatchDecision Decision(DispatchEvent e, FleetState before, IReadOnlyList<DispatchAction> actions, FleetState after,
        Requirement need, bool fallback, List<string> refused)
    {
        var achieved = need.SiteIndex >= 0 ? before.DrawOf(need.SiteIndex) - after.DrawOf(need.SiteIndex) : Power.Zero;
        var met = need.Reduction <= Power.Zero || achieved.Megawatts >= need.Reduction.Megawatts - Tolerance;
        var unserved = 0.0;
        if (e is InferenceSurge surge)
        {
            var added = actions.Where(a => a.Kind == DispatchActionKind.AddReplicas).Sum(a => a.Units);
            var rps = before.Running.FirstOrDefault(w => w.Id == surge.ServiceId)?.RequestsPerUnit ?? 0;
            unserved = Math.Max(0, surge.ExtraRequestsPerSecond - (added * rps));
            met = unserved <= Tolerance;
        }

        return new DispatchDecision(e, actions, need.Reduction, achieved, need.Deadline, met, fallback, refused, after, unserved);
    }
}

/// <summary>What an event requires: a grid reduction at a site by a deadline, held for a duration.</summary>
/// <param name="SiteIndex">Index of the affected site in the state, or -1.</param>
/// <param name="Reduction">Grid reduction required (clamped to the site's draw).</param>
/// <param name="Deadline">When it must be in place.</param>
/// <param name="Duration">How long it must hold.</param>
/// <param name="NewLimit">The site's new limit, for headroom changes.</param>
/// <param name="Failed">Whether the site failed.</param>
public sealed record Requirement(int SiteIndex, Power Reduction, DateTimeOffset Deadline, TimeSpan Duration, Power? NewLimit, bool Failed)
{
    /// <summary>Works out the requirement of an event on a state.</summary>
    /// <exception cref="ArgumentException">The event names an unknown site or is malformed.</exception>
    public static Requirement Of(DispatchEvent dispatchEvent, FleetState state)
    {
        ArgumentNullException.ThrowIfNull(dispatchEvent);
        ArgumentNullException.ThrowIfNull(state);
        int Site(Sites.SiteId id) => state.IndexOf(id) is var i and >= 0 ? i : throw new ArgumentException($"event names unknown site '{id}'.", nameof(dispatchEvent));
        switch (dispatchEvent)
        {
            case CurtailmentOrder c:
                {
                    if (c.Shed < Power.Zero || c.Notice < TimeSpan.Zero || c.ExpectedDuration <= TimeSpan.Zero)
                    {
                        throw new ModelValidationException("curtailment", "a curtailment needs shed >= 0, notice >= 0 and a positive expected duration.");
                    }

                    var i = Site(c.Site);
                    var shed = Math.Min(c.Shed.Megawatts, Math.Max(0, state.DrawOf(i).Megawatts));
                    return new(i, Power.FromMegawatts(shed), c.IssuedAt + c.Notice, c.ExpectedDuration, null, false);
                }

            case HeadroomChange h:
                {
                    var i = Site(h.Site);
                    var shed = Math.Max(0, state.DrawOf(i).Megawatts - h.NewLimit.Megawatts);
                    return new(i, Power.FromMegawatts(shed), h.IssuedAt + h.Notice, h.Duration > TimeSpan.Zero ? h.Duration : TimeSpan.FromHours(1), h.NewLimit, false);
                }

            case SiteFailure f:
                return new(Site(f.Site), Power.Zero, f.IssuedAt, TimeSpan.FromHours(1), null, true);
            default:
                return new(-1, Power.Zero, dispatchEvent.IssuedAt, TimeSpan.Zero, null, false);
        }
    }
}
