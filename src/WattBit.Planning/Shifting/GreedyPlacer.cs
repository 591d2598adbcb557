using WattBit.Workloads;

namespace WattBit.Planning.Shifting;

/// <summary>
/// A fast, always-feasible placement under capacity limits: jobs one by one (in two orders, the better kept), each at
/// its cheapest option that fits the capacity the earlier ones left. Used as the fallback and the incumbent of the joint MIP. Thread-safe (stateless).
/// </summary>
internal static class GreedyPlacer
{
    public static PlacementOption?[] Place(IReadOnlyList<BatchJob> jobs, PrefixIntegral[] integrals, int[][] allowed, double[] capacity,
        CancellationToken cancellationToken)
    {
        // Two orders, keep the better: biggest energy first, and least freedom first (fewest locations, then the
        // smallest slack relative to the duration). Neither dominates; together they serve more of tight instances.
        var bigFirst = Enumerable.Range(0, jobs.Count)
            .OrderByDescending(j => jobs[j].Energy.KilowattHours)
            .ThenBy(j => jobs[j].Slack)
            .ThenBy(j => j)
            .ToArray();
        var tightFirst = Enumerable.Range(0, jobs.Count)
            .OrderBy(j => allowed[j].Length)
            .ThenBy(j => jobs[j].Slack / jobs[j].Duration)
            .ThenByDescending(j => jobs[j].Energy.KilowattHours)
            .ThenBy(j => j)
            .ToArray();
        var a = Place(jobs, integrals, allowed, capacity, bigFirst, cancellationToken);
        var b = Place(jobs, integrals, allowed, capacity, tightFirst, cancellationToken);
        return Served(jobs, b) > Served(jobs, a) + 1e-9 ||
               (Math.Abs(Served(jobs, b) - Served(jobs, a)) <= 1e-9 && Score(b) < Score(a)) ? b : a;
    }

    private static double Served(IReadOnlyList<BatchJob> jobs, PlacementOption?[] options)
    {
        double total = 0;
        for (var j = 0; j < options.Length; j++)
        {
            total += options[j] is null ? 0 : jobs[j].Energy.KilowattHours;
        }

        return total;
    }

    private static double Score(PlacementOption?[] options)
    {
        double total = 0;
        foreach (var o in options)
        {
            total += o?.Score ?? 0;
        }

        return total;
    }

    private static PlacementOption?[] Place(IReadOnlyList<BatchJob> jobs, PrefixIntegral[] integrals, int[][] allowed, double[] capacity,
        int[] order, CancellationToken cancellationToken)
    {
        var residual = new double[integrals.Length][];
        for (var li = 0; li < integrals.Length; li++)
        {
            residual[li] = new double[integrals[li].Count];
            Array.Fill(residual[li], capacity[li]);
        }

        var result = new PlacementOption?[jobs.Count];
        foreach (var j in order)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var job = jobs[j];
            PlacementOption? best = null;
            foreach (var li in allowed[j])
            {
                var sig = integrals[li];
                PlacementOption? option;
                if (double.IsPositiveInfinity(capacity[li]))
                {
                    option = JobPlacer.Best(job, sig, li);
                }
                else if (job.Power.Kilowatts > capacity[li])
                {
                    option = null;
                }
                else
                {
                    option = job.Interruptible ? FillInterruptible(job, sig, li, residual[li]) : FitContiguous(job, sig, li, residual[li]);
                }

                if (option is { } o && (best is null || o.Score < best.Value.Score))
                {
                    best = o;
                }
            }

            if (best is { } chosen)
            {
                result[j] = chosen;
                if (!double.IsPositiveInfinity(capacity[chosen.Location]))
                {
                    foreach (var (step, fraction) in Shifter.Occupancy(integrals[chosen.Location], chosen.RunStarts, chosen.RunEnds))
                    {
                        residual[chosen.Location][step] -= job.Power.Kilowatts * fraction;
                    }
                }
            }
        }

        return result;
    }

    private static PlacementOption? FitContiguous(BatchJob job, PrefixIntegral sig, int location, double[] residual)
    {
        var kw = job.Power.Kilowatts;
        var dur = job.Duration.Ticks;
        PlacementOption? best = null;
        foreach (var s in JobPlacer.CandidateStarts(job, sig))
        {
            var fits = true;
            foreach (var (step, fraction) in Shifter.Occupancy(sig, [s], [s + dur]))
            {
                if (kw * fraction > residual[step] + 1e-9)
                {
                    fits = false;
                    break;
                }
            }

            var score = kw * sig.Over(s, s + dur);
            if (fits && (best is null || score < best.Value.Score))
            {
                best = new PlacementOption(location, [s], [s + dur], score);
            }
        }

        return best;
    }

    private static PlacementOption? FillInterruptible(BatchJob job, PrefixIntegral sig, int location, double[] residual)
    {
        long r = job.Release.UtcTicks, d = job.Deadline.UtcTicks;
        var first = (int)((r - sig.Start) / sig.Step);
        var last = (int)((d - 1 - sig.Start) / sig.Step);
        var n = last - first + 1;
        var order = Enumerable.Range(0, n).OrderBy(k => sig.Value(first + k)).ThenBy(k => k).ToArray();
        var take = new long[n];
        var segStart = new long[n];
        var segEnd = new long[n];
        for (var k = 0; k < n; k++)
        {
            segStart[k] = Math.Max(r, sig.Boundary(first + k));
            segEnd[k] = Math.Min(d, sig.Boundary(first + k + 1));
        }

        var remaining = job.Duration.Ticks;
        foreach (var k in order)
        {
            if (remaining == 0)
            {
                break;
            }

            // Average-power room in this step, as whole seconds of running at the job's power.
            var room = (long)Math.Floor(Math.Max(0, residual[first + k]) / job.Power.Kilowatts * sig.Step / TimeSpan.TicksPerSecond) * TimeSpan.TicksPerSecond;
            take[k] = Math.Min(Math.Min(segEnd[k] - segStart[k], room), remaining);
            remaining -= take[k];
        }

        if (remaining > 0)
        {
            return null;
        }

        return JobPlacer.FromPieces(job, sig, location, segStart, segEnd, take);
    }
}
