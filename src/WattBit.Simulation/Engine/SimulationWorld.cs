using WattBit.Areas;
using WattBit.Headroom;
using WattBit.Signals;
using WattBit.Simulation.Scenarios;
using WattBit.Sites;
using WattBit.Time;

namespace WattBit.Simulation.Engine;

/// <summary>
/// Everything a simulation runs on, as plain arrays over the period's steps: per area the actual carbon intensity
/// (direct and lifecycle, gCO2/kWh), price (JPY/kWh) and curtailed renewable power (MW); per site its grid limit (MW at
/// the grid, from the planner's <see cref="GridConnection"/> model). Immutable after construction; shared by all policies.
/// </summary>
public sealed class SimulationWorld
{
    private SimulationWorld(SimulationScenario scenario, string[] areaCodes, int[] siteArea, double[][] carbonLifecycle, double[][] carbonDirect,
        double[][] price, double[][] curtailedMw, double[][] limitMw, double[][] plannedLimitMw, GridConnection[] connections, IReadOnlyList<SeriesSource> sources)
    {
        Sources = sources;
        PlannedLimitMw = plannedLimitMw;
        Scenario = scenario;
        AreaCodes = areaCodes;
        SiteArea = siteArea;
        CarbonLifecycle = carbonLifecycle;
        CarbonDirect = carbonDirect;
        Price = price;
        CurtailedMw = curtailedMw;
        LimitMw = limitMw;
        Connections = connections;
    }

    /// <summary>The scenario.</summary>
    public SimulationScenario Scenario { get; }

    /// <summary>Number of steps.</summary>
    public int Steps => Scenario.Steps;

    /// <summary>Hours per step (0.5 or 1).</summary>
    public double StepHours => Scenario.Step.TotalHours;

    /// <summary>The ten area codes, in <see cref="JapanAreas.All"/> order; area indices refer to this list.</summary>
    public IReadOnlyList<string> AreaCodes { get; }

    /// <summary>Area index of every site.</summary>
    public IReadOnlyList<int> SiteArea { get; }

    /// <summary>Lifecycle carbon intensity [area][step], gCO2/kWh.</summary>
    public IReadOnlyList<double[]> CarbonLifecycle { get; }

    /// <summary>Direct (combustion) carbon intensity [area][step], gCO2/kWh.</summary>
    public IReadOnlyList<double[]> CarbonDirect { get; }

    /// <summary>Day-ahead price [area][step], JPY/kWh.</summary>
    public IReadOnlyList<double[]> Price { get; }

    /// <summary>Curtailed solar and wind [area][step], MW (average over the step).</summary>
    public IReadOnlyList<double[]> CurtailedMw { get; }

    /// <summary>Actual grid limit of every site [site][step], MW at the grid, after every grid event.</summary>
    public IReadOnlyList<double[]> LimitMw { get; }

    /// <summary>The limit the policies know in advance [site][step], MW: the connection with planned maintenance only.</summary>
    public IReadOnlyList<double[]> PlannedLimitMw { get; }

    /// <summary>Where each area's carbon, curtailment, price and grid-limit series come from (real data or the synthetic reference year).</summary>
    public IReadOnlyList<SeriesSource> Sources { get; }

    /// <summary>Whether any series of the period comes from real data.</summary>
    public bool UsesRealData => Sources.Any(x => x.RealSteps > 0);

    /// <summary>The grid connection of every site, in the planner's model.</summary>
    public IReadOnlyList<GridConnection> Connections { get; }

    /// <summary>Start of step <paramref name="t"/>.</summary>
    /// <param name="t">Step index.</param>
    public DateTimeOffset TimeAt(int t) => Scenario.Start + (Scenario.Step * t);

    /// <summary>
    /// The substation of every site when limits come from the headroom layer (<see cref="GridSpec.Layer"/>), else empty.
    /// </summary>
    public IReadOnlyList<string> SiteSubstation { get; private init; } = [];

    /// <summary>
    /// Where the headroom layer sets a site's planned limit: the index into <see cref="LineNames"/> of the line limiting
    /// its substation in that step [site][step], −1 where the connection's own MW is the limit; empty without a layer.
    /// </summary>
    public IReadOnlyList<int[]> LimitLine { get; private init; } = [];

    /// <summary>Names of the lines that limit the layer's headroom (OCCTO line and circuit for the Japan backbone).</summary>
    public IReadOnlyList<string> LineNames { get; private init; } = [];

