using WattBit.Areas;
using WattBit.Headroom;
using WattBit.Signals;
using WattBit.Simulation.Scenarios;
using WattBit.Time;

namespace WattBit.Simulation.Engine;

/// <summary>
/// What a host (CLI, server job, cluster sweep) supplies so that <see cref="SimulationComposer"/> can turn a scenario into a
/// run: functions and lists over Core contracts, called only when the scenario asks for them. The host holds the
/// engines the simulator must not reference (Data's signal years, Grid's headroom layer and ties, the forecasting
/// engine). Immutable.
/// </summary>
public sealed record SimulationHost
{
    /// <summary>
    /// Composes every area's signals over a period: (fiscal year, seed, period, step, real-data folder or null) → the
    /// year (WattBit.Data's <c>SignalYears.Compose</c>). Throws <see cref="ArgumentException"/> when the period does not fit the year.
    /// </summary>
    public required Func<int, int, TimeWindow, TimeSpan, string?, SignalYear> Signals { get; init; }

    /// <summary>The substations of the headroom layer's model a site may name or be nearest to (with coordinates), or empty when no layer is offered.</summary>
    public IReadOnlyList<Substation> Substations { get; init; } = [];

    /// <summary>The layer model's name, for messages.</summary>
    public string LayerModel { get; init; } = "headroom layer";

    /// <summary>Computes the headroom layer for a request (only the substations the sites need), or null when the host offers none.</summary>
    public Func<LayerRequest, IHeadroomLayer>? Layer { get; init; }

    /// <summary>The inter-area ties (Grid's <c>JapanTies.AreaTies()</c>), or empty when the host offers none.</summary>
    public IReadOnlyList<AreaTie> Ties { get; init; } = [];

    /// <summary>The forecasting engine the policies plan on (decision 0177), or null: AR(1) noise (an error for <c>forecast: engine</c>).</summary>
    public ISignalForecaster? Forecaster { get; init; }
}

/// <summary>What the composer asks the host's layer for: the scenario's fiscal year and seed, its days (JST) and the sites' substations.</summary>
/// <param name="FiscalYear">Fiscal year of the reference year that drives the layer.</param>
/// <param name="Seed">Seed of that reference year.</param>
/// <param name="From">First hour of the period (JST offset).</param>
/// <param name="Days">Days covered.</param>
/// <param name="SubstationIds">The distinct substations the sites connect to, in the sites' order.</param>
public sealed record LayerRequest(int FiscalYear, int Seed, DateTimeOffset From, int Days, IReadOnlyList<string> SubstationIds);

/// <summary>The inputs of one run as the composer built them, with what the layer cost (for the host's console line).</summary>
/// <param name="Signals">Every area's signals over the period.</param>
/// <param name="Grid">The headroom layer and ties the scenario's <c>grid</c> section asks for.</param>
/// <param name="Forecasting">The forecasting engine and the signals before the period, or null (AR(1)).</param>
/// <param name="LayerSubstations">Substations the layer was computed for (0 without a layer).</param>
/// <param name="LayerTime">Wall time spent computing the layer.</param>
public sealed record ComposedSimulation(SignalYear Signals, SimulationGrid Grid, SimulationForecasting? Forecasting, int LayerSubstations, TimeSpan LayerTime);

/// <summary>
/// The one entry point that turns a scenario and what a host offers into a run: the signals over the period, the
/// headroom layer at the sites' substations and the ties when <c>grid</c> asks for them, and the forecasting engine
/// with the 84 days before the period to learn from (the previous fiscal year's signals when the period starts on
/// 1 April). The CLI's <c>wattbit simulate</c> runs through it; server jobs and cluster sweeps can do the same with
/// their own host. Stateless and thread-safe.
/// </summary>
public static class SimulationComposer
{
    /// <summary>Days of signals before the period the forecasting engine learns from.</summary>
    public const int HistoryDays = 84;

