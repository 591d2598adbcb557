using WattBit.Simulation.Scenarios;

namespace WattBit.Simulation.Engine;

/// <summary>
/// The whole-run bound of the jobs' placement (decision 0223): a Lagrangian bound that keeps what the flow of decision 0182
/// relaxes for the jobs that do not checkpoint — such a job runs whole, from its start to its end without pause, at its full
/// power, at one site (one (area, PUE) group of a site whose own room holds its power at every step of the run) — and
/// relaxes instead the room of each (area, PUE) group and step (the flow's pooled room) with prices λ ≥ 0:
/// L(λ) = Σ_jobs min over (group g, start t) [value of the whole run at g from t + Σ_steps λ[g,k]·p·h] − Σ_{g,k} λ[g,k]·room[g,k]·h.
/// For every λ ≥ 0, L(λ) is at most the value of any placement that runs each such job whole within its window and keeps every
/// group's room (weak duality), so the best L seen is a valid lower bound however early the search stops. Checkpointing jobs
/// (decision 0187) are placed in pieces: their duration's cheapest steps of the window, each at the cheapest group whose site
/// holds them (restores not counted). A job that has no whole run in its window gets the flow's relaxation (its cheapest steps
/// at any group with room). λ is searched by projected subgradient steps from the flow's room prices (or zero); the step is
/// Polyak's towards a target a little above the best L (the target's margin halves after <see cref="Patience"/> steps without gain).
/// </summary>
public static class WholeRunBound
{
    /// <summary>Subgradient steps of a scenario run (every step's L is valid; the best is kept).</summary>
    public const int DefaultIterations = 60;

    /// <summary>Steps without a better L after which the target's margin halves.</summary>
    public const int Patience = 4;

    /// <summary>The first target margin over the best L, as a share of the best L.</summary>
    public const double FirstMargin = 0.01;

    /// <summary>
    /// Computes the whole-run bound. With <paramref name="startPrices"/> (the pooled flow's room duals,
    /// <see cref="ForesightBound.ComputeWithPrices"/>) the first L is at least the flow's bound up to its kWh rounding: at the
    /// flow's optimal duals a job's cheapest whole run costs at least its cheapest split placement, and the split Lagrangian at
    /// those duals equals the flow's optimum.
    /// </summary>
    /// <param name="world">The world (actual signals and limits).</param>
    /// <param name="workload">The workload (jobs and inference).</param>
    /// <param name="startPrices">λ to start from, per group (<see cref="ForesightBound.Groups"/>' order) and step, in the objective's unit per IT kWh; null for zero.</param>
    /// <param name="iterations">Subgradient steps (at least 1: the first evaluates the start).</param>
    /// <param name="time">The clock that times the search.</param>
    /// <param name="firstMargin">The first target margin over the best L, as a share of the best L (<see cref="FirstMargin"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one iteration, or a margin not above 0.</exception>
    /// <exception cref="ArgumentException">Start prices not shaped per group and step, or negative.</exception>
    public static ForesightBound Compute(SimulationWorld world, SimulatedWorkload workload, double[][]? startPrices = null, int iterations = DefaultIterations,
        TimeProvider? time = null, double firstMargin = FirstMargin)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(firstMargin);
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        var objective = world.Scenario.Objective;
        var actual = objective == SimulationObjective.Cost ? world.Price : world.CarbonLifecycle;
        var groups = ForesightBound.Groups(world);
        var systemOfArea = ForesightBound.SystemOf(world);
        var n = world.Steps;
        var h = world.StepHours;
        var jobs = workload.Jobs;
        var count = groups.Length;

