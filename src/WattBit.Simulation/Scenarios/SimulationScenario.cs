using WattBit.Areas;
using WattBit.Planning.Model;
using WattBit.Simulation.DemandResponse;
using WattBit.Sites;
using WattBit.Workloads;

namespace WattBit.Simulation.Scenarios;

/// <summary>A policy the simulator can compare.</summary>
public enum PolicyKind
{
    /// <summary>No shifting: every job runs at its home site as soon as it is released.</summary>
    Baseline,

    /// <summary>Time-only shifting within each job's window at its home site (Let's-Wait-Awhile style).</summary>
    TimeShift,

    /// <summary>Each movable job starts at release at the site whose area has the lowest forecast score over its run.</summary>
    GreenestSite,

    /// <summary>Hourly virtual capacity caps per site shaped by the forecast (Google CICS style), time-only.</summary>
    CapacityCaps,

    /// <summary>Shifting in time and space that honours every site's grid limit at every step (the WattBit policy).</summary>
    WattBit,

    /// <summary>
    /// The WattBit day-ahead plan: every site packed each day, largest energy first (docs/decisions/0172), honouring every
    /// site's grid limit like <see cref="WattBit"/>; curtailment orders go to the planner's real-time dispatcher.
    /// </summary>
    WattBitPlanner,

    /// <summary>
    /// Every operator shifts its own work like <see cref="WattBit"/>, but only within its own fleet (the sites the
    /// scenario gives it); the reference the <see cref="Market"/> policy is compared with (docs/decisions/0135).
    /// </summary>
    OperatorsAlone,

    /// <summary>
    /// Operators plan their own fleets as in <see cref="OperatorsAlone"/>, then trade hour by hour: another operator's
    /// spare room (left after its own work) runs a job where that beats the job's own placement, within every site's
    /// grid limit and the ties, settled per operator (docs/decisions/0135).
    /// </summary>
    Market,
}

/// <summary>What the shifting policies minimise.</summary>
public enum SimulationObjective
{
    /// <summary>Lifecycle emissions (gCO2/kWh of the area).</summary>
    Carbon,

    /// <summary>Energy cost (JPY/kWh day-ahead price of the area).</summary>
    Cost,
}

/// <summary>One data-centre site of a scenario.</summary>
/// <param name="Id">Unique id.</param>
/// <param name="Area">Its grid area.</param>
/// <param name="Location">Where it is.</param>
/// <param name="ItMw">IT capacity, MW.</param>
/// <param name="Pue">Power usage effectiveness (grid draw = IT load × PUE), ≥ 1.</param>
/// <param name="Connection">
/// Its grid connection as the scenario states it (the Core <see cref="GridConnection"/>): firm at its MW; provisional with
/// its typed 24 JST-hour profile or up to its MW with the profile derived from the headroom; flexible up to its MW. Its
/// <see cref="GridConnection.Peak"/> is the scenario's <c>mw</c>; the world resolves it on the area's headroom shape or the
/// headroom layer (<see cref="Engine.SimulationWorld"/>), and its <see cref="GridConnection.Substation"/> is the site's.
/// </param>
/// <param name="Line">Line of the scenario file that defined it (0 when built in code).</param>
/// <param name="Battery">The site's battery in the planner's model (energy, power, efficiencies, SoC limits), or none.</param>
/// <param name="Operator">The operator that owns the site and the workload submitted at it (<see cref="DefaultOperator"/> unless the scenario names one).</param>
public sealed record SiteSpec(string Id, GridArea Area, GeoPoint Location, double ItMw, double Pue, GridConnection Connection, int Line = 0, Battery? Battery = null,
    string Operator = SiteSpec.DefaultOperator)
{
    /// <summary>
    /// The substation of the headroom layer the site connects at (for example "TK:上尾"), its connection's, or null for
    /// the nearest one (used when the scenario's <see cref="GridSpec.Layer"/> is on).
    /// </summary>
    public string? Substation => Connection.Substation;

    /// <summary>The MW the site's connection was stated with (a scenario's connection always states one).</summary>
    public double ConnectionMw => Connection.Peak?.Megawatts ?? 0;

    /// <summary>The operator of a site whose scenario names none: one operator owns the whole fleet.</summary>
    public const string DefaultOperator = "default";
}