    /// <summary>What the limits come from, for the report (for example "headroom layer japan-backbone, ...").</summary>
    public string LimitsSource { get; private init; } = "connection model on each area's net load (decision 0061)";

    /// <summary>The inter-area ties moved load must fit, or null when moves between areas are not limited.</summary>
    public TieRoutes? Ties { get; private init; }

    /// <summary>
    /// Builds the world of <paramref name="scenario"/> on the signals the host composed (WattBit.Data's
    /// <c>SignalYears.Compose</c>: the reference year with real series laid over it) and the grid it composed: site
    /// limits from its headroom layer and moves between areas within its ties, when the scenario's <c>grid</c> section
    /// asks for them.
    /// </summary>
    /// <param name="scenario">The scenario (validated).</param>
    /// <param name="signals">Every area's signals over the scenario's period and step.</param>
    /// <param name="grid">The layer and ties (null: none).</param>
    /// <exception cref="ArgumentException">The signals are for another period, step or set of areas; the scenario asks for a layer or ties the grid does not have; a site has no substation within reach or the layer no data for the period.</exception>
    public static SimulationWorld Build(SimulationScenario scenario, SignalYear signals, SimulationGrid? grid = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(signals);
        grid ??= SimulationGrid.None;
        if (scenario.Grid is { Layer: true } && grid.Layer is null)
        {
            throw new ArgumentException($"{scenario.Name}: grid.limits: layer needs the headroom layer, which the host composes (wattbit simulate does).");
        }

        if (scenario.Grid is { Ties: true } && grid.Ties.Count == 0)
        {
            throw new ArgumentException($"{scenario.Name}: grid.ties needs the inter-area ties, which the host composes (wattbit simulate does).");
        }

        var period = new TimeWindow(scenario.Start, scenario.End);
        var codes = JapanAreas.All.Select(a => a.Code).ToArray();
        if (signals.Period != period || signals.Step != scenario.Step || !signals.Areas.Select(x => x.Area).SequenceEqual(codes))
        {
            throw new ArgumentException($"{scenario.Name}: the signals are for {signals.Period} at {signals.Step} over {string.Join(",", signals.Areas.Select(x => x.Area))}; " +
                $"the scenario needs {period} at {scenario.Step} over {string.Join(",", codes)}.", nameof(signals));
        }

        var carbonLife = signals.Areas.Select(x => x.CarbonLifecycle).ToArray();
        var carbonDirect = signals.Areas.Select(x => x.CarbonDirect).ToArray();
        var price = signals.Areas.Select(x => x.Price).ToArray();
        var curtailed = signals.Areas.Select(x => x.CurtailedMw).ToArray();
        var headroomShape = signals.Areas.Select(x => HeadroomShape(x.Demand, x.Solar, x.Wind).Resample(scenario.Step)).ToArray();
        var sources = signals.Sources;
        var siteArea = new int[scenario.Sites.Count];
        var limits = new double[scenario.Sites.Count][];
        var planned = new double[scenario.Sites.Count][];
        var connections = new GridConnection[scenario.Sites.Count];
        var layered = scenario.Grid is { Layer: true } ? LayerLimits.Build(scenario, grid.Layer!) : default;
        for (var s = 0; s < scenario.Sites.Count; s++)
        {
            var site = scenario.Sites[s];
            siteArea[s] = Array.IndexOf(codes, site.Area.Code);
            double[] limit;
            if (layered.Limits is { } fromLayer)
            {
                connections[s] = layered.Connections[s];
                limit = fromLayer[s];
            }
            else
            {
                connections[s] = Connection(site, headroomShape[siteArea[s]]);
                limit = new double[scenario.Steps];
                for (var t = 0; t < limit.Length; t++)
                {
                    limit[t] = connections[s].LimitAt(scenario.Start + (scenario.Step * t), 0.5, includeN1: false, Jst.Offset).Megawatts;
                }
            }

            planned[s] = limit;
            limits[s] = ApplyEvents(scenario, s, limit);
        }

        var layerInfo = layered.Limits is not null ? grid.Layer!.Info : null;
        var limitSource = layerInfo is null ? "connection model on the area's net load (decision 0061) and the contracts the scenario types"
            : $"headroom layer {layerInfo.Model} ({(layerInfo.Synthetic ? "synthetic model" : "grid operator's model")}, {layerInfo.Profile}) and the contracts the scenario types";
        sources = [.. sources.Select(x => x.Series == "grid limits" ? x with { Source = limitSource, Origin = LimitOrigin(scenario, x.Area, layerInfo) } : x)];

        return new SimulationWorld(scenario, codes, siteArea, carbonLife, carbonDirect, price, curtailed, limits, planned, connections, sources)
        {
            SiteSubstation = layered.Substations ?? [],
            LimitLine = layered.Lines ?? [],
            LineNames = layered.LineNames ?? [],
            LimitsSource = layered.Limits is null ? "connection model on each area's net load (decision 0061)"
                : $"headroom layer {grid.Layer!.Info.Model} at each site's substation ({grid.Layer.Info.Profile})",
            Ties = scenario.Grid is { Ties: true } ? new TieRoutes(grid.Ties, codes, scenario.Grid.TieShare) : null,
        };
    }

