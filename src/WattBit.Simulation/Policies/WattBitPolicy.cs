namespace WattBit.Simulation.Policies;

/// <summary>
/// The WattBit policy: shifting in time and across sites that honours every site's grid limit at every step. Each day
/// the jobs released that day are placed least-slack first; a job goes to the (area, start) pair with the lowest forecast
/// score over its run at the lowest-PUE site of that area whose remaining room — the smaller of grid limit ÷ PUE and IT
/// capacity, less the inference forecast (yesterday's same step, +5 %) and the load already committed — holds the job at
/// every step of the run. When nothing fits before the deadline the earliest fit in the following 48 hours is taken
/// (late work); otherwise the job is not run (unserved). The dispatcher then serves inference within the limits, moving
/// what does not fit to sites within reach, so no site exceeds its limit (docs/decisions/0063).
/// </summary>
public sealed class WattBitPolicy : SimulationPolicy
{
    private double[][] _room = [];
    private double[] _keys = [];
    private long[] _candidates = [];
    private int _lateSteps;

    /// <inheritdoc/>
    public override bool HonoursLimits => true;

    /// <summary>Planned IT room of every site [site][step], MW: grid limit ÷ PUE and IT capacity, less the inference forecast.</summary>
    internal double[][] Room => _room;

    /// <inheritdoc/>
    public override void Initialise(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var world = context.World;
        var n = world.Steps;
        var perDay = Math.Max(1, (int)Math.Round(24 / world.StepHours));
        _lateSteps = 2 * perDay;
        _room = new double[context.Pue.Length][];
        for (var s = 0; s < _room.Length; s++)
        {
            var limit = world.PlannedLimitMw[s];
            var inference = context.Workload.InferenceMw[s];
            var room = new double[n];
            for (var t = 0; t < n; t++)
            {
                var forecast = inference[t >= perDay ? t - perDay : t] * 1.05;
                room[t] = Math.Min(limit[t] / context.Pue[s], context.ItMw[s]) - forecast;
            }

            _room[s] = room;
        }
    }

    /// <inheritdoc/>
    public override void Order(PolicyContext context, Span<int> jobs)
    {
        ArgumentNullException.ThrowIfNull(context);
        var set = context.Workload.Jobs;
        jobs.Sort((a, b) =>
        {
            var c = (set.LatestStart(a) - set.Release[a]).CompareTo(set.LatestStart(b) - set.Release[b]);
            if (c != 0)
            {
                return c;
            }

            c = set.PowerMw[b].CompareTo(set.PowerMw[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
    }

    /// <inheritdoc/>
    public override JobSlot Place(PolicyContext context, int job)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jobs = context.Workload.Jobs;
        return Search(context, job, context.EarliestStart(job), jobs.Duration[job], jobs.LatestStart(job), -1, 0, context.SitesByArea, null, late: true);
    }

    /// <inheritdoc/>
    public override JobSlot Resume(PolicyContext context, int job, int earliest, int steps, int avoidSite, int avoidUntil)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jobs = context.Workload.Jobs;
        return Search(context, job, earliest, steps, jobs.Deadline[job] - steps, avoidSite, avoidUntil, context.SitesByArea, null, late: true);
    }

    /// <summary>
    /// The best (area, start) in [<paramref name="r"/>, <paramref name="last"/>] by forecast score at the first site of
    /// <paramref name="sitesByArea"/> (per area, lowest PUE first) whose room holds the job, else (when
    /// <paramref name="late"/>) the earliest fit in the 48 h after last at a site <paramref name="allowed"/> (all when
    /// null), else unserved; never at <paramref name="avoidSite"/> before <paramref name="avoidUntil"/>; away from the
    /// job's home area only where the ties on the way hold it. The market policy searches one operator's sites with it; the
    /// planner policy passes <paramref name="prefix"/>, prefix sums [area][step + 1] of the forecast plus its day flow's room
    /// prices (decision 0230), to rank the (area, start) pairs by instead of the forecast alone.
    /// </summary>
    internal JobSlot Search(PolicyContext context, int job, int r, int d, int last, int avoidSite, int avoidUntil, int[][] sitesByArea, bool[]? allowed, bool late,
        double[][]? prefix = null)
    {
        var p = context.Workload.Jobs.PowerMw[job];
        var home = context.World.SiteArea[context.Workload.Jobs.Home[job]];
        var starts = Math.Max(0, Math.Min(last, context.World.Steps - d) - r + 1);
        var areas = sitesByArea.Length;
        var needed = starts * areas;
        if (_keys.Length < needed)
        {
            _keys = new double[needed];
            _candidates = new long[needed];
        }

        var count = 0;
        for (var a = 0; a < areas; a++)
        {
            if (sitesByArea[a].Length == 0)
            {
                continue;
            }

            for (var s = r; s < r + starts; s++)
            {
                _keys[count] = prefix is null ? context.WindowScore(a, s, d) : prefix[a][s + d] - prefix[a][s];
                _candidates[count] = ((long)s << 8) | (uint)a;
                count++;
            }
        }

        Array.Sort(_keys, _candidates, 0, count);
        for (var c = 0; c < count; c++)
        {
            var a = (int)(_candidates[c] & 0xff);
            var s = (int)(_candidates[c] >> 8);
            foreach (var site in sitesByArea[a])
            {
                if ((site != avoidSite || s >= avoidUntil) && Fits(context, site, s, d, p) && context.TieFits(home, a, s, d, p * context.Pue[site]))
                {
                    return new(site, s);
                }
            }
        }

        if (!late)
        {
            return JobSlot.Unserved;
        }

        var end = Math.Min(context.World.Steps - d, last + _lateSteps);
        for (var s = Math.Max(r, last + 1); s <= end; s++)
        {
            for (var site = 0; site < _room.Length; site++)
            {
                if ((allowed is null || allowed[site]) && (site != avoidSite || s >= avoidUntil) && Fits(context, site, s, d, p)
                    && context.TieFits(home, context.World.SiteArea[site], s, d, p * context.Pue[site]))
                {
                    return new(site, s);
                }
            }
        }

        return JobSlot.Unserved;
    }

    /// <summary>Whether a job of <paramref name="power"/> MW fits at <paramref name="site"/> for <paramref name="duration"/> steps from <paramref name="start"/> under the planned room.</summary>
    internal bool Fits(PolicyContext context, int site, int start, int duration, double power)
    {
        var room = _room[site];
        var load = context.Load[site];
        for (var t = start; t < start + duration; t++)
        {
            if (load[t] + power > room[t] + 1e-9)
            {
                return false;
            }
        }

        return true;
    }
}