        // Per group and step: pooled room, the largest one site's room, the value per IT MWh-step (actual × PUE).
        var room = new double[count][];
        var siteRoom = new double[count][];
        var value = new double[count][];
        var lambda = new double[count][];
        var prefix = new double[count][];
        var use = new double[count][];
        double dearest = 0;
        for (var g = 0; g < count; g++)
        {
            room[g] = new double[n];
            siteRoom[g] = new double[n];
            value[g] = new double[n];
            lambda[g] = new double[n];
            prefix[g] = new double[n + 1];
            use[g] = new double[n];
            var series = actual[groups[g].Area];
            for (var t = 0; t < n; t++)
            {
                foreach (var s in groups[g].Sites)
                {
                    var r = ForesightBound.SiteRoom(world, workload, s, t);
                    room[g][t] += r;
                    siteRoom[g][t] = Math.Max(siteRoom[g][t], r);
                }

                value[g][t] = series[t] * groups[g].Pue;
                dearest = Math.Max(dearest, Math.Abs(value[g][t]));
            }

            if (startPrices is not null)
            {
                if (startPrices.Length != count || startPrices[g].Length != n)
                {
                    throw new ArgumentException($"start prices must be given for {count} groups × {n} steps.", nameof(startPrices));
                }

                for (var t = 0; t < n; t++)
                {
                    if (!(startPrices[g][t] >= 0))
                    {
                        throw new ArgumentException($"start price of group {g} at step {t} is {startPrices[g][t]}; prices are ≥ 0.", nameof(startPrices));
                    }

                    lambda[g][t] = room[g][t] > 0 ? startPrices[g][t] : 0;
                }
            }
        }

        // The groups each system's jobs may use.
        var systemGroups = new int[world.AreaCodes.Count][];
        for (var a = 0; a < systemGroups.Length; a++)
        {
            systemGroups[a] = [.. Enumerable.Range(0, count).Where(g => systemOfArea[groups[g].Area] == systemOfArea[a])];
        }

        // A job may also be left out at ten times the dearest value of any step: the bound is then one on (value + that price ×
        // energy left out), which is the value itself for every placement that places all the jobs, and L stays finite where
        // prices would otherwise climb without end (room that cannot hold every whole run).
        var leaveOut = 10 * Math.Max(dearest, 1e-9);
        var longest = 0;
        for (var j = 0; j < jobs.Count; j++)
        {
            longest = Math.Max(longest, Math.Min(n, jobs.Deadline[j]) - Math.Max(0, jobs.Release[j]));
        }

        var stepCost = new double[Math.Max(1, longest)];
        var stepAt = new int[Math.Max(1, longest)];
        var energyMwh = 0.0;
        for (var j = 0; j < jobs.Count; j++)
        {
            energyMwh += jobs.PowerMw[j] * jobs.Duration[j] * h;
        }

        var best = double.NegativeInfinity;
        var bestIteration = 0;
        var areaMwh = new double[world.AreaCodes.Count];
        double unplacedMwh = 0, leftOutMwh = 0;
        int noWholeRun = 0, inPieces = 0;
        var margin = firstMargin;
        var sinceGain = 0;
        var done = 0;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            done++;
            for (var g = 0; g < count; g++)
            {
                var p = prefix[g];
                var v = value[g];
                var l = lambda[g];
                for (var t = 0; t < n; t++)
                {
                    p[t + 1] = p[t] + v[t] + l[t];
                }

                Array.Clear(use[g]);
            }