    /// <summary>Composes the inputs of a run.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="host">What the host offers.</param>
    /// <param name="time">Wall clock used only to time the layer.</param>
    /// <exception cref="ArgumentException">The scenario asks for a layer, ties or forecasts the host does not offer; a site has no substation within reach (the message names the site and its line); the period does not fit the signals.</exception>
    public static ComposedSimulation Compose(SimulationScenario scenario, SimulationHost host, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(time);
        var signals = host.Signals(scenario.FiscalYear, scenario.Seed, new TimeWindow(scenario.Start, scenario.End), scenario.Step, scenario.RealDataDir);
        var (grid, substations, layerTime) = GridOf(scenario, host, time);
        return new ComposedSimulation(signals, grid, ForecastingOf(scenario, host), substations, layerTime);
    }

    /// <summary>Composes the inputs and runs every policy of the scenario.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="host">What the host offers.</param>
    /// <param name="time">Wall clock used only to time the run.</param>
    /// <param name="progress">Receives the fraction done, 0-1 (optional; called from worker threads).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <exception cref="ArgumentException">As <see cref="Compose"/>.</exception>
    public static SimulationResult Run(SimulationScenario scenario, SimulationHost host, TimeProvider time, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var composed = Compose(scenario, host, time);
        return Run(scenario, composed, time, progress, cancellationToken);
    }

    /// <summary>Runs every policy of the scenario on inputs composed before.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="composed">The inputs from <see cref="Compose"/>.</param>
    /// <param name="time">Wall clock used only to time the run.</param>
    /// <param name="progress">Receives the fraction done, 0-1 (optional; called from worker threads).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static SimulationResult Run(SimulationScenario scenario, ComposedSimulation composed, TimeProvider time, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(composed);
        return Simulator.Run(scenario, composed.Signals, composed.Grid, time, progress, cancellationToken, composed.Forecasting);
    }

    // The forecasting engine with the 84 days before the period: the previous fiscal year's signals (real where they
    // exist) when the period starts on 1 April, else the same year's. None when the scenario asks for AR(1) or the host
    // offers no engine (the simulator then says what forecast: engine needs).
    private static SimulationForecasting? ForecastingOf(SimulationScenario scenario, SimulationHost host)
    {
        if (scenario.Forecast == ForecastSource.Ar1 || host.Forecaster is null)
        {
            return null;
        }

        var from = scenario.Start.AddDays(-HistoryDays);
        var fy = scenario.Start.ToOffset(Jst.Offset) is { Month: 4, Day: 1 } ? scenario.FiscalYear - 1 : scenario.FiscalYear;
        SignalYear? history = null;
        try
        {
            history = host.Signals(fy, scenario.Seed, new TimeWindow(from, scenario.Start), scenario.Step, scenario.RealDataDir);
        }
        catch (ArgumentException)
        {
            // The period starts too early in its fiscal year for 84 days before it: the engine learns from the period
            // itself and the first days fall back to AR(1) (the report counts them).
        }

        return new SimulationForecasting(host.Forecaster, history);
    }

    private static (SimulationGrid Grid, int Substations, TimeSpan Time) GridOf(SimulationScenario scenario, SimulationHost host, TimeProvider time)
    {
        if (scenario.Grid is not { } spec)
        {
            return (SimulationGrid.None, 0, TimeSpan.Zero);
        }

        IHeadroomLayer? layer = null;
        var count = 0;
        var elapsed = TimeSpan.Zero;
        if (spec.Layer)
        {
            if (host.Layer is null || host.Substations.Count == 0)
            {
                throw new ArgumentException($"{scenario.Name}: grid.limits: layer needs a headroom layer, which this host does not offer (wattbit simulate composes the Japan backbone's).");
            }

            var ids = SimulationGrid.SiteSubstations(scenario, host.Substations, host.LayerModel).Select(s => s.Id).Distinct(StringComparer.Ordinal).ToList();
            var from = scenario.Start.ToOffset(Jst.Offset);
            var days = (int)Math.Ceiling((scenario.End - scenario.Start).TotalDays);
            var started = time.GetTimestamp();
            layer = host.Layer(new LayerRequest(scenario.FiscalYear, scenario.Seed, from, days, ids));
            elapsed = time.GetElapsedTime(started);
            count = ids.Count;
        }

        if (spec.Ties && host.Ties.Count == 0)
        {
            throw new ArgumentException($"{scenario.Name}: grid.ties: japan needs the inter-area ties, which this host does not offer (wattbit simulate composes OCCTO's).");
        }

        return (new SimulationGrid(layer, spec.Ties ? host.Ties : []), count, elapsed);
    }
}
