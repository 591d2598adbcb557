using WattBit.Dispatch;
using WattBit.Simulation.Policies;

namespace WattBit.Simulation.Engine;

/// <summary>
/// How one policy's sites obey cuts they did not foresee (curtailment orders): a policy that honours limits stops jobs,
/// most slack first, until the rest fits the site's actual room (limit plus what its battery can deliver); under the
/// planner-driven policy the order goes first to the planner's real-time dispatcher (decision 0064). Stopped jobs resume
/// later through the <see cref="JobLedger"/>. One per simulated policy; not thread-safe.
/// </summary>
internal sealed class OrderResponse(SimulationWorld world, SimulatedWorkload workload, PolicyContext context, SimulationPolicy policy, JobLedger ledger, BatteryBank batteries)
{
    /// <summary>Orders the planner's dispatcher met with its own actions.</summary>
    public int Dispatched { get; private set; }

    /// <summary>Orders its fallback decided or the engine's stops had to finish.</summary>
    public int ToFallback { get; private set; }

    /// <summary>
    /// Fills <paramref name="running"/> with the job IT load each site runs at step <paramref name="t"/>, stopping jobs
    /// where a cut leaves too little room. Returns the IT power still clipped, MW (none when whole jobs could be stopped).
    /// </summary>
    public double RunJobs(int t, double[] running)
    {
        double curtailed = 0;
        for (var s = 0; s < running.Length; s++)
        {
            var load = context.Load[s][t];
            if (policy.HonoursLimits)
            {
                var room = Math.Max(0, Math.Min((world.LimitMw[s][t] + batteries.Available(s)) / context.Pue[s], context.ItMw[s]));
                if (load > room + 1e-9)
                {
                    // What the stops left committed (a stopped piece's checkpoint restore in this step is taken back too).
                    load = Math.Min(Stop(s, t, room), context.Load[s][t]);
                }

                running[s] = Math.Min(load, room);
            }
            else
            {
                running[s] = load;
            }

            curtailed += load - running[s];
        }

        return curtailed;
    }

    private double Stop(int s, int t, double room)
    {
        var active = ledger.RunningMostSlackFirst(s, t);
        var until = t + 1;
        while (until < world.Steps && world.LimitMw[s][until] < world.PlannedLimitMw[s][until] - 1e-9)
        {
            until++;
        }

        var load = context.Load[s][t];
        if (policy is PlannerPolicy planner)
        {
            load = Dispatch(planner, active, s, t, until, room, load);
        }

        // The engine's own rule, most slack first, is the final safety net: whatever the dispatcher's actions left
        // over the site's actual room is stopped here, so no site exceeds its limit.
        foreach (var j in active)
        {
            if (load <= room + 1e-9)
            {
                break;
            }

            if (ledger.RunsAt(j, s, t))
            {
                load -= ledger.Requeue(policy, j, s, t, until);
            }
        }

        return Math.Max(0, load);
    }

    // Delivers the order to the planner's dispatcher (docs/decisions/0064) and applies its actions: a move continues
    // the job at the target from the next step when it has room at every remaining step (else the job is re-queued);
    // defer, pause, stop and powering down re-queue the job; the battery is the engine's own state. An order counts
    // as dispatched when the strategy met it and the safety net had nothing left to stop. Returns the load left.
    private double Dispatch(PlannerPolicy planner, List<int> active, int s, int t, int until, double room, double load)
    {
        var jobs = workload.Jobs;
        var decision = planner.Dispatch(context, s, t, until, load - room, ledger.SiteJobs, ledger.Start, ledger.End, out var sites);
        foreach (var a in decision.Actions)
        {
            if (a.Kind == DispatchActionKind.PowerDownSite)
            {
                foreach (var k in active)
                {
                    if (ledger.RunsAt(k, s, t))
                    {
                        load -= ledger.Requeue(policy, k, s, t, until);
                    }
                }

                continue;
            }

            if (a.WorkloadId.Length < 2 || a.From.Value != world.Scenario.Sites[s].Id ||
                !int.TryParse(a.WorkloadId.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var j) ||
                (uint)j >= (uint)jobs.Count || !ledger.RunsAt(j, s, t))
            {
                continue;
            }

            var to = a.To is { } id ? decision.After.IndexOf(id) : -1;
            var left = ledger.End[j] - t;
            if (a.Kind is DispatchActionKind.CheckpointAndMove or DispatchActionKind.RestartElsewhere && to > 0 && !ledger.HasLaterPieces(j) &&
                planner.CanContinue(context, sites[to], t + 1, left, jobs.PowerMw[j]))
            {
                load -= jobs.PowerMw[j];
                ledger.Move(j, s, t, sites[to]);
            }
            else
            {
                load -= ledger.Requeue(policy, j, s, t, until);
            }
        }

        if (decision.Met && !decision.UsedFallback && load <= room + 1e-9)
        {
            Dispatched++;
        }
        else
        {
            ToFallback++;
        }

        return load;
    }
}
