using WattBit.Data.Storage;
using WattBit.Server.Api;
using WattBit.Server.Orders;
using WattBit.Server.Plans;
using WattBit.Server.Signals;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Server.Connections;

/// <summary>A site's planned grid draw against its grid limit, per 30-min step (MW; a null limit = unknown there).</summary>
internal sealed record SitePowerResponse(string SiteId, string Operator, string Area, DateTimeOffset Start, int StepMinutes, double[] PlannedMw, double?[]? LimitMw);

/// <summary>
/// A site's planned power against its limit: the planned draw is the current plan's runs at the site (workload IT
/// power × PUE, weighted by how much of each step they cover); the limit is <see cref="SiteLimits"/>'s. Thread-safe
/// (stateless).
/// </summary>
internal sealed class SitePower(IWattBitStore store, PlanService plans, SiteLimits limits)
{
    /// <summary>The step of the answer: the plan's and the signals' 30 minutes.</summary>
    public static readonly TimeSpan Step = SignalCatalog.Step;

    public async Task<SitePowerResponse> ComputeAsync(Site site, TimeWindow window, CancellationToken ct)
    {
        var (op, id) = OperatorEndpoints.Split(site.Id.Value);
        var start = window.Start.ToUniversalTime();
        var n = (int)((window.End - window.Start).Ticks / Step.Ticks);
        var planned = new double[n];
        if (await plans.CurrentAsync(op, ct).ConfigureAwait(false) is { } plan)
        {
            var prefix = op + "/";
            var power = (await store.ListJobsAsync(window, ct).ConfigureAwait(false))
                .Where(j => j.Value.Id.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(j => j.Value.Id[prefix.Length..], j => site.GridDraw(j.Value.Power).Megawatts, StringComparer.Ordinal);
            foreach (var run in plan.Runs)
            {
                if (run.Site == id && power.TryGetValue(run.Workload, out var mw))
                {
                    Spread(planned, start, Step, run.Start, run.End, mw);
                }
            }
        }

        return new SitePowerResponse(id, op, site.Area.Code, start, (int)Step.TotalMinutes, planned, await limits.LimitsAsync(site, start, n, Step, ct).ConfigureAwait(false));
    }

    /// <summary>Adds <paramref name="mw"/> over [from, to) to steps of <paramref name="step"/> from <paramref name="start"/>, weighted by the part of each step covered.</summary>
    internal static void Spread(double[] steps, DateTimeOffset start, TimeSpan step, DateTimeOffset from, DateTimeOffset to, double mw)
    {
        var first = Math.Max(0, (int)Math.Floor((from - start) / step));
        var last = Math.Min(steps.Length, (int)Math.Ceiling((to - start) / step));
        for (var i = first; i < last; i++)
        {
            var s = start + (step * i);
            var e = s + step;
            var overlap = (to < e ? to : e) - (from > s ? from : s);
            if (overlap > TimeSpan.Zero)
            {
                steps[i] += mw * (overlap / step);
            }
        }
    }
}

/// <summary>
/// A site's grid limit per step: its connection (<see cref="GridConnection.LimitAt"/>: firm MW, the JST-hour profile, or
/// the node's published headroom, least value within the step) less the reduction of every curtailment order for the
/// site whose window [effectiveAt, expectedEndAt) touches the step, and at most the limit of any maintenance on the
/// site's node in the step, never below 0. Where a flexible connection's node has no headroom published the limit is
/// null, never a made-up value; a site without a connection has no limits (null). Thread-safe (stateless).
/// </summary>
internal sealed class SiteLimits(SignalCatalog catalog, OrderBook book, SiteGrids grids)
{
    /// <summary>The limit (MW) of <paramref name="n"/> steps of <paramref name="step"/> from <paramref name="start"/>; null without a connection.</summary>
    public async Task<double?[]?> LimitsAsync(Site site, DateTimeOffset start, int n, TimeSpan step, CancellationToken ct)
    {
        if (grids.Get(site.Id.Value) is not { } stated)
        {
            return null;
        }

        var (op, id) = OperatorEndpoints.Split(site.Id.Value);
        var end = start + (step * n);
        var headroom = stated.Kind == ConnectionKind.Flexible ? await HeadroomAsync(site, stated.Substation!, start, n, step, ct).ConfigureAwait(false) : null;
        var connection = headroom is null ? stated : stated.WithHeadroom(new QuantileSeries(headroom));
        var orders = book.Orders(o => o.Operator == op && o.SiteId == id && o.EffectiveAt < end && o.ExpectedEndAt > start);
        var maintenance = stated.Substation is { } node ? book.MaintenanceOf(site.Area.Code).Where(m => m.Node == node && m.Start < end && m.End > start).ToList() : [];
        var limit = new double?[n];
        for (var i = 0; i < n; i++)
        {
            if (headroom is not null && double.IsNaN(headroom[i]))
            {
                continue;
            }

            var from = start + (step * i);
            var to = from + step;
            var mw = LeastInStep(connection, from, step);
            foreach (var o in orders)
            {
                if (o.EffectiveAt < to && o.ExpectedEndAt > from)
                {
                    mw -= o.ReductionMw;
                }
            }

            foreach (var m in maintenance)
            {
                if (m.Start < to && m.End > from)
                {
                    mw = Math.Min(mw, m.LimitMw);
                }
            }

            limit[i] = Math.Max(0, mw);
        }

        return limit;
    }

    /// <summary>The connection's limit in a step: at its start, or the least over its half hours for a profile (which changes on the JST hour).</summary>
    private static double LeastInStep(GridConnection connection, DateTimeOffset from, TimeSpan step)
    {
        var least = connection.LimitAt(from, 0.5, includeN1: false, Jst.Offset).Megawatts;
        for (var t = from + SignalCatalog.Step; connection.Kind == ConnectionKind.ProvisionalProfile && t < from + step; t += SignalCatalog.Step)
        {
            least = Math.Min(least, connection.LimitAt(t, 0.5, includeN1: false, Jst.Offset).Megawatts);
        }

        return least;
    }

    /// <summary>The node's published headroom as steps of <paramref name="step"/> from <paramref name="start"/>: the least value within each step, NaN where none.</summary>
    private async Task<TimeSeries> HeadroomAsync(Site site, string node, DateTimeOffset start, int n, TimeSpan step, CancellationToken ct)
    {
        var values = new double[n];
        Array.Fill(values, double.NaN);
        var end = start + (step * n);
        if (await catalog.Published.InfoAsync(SignalEndpoints.HeadroomKey(site.Area, node), ct).ConfigureAwait(false) is { } info &&
            info.First < end && info.Window.End > start)
        {
            // Read on the series' own grid, covering the window.
            var own = info.Step;
            var from = info.First + (own * Math.Floor((start - info.First) / own));
            var to = info.First + (own * Math.Ceiling((end - info.First) / own));
            var series = await catalog.Published.ReadAsync(info.Key, new TimeWindow(from, to), ct).ConfigureAwait(false);
            for (var k = 0; series is not null && k < series.Count; k++)
            {
                var v = series[k];
                var s = series.TimeAt(k);
                if (double.IsNaN(v) || s + own <= start || s >= end)
                {
                    continue;
                }

                var first = Math.Max(0, (int)Math.Floor((s - start) / step));
                var last = Math.Min(n, (int)Math.Ceiling((s + own - start) / step));
                for (var i = first; i < last; i++)
                {
                    values[i] = double.IsNaN(values[i]) ? v : Math.Min(values[i], v);
                }
            }
        }

        return TimeSeries.Wrap(start, step, values, SeriesUnit.Megawatts, $"{site.Area.Code}:{node} headroom");
    }
}
