using WattBit.Workloads;

namespace WattBit.Planning.Shifting;

/// <summary>One way to run a job at one location: its run intervals (UTC ticks) and its score (signal x kWh).</summary>
internal readonly record struct PlacementOption(int Location, long[] RunStarts, long[] RunEnds, double Score);

/// <summary>
/// Exact placement of a single job at a single location against a piecewise-constant signal.
/// Non-interruptible: the cost of a start s is P·(F(s+D) − F(s)), piecewise linear in s with breakpoints where s or s+D
/// meets a step boundary, so its minimum over [release, deadline − D] lies at one of those breakpoints or an end: all
/// of them are evaluated. Interruptible: filling D hours from the window's step pieces at least total cost is a
/// fractional knapsack, solved exactly by taking the cheapest pieces first (the last one partly).
/// Ties go to the earliest start. Thread-safe (stateless).
/// </summary>
internal static class JobPlacer
{
    private const double RelativeTolerance = 1e-12;

    public static PlacementOption Best(BatchJob job, PrefixIntegral signal, int location) =>
        job.Interruptible ? BestInterruptible(job, signal, location) : BestContiguous(job, signal, location);

    /// <summary>Every candidate start of a non-interruptible job (ascending, distinct) that can be optimal.</summary>
    public static List<long> CandidateStarts(BatchJob job, PrefixIntegral signal)
    {
        long r = job.Release.UtcTicks, d = job.Deadline.UtcTicks, dur = job.Duration.Ticks, last = d - dur;
        var starts = new List<long> { r };
        for (var i = signal.BoundaryAfter(r); signal.Boundary(i) < last; i++)
        {
            starts.Add(signal.Boundary(i));
        }

        var ends = new List<long>();
        for (var i = signal.BoundaryAfter(r + dur); signal.Boundary(i) - dur < last; i++)
        {
            ends.Add(signal.Boundary(i) - dur);
        }

        if (last > r)
        {
            ends.Add(last);
        }

        // Merge two ascending lists without duplicates.
        var merged = new List<long>(starts.Count + ends.Count);
        int a = 0, b = 0;
        while (a < starts.Count || b < ends.Count)
        {
            var next = b >= ends.Count || (a < starts.Count && starts[a] <= ends[b]) ? starts[a++] : ends[b++];
            if (merged.Count == 0 || merged[^1] != next)
            {
                merged.Add(next);
            }
        }

        return merged;
    }

    private static PlacementOption BestContiguous(BatchJob job, PrefixIntegral signal, int location)
    {
        long r = job.Release.UtcTicks, d = job.Deadline.UtcTicks, dur = job.Duration.Ticks, last = d - dur;
        var kw = job.Power.Kilowatts;
        var bestStart = r;
        var best = kw * signal.Over(r, r + dur);

        void Consider(long s)
        {
            var score = kw * signal.Over(s, s + dur);
            if (score < best - (RelativeTolerance * Math.Max(1, Math.Abs(best))) ||
                (score <= best + (RelativeTolerance * Math.Max(1, Math.Abs(best))) && s < bestStart))
            {
                best = score;
                bestStart = s;
            }
        }

        for (var i = signal.BoundaryAfter(r); signal.Boundary(i) < last; i++)
        {
            Consider(signal.Boundary(i));
        }

        for (var i = signal.BoundaryAfter(r + dur); signal.Boundary(i) - dur < last; i++)
        {
            Consider(signal.Boundary(i) - dur);
        }

        Consider(last);
        return new PlacementOption(location, [bestStart], [bestStart + dur], best);
    }

    private static PlacementOption BestInterruptible(BatchJob job, PrefixIntegral signal, int location)
    {
        long r = job.Release.UtcTicks, d = job.Deadline.UtcTicks;
        var first = (int)((r - signal.Start) / signal.Step);
        var last = (int)((d - 1 - signal.Start) / signal.Step);
        var n = last - first + 1;
        // Windows of a few days fit on the stack; this runs once per job and location.
        Span<long> segStart = n <= 256 ? stackalloc long[n] : new long[n];
        Span<long> segEnd = n <= 256 ? stackalloc long[n] : new long[n];
        Span<long> take = n <= 256 ? stackalloc long[n] : new long[n];
        Span<double> rate = n <= 256 ? stackalloc double[n] : new double[n];
        Span<int> order = n <= 256 ? stackalloc int[n] : new int[n];
        for (var k = 0; k < n; k++)
        {
            var i = first + k;
            segStart[k] = Math.Max(r, signal.Boundary(i));
            segEnd[k] = Math.Min(d, signal.Boundary(i + 1));
            rate[k] = signal.Value(i);
            order[k] = k;
        }

        // Cheapest first (a primitive key sort), then equal rates put back in time order so ties go to the earliest.
        rate.Sort(order);
        for (int lo = 0, hi; lo < n; lo = hi)
        {
            for (hi = lo + 1; hi < n && rate[hi] == rate[lo]; hi++)
            {
            }

            if (hi - lo > 1)
            {
                order[lo..hi].Sort();
            }
        }

        var remaining = job.Duration.Ticks;
        for (var o = 0; o < n && remaining > 0; o++)
        {
            var k = order[o];
            take[k] = Math.Min(segEnd[k] - segStart[k], remaining);
            remaining -= take[k];
        }

        return FromPieces(job, signal, location, segStart, segEnd, take);
    }

    /// <summary>
    /// Turns the time taken from each piece of a window (pieces in time order) into runs and their score. A partial
    /// piece is put next to a taken neighbour (at its end when only the next piece is taken) so the job is interrupted
    /// as little as possible; touching pieces become one run.
    /// </summary>
    public static PlacementOption FromPieces(BatchJob job, PrefixIntegral signal, int location, ReadOnlySpan<long> segStart, ReadOnlySpan<long> segEnd, ReadOnlySpan<long> take)
    {
        var n = take.Length;
        double score = 0;
        var runStarts = new List<long>();
        var runEnds = new List<long>();
        for (var k = 0; k < n; k++)
        {
            if (take[k] == 0)
            {
                continue;
            }

            long s = segStart[k], e = segEnd[k];
            if (take[k] < e - s)
            {
                var nextTaken = k + 1 < n && take[k + 1] > 0;
                var prevTaken = k > 0 && take[k - 1] > 0;
                if (nextTaken && !prevTaken)
                {
                    s = e - take[k];
                }
                else
                {
                    e = s + take[k];
                }
            }

            score += signal.Over(s, e);
            if (runEnds.Count > 0 && runEnds[^1] == s)
            {
                runEnds[^1] = e;
            }
            else
            {
                runStarts.Add(s);
                runEnds.Add(e);
            }
        }

        return new PlacementOption(location, [.. runStarts], [.. runEnds], score * job.Power.Kilowatts);
    }

}
