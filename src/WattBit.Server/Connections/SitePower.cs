using WattBit.Data.Storage;
using WattBit.Headroom;
using WattBit.Server.Api;
using WattBit.Server.Grid;
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
internal sealed class SiteLimits(SignalCatalog catalog, OrderBook book, SiteGrids grids, HeadroomLayerHost layers)
{
    /// <summary>The quantile level a plan's hourly caps record: the planner's at its default confidence 0.9 (P10).</summary>
    public const double PlannedLevel = 0.1;

    /// <summary>
    /// What the operator's plans plan on (decision 0139), hourly from <paramref name="start"/>: for a flexible connection
    /// whose node is a substation of the headroom layer, the forecasting engine's P10/P50/P90 of its secure headroom
    /// (<see cref="HeadroomLayerHost.ForecastAsync"/>, the history of the 28 days before <paramref name="start"/>; the
    /// quantiles <c>wattbit plan</c> reads, decision 0168), except in hours where the grid operator published headroom for
    /// the node, which is the limit then; each quantile less the curtailment orders and capped by maintenance as
    /// <see cref="LimitsAsync"/> does. Any other connection: <see cref="LimitsAsync"/>'s hours as a central series. NaN
    /// where nothing is known; null without a connection.
    /// </summary>
    public async Task<QuantileSeries?> PlanningAsync(Site site, DateTimeOffset start, int hours, CancellationToken ct)
    {
        var step = TimeSpan.FromHours(1);
        if (await grids.GetAsync(site.Id.Value, ct).ConfigureAwait(false) is not { } stated)
        {
            return null;
        }

        if (stated.Kind != ConnectionKind.Flexible || await ForecastAsync(site, stated.Substation!, start, hours, ct).ConfigureAwait(false) is not { } forecast)
        {
            var hourly = await LimitsAsync(site, start, hours, step, ct).ConfigureAwait(false);
            return new QuantileSeries(TimeSeries.Wrap(start, step, [.. hourly!.Select(v => v ?? double.NaN)], SeriesUnit.Megawatts, $"{site.Id.Value} limit"));
        }

        var published = await HeadroomAsync(site, stated.Substation!, start, hours, step, ct).ConfigureAwait(false);
        var (orders, maintenance) = await ConstraintsAsync(site, stated, start, start + (step * hours)).ConfigureAwait(false);
        var levels = new[] { forecast.P10, forecast.P50, forecast.P90 }.Select(q => Enumerable.Range(0, hours).Select(i =>
        {
            var raw = double.IsNaN(published[i]) ? q[i] : published[i];
            return double.IsNaN(raw) ? double.NaN : Constrain(raw, start + (step * i), step, orders, maintenance);
        }).ToArray()).ToArray();
        var name = $"{site.Id.Value} headroom forecast";
        return new QuantileSeries(TimeSeries.Wrap(start, step, levels[1], SeriesUnit.Megawatts, name + " P50"),
        [
            new(0.1, TimeSeries.Wrap(start, step, levels[0], SeriesUnit.Megawatts, name + " P10")),
            new(0.5, TimeSeries.Wrap(start, step, levels[1], SeriesUnit.Megawatts, name + " P50")),
            new(0.9, TimeSeries.Wrap(start, step, levels[2], SeriesUnit.Megawatts, name + " P90")),
        ]);
    }

    /// <summary>The layer's forecast quantiles of the node's substation, hourly; null where the node is no substation of the backbone's layer.</summary>
    private async Task<(double[] P10, double[] P50, double[] P90)?> ForecastAsync(Site site, string node, DateTimeOffset start, int hours, CancellationToken ct)
    {
        if (await layers.SubstationOfNodeAsync(site.Area, node, ct).ConfigureAwait(false) is not { } id ||
            await layers.ForecastAsync(id, start, ct).ConfigureAwait(false) is not { } answer)
        {
            return null;
        }

        return HeadroomForecasts.Hourly(answer.Forecast, id, start, hours);
    }

    private async Task<(List<BookedOrder> Orders, List<Maintenance> Maintenance)> ConstraintsAsync(Site site, GridConnection stated, DateTimeOffset start, DateTimeOffset end)
    {
        var (op, id) = OperatorEndpoints.Split(site.Id.Value);
        var orders = await book.OrdersAsync(o => o.Operator == op && o.SiteId == id && o.EffectiveAt < end && o.ExpectedEndAt > start).ConfigureAwait(false);
        var maintenance = stated.Substation is { } node
            ? (await book.MaintenanceOfAsync(site.Area.Code).ConfigureAwait(false)).Where(m => m.Node == node && m.Start < end && m.End > start).ToList()
            : [];
        return (orders, maintenance);
    }

    /// <summary>A limit of <paramref name="mw"/> in a step less the reductions of the orders touching it, at most any maintenance limit in it, never below 0.</summary>
    internal static double Constrain(double mw, DateTimeOffset from, TimeSpan step, IEnumerable<BookedOrder> orders, IEnumerable<Maintenance> maintenance)
    {
        var to = from + step;
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

        return Math.Max(0, mw);
    }

    /// <summary>The limit (MW) of <paramref name="n"/> steps of <paramref name="step"/> from <paramref name="start"/>; null without a connection.</summary>
    public async Task<double?[]?> LimitsAsync(Site site, DateTimeOffset start, int n, TimeSpan step, CancellationToken ct)
    {
        if (await grids.GetAsync(site.Id.Value, ct).ConfigureAwait(false) is not { } stated)
        {
            return null;
        }

        var end = start + (step * n);
        var headroom = stated.Kind == ConnectionKind.Flexible ? await HeadroomAsync(site, stated.Substation!, start, n, step, ct).ConfigureAwait(false) : null;
        var connection = headroom is null ? stated : stated.WithHeadroom(new QuantileSeries(headroom));
        var (orders, maintenance) = await ConstraintsAsync(site, stated, start, end).ConfigureAwait(false);
        var limit = new double?[n];
        for (var i = 0; i < n; i++)
        {
            if (headroom is not null && double.IsNaN(headroom[i]))
            {
                continue;
            }

            var from = start + (step * i);
            limit[i] = Constrain(LeastInStep(connection, from, step), from, step, orders, maintenance);
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
