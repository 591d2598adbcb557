using System.Collections.Concurrent;
using System.Globalization;
using WattBit.Data.Import;
using WattBit.Time;

namespace WattBit.Data.Reference;

/// <summary>An area's hourly demand from its TSO actuals over a window, and where it came from.</summary>
/// <param name="AreaCode">The area code (TK, CB, ...).</param>
/// <param name="DemandMw">Hourly demand, MW, every hour of the window.</param>
/// <param name="Filled">Hours missing in the actuals, filled with the same hour of the day before.</param>
/// <param name="Source">What the series is, for labels: <c>TK: TSO area actuals (area-supply-demand/tokyo, 9 missing hours filled from the day before)</c>.</param>
public sealed record RealAreaDemand(string AreaCode, WattBit.Time.TimeSeries DemandMw, int Filled, string Source);

/// <summary>
/// The TSO area supply-demand actuals under <c>area-supply-demand/&lt;area&gt;/</c> (the mocks left out), merged per
/// area: the one reader of that folder for the simulator's real series and the headroom layer's real areas (decision
/// 0126). Read once per folder and process. Thread-safe.
/// </summary>
public static class AreaActuals
{
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyDictionary<string, AreaSupplyDemand>>> s_cache = new(StringComparer.Ordinal);

    /// <summary>Every area's actuals under <paramref name="japanDir"/>, by area code (empty when there is no such folder).</summary>
    public static IReadOnlyDictionary<string, AreaSupplyDemand> Read(string japanDir)
    {
        ArgumentNullException.ThrowIfNull(japanDir);
        return s_cache.GetOrAdd(Path.GetFullPath(japanDir), d => new(() => ReadUncached(d))).Value;
    }

    private static Dictionary<string, AreaSupplyDemand> ReadUncached(string japanDir)
    {
        var result = new Dictionary<string, AreaSupplyDemand>(StringComparer.Ordinal);
        var root = Path.Combine(japanDir, "area-supply-demand");
        if (!Directory.Exists(root))
        {
            return result;
        }

        var byArea = new Dictionary<string, List<AreaSupplyDemand>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}mocks{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || !AreaSupplyDemandImporter.TryIdentify(Path.GetFileName(file), out var area, out _) || area is null)
            {
                continue;
            }

            var part = AreaSupplyDemandImporter.ReadFile(file, area);
            if (!byArea.TryGetValue(area.Code, out var list))
            {
                byArea[area.Code] = list = [];
            }

            list.Add(part);
        }

        foreach (var (code, parts) in byArea)
        {
            result[code] = AreaSupplyDemand.Merge(parts);
        }

        return result;
    }

    /// <summary>
    /// The Japan data folder with real actuals when there is one: $WATTBIT_SHARED_DATA/japan, else
    /// <c>../shared/data/japan</c> beside the working folder, the binary's folder or any folder above them; null when
    /// none holds <c>area-supply-demand/</c>.
    /// </summary>
    public static string? FindJapanDir()
    {
        var env = Environment.GetEnvironmentVariable("WATTBIT_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(Path.Combine(env, "japan", "area-supply-demand")))
        {
            return Path.Combine(env, "japan");
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "japan"));
                if (Directory.Exists(Path.Combine(candidate, "area-supply-demand")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The areas whose actuals cover all of <paramref name="window"/> with demand, each as hourly demand (a missing hour
    /// takes the same hour of the day before, counted; an hour with nothing before it takes the first hour with a value).
    /// </summary>
    /// <param name="japanDir">The Japan data folder.</param>
    /// <param name="window">The hours asked for (whole hours).</param>
    /// <param name="areaCodes">Only these areas (default every area with actuals).</param>
    public static IReadOnlyList<RealAreaDemand> Covering(string japanDir, TimeWindow window, IReadOnlyCollection<string>? areaCodes = null)
    {
        var result = new List<RealAreaDemand>();
        foreach (var (code, all) in Read(japanDir).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if ((areaCodes is not null && !areaCodes.Contains(code)) || !all.Has(SupplyDemandKeys.Demand) || !all.Window.Contains(window))
            {
                continue;
            }

            var demand = all.Slice(window)[SupplyDemandKeys.Demand].Resample(TimeSpan.FromHours(1));
            var v = demand.Values.ToArray();
            var filled = 0;
            for (var t = 0; t < v.Length; t++)
            {
                if (!double.IsFinite(v[t]))
                {
                    v[t] = t >= 24 ? v[t - 24] : Array.Find(v, double.IsFinite);
                    filled++;
                }
            }

            if (!Array.TrueForAll(v, double.IsFinite))
            {
                continue;
            }

            var folder = Path.GetFileName(Path.GetDirectoryName(all.Sources[0])) ?? code;
            var source = string.Create(CultureInfo.InvariantCulture,
                $"{code}: TSO area actuals (area-supply-demand/{folder}{(filled > 0 ? $", {filled} missing hours filled from the day before" : string.Empty)})");
            result.Add(new RealAreaDemand(code, WattBit.Time.TimeSeries.Wrap(demand.Start, demand.Step, v, demand.Unit, $"demand {code} (actuals)"), filled, source));
        }

        return result;
    }
}