            double inner = 0, unplaced = 0, leftOut = 0;
            var wholeless = 0;
            var pieces = 0;
            for (var j = 0; j < jobs.Count; j++)
            {
                var power = jobs.PowerMw[j];
                var duration = jobs.Duration[j];
                var first = Math.Max(0, jobs.Release[j]);
                var end = Math.Min(n, jobs.Deadline[j]);
                var eligible = systemGroups[world.SiteArea[jobs.Home[j]]];
                var full = power * duration * h;
                if (!jobs.Checkpoints[j])
                {
                    var cheapest = double.PositiveInfinity;
                    int bestGroup = -1, bestStart = -1;
                    foreach (var g in eligible)
                    {
                        var p = prefix[g];
                        var holds = siteRoom[g];
                        var blocked = first - 1;
                        for (var k = first; k < end; k++)
                        {
                            if (holds[k] < power - 1e-9)
                            {
                                blocked = k;
                            }

                            var t = k - duration + 1;
                            if (t >= first && blocked < t)
                            {
                                var c = p[k + 1] - p[t];
                                if (c < cheapest)
                                {
                                    (cheapest, bestGroup, bestStart) = (c, g, t);
                                }
                            }
                        }
                    }

                    if (bestGroup >= 0)
                    {
                        if (cheapest * power * h >= leaveOut * full)
                        {
                            inner += leaveOut * full;
                            leftOut += full;
                        }
                        else
                        {
                            inner += cheapest * power * h;
                            var u = use[bestGroup];
                            for (var k = bestStart; k < bestStart + duration; k++)
                            {
                                u[k] += power;
                            }
                        }

                        continue;
                    }

                    wholeless++;
                }
                else
                {
                    pieces++;
                }

                // In pieces: each step's cheapest group (a site holding the job for a checkpointing job; any room for a job
                // with no whole run, as in the flow), then the duration's cheapest steps.
                var m = 0;
                for (var k = first; k < end; k++)
                {
                    var c = double.PositiveInfinity;
                    var at = -1;
                    foreach (var g in eligible)
                    {
                        var fits = jobs.Checkpoints[j] ? siteRoom[g][k] >= power - 1e-9 : room[g][k] > 0;
                        if (fits && value[g][k] + lambda[g][k] < c)
                        {
                            (c, at) = (value[g][k] + lambda[g][k], g);
                        }
                    }

                    if (at >= 0)
                    {
                        (stepCost[m], stepAt[m]) = (c, (k * count) + at);
                        m++;
                    }
                }

                Array.Sort(stepCost, stepAt, 0, m);
                var taken = Math.Min(m, duration);
                unplaced += (duration - taken) * power * h;
                double sum = 0;
                for (var i = 0; i < taken; i++)
                {
                    sum += stepCost[i];
                }

                if (taken > 0 && sum * power * h >= leaveOut * taken * power * h)
                {
                    inner += leaveOut * taken * power * h;
                    leftOut += taken * power * h;
                    continue;
                }

                inner += sum * power * h;
                for (var i = 0; i < taken; i++)
                {
                    use[stepAt[i] % count][stepAt[i] / count] += power;
                }
            }

            // L = inner − Σ λ·room·h; the subgradient (use − room)·h, projected on λ ≥ 0.
            double priced = 0, norm = 0;
            for (var g = 0; g < count; g++)
            {
                for (var t = 0; t < n; t++)
                {
                    priced += lambda[g][t] * room[g][t] * h;
                    var s = (use[g][t] - room[g][t]) * h;
                    if (lambda[g][t] > 0 || s > 0)
                    {
                        norm += s * s;
                    }
                }
            }

            var bound = inner - priced;
            if (iteration == 0)
            {
                (unplacedMwh, noWholeRun, inPieces) = (unplaced, wholeless, pieces);
            }

            if (bound > best)
            {
                sinceGain = 0;
                (best, bestIteration, leftOutMwh) = (bound, iteration, leftOut);
                Array.Clear(areaMwh);
                for (var g = 0; g < count; g++)
                {
                    double sumUse = 0;
                    foreach (var u in use[g])
                    {
                        sumUse += u;
                    }

                    areaMwh[groups[g].Area] += sumUse * h;
                }
            }
            else if (++sinceGain >= Patience)
            {
                sinceGain = 0;
                margin /= 2;
            }

            if (norm <= 0)
            {
                // No room exceeded and no priced room left unused: L here equals the value of a placement that keeps every room.
                break;
            }

            var step = ((best + (margin * Math.Max(Math.Abs(best), 1e-9))) - bound) / norm;
            for (var g = 0; g < count; g++)
            {
                for (var t = 0; t < n; t++)
                {
                    lambda[g][t] = room[g][t] > 0 ? Math.Max(0, lambda[g][t] + (step * (use[g][t] - room[g][t]) * h)) : 0;
                }
            }
        }

        var scale = objective == SimulationObjective.Cost ? 1000 : 1 / 1000.0;
        var atRelease = ForesightBound.AtRelease(world, workload);
        return new ForesightBound(objective, best * scale, energyMwh, unplacedMwh, 0, atRelease, areaMwh)
        {
            WholeRun = new WholeRunSearch(done, bestIteration, startPrices is not null, inPieces, noWholeRun, leftOutMwh),
            Elapsed = time.GetElapsedTime(started),
        };
    }
}
