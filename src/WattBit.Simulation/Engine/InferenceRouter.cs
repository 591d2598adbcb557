namespace WattBit.Simulation.Engine;

/// <summary>
/// Serves each site's inference demand at one step: a policy that honours limits serves it within the site's room left
/// by its jobs and moves what does not fit to sites within <c>inference_reach_km</c>, nearest first; what finds no room
/// is not served (an SLO miss); with inter-area ties modelled it moves only within its area. A policy that ignores limits serves all of it where it arises. Stateless between steps.
/// </summary>
internal sealed class InferenceRouter(SimulationWorld world, SimulatedWorkload workload, double[] pue, double[] itMw, int[][] reach, bool honoursLimits)
{
    private readonly double[] _excess = new double[pue.Length];

    /// <summary>Fills <paramref name="served"/> with the inference each site runs at step <paramref name="t"/>, MW, and books what is not served.</summary>
    public void Serve(int t, double[] running, double[] served, PolicyAccounts accounts)
    {
        var demand = workload.InferenceMw;
        var count = served.Length;
        if (!honoursLimits)
        {
            for (var s = 0; s < count; s++)
            {
                served[s] = demand[s][t];
            }

            return;
        }

        var excess = _excess;
        for (var s = 0; s < count; s++)
        {
            var room = Math.Max(0, Room(s, t) - running[s]);
            served[s] = Math.Min(demand[s][t], room);
            excess[s] = demand[s][t] - served[s];
        }

        for (var s = 0; s < count; s++)
        {
            if (excess[s] <= 1e-12)
            {
                continue;
            }

            foreach (var q in reach[s])
            {
                // With ties modelled, inference stays in its area: its routes are not planned a day ahead.
                if (world.Ties is not null && world.SiteArea[q] != world.SiteArea[s])
                {
                    continue;
                }

                var room = Room(q, t) - running[q] - served[q];
                if (room <= 1e-12)
                {
                    continue;
                }

                var move = Math.Min(room, excess[s]);
                served[q] += move;
                excess[s] -= move;
                if (excess[s] <= 1e-12)
                {
                    break;
                }
            }

            if (excess[s] > 1e-12)
            {
                accounts.InferenceMissed(excess[s]);
            }
        }
    }

    // IT power a site may run at step t without exceeding its grid limit or IT capacity, MW.
    private double Room(int s, int t) => Math.Min(world.LimitMw[s][t] / pue[s], itMw[s]);
}
