using WattBit.Data.Import;
using WattBit.Data.Reference;
using WattBit.Time;

namespace WattBit.Data.Signals;

/// <summary>
/// Production-based carbon intensity of an area's generation mix, per slot:
/// Σ_k max(0, g_k) · EF_k / Σ_k max(0, g_k) over the generation columns, gCO2/kWh.
/// </summary>
/// <remarks>
/// Column to mode: thermal_lng → gas, thermal_coal → coal, thermal_oil → oil, thermal_other, thermal (legacy,
/// fuel not split) and other → unknown, hydro, geothermal, biomass, solar, wind, nuclear as named. Pumped storage,
/// batteries and the interconnection are not generation: storage re-delivers energy generated earlier, and imports are
/// handled by <see cref="FlowTracing"/>. A slot with any missing generation value is missing (NaN), never 0.
/// Thread-safe.
/// </remarks>
public static class CarbonIntensityCalculator
{
    /// <summary>The emission mode of a generation column, or null for columns that are not generation.</summary>
    public static string? ModeOf(string key) => key switch
    {
        SupplyDemandKeys.ThermalLng => "gas",
        SupplyDemandKeys.ThermalCoal => "coal",
        SupplyDemandKeys.ThermalOil => "oil",
        SupplyDemandKeys.ThermalOther or SupplyDemandKeys.Thermal or SupplyDemandKeys.Other => "unknown",
        SupplyDemandKeys.Hydro => "hydro",
        SupplyDemandKeys.Geothermal => "geothermal",
        SupplyDemandKeys.Biomass => "biomass",
        SupplyDemandKeys.Solar => "solar",
        SupplyDemandKeys.Wind => "wind",
        SupplyDemandKeys.Nuclear => "nuclear",
        _ => null,
    };

    /// <summary>Production-based intensity of a mix (series keyed by <see cref="SupplyDemandKeys"/>, MW, aligned).</summary>
    /// <param name="mix">The area's series; non-generation keys are ignored.</param>
    /// <param name="basis">Direct or lifecycle factors.</param>
    /// <param name="facts">Emission factors; default <see cref="JapanFacts.Default"/>.</param>
    /// <returns>gCO2/kWh per slot, aligned with the mix.</returns>
    /// <exception cref="ArgumentException">The mix has no generation column.</exception>
    public static TimeSeries Production(IReadOnlyDictionary<string, TimeSeries> mix, EmissionBasis basis = EmissionBasis.Lifecycle, JapanFacts? facts = null)
    {
        var (intensity, _) = ProductionWithGeneration(mix, basis, facts);
        return intensity;
    }

    /// <summary>As <see cref="Production"/>, also returning the total generation counted, MW.</summary>
    /// <exception cref="ArgumentException">The mix has no generation column.</exception>
    public static (TimeSeries Intensity, TimeSeries GenerationMw) ProductionWithGeneration(IReadOnlyDictionary<string, TimeSeries> mix,
        EmissionBasis basis = EmissionBasis.Lifecycle, JapanFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(mix);
        facts ??= JapanFacts.Default;
        var columns = new List<(double[] Values, double Factor)>();
        TimeSeries? first = null;
        foreach (var (key, series) in mix)
        {
            if (ModeOf(key) is not { } mode)
            {
                continue;
            }

            first ??= series;
            first.EnsureAlignedWith(series);
            var f = facts.EmissionFactors[mode];
            columns.Add((series.Values.ToArray(), basis == EmissionBasis.Direct ? f.Direct : f.Lifecycle));
        }

        if (first is null)
        {
            throw new ArgumentException("The mix has no generation column (nuclear, thermal_*, hydro, solar, wind, ...).", nameof(mix));
        }

        var n = first.Count;
        var intensity = new double[n];
        var generation = new double[n];
        for (var i = 0; i < n; i++)
        {
            double weighted = 0, total = 0;
            var missing = false;
            foreach (var (values, factor) in columns)
            {
                var g = values[i];
                if (double.IsNaN(g))
                {
                    missing = true;
                    break;
                }

                if (g > 0)
                {
                    weighted += g * factor;
                    total += g;
                }
            }

            intensity[i] = missing || total <= 0 ? double.NaN : weighted / total;
            generation[i] = missing ? double.NaN : total;
        }

        return (TimeSeries.Wrap(first.Start, first.Step, intensity, SeriesUnit.GramsPerKilowattHour, "carbon intensity"),
            TimeSeries.Wrap(first.Start, first.Step, generation, SeriesUnit.Megawatts, "generation"));
    }
}
