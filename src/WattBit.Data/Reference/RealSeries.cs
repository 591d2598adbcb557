using WattBit.Data.Import;
using WattBit.Data.Signals;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Data.Reference;

/// <summary>
/// The real data a simulated period uses where it exists (<c>data.real</c>): the TSO area supply-demand actuals under
/// <c>area-supply-demand/&lt;area&gt;/</c> (carbon intensity from the generation mix, curtailed solar and wind) and the
/// JEPX spot summaries under <c>jepx/</c> (day-ahead area prices), laid over the synthetic reference year step by step:
/// a step with real data takes it, any other keeps the reference year's value. Okinawa has no JEPX price and most areas
/// no imported actuals, so those stay synthetic; the report labels each series.
/// </summary>
internal static class RealSeries
{
    /// <summary>Overlays the real data under <paramref name="japanDir"/> on the arrays of the world (in place) and says where each series came from.</summary>
    /// <param name="japanDir">The Japan data folder (with area-supply-demand/ and jepx/).</param>
    /// <param name="period">The simulated period.</param>
    /// <param name="step">Its step.</param>
    /// <param name="codes">Area codes, in array order.</param>
    /// <param name="carbonLife">Lifecycle intensity [area][step], overwritten where real.</param>
    /// <param name="carbonDirect">Direct intensity [area][step], overwritten where real.</param>
    /// <param name="price">Price [area][step], overwritten where real.</param>
    /// <param name="curtailed">Curtailed solar and wind [area][step], overwritten where real.</param>
    public static List<SeriesSource> Overlay(string japanDir, TimeWindow period, TimeSpan step, IReadOnlyList<string> codes, double[][] carbonLife,
        double[][] carbonDirect, double[][] price, double[][] curtailed)
    {
        var sources = new List<SeriesSource>();
        var actuals = AreaActuals.Read(japanDir);
        var spot = ReadSpot(japanDir, period);
        for (var a = 0; a < codes.Count; a++)
        {
            var code = codes[a];
            if (actuals.TryGetValue(code, out var mix))
            {
                var folder = Path.GetFileName(Path.GetDirectoryName(mix.Sources[0])) ?? code;
                var source = FormattableString.Invariant($"{code}: TSO area supply-demand actuals (area-supply-demand/{folder}, {mix.Sources.Count} monthly files)");
                var life = Lay(GridSignals.Carbon(mix, EmissionBasis.Lifecycle), period, step, carbonLife[a]);
                Lay(GridSignals.Carbon(mix, EmissionBasis.Direct), period, step, carbonDirect[a]);
                sources.Add(new(code, "carbon", life, Steps(period, step), source));
                var cut = Lay(Curtailed(mix), period, step, curtailed[a]);
                sources.Add(new(code, "curtailment", cut, Steps(period, step), cut > 0 ? source : string.Empty));
            }
            else
            {
                sources.Add(new(code, "carbon", 0, Steps(period, step), string.Empty));
                sources.Add(new(code, "curtailment", 0, Steps(period, step), string.Empty));
            }

            var real = spot is not null && spot.AreaPrices.Contains(code) ? Lay(spot.AreaPrices[code], period, step, price[a]) : 0;
            sources.Add(new(code, "price", real, Steps(period, step),
                real > 0 ? $"JEPX day-ahead spot area prices ({string.Join(", ", spot!.Sources.Select(Path.GetFileName))})" : string.Empty));
            sources.Add(new(code, "grid limits", 0, Steps(period, step), string.Empty));
        }

        return sources;
    }

    // The JEPX spot summaries of the fiscal years the period touches (spot_summary_YYYY.csv), or null when none.
    private static JepxSpot? ReadSpot(string japanDir, TimeWindow period)
    {
        var files = new List<string>();
        for (var year = period.Start.Year - 1; year <= period.End.Year; year++)
        {
            var path = Path.Combine(japanDir, "jepx", FormattableString.Invariant($"spot_summary_{year}.csv"));
            if (File.Exists(path))
            {
                files.Add(path);
            }
        }

        return files.Count == 0 ? null : JepxSpotImporter.ReadFiles(files);
    }

    private static int Steps(TimeWindow period, TimeSpan step) => (int)((period.End - period.Start).Ticks / step.Ticks);

    private static TimeSeries Curtailed(AreaSupplyDemand mix)
    {
        var solar = mix.Has(SupplyDemandKeys.SolarCurtailed) ? mix[SupplyDemandKeys.SolarCurtailed] : null;
        var wind = mix.Has(SupplyDemandKeys.WindCurtailed) ? mix[SupplyDemandKeys.WindCurtailed] : null;
        return (solar, wind) switch
        {
            ({ } s, { } w) => s.Zip(w, (x, y) => x + y),
            ({ } s, null) => s,
            (null, { } w) => w,
            _ => mix[SupplyDemandKeys.Demand].Map(_ => double.NaN, SeriesUnit.Megawatts),
        };
    }

    // Writes the series' mean over each step of the period into target where every sub-step has data; returns the steps written.
    private static int Lay(TimeSeries series, TimeWindow period, TimeSpan step, double[] target)
    {
        var written = 0;
        var perStep = Math.Max(1, (int)Math.Round(step / series.Step));
        for (var t = 0; t < target.Length; t++)
        {
            var first = (period.Start + (step * t) - series.Start).Ticks / series.Step.Ticks;
            if (first < 0 || first + perStep > series.Count)
            {
                continue;
            }

            double sum = 0;
            var ok = true;
            for (var k = 0; k < perStep && ok; k++)
            {
                var v = series[(int)first + k];
                ok = !double.IsNaN(v);
                sum += v;
            }

            if (ok)
            {
                target[t] = sum / perStep;
                written++;
            }
        }

        return written;
    }
}
