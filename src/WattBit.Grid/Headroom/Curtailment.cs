using System.Collections.Immutable;

namespace WattBit.Grid.Headroom;

/// <summary>Curtailment forced by one contingency on a proposed connection.</summary>
/// <param name="Contingency">0-based branch whose outage forces curtailment.</param>
/// <param name="StepsCurtailed">Steps of the period at which the outage would force curtailment.</param>
/// <param name="MaxMw">Largest curtailment, MW.</param>
/// <param name="MeanMw">Curtailment averaged over all steps of the period, MW.</param>
/// <param name="Outage">Outage rate and duration used.</param>
/// <param name="ExpectedMwhPerYear">rate · duration · mean curtailment, MWh per year.</param>
public sealed record ContingencyCurtailment(int Contingency, int StepsCurtailed, double MaxMw, double MeanMw, OutageStatistics Outage,
    double ExpectedMwhPerYear);

/// <summary>Curtailment during one planned-maintenance window (the branch out is the base state).</summary>
/// <param name="Window">The window.</param>
/// <param name="StepsCurtailed">Steps in the window with curtailment.</param>
/// <param name="MaxMw">Largest curtailment, MW.</param>
/// <param name="EnergyMwh">Curtailed energy over the window, MWh.</param>
public sealed record MaintenanceCurtailment(MaintenanceWindow Window, int StepsCurtailed, double MaxMw, double EnergyMwh);

/// <summary>The ③ curtailment report for a proposed connection of <c>Mw</c> at a bus (formats.md §3).</summary>
/// <param name="Bus">0-based bus.</param>
/// <param name="Mw">Proposed load, MW.</param>
/// <param name="MinN0Mw">Smallest N-0 headroom of the period, MW.</param>
/// <param name="MinN1Mw">Smallest N-1 headroom of the period, MW.</param>
/// <param name="StepsAboveN0">Steps where the load exceeds even the N-0 headroom (not connectable under ③ then).</param>
/// <param name="N0ShortfallMwh">Energy above the N-0 headroom over the period, MWh.</param>
/// <param name="Contingencies">Contingencies that force curtailment, by expected energy, largest first.</param>
/// <param name="ExpectedMwhPerYear">Sum over contingencies, MWh per year.</param>
/// <param name="Maintenance">Curtailment per planned-maintenance window.</param>
/// <param name="Bridges">Bridges (0-based) skipped: their outage splits the network.</param>
public sealed record CurtailmentReport(int Bus, double Mw, double MinN0Mw, double MinN1Mw, int StepsAboveN0, double N0ShortfallMwh,
    ImmutableArray<ContingencyCurtailment> Contingencies, double ExpectedMwhPerYear, ImmutableArray<MaintenanceCurtailment> Maintenance,
    ImmutableArray<int> Bridges);

