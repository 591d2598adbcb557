using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Planning.Shifting;

/// <summary>
/// Carbon- and cost-aware shifting of jobs in time and across locations (the <c>wattbit shift</c> job). Without
/// capacity limits each job is placed independently at its exact optimum (see <see cref="JobPlacer"/>); with limits, the
/// independent optimum is returned when it already respects them (it is then provably optimal), otherwise the jobs are
/// placed jointly by a MIP (<see cref="CapacityPlacer"/>). Thread-safe (stateless).
/// </summary>
public static class Shifter
{
    /// <summary>Places every job of <paramref name="request"/>.</summary>
    /// <param name="request">Jobs, signal, objective and optional limits.</param>
    /// <param name="progress">Receives the number of jobs placed so far (optional).</param>
    /// <param name="cancellationToken">Stops the placement.</param>
    /// <exception cref="JobValidationException">A job names a location the signal lacks, its window is not covered by the signal, or the signal is missing values in it.</exception>
    /// <exception cref="ArgumentException">A capacity names a location the signal lacks or is not positive.</exception>
    public static ShiftResult Shift(ShiftRequest request, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signal = request.Signal;
        var integrals = signal.Locations.Select(l => new PrefixIntegral(signal[l])).ToArray();
        var locationIndex = signal.Locations.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var allowed = Validate(request, integrals, locationIndex);

        var capacity = new double[signal.Locations.Count];
        Array.Fill(capacity, double.PositiveInfinity);
        foreach (var (location, limit) in request.Capacity)
        {
            if (!locationIndex.TryGetValue(location, out var li))
            {
                throw new ArgumentException($"Capacity given for location '{location}', which the signal does not have (known: {string.Join(", ", signal.Locations)}).");
            }

            if (limit <= Power.Zero)
            {
                throw new ArgumentException($"Capacity of location '{location}' must be positive (got {limit}).");
            }

            capacity[li] = limit.Kilowatts;
        }

        var jobs = request.Jobs;
        var best = new PlacementOption[jobs.Count];
        var report = Math.Max(1, jobs.Count / 100);
        for (var j = 0; j < jobs.Count; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            PlacementOption? choice = null;
            foreach (var li in allowed[j])
            {
                var option = JobPlacer.Best(jobs[j], integrals[li], li);
                if (choice is null || option.Score < choice.Value.Score - (1e-12 * Math.Max(1, Math.Abs(choice.Value.Score))))
                {
                    choice = option;
                }
            }

            best[j] = choice!.Value;
            if ((j + 1) % report == 0 || j + 1 == jobs.Count)
            {
                progress?.Report(j + 1);
            }
        }

        var limited = request.Capacity.Count > 0;
        if (!limited || Respects(best, jobs, integrals, capacity))
        {
            return Result(request, integrals, allowed, best.Select(b => (PlacementOption?)b).ToArray(), [],
                OptimalityStatus.ProvenOptimal, 0, limited ? "independent exact (limits not binding)" : "independent exact");
        }

        var joint = CapacityPlacer.Solve(jobs, integrals, allowed, best, capacity, signal.Locations, request.TimeLimit, request.NodeLimit, request.Solver, cancellationToken);
        return Result(request, integrals, allowed, joint.Options, joint.Unplaced, joint.Status, joint.Gap, joint.Method);
    }

    private static int[][] Validate(ShiftRequest request, PrefixIntegral[] integrals, Dictionary<string, int> locationIndex)
    {
        var signal = request.Signal;
        var window = signal.Window;
        var allowed = new int[request.Jobs.Count][];
        var everywhere = Enumerable.Range(0, signal.Locations.Count).ToArray();
        for (var j = 0; j < request.Jobs.Count; j++)
        {
            var job = request.Jobs[j];
            if (job.Locations.Count == 0)
            {
                allowed[j] = everywhere;
            }
            else
            {
                allowed[j] = new int[job.Locations.Count];
                for (var k = 0; k < job.Locations.Count; k++)
                {
                    if (!locationIndex.TryGetValue(job.Locations[k], out allowed[j][k]))
                    {
                        throw new JobValidationException(j, "locations",
                            $"job '{job.Id}': unknown location '{job.Locations[k]}' (the signal has: {string.Join(", ", signal.Locations)}).");
                    }
                }
            }

            if (job.Release < window.Start)
            {
                throw new JobValidationException(j, "release",
                    $"job '{job.Id}': release {Formats.Iso8601.Format(job.Release)} is before the signal starts ({Formats.Iso8601.Format(window.Start)}).");
            }

            if (job.Deadline > window.End)
            {
                throw new JobValidationException(j, "deadline",
                    $"job '{job.Id}': deadline {Formats.Iso8601.Format(job.Deadline)} is after the signal ends ({Formats.Iso8601.Format(window.End)}).");
            }

            foreach (var li in allowed[j])
            {
                if (integrals[li].HasMissing(job.Release.UtcTicks, job.Deadline.UtcTicks))
                {
                    throw new JobValidationException(j, "locations",
                        $"job '{job.Id}': the signal has missing values for '{signal.Locations[li]}' inside the job's window {job.Window}; fill them or narrow the window.");
                }
            }
        }

        return allowed;
    }

