using WattBit.Simulation.Scenarios;
using WattBit.Time;
using WattBit.Workloads;

namespace WattBit.Simulation.Engine;

/// <summary>A generated workload: deferrable jobs and the inference demand of every site.</summary>
/// <param name="Jobs">The deferrable jobs.</param>
/// <param name="InferenceMw">Inference IT demand [site][step], MW.</param>
public sealed record SimulatedWorkload(JobSet Jobs, double[][] InferenceMw)
{
    /// <summary>Total IT energy asked for (jobs and inference), MWh.</summary>
    /// <param name="stepHours">Hours per step.</param>
    public double TotalItMwh(double stepHours)
    {
        double e = 0;
        for (var j = 0; j < Jobs.Count; j++)
        {
            e += Jobs.PowerMw[j] * Jobs.Duration[j] * stepHours;
        }

        foreach (var site in InferenceMw)
        {
            foreach (var v in site)
            {
                e += v * stepHours;
            }
        }

        return e;
    }
}

/// <summary>
/// Generates a scenario's workload, deterministic for the scenario's seed. The product ships only small calibrated
/// statistics, never the traces: batch run times follow the quantiles of the Azure job trace (GAIA azure-100k, 99,988
/// jobs), arrivals are uniform over the period (that trace's hour-of-day arrival histogram is flat within ±15 %),
/// training runs 1-7 days, backup 1-4 h, and inference follows a diurnal shape with autocorrelated noise. Every class is
/// scaled so its energy is its share of the target fleet load; a job's power is at most half its home site's IT
/// capacity. Stateless and thread-safe.
/// </summary>
public static class WorkloadGenerator
{
    /// <summary>Run-time quantiles (hours) of the Azure job trace at 0, 10, ..., 90, 95, 99, 100 %.</summary>
    internal static readonly double[] BatchHoursQuantiles = [0.167, 0.167, 0.25, 0.333, 0.417, 0.583, 0.833, 1.5, 3.583, 11.333, 20.0, 50.333, 71.917];