/// <summary>Where a scenario's grid comes from (its <c>grid</c> section); the host composes the layer and the ties.</summary>
/// <param name="Layer">Whether every site's limit comes from the headroom layer at its substation (else from the connection model on the area's net load).</param>
/// <param name="MaxKm">The farthest a site may be from the substation taken for it when it names none, km.</param>
/// <param name="Ties">Whether load moved between areas must fit the inter-area ties hour by hour.</param>
/// <param name="TieShare">Share of each tie's capacity that moved load may use (the ties' own flows are not modelled), 0-1.</param>
/// <param name="Line">Line of the scenario file's <c>grid</c> section (0 when built in code).</param>
/// <param name="Fleet">
/// Whether the fleet's connections are already inside the layer's base case (<see cref="FleetLoad.Existing"/>, the
/// default: a site gets its contract plus its share of the layer's room) or come on top of it
/// (<see cref="FleetLoad.New"/>: a non-firm site gets only its share of the room); decision 0176.
/// </param>
/// <param name="N1Curtailment">
/// Whether non-firm connections accept the N-1 curtailment device (空き容量③): their room is then the layer's N-0
/// headroom, of which the device trips the part above N-1 on a single-equipment fault (the scenario's <c>faults</c>);
/// else the secure (N-1) headroom. Decision 0176.
/// </param>
public sealed record GridSpec(bool Layer, double MaxKm = 30, bool Ties = false, double TieShare = 1, int Line = 0,
    FleetLoad Fleet = FleetLoad.Existing, bool N1Curtailment = false);

/// <summary>How a scenario's fleet stands to the headroom layer's base case (decision 0176).</summary>
public enum FleetLoad
{
    /// <summary>
    /// The fleet is connected already: its contracts (a firm connection's MW, a provisional connection's profile) are
    /// carried by the base case the layer was computed on, and the layer's room comes on top of them.
    /// </summary>
    Existing,

    /// <summary>The fleet is new load on top of the base case: a non-firm site gets only its share of the layer's room.</summary>
    New,
}

/// <summary>
/// The workload of a scenario, generated from calibrated statistics of public traces (see <see cref="Engine.WorkloadGenerator"/>)
/// and scaled so the fleet's average IT load is <see cref="TargetMw"/>.
/// </summary>
/// <param name="TargetMw">Average IT load of the whole fleet, MW.</param>
/// <param name="Inference">Share of the energy that is inference (not deferrable; may move only within <see cref="InferenceReachKm"/>).</param>
/// <param name="Batch">Share that is batch jobs (trace durations, slack <see cref="BatchSlackHours"/>).</param>
/// <param name="Training">Share that is AI training (1-7 days, slack <see cref="TrainingSlackHours"/>).</param>
/// <param name="Backup">Share that is backup/replication (1-4 h, slack 12 h).</param>
/// <param name="Jobs">Number of deferrable jobs, or 0 to derive it from the mean job power (default).</param>
/// <param name="BatchSlackHours">How long a batch job may wait beyond its run time, h (default 24).</param>
/// <param name="TrainingSlackHours">How long a training job may wait, h (default 48).</param>
/// <param name="InferenceReachKm">How far inference may be served from its home site, km (default 500).</param>
/// <param name="Checkpoint">The kinds of job that checkpoint and may run in pieces (<c>checkpoint</c>; null = training and
/// backup, the default: training saves checkpoints as it runs, a transfer resumes where it stopped; the trace's batch jobs
/// are not assumed to).</param>
public sealed record WorkloadSpec(double TargetMw, double Inference = 0.3, double Batch = 0.4, double Training = 0.2, double Backup = 0.1,
    int Jobs = 0, double BatchSlackHours = 24, double TrainingSlackHours = 48, double InferenceReachKm = 500, IReadOnlyList<WorkloadKind>? Checkpoint = null)
{
    /// <summary>The kinds that checkpoint by default: training and backup.</summary>
    public static IReadOnlyList<WorkloadKind> DefaultCheckpoint { get; } = [WorkloadKind.Training, WorkloadKind.Backup];

    /// <summary>Whether jobs of <paramref name="kind"/> checkpoint.</summary>
    /// <param name="kind">The job's kind.</param>
    public bool Checkpoints(WorkloadKind kind) => (Checkpoint ?? DefaultCheckpoint).Contains(kind);
}

