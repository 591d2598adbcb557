namespace WattBit.Simulation.Policies;

/// <summary>
/// Hourly capacity caps in the style of Google's carbon-intelligent computing system (Radovanović et al. 2022): each
/// day every site gets a virtual capacity curve, its forecast inference load plus its average flexible load shaped
/// toward the day's low-score hours (as known: a day's curve is drawn again when its prices are published) with a 25 %
/// margin; flexible jobs stay at their home site and start at the first step
/// of their window where they fit under the curve, or at their latest start when they never fit. The curves know
/// nothing of grid limits. The average flexible load per site is taken from the generated workload (docs/decisions/0062).
/// </summary>
public sealed class CapacityCapsPolicy : SimulationPolicy
{
    private const double Margin = 1.25;
    private double[][] _cap = [];
    private double[] _flexMean = [];
    private double[] _weights = [];
    private int _perDay;
    private int _known;

    /// <inheritdoc/>
    public override void Initialise(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var world = context.World;
        var jobs = context.Workload.Jobs;
        var n = world.Steps;
        var sites = context.Pue.Length;
        _flexMean = new double[sites];
        for (var j = 0; j < jobs.Count; j++)
        {
            _flexMean[jobs.Home[j]] += jobs.PowerMw[j] * jobs.Duration[j];
        }

        _perDay = Math.Max(1, (int)Math.Round(24 / world.StepHours));
        _weights = new double[_perDay];
        _cap = new double[sites][];
        for (var s = 0; s < sites; s++)
        {
            _flexMean[s] /= n;
            _cap[s] = new double[n];
        }

        Curves(context, 0, n);
        _known = context.View.KnownThrough;
    }

    /// <inheritdoc/>
    public override void Order(PolicyContext context, Span<int> jobs)
    {
        // The curves of the days published since (decision 0220) are drawn again on their published scores.
        ArgumentNullException.ThrowIfNull(context);
        if (context.View.KnownThrough > _known)
        {
            Curves(context, _known, context.View.KnownThrough);
            _known = context.View.KnownThrough;
        }
    }

    // Every site's curve over the days of [from, to) (whole days from the period's start), on the score as known now.
    private void Curves(PolicyContext context, int from, int to)
    {
        var world = context.World;
        var n = world.Steps;
        var perDay = _perDay;
        var weights = _weights;
        for (var s = 0; s < _cap.Length; s++)
        {
            var cap = _cap[s];
            var forecast = context.Forecast[world.SiteArea[s]];
            var inference = context.Workload.InferenceMw[s];
            for (var day = from - (from % perDay); day < to; day += perDay)
            {
                var len = Math.Min(perDay, n - day);
                double max = double.NegativeInfinity, mean = 0;
                for (var i = 0; i < len; i++)
                {
                    max = Math.Max(max, forecast[day + i]);
                    mean += forecast[day + i] / len;
                }

                double sum = 0;
                for (var i = 0; i < len; i++)
                {
                    weights[i] = max - forecast[day + i] + (0.1 * Math.Abs(mean)) + 1e-9;
                    sum += weights[i];
                }

                for (var i = 0; i < len; i++)
                {
                    cap[day + i] = inference[day + i] + (_flexMean[s] * len * Margin * weights[i] / sum);
                }
            }
        }
    }

    /// <inheritdoc/>
    public override JobSlot Place(PolicyContext context, int job)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jobs = context.Workload.Jobs;
        var site = jobs.Home[job];
        var d = jobs.Duration[job];
        var p = jobs.PowerMw[job];
        var load = context.Load[site];
        var inference = context.Workload.InferenceMw[site];
        var cap = _cap[site];
        var last = jobs.LatestStart(job);
        for (var s = jobs.Release[job]; s <= last; s++)
        {
            var fits = true;
            for (var t = s; t < s + d; t++)
            {
                if (inference[t] + load[t] + p > cap[t] + 1e-9)
                {
                    fits = false;
                    break;
                }
            }

            if (fits)
            {
                return new(site, s);
            }
        }

        return new(site, last);
    }
}
