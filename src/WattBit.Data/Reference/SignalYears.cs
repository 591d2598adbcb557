using WattBit.Areas;
using WattBit.Data.Import;
using WattBit.Data.Signals;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Data.Reference;

/// <summary>
/// Composes the <see cref="SignalYear"/> a simulation runs on (hosts call this; the simulator reads only the Core
/// contract): every area's carbon intensity, price and curtailment from the calibrated synthetic reference year, with
/// the real series of a Japan data folder laid over it step by step where they exist. Stateless and thread-safe.
/// </summary>
public static class SignalYears
{
    /// <summary>The signals of every area (in <see cref="JapanAreas.All"/> order) over <paramref name="period"/>.</summary>
    /// <param name="fiscalYear">Fiscal year of the reference year.</param>
    /// <param name="seed">Its seed.</param>
    /// <param name="period">The period (inside that fiscal year).</param>
    /// <param name="step">The step: 30 minutes or 1 hour.</param>
    /// <param name="realDataDir">A Japan data folder (area-supply-demand/, jepx/) whose real series win where they exist, or null.</param>
    /// <exception cref="ArgumentException">The period is outside the fiscal year.</exception>
    public static SignalYear Compose(int fiscalYear, int seed, TimeWindow period, TimeSpan step, string? realDataDir = null)
    {
        var year = ReferenceYear.Generate(fiscalYear, seed);
        if (period.Start < year.Window.Start || period.End > year.Window.End)
        {
            throw new ArgumentException($"The period {period} is outside fiscal year {fiscalYear} ({year.Window}).", nameof(period));
        }

        var codes = JapanAreas.All.Select(a => a.Code).ToArray();
        var life = year.Signal(SignalKind.Carbon, EmissionBasis.Lifecycle);
        var direct = year.Signal(SignalKind.Carbon, EmissionBasis.Direct);
        var n = codes.Length;
        var carbonLife = new double[n][];
        var carbonDirect = new double[n][];
        var price = new double[n][];
        var curtailed = new double[n][];
        for (var a = 0; a < n; a++)
        {
            var ra = year.Areas[codes[a]];
            carbonLife[a] = At(life[codes[a]], period, step);
            carbonDirect[a] = At(direct[codes[a]], period, step);
            price[a] = At(ra.Price, period, step);
            var cut = ra.Mix[SupplyDemandKeys.SolarCurtailed].Zip(ra.Mix[SupplyDemandKeys.WindCurtailed], (x, y) => x + y);
            curtailed[a] = At(cut, period, step);
        }

        var steps = (int)((period.End - period.Start).Ticks / step.Ticks);
        IReadOnlyList<SeriesSource> sources = realDataDir is { } dir
            ? RealSeries.Overlay(dir, period, step, codes, carbonLife, carbonDirect, price, curtailed)
            : [.. codes.SelectMany(c => new[] { "carbon", "curtailment", "price", "grid limits" }.Select(k => new SeriesSource(c, k, 0, steps, string.Empty)))];
        var areas = new AreaSignals[n];
        for (var a = 0; a < n; a++)
        {
            var ra = year.Areas[codes[a]];
            areas[a] = new AreaSignals(codes[a], carbonLife[a], carbonDirect[a], price[a], curtailed[a], ra.Demand, ra.Mix[SupplyDemandKeys.Solar], ra.Mix[SupplyDemandKeys.Wind]);
        }

        return new SignalYear(period, step, areas, sources);
    }

    private static double[] At(TimeSeries series, TimeWindow period, TimeSpan step) =>
        series.Resample(step).Slice(period).Values.ToArray();
}