    private static readonly double[] s_quantileLevels = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1];

    // Inference load relative to its daily mean by JST hour (low at night, evening peak).
    private static readonly double[] s_inferenceShape =
        [0.72, 0.66, 0.62, 0.6, 0.6, 0.64, 0.74, 0.88, 1.02, 1.1, 1.14, 1.16, 1.14, 1.16, 1.18, 1.18, 1.16, 1.16, 1.2, 1.26, 1.28, 1.22, 1.06, 0.88];

    /// <summary>Generates the workload of <paramref name="scenario"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    public static SimulatedWorkload Generate(SimulationScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var w = scenario.Workload;
        var n = scenario.Steps;
        var stepHours = scenario.Step.TotalHours;
        var sites = scenario.Sites;
        var rng = new Random(unchecked((scenario.Seed * 7919) + 17));
        var capacity = sites.Select(s => s.ItMw).ToArray();
        var cumulative = new double[capacity.Length];
        var total = 0.0;
        for (var s = 0; s < capacity.Length; s++)
        {
            total += capacity[s];
            cumulative[s] = total;
        }

        var shareSum = w.Inference + w.Batch + w.Training + w.Backup;
        var periodHours = n * stepHours;

        // Inference: each site's share in proportion to IT capacity, diurnal shape, ±5 % autocorrelated noise.
        var inference = new double[sites.Count][];
        var inferenceMean = w.TargetMw * w.Inference / shareSum;
        for (var s = 0; s < sites.Count; s++)
        {
            var mean = inferenceMean * capacity[s] / total;
            var series = new double[n];
            double e = 0;
            for (var t = 0; t < n; t++)
            {
                e = (0.9 * e) + (0.02 * ((rng.NextDouble() * 2) - 1));
                var hour = (scenario.Start + (scenario.Step * t)).ToOffset(Jst.Offset).Hour;
                series[t] = mean * s_inferenceShape[hour] * (1 + e);
            }

            inference[s] = series;
        }

        // Deferrable jobs: count per class from its energy share and mean job energy (or the requested total).
        var classes = new (WorkloadKind Class, double Share, double MeanMwh, double SlackHours)[]
        {
            (WorkloadKind.Batch, w.Batch / shareSum, 0.1 * MeanBatchHours(), w.BatchSlackHours),
            (WorkloadKind.Training, w.Training / shareSum, 0.5 * 96, w.TrainingSlackHours),
            (WorkloadKind.Backup, w.Backup / shareSum, 0.15 * 2.5, 12),
        };
        var counts = new int[classes.Length];
        var weights = classes.Select(c => c.Share * w.TargetMw * periodHours / c.MeanMwh).ToArray();
        var weightSum = weights.Sum();
        for (var c = 0; c < classes.Length; c++)
        {
            counts[c] = classes[c].Share <= 0 ? 0
                : w.Jobs > 0 ? (int)Math.Round(w.Jobs * weights[c] / weightSum)
                : Math.Max(1, (int)Math.Round(weights[c]));
        }

        var jobs = new JobSet(counts.Sum());
        var k = 0;
        for (var c = 0; c < classes.Length; c++)
        {
            var first = k;
            double energy = 0;
            for (var i = 0; i < counts[c]; i++, k++)
            {
                var hours = classes[c].Class switch
                {
                    WorkloadKind.Batch => BatchHours(rng.NextDouble()),
                    WorkloadKind.Training => 24 + (rng.NextDouble() * 144),
                    _ => 1 + (rng.NextDouble() * 3),
                };
                var duration = Math.Clamp((int)Math.Ceiling((hours / stepHours) - 1e-9), 1, Math.Max(1, n / 2));
                var home = Array.BinarySearch(cumulative, rng.NextDouble() * total);
                home = home < 0 ? ~home : home;
                jobs.Duration[k] = duration;
                jobs.Home[k] = Math.Min(home, sites.Count - 1);
                jobs.Kind[k] = classes[c].Class;
                jobs.Checkpoints[k] = w.Checkpoints(classes[c].Class);

                // Log-uniform power over a decade; rescaled below.
                jobs.PowerMw[k] = Math.Exp(Math.Log(0.1) + (rng.NextDouble() * Math.Log(10)));
                energy += jobs.PowerMw[k] * duration * stepHours;
            }

            // Scale to the class's energy; a job above half its home site's IT capacity runs longer at that power instead
            // (same energy). Then draw its release so that its whole window lies in the period.
            var scale = energy > 0 ? classes[c].Share * w.TargetMw * periodHours / energy : 0;
            var slack = (int)Math.Round(classes[c].SlackHours / stepHours);
            for (var j = first; j < k; j++)
            {
                var power = jobs.PowerMw[j] * scale;
                var cap = 0.5 * capacity[jobs.Home[j]];
                if (power > cap)
                {
                    var itMwSteps = jobs.Duration[j] * power;
                    jobs.Duration[j] = Math.Min(Math.Max(1, n / 2), (int)Math.Ceiling((itMwSteps / cap) - 1e-9));
                    power = Math.Min(capacity[jobs.Home[j]], itMwSteps / jobs.Duration[j]);
                }

                jobs.PowerMw[j] = power;
                var latestRelease = Math.Max(0, n - jobs.Duration[j] - slack);
                jobs.Release[j] = rng.Next(latestRelease + 1);
                jobs.Deadline[j] = Math.Min(n, jobs.Release[j] + jobs.Duration[j] + slack);
            }
        }

        return new SimulatedWorkload(jobs, inference);
    }

    private static double BatchHours(double u)
    {
        var i = Array.BinarySearch(s_quantileLevels, u);
        if (i >= 0)
        {
            return BatchHoursQuantiles[i];
        }

        i = ~i;
        var f = (u - s_quantileLevels[i - 1]) / (s_quantileLevels[i] - s_quantileLevels[i - 1]);
        return BatchHoursQuantiles[i - 1] + (f * (BatchHoursQuantiles[i] - BatchHoursQuantiles[i - 1]));
    }

    private static double MeanBatchHours()
    {
        double sum = 0;
        const int n = 1000;
        for (var i = 0; i < n; i++)
        {
            sum += BatchHours((i + 0.5) / n);
        }

        return sum / n;
    }
}