    /// <summary>
    /// A floor under each site's grid draw [site][step], MW, set by demand response for a request to raise consumption
    /// (上げDR, decision 0196); empty when there is none. Where a site that honours limits would draw less, the engine
    /// starts work placed later at that site (already released, fitting its limits) early, then charges its battery
    /// (<see cref="BatteryBank.Raise"/>); neither ever goes above the site's limit.
    /// </summary>
    public IReadOnlyList<double[]> MinimumDrawMw { get; private init; } = [];

    /// <summary>
    /// The same world for another list of policies with other actual limits (a demand-response run cuts committed sites'
    /// limits in the windows; decision 0147) and, for up requests, a floor under the draw (decision 0196). The planned
    /// limits, signals and grid are shared.
    /// </summary>
    /// <param name="scenario">The scenario (the same but for its policies).</param>
    /// <param name="limits">Actual grid limit of every site [site][step], MW.</param>
    /// <param name="minimumDraw">Floor under every site's draw [site][step], MW, or null for none.</param>
    internal SimulationWorld WithActualLimits(SimulationScenario scenario, double[][] limits, double[][]? minimumDraw = null) =>
        new(scenario, [.. AreaCodes], [.. SiteArea], [.. CarbonLifecycle], [.. CarbonDirect], [.. Price], [.. CurtailedMw], limits, [.. PlannedLimitMw], [.. Connections], Sources)
        {
            SiteSubstation = SiteSubstation,
            LimitLine = LimitLine,
            LineNames = LineNames,
            LimitsSource = LimitsSource,
            Ties = Ties,
            MinimumDrawMw = minimumDraw ?? [],
        };