/// <summary>A whole simulation scenario. Immutable; build one with <see cref="ScenarioFile"/> or <see cref="NationalScenario"/>.</summary>
/// <param name="Name">Title shown in the report.</param>
/// <param name="FiscalYear">Fiscal year of the calibrated synthetic reference year the signals come from.</param>
/// <param name="Start">First instant simulated (inside the fiscal year).</param>
/// <param name="End">End of the period (exclusive).</param>
/// <param name="Step">Simulation step: 30 minutes or 1 hour.</param>
/// <param name="Seed">Seed of the reference year, the fleet generator, the workload and forecast errors.</param>
/// <param name="Sites">The sites (generated ones expanded).</param>
/// <param name="Workload">The workload mix.</param>
/// <param name="Policies">Policies to compare, in report order.</param>
/// <param name="Objective">What the shifting policies minimise (default carbon).</param>
/// <param name="ForecastError">Relative standard deviation of the carbon/price forecast error the policies plan on (0 = perfect foresight); judged on actuals.</param>
/// <param name="Events">Grid events (maintenance, faults, blackouts); null for none.</param>
/// <param name="RealDataDir">The Japan data folder (area-supply-demand/, jepx/) whose real series replace the reference year's where they exist, or null for the synthetic year only.</param>
/// <param name="Grid">Where site limits and inter-area ties come from; null for the connection model without ties.</param>
/// <param name="DemandResponse">Demand-response requests, generators and terms (its <c>demand_response</c> section; decision 0147), or null for none.</param>
/// <param name="Forecast">What the policies plan on: the forecasting engine's day-ahead P50 where the host gives it (default), or AR(1) noise of <paramref name="ForecastError"/>.</param>
public sealed record SimulationScenario(string Name, int FiscalYear, DateTimeOffset Start, DateTimeOffset End, TimeSpan Step, int Seed,
    IReadOnlyList<SiteSpec> Sites, WorkloadSpec Workload, IReadOnlyList<PolicyKind> Policies,
    SimulationObjective Objective = SimulationObjective.Carbon, double ForecastError = 0, IReadOnlyList<GridEvent>? Events = null,
    string? RealDataDir = null, GridSpec? Grid = null, DrSpec? DemandResponse = null, ForecastSource Forecast = ForecastSource.Auto)
{
    /// <summary>The grid events (empty when none).</summary>
    public IReadOnlyList<GridEvent> GridEvents => Events ?? [];

    /// <summary>Whether the run also computes the perfect-foresight bound of the jobs' placement (<c>bound: true</c>; decision 0182).</summary>
    public bool Bound { get; init; }

    /// <summary>
    /// Whether the bound is also computed per site (<c>bound: per-site</c>; decision 0207): each site's own room, used only
    /// by jobs whose power it holds; tighter than the pooled one, and slower (a flow on 16 times the nodes).
    /// </summary>
    public bool BoundPerSite { get; init; }

    /// <summary>
    /// Whether the policies plan each delivery day on its published day-ahead prices once they are published (scenario key
    /// <c>published_prices</c>, default true; decision 0220): JEPX publishes every area's prices for the whole next day at
    /// <see cref="PricePublication"/> the day before, so at 00:00 of a day its prices are known and only later days are
    /// forecast. It changes the score only under the cost objective: carbon intensity is not published ahead in Japan.
    /// False plans on the forecast alone (the numbers before decision 0220).
    /// </summary>
    public bool PublishedPrices { get; init; } = true;

    /// <summary>The time of day (JST) on the day before delivery at which the day's prices are published (scenario key <c>price_publication</c>, default 10:00, JEPX's gate closure).</summary>
    public TimeSpan PricePublication { get; init; } = TimeSpan.FromHours(10);

    /// <summary>
    /// Whether the bound is the whole-run bound (<c>bound: whole-run</c>; decision 0223): jobs that do not checkpoint run
    /// whole at full power at one site, the pooled room priced by Lagrange multipliers searched from the pooled flow's duals;
    /// the pooled flow's bound is given beside it.
    /// </summary>
    public bool BoundWholeRun { get; init; }

    /// <summary>
    /// When the <c>wattbit-planner</c> policy places committed work that has not started again (scenario key <c>replan</c>;
    /// decisions 0232, 0233): never (<see cref="ReplanMode.Off"/>), at each midnight with the day's released jobs, at each
    /// price publication, or both. The other policies place each job once whatever it says.
    /// </summary>
    public ReplanMode Replan { get; init; }

    /// <summary>
    /// Whether the planner policy measures each day's plan against the day flow (<c>bound: day-flow</c>; decision 0229):
    /// the min-cost flow of the day's jobs on the forecast planned on into the planned room left, beside the greedy's and
    /// the planner's own placements of the same day from the same state (<see cref="Engine.PolicyResult.DayFlow"/>). The
    /// whole-period bound is not computed.
    /// </summary>
    public bool BoundDayFlow { get; init; }

    /// <summary>
    /// How the planner policy places each day's whole runs (<c>day_plan</c>; decisions 0172, 0230): by the greedy's
    /// search in its own order (<c>search</c>, the default), ranked by the forecast plus the day flow's room prices
    /// (<c>prices</c>), or at the start that carries most of the job's flow in the day flow (<c>flow</c>).
    /// </summary>
    public PlannerDayPlan DayPlan { get; init; }

    /// <summary>Number of steps in the period.</summary>
    public int Steps => (int)((End - Start).Ticks / Step.Ticks);
}