/// <summary>
/// Curtailment under ③: for a load P at bus k, each contingency c limits it to H_c(t), the minimum over monitored
/// branches of that contingency's limits alone (emergency ratings); the curtailment is max(0, P − H_c(t)). Expected
/// energy per year = Σ_c rate_c · duration_c · mean_t curtailment_c(t). During planned maintenance of branch c the
/// outage is the base state (normal ratings rateA) and curtailment happens for certain. Exact, with the same pruning
/// argument as <see cref="HeadroomEngine"/>: a limit whose lower bound over the period is at least P never curtails.
/// </summary>
public static class Curtailment
{
    /// <summary>Analyses a proposed connection.</summary>
    /// <param name="engine">The headroom engine (its balancing, ε and cap apply).</param>
    /// <param name="bus">0-based bus.</param>
    /// <param name="mw">Proposed load, MW (&gt; 0).</param>
    /// <param name="outages">Outage statistics; default <see cref="OutageModel"/> defaults.</param>
    /// <param name="maintenance">Planned-maintenance windows (may be empty).</param>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive load, or one above the engine's cap.</exception>
    /// <exception cref="ArgumentException">The bus is in a dead island, or a maintenance window takes out a bridge.</exception>
    public static CurtailmentReport Analyse(HeadroomEngine engine, int bus, double mw, OutageModel? outages = null,
        IReadOnlyList<MaintenanceWindow>? maintenance = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (!(mw > 0) || !double.IsFinite(mw))
        {
            throw new ArgumentOutOfRangeException(nameof(mw), mw, "the proposed load must be a positive number of MW.");
        }

        if (mw > engine.Options.CapMw)
        {
            throw new ArgumentOutOfRangeException(nameof(mw), mw, $"the proposed load exceeds the headroom cap of {engine.Options.CapMw} MW; raise --cap.");
        }

        var model = engine.Sensitivities.Model;
        if (!model.IsEnergised(bus))
        {
            throw new ArgumentException($"bus {model.Network.Buses[bus].Number} is in an island without a generator; nothing can be connected there.", nameof(bus));
        }

        outages ??= new OutageModel();
        maintenance ??= [];
        var steps = engine.Steps;
        var stepHours = engine.Series.Profile.Step.TotalHours;
        var h = new BusHeadroom(steps);
        engine.Compute(bus, h);
        double minN0 = double.PositiveInfinity, minN1 = double.PositiveInfinity, shortfall = 0;
        var above = 0;
        for (var t = 0; t < steps; t++)
        {
            minN0 = Math.Min(minN0, h.N0Mw[t]);
            minN1 = Math.Min(minN1, double.IsNaN(h.N1Mw[t]) ? h.N0Mw[t] : h.N1Mw[t]);
            if (mw > h.N0Mw[t])
            {
                above++;
                shortfall += (mw - h.N0Mw[t]) * stepHours;
            }
        }

        var beta = new double[engine.PaddedBranches];
        engine.FillSensitivity(bus, beta);
        var m = model.BranchCount;
        var aPost = new double[engine.PaddedBranches];
        var bPost = new double[engine.PaddedBranches];
        var cPost = new double[engine.PaddedBranches];
        var betaPost = new double[engine.PaddedBranches];
        var hc = new double[engine.DemandScale.Length];
        var id = new double[engine.DemandScale.Length];
        var list = new List<ContingencyCurtailment>();
        double expected = 0;
        foreach (var c in engine.Contingencies)
        {
            if (!ContingencyHeadroom(engine, beta, c, engine.RatingsN1, mw, aPost, bPost, cPost, betaPost, hc, id))
            {
                continue;
            }

            double sum = 0, max = 0;
            var count = 0;
            for (var t = 0; t < steps; t++)
            {
                var cut = Math.Max(0, mw - hc[t]);
                if (cut > 0)
                {
                    count++;
                    sum += cut;
                    max = Math.Max(max, cut);
                }
            }

            if (count == 0)
            {
                continue;
            }

            var stats = outages.For(c);
            var mean = sum / steps;
            var energy = stats.RatePerYear * stats.DurationHours * mean;
            expected += energy;
            list.Add(new ContingencyCurtailment(c, count, max, mean, stats, energy));
        }

        list.Sort((x, y) => y.ExpectedMwhPerYear.CompareTo(x.ExpectedMwhPerYear) is var d && d != 0 ? d : x.Contingency.CompareTo(y.Contingency));
        var maint = new List<MaintenanceCurtailment>();
        var times = engine.Series.Profile.Timestamps;
        foreach (var w in maintenance)
        {
            if (w.Branch >= m || !model.IsActive(w.Branch))
            {
                maint.Add(new MaintenanceCurtailment(w, 0, 0, 0)); // already out of service: nothing changes
                continue;
            }

            if (!engine.Sensitivities.IsContingency(w.Branch))
            {
                throw new ArgumentException($"maintenance of branch {w.Branch + 1} splits the network (it is a bridge); this is not analysed.", nameof(maintenance));
            }

            ContingencyHeadroom(engine, beta, w.Branch, engine.RatingsN0, mw, aPost, bPost, cPost, betaPost, hc, id);
            double energy = 0, max = 0;
            var count = 0;
            for (var t = 0; t < steps; t++)
            {
                if (times[t] < w.Start || times[t] >= w.End)
                {
                    continue;
                }

                var cut = Math.Max(0, mw - hc[t]);
                if (cut > 0)
                {
                    count++;
                    energy += cut * stepHours;
                    max = Math.Max(max, cut);
                }
            }

            maint.Add(new MaintenanceCurtailment(w, count, max, energy));
        }

        return new CurtailmentReport(bus, mw, minN0, minN1, above, shortfall, [.. list], expected, [.. maint], [.. model.Topology.Bridges]);
    }

    /// <summary>
    /// H_c(t) for one contingency wherever it is below <paramref name="threshold"/> (elsewhere a value ≥ the threshold);
    /// false when no limit can fall below the threshold in the period.
    /// </summary>
    private static bool ContingencyHeadroom(HeadroomEngine engine, double[] beta, int c, double[] ratings, double threshold,
        double[] aPost, double[] bPost, double[] cPost, double[] betaPost, double[] hc, double[] id)
    {
        engine.PostContingency(engine.Sensitivities.LodfColumn(c), beta, c, betaPost, aPost, bPost, cPost);
        var cand = new Candidates();
        var ub = Math.Min(threshold, engine.Options.CapMw);
        engine.BoundBranches(betaPost, aPost, bPost, cPost, ratings, c, c, cand, ref ub);
        cand.Filter(ub);
        Array.Fill(hc, engine.Options.CapMw);
        if (cand.Count == 0)
        {
            return false;
        }

        Array.Fill(id, -1);
        cand.Evaluate(engine.DemandScale, engine.Solar, hc, id, 0);
        return true;
    }
}
