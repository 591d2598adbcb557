using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Signals;

namespace WattBit.Siting.Layers;

/// <summary>
/// Turns time series of area signals (formats.md §5, or a <see cref="SignalSet"/> from the Data engine's reference
/// year) into layer tables: carbon intensity as the time mean (gCO2/kWh), curtailment (MWh per step) as annual
/// curtailed energy in GWh/year, scaled from the hours covered to 8,760. Missing steps (NaN) are left out and the
/// coverage is stated in the table's source. Locations must all be TSO areas or all prefectures; anything else is
/// taken as candidate ids. Stateless and thread-safe.
/// </summary>
public static class SignalLayers
{
    /// <summary>Reads a signal CSV (<c>timestamp,location,value</c>) for the kind and summarises it per location.</summary>
    /// <exception cref="InputFormatException">The file is malformed.</exception>
    /// <exception cref="ArgumentException">The kind is not carbon or curtailment.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ValueTable ReadFile(string path, SignalKind kind) => Summarise(SignalCsv.ReadFile(path, kind), path);

    /// <summary>Summarises a signal per location (see the class summary).</summary>
    /// <exception cref="ArgumentException">The kind is not carbon or curtailment, or a location has no values at all.</exception>
    public static ValueTable Summarise(SignalSet signal, string source)
    {
        ArgumentNullException.ThrowIfNull(signal);
        if (signal.Kind is not (SignalKind.Carbon or SignalKind.Curtailment))
        {
            throw new ArgumentException($"{source}: a {signal.Kind} signal cannot fill a siting layer (carbon or curtailment only).", nameof(signal));
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var minCoverage = 1.0;
        foreach (var location in signal.Locations)
        {
            var series = signal[location];
            double sum = 0;
            var n = 0;
            for (var i = 0; i < series.Count; i++)
            {
                var v = series[i];
                if (!double.IsNaN(v))
                {
                    sum += v;
                    n++;
                }
            }

            if (n == 0)
            {
                throw new ArgumentException($"{source}: location '{location}' has no values.", nameof(signal));
            }

            minCoverage = Math.Min(minCoverage, (double)n / series.Count);
            var hours = n * series.Step.TotalHours;
            values[location] = signal.Kind == SignalKind.Carbon ? sum / n : sum / 1000.0 * (8760.0 / hours);
        }

        var what = signal.Kind == SignalKind.Carbon ? "mean gCO2/kWh" : "curtailed GWh/yr (annualised)";
        var described = string.Create(CultureInfo.InvariantCulture,
            $"{source} ({what} over {signal.Window}, coverage >= {minCoverage:0.#%})");
        if (values.Keys.All(k => JapanAreas.TryFind(k, out _)))
        {
            return ValueTable.ForAreas(described, values.ToDictionary(kv => JapanAreas.Get(kv.Key), kv => kv.Value));
        }

        if (values.Keys.All(k => Prefectures.TryFind(k, out _)))
        {
            return ValueTable.ForPrefectures(described, values.ToDictionary(kv => Prefectures.Get(kv.Key).Code, kv => kv.Value));
        }

        return ValueTable.ForCandidates(described, values);
    }
}