/// <summary>The kind of a grid event.</summary>
public enum GridEventKind
{
    /// <summary>Planned maintenance: the limit of the sites concerned is cut to a share; known to the policies in advance.</summary>
    Maintenance,

    /// <summary>N-1 faults: at every site, outages arrive at a yearly rate and cut the limit to a share for some hours; not known in advance.</summary>
    Faults,

    /// <summary>A regional blackout: every site of the area has no grid supply; not known in advance.</summary>
    Blackout,
}

/// <summary>A grid event of a scenario. Which fields apply depends on the kind.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Area">Area code (maintenance, blackout), or null for all areas / the named site.</param>
/// <param name="SiteId">Site id (maintenance), or null.</param>
/// <param name="Start">Start (maintenance, blackout).</param>
/// <param name="End">End, exclusive (maintenance, blackout).</param>
/// <param name="LimitShare">Share of the normal limit left during the event (0 for a blackout).</param>
/// <param name="RatePerYear">Faults per site per year (faults).</param>
/// <param name="Hours">Length of one fault, hours (faults).</param>
public sealed record GridEvent(GridEventKind Kind, string? Area, string? SiteId, DateTimeOffset Start, DateTimeOffset End, double LimitShare,
    double RatePerYear = 0, double Hours = 0);

/// <summary>Where the forecasts the policies plan on come from (a scenario's <c>forecast</c> key; decision 0177).</summary>
public enum ForecastSource
{
    /// <summary>The forecasting engine when the host composes it (the CLI does), else AR(1) noise.</summary>
    Auto,

    /// <summary>The forecasting engine's day-ahead P10/P50/P90; an error when the host does not compose it.</summary>
    Engine,

    /// <summary>The actuals times (1 + e), e an AR(1) error of the scenario's forecast_error.</summary>
    Ar1,
}

/// <summary>When a policy that re-plans places committed work that has not started (and no order has touched) again.</summary>
public enum ReplanMode
{
    /// <summary>Never: each job is placed once, at the midnight of its release day (<c>replan: off</c>).</summary>
    Off,

    /// <summary>At each midnight, together with the day's released jobs, in the policy's order (<c>replan: midnight</c>; decision 0232).</summary>
    Midnight,

    /// <summary>
    /// At each price publication (10:00 JST by default, the cost objective with published prices): the work whose window
    /// reaches the newly published day, on its published prices (<c>replan: publication</c>; decision 0233).
    /// </summary>
    Publication,

    /// <summary>Both: at each midnight and at each price publication (<c>replan: midnight-and-publication</c>).</summary>
    MidnightAndPublication,
}

/// <summary>How the planner policy places each day's whole runs (scenario key <c>day_plan</c>; decision 0230).</summary>
public enum PlannerDayPlan
{
    /// <summary>Largest energy first, each at the (site, start) with the lowest forecast score that fits (decision 0172).</summary>
    Search,

    /// <summary>The same search ranked by forecast plus the room prices (duals) of the day flow.</summary>
    Prices,

    /// <summary>Largest energy first, each at the start that carries most of its flow in the day flow, at the cheapest area with room there; else the search.</summary>
    Flow,
}