    /// <summary>
    /// Where an area's site limits come from, counted by site: <c>scenario-typed</c> (a firm contract, or a provisional
    /// profile the scenario writes out; under a layer the room it adds is on top), <c>Japan model layer</c> (a synthetic
    /// layer such as the Japan backbone) or <c>TSO upload</c> (a grid operator's own layer) for the other non-firm sites,
    /// and <c>synthetic</c> (the connection model on the area's net load) without a layer.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="area">Area code.</param>
    /// <param name="layer">The layer's description, or null when limits come from the connection model.</param>
    public static string LimitOrigin(SimulationScenario scenario, string area, HeadroomLayerInfo? layer)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var model = layer is null ? "synthetic" : layer.Synthetic ? "Japan model layer" : "TSO upload";
        var counts = scenario.Sites.Where(x => x.Area.Code == area)
            .GroupBy(x => x.Connection.Kind == ConnectionKind.Firm || (x.Connection.Kind == ConnectionKind.ProvisionalProfile && x.Connection.Profile is not null) ? "scenario-typed" : model)
            .OrderBy(g => g.Key == "scenario-typed" ? 1 : 0)
            .Select(g => FormattableString.Invariant($"{g.Key} {g.Count()} site{(g.Count() == 1 ? "" : "s")}"))
            .ToList();
        return counts.Count == 0 ? "no sites" : string.Join(", ", counts);
    }

    /// <summary>
    /// The share (0.3-1) of a flexible connection's peak that is free at each step, from an area's demand, solar and wind
    /// series (MW, aligned): a substation's free capacity falls as the area's net load (demand less solar and wind)
    /// rises, so the limit is 30 % of the peak at the year's highest net load and the whole peak at its lowest
    /// (docs/decisions/0061).
    /// </summary>
    /// <param name="demand">Area demand, MW.</param>
    /// <param name="solar">Solar output, MW.</param>
    /// <param name="wind">Wind output, MW.</param>
    /// <exception cref="SeriesAlignmentException">The series are not aligned.</exception>
    public static TimeSeries HeadroomShape(TimeSeries demand, TimeSeries solar, TimeSeries wind)
    {
        ArgumentNullException.ThrowIfNull(demand);
        var net = demand.Zip(solar, (d, s) => d - s).Zip(wind, (d, w) => d - w);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in net.Values)
        {
            if (double.IsNaN(v))
            {
                continue;
            }

            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }

        var span = Math.Max(1e-9, hi - lo);
        return net.Map(v => 0.3 + (0.7 * (hi - v) / span), SeriesUnit.PerUnit);
    }

    /// <summary>The provisional profile of a flexible connection: for each JST hour, the lowest limit over the whole year.</summary>
    /// <param name="shape">The headroom share series (from <see cref="HeadroomShape(TimeSeries, TimeSeries, TimeSeries)"/>).</param>
    /// <param name="peakMw">The flexible connection's peak, MW.</param>
    public static double[] ProvisionalProfile(TimeSeries shape, double peakMw)
    {
        ArgumentNullException.ThrowIfNull(shape);
        // The one provisional profile (WattBit.Headroom); an hour of day without data sets no limit.
        return [.. WattBit.Headroom.ProvisionalProfile.Of(shape).N0Mw.Select(v => double.IsNaN(v) ? double.PositiveInfinity : v * peakMw)];
    }

    // Cuts the planned limit in place for maintenance and returns a copy cut further by faults and blackouts.
    private static double[] ApplyEvents(SimulationScenario scenario, int siteIndex, double[] planned)
    {
        var site = scenario.Sites[siteIndex];
        var actual = planned;
        var n = planned.Length;
        var e = 0;
        foreach (var ev in scenario.GridEvents)
        {
            e++;
            if ((ev.Area is not null && ev.Area != site.Area.Code) || (ev.SiteId is not null && ev.SiteId != site.Id))
            {
                continue;
            }

            if (ev.Kind == GridEventKind.Maintenance)
            {
                Cut(planned, Index(scenario, ev.Start), Index(scenario, ev.End), ev.LimitShare);
                continue;
            }

            if (ReferenceEquals(actual, planned))
            {
                actual = (double[])planned.Clone();
            }

            if (ev.Kind == GridEventKind.Blackout)
            {
                Cut(actual, Index(scenario, ev.Start), Index(scenario, ev.End), 0);
                continue;
            }

            // Faults: a Poisson number over the period, uniform start, fixed length; seeded per site and event.
            var rng = new Random(unchecked((scenario.Seed * 1_000_003) + (siteIndex * 131) + e));
            var mean = ev.RatePerYear * (scenario.End - scenario.Start).TotalDays / 365.0;
            var length = Math.Max(1, (int)Math.Round(ev.Hours / scenario.Step.TotalHours));
            var limit = Math.Exp(-mean);
            var p = rng.NextDouble();
            while (p > limit)
            {
                var from = rng.Next(n);
                Cut(actual, from, Math.Min(n, from + length), ev.LimitShare);
                p *= rng.NextDouble();
            }
        }

        // Maintenance also lowers the actual limit (it is the same array until a fault or blackout copied it).
        if (!ReferenceEquals(actual, planned))
        {
            for (var t = 0; t < n; t++)
            {
                actual[t] = Math.Min(actual[t], planned[t]);
            }
        }

        return actual;
    }

    private static int Index(SimulationScenario scenario, DateTimeOffset instant) =>
        (int)Math.Clamp((instant - scenario.Start).Ticks / scenario.Step.Ticks, 0, scenario.Steps);

    private static void Cut(double[] limit, int from, int to, double share)
    {
        for (var t = from; t < to; t++)
        {
            limit[t] *= share;
        }
    }

    // The scenario's connection resolved on the area's headroom shape: a provisional one without a typed profile takes the
    // shape's, a flexible one follows the shape scaled to its MW.
    private static GridConnection Connection(SiteSpec site, TimeSeries shape) => site.Connection switch
    {
        { IsResolved: true } resolved => resolved,
        { Kind: ConnectionKind.ProvisionalProfile } stated => stated.WithProfile(ProvisionalProfile(shape, site.ConnectionMw)),
        var stated => stated.WithHeadroom(new QuantileSeries(shape.Map(v => v * site.ConnectionMw, SeriesUnit.Megawatts))),
    };

}
