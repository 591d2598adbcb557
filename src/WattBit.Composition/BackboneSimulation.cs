using WattBit.Data.Reference;
using WattBit.Forecasting;
using WattBit.Grid.Japan;
using WattBit.Grid.Layer;
using WattBit.Headroom;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;
using WattBit.Time;

namespace WattBit.Composition;

/// <summary>
/// What every host offers the one simulation composer (<see cref="SimulationComposer"/>), written once (decision 0167):
/// every area's signals (the reference year with the scenario's real-data overlay, <c>SignalYears.Compose</c>), the Japan
/// backbone's substations when the scenario's <c>grid</c> section asks for the layer, the backbone's headroom layer for the
/// scenario's period (<see cref="Layer"/>: real areas where their actuals cover it, else the reference year), OCCTO's inter-area ties and the
/// forecasting engine. <c>wattbit simulate</c>, the server's simulation jobs and the cluster's sweeps use it; a host may
/// answer the layer itself (the server serves its own where it holds the period). Stateless.
/// </summary>
public static class BackboneSimulation
{
    /// <summary>The simulation host for <paramref name="scenario"/>.</summary>
    /// <param name="scenario">The scenario (its <c>grid</c> section decides whether the backbone's substations are offered).</param>
    /// <param name="layer">How the host answers a layer request; default <see cref="Layer"/> for the request's year, seed, days and substations.</param>
    public static SimulationHost Host(SimulationScenario scenario, Func<LayerRequest, IHeadroomLayer>? layer = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new SimulationHost
        {
            Signals = SignalYears.Compose,
            Substations = scenario.Grid is { Layer: true } ? [.. JapanLayer.Nodes(JapanBackbone.LoadDefault()).Select(n => n.Substation)] : [],
            LayerModel = JapanLayer.ModelName,
            Layer = layer ?? (r => Layer(r.FiscalYear, r.Seed, TimeWindow.FromDuration(r.From, TimeSpan.FromDays(r.Days)), [.. r.SubstationIds])),
            Ties = JapanTies.AreaTies(),
            Forecaster = new SignalForecaster(),
        };
    }

    /// <summary>
    /// The Japan backbone's headroom layer over <paramref name="window"/> as <c>wattbit grid layer</c> computes it for the
    /// same year, seed and hours (<see cref="BackboneLayers.Compose"/>): the areas whose actuals beside the repository
    /// (or in $WATTBIT_SHARED_DATA) cover the window on their own demand, the others on the reference year
    /// FY<paramref name="fiscalYear"/>'s (seed <paramref name="seed"/>).
    /// </summary>
    /// <param name="fiscalYear">Fiscal year of the reference year.</param>
    /// <param name="seed">Seed of the reference year.</param>
    /// <param name="window">Hours of the layer, inside the fiscal year.</param>
    /// <param name="substationIds">Only these substations (default all).</param>
    public static ModelHeadroomLayer Layer(int fiscalYear, int seed, TimeWindow window, IReadOnlyCollection<string>? substationIds = null) =>
        BackboneLayers.Compose(fiscalYear, seed, window, substationIds, AreaActuals.FindJapanDir()).Layer;
}
