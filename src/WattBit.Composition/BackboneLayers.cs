using WattBit.Data.Reference;
using WattBit.Grid.Japan;
using WattBit.Grid.Layer;
using WattBit.Time;

namespace WattBit.Composition;

/// <summary>
/// The Japan backbone's headroom layer over a window as every host composes it, written once (decision 0126): each area
/// whose TSO actuals (under <c>area-supply-demand/</c> of the Japan data folder) cover the whole window on its own
/// demand (Tokyo, Chubu), every other area on the reference year's demand; the reference year alone without the data.
/// <c>wattbit grid layer</c> and every CLI face, the server's layer and simulation jobs, and the cluster's sweeps use it.
/// Stateless.
/// </summary>
public static class BackboneLayers
{
    /// <summary>Composes the layer.</summary>
    /// <param name="fiscalYear">Fiscal year of the reference year (the window must be inside it).</param>
    /// <param name="seed">Seed of the reference year.</param>
    /// <param name="window">The hours.</param>
    /// <param name="substationIds">Only these substations (default all).</param>
    /// <param name="japanDir">The Japan data folder with the actuals; null: the reference year for every area.</param>
    /// <param name="areaCodes">Only these areas may be real (default every area with actuals).</param>
    public static JapanLayerComposition Compose(int fiscalYear, int seed, TimeWindow window, IReadOnlyCollection<string>? substationIds, string? japanDir,
        IReadOnlyCollection<string>? areaCodes = null)
    {
        var model = JapanBackbone.LoadDefault();
        var year = ReferenceYear.Generate(fiscalYear, seed);
        var real = japanDir is null ? [] : RealAreas(model, window, japanDir, areaCodes);
        return JapanLayer.Compose(model, areas => year.TotalDemandHourly(areas).Slice(window), $"reference year FY{fiscalYear} (seed {seed})",
            [.. real.Select(r => (r.AreaCode, r.DemandMw, r.Source))], substationIds);
    }

    /// <summary>The areas of the backbone whose actuals under <paramref name="japanDir"/> cover <paramref name="window"/>.</summary>
    public static IReadOnlyList<RealAreaDemand> RealAreas(JapanBackbone model, TimeWindow window, string japanDir, IReadOnlyCollection<string>? areaCodes = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var codes = model.Buses.Select(b => b.Area.Code).Distinct(StringComparer.Ordinal).Where(c => areaCodes is null || areaCodes.Contains(c)).ToArray();
        return AreaActuals.Covering(japanDir, window, codes);
    }
}