    /// <summary>True when the step-average power at every limited location stays within its limit.</summary>
    internal static bool Respects(IReadOnlyList<PlacementOption> options, IReadOnlyList<BatchJob> jobs, PrefixIntegral[] integrals, double[] capacity)
    {
        var load = new Dictionary<(int Location, int Step), double>();
        for (var j = 0; j < options.Count; j++)
        {
            var o = options[j];
            if (double.IsPositiveInfinity(capacity[o.Location]))
            {
                continue;
            }

            if (jobs[j].Power.Kilowatts > capacity[o.Location] * (1 + 1e-12))
            {
                return false;
            }

            var sig = integrals[o.Location];
            foreach (var (step, fraction) in Occupancy(sig, o.RunStarts, o.RunEnds))
            {
                var key = (o.Location, step);
                load[key] = load.GetValueOrDefault(key) + (jobs[j].Power.Kilowatts * fraction);
            }
        }

        foreach (var ((location, _), kw) in load)
        {
            if (kw > capacity[location] * (1 + 1e-9))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The share of each signal step that a set of runs occupies.</summary>
    internal static IEnumerable<(int Step, double Fraction)> Occupancy(PrefixIntegral sig, long[] starts, long[] ends)
    {
        for (var r = 0; r < starts.Length; r++)
        {
            var first = (int)((starts[r] - sig.Start) / sig.Step);
            var last = (int)((ends[r] - 1 - sig.Start) / sig.Step);
            for (var i = first; i <= last; i++)
            {
                var lo = Math.Max(starts[r], sig.Boundary(i));
                var hi = Math.Min(ends[r], sig.Boundary(i + 1));
                yield return (i, (double)(hi - lo) / sig.Step);
            }
        }
    }

    private static ShiftResult Result(ShiftRequest request, PrefixIntegral[] integrals, int[][] allowed, PlacementOption?[] options,
        IReadOnlyList<UnplacedJob> unplaced, OptimalityStatus status, double gap, string method)
    {
        var jobs = request.Jobs;
        var locations = request.Signal.Locations;
        var placements = new List<Placement>(jobs.Count);
        double baseScore = 0, shiftedScore = 0;
        var energy = Energy.Zero;
        for (var j = 0; j < jobs.Count; j++)
        {
            if (options[j] is not { } o)
            {
                continue;
            }

            var job = jobs[j];
            var offset = job.Release.Offset;
            var runs = new TimeWindow[o.RunStarts.Length];
            for (var r = 0; r < runs.Length; r++)
            {
                runs[r] = new TimeWindow(new DateTimeOffset(o.RunStarts[r], TimeSpan.Zero).ToOffset(offset),
                    new DateTimeOffset(o.RunEnds[r], TimeSpan.Zero).ToOffset(offset));
            }

            var first = integrals[allowed[j][0]];
            var jobBaseline = job.Power.Kilowatts * first.Over(job.Release.UtcTicks, job.Release.UtcTicks + job.Duration.Ticks);
            placements.Add(new Placement(job.Id, locations[o.Location], runs, o.Score, locations[allowed[j][0]], jobBaseline));
            shiftedScore += o.Score;
            baseScore += jobBaseline;
            energy += job.Energy;
        }

        return new ShiftResult(request.Objective, placements, unplaced,
            new ShiftTotals(energy, baseScore, placements.Count), new ShiftTotals(energy, shiftedScore, placements.Count), status, gap, method);
    }
}
