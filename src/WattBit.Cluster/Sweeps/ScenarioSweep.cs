using Orleans.Placement;
using WattBit.Composition;
using WattBit.Simulation.Engine;
using WattBit.Simulation.Scenarios;

namespace WattBit.Cluster.Sweeps;

/// <summary>One run of a sweep: a scenario file's text (its seed, weather year, fleet and policies). Immutable.</summary>
/// <param name="Name">Name of the run in the results.</param>
/// <param name="Yaml">The scenario file (docs/simulation.md).</param>
/// <param name="Source">Where it came from, for error messages (a path or a label).</param>
[GenerateSerializer, Immutable]
public sealed record SweepCase(string Name, string Yaml, string Source)
{
    /// <summary>
    /// Runs the case in this process through the one simulation composer with what every host offers it
    /// (<see cref="BackboneSimulation.Host"/>: the scenario's signals, the backbone's headroom layer and ties when its
    /// <c>grid</c> section asks, the forecasting engine), so a sweep's run and <c>wattbit simulate</c> of the same file agree.
    /// </summary>
    /// <param name="time">Wall clock (only times the run).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <exception cref="WattBit.Formats.InputFormatException">The scenario file is invalid (names the source, line and column).</exception>
    public PolicyMetrics[] Run(TimeProvider time, CancellationToken cancellationToken = default)
    {
        var scenario = ScenarioFile.Parse(Yaml, Source);
        var result = SimulationComposer.Run(scenario, BackboneSimulation.Host(scenario), time, null, cancellationToken);
        return [.. result.Policies.Select(PolicyMetrics.From)];
    }
}

/// <summary>The metrics of one policy in one run, exactly as the simulator computed them (no rounding).</summary>
/// <param name="Policy">The policy.</param>
/// <param name="EnergyMwh">Grid energy, MWh.</param>
/// <param name="CostYen">Energy cost, JPY.</param>
/// <param name="LifecycleTonnes">Lifecycle emissions, tCO2.</param>
/// <param name="DirectTonnes">Direct emissions, tCO2.</param>
/// <param name="CurtailmentAbsorbedMwh">Curtailed renewables absorbed, MWh.</param>
/// <param name="SiteStepsOverLimit">Site-steps above the grid limit.</param>
/// <param name="LateJobs">Jobs late.</param>
/// <param name="UnservedJobs">Jobs never run.</param>
/// <param name="ServedItMwh">IT energy served, MWh.</param>
/// <param name="JobsMovedAway">Jobs run away from home.</param>
/// <param name="OrderStepsMissed">Site-steps under a curtailment order above the limit.</param>
/// <param name="SiteEnergyMwh">Grid energy per site, MWh.</param>
[GenerateSerializer, Immutable]
public sealed record PolicyMetrics(string Policy, double EnergyMwh, double CostYen, double LifecycleTonnes, double DirectTonnes, double CurtailmentAbsorbedMwh,
    long SiteStepsOverLimit, int LateJobs, int UnservedJobs, double ServedItMwh, int JobsMovedAway, long OrderStepsMissed, double[] SiteEnergyMwh)
{
    /// <summary>The metrics of a simulator result.</summary>
    /// <param name="r">The result.</param>
    public static PolicyMetrics From(PolicyResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Policy.ToString(), r.Overall.EnergyMwh, r.Overall.CostYen, r.Overall.LifecycleTonnes, r.Overall.DirectTonnes,
            r.Overall.CurtailmentAbsorbedMwh, r.SiteStepsOverLimit, r.LateJobs, r.UnservedJobs, r.ServedItMwh, r.JobsMovedAway, r.OrderStepsMissed,
            (double[])r.SiteEnergyMwh.Clone());
    }

    /// <summary>True when every metric is exactly equal (arrays element by element).</summary>
    /// <param name="other">The other metrics.</param>
    public bool SameAs(PolicyMetrics other) => other is not null && this with { SiteEnergyMwh = [] } == other with { SiteEnergyMwh = [] } &&
        SiteEnergyMwh.AsSpan().SequenceEqual(other.SiteEnergyMwh);
}

/// <summary>The outcome of one run of a sweep.</summary>
/// <param name="Name">The case's name.</param>
/// <param name="Silo">The silo that ran it.</param>
/// <param name="Policies">Metrics per policy, in scenario order.</param>
[GenerateSerializer, Immutable]
public sealed record SweepOutcome(string Name, string Silo, PolicyMetrics[] Policies);

/// <summary>Runs one sweep case; activations are placed at random, so a sweep spreads over the silos.</summary>
public interface ISweepRunGrain : IGrainWithStringKey
{
    /// <summary>Runs the case on the silo that holds this activation.</summary>
    Task<SweepOutcome> RunAsync(SweepCase run);
}

/// <summary>The sweep run grain: stateless; the simulation runs on the thread pool, off the grain scheduler.</summary>
[RandomPlacement]
internal sealed class SweepRunGrain(TimeProvider time, ILocalSiloDetails silo) : Grain, ISweepRunGrain
{
    public async Task<SweepOutcome> RunAsync(SweepCase run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var metrics = await Task.Run(() => run.Run(time));
        DeactivateOnIdle();
        return new SweepOutcome(run.Name, silo.SiloAddress.ToString(), metrics);
    }
}

/// <summary>Fans a sweep out over the cluster and collects the outcomes. Thread-safe.</summary>
public static class ScenarioSweep
{
    /// <summary>Runs every case as its own grain call, all at once, and returns the outcomes in case order.</summary>
    /// <param name="grains">The cluster (a client or a silo's grain factory).</param>
    /// <param name="cases">The runs.</param>
    /// <param name="sweepId">Distinguishes this sweep's grains from another's; default a new GUID.</param>
    public static async Task<SweepOutcome[]> RunAsync(IGrainFactory grains, IReadOnlyList<SweepCase> cases, string? sweepId = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(cases);
        var id = sweepId ?? Guid.NewGuid().ToString("N");
        return await Task.WhenAll(cases.Select((c, i) => grains.GetGrain<ISweepRunGrain>($"{id}/{i}").RunAsync(c))).ConfigureAwait(false);
    }
}
