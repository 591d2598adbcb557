using System.Security.Cryptography;
using WattBit.Areas;
using WattBit.Data.Storage;
using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Data.Import;

/// <summary>A file parsed completely and ready to be stored in one transaction.</summary>
/// <param name="Source">The file.</param>
/// <param name="Kind">What it is (e.g. "area actuals (Current, cp932)", "JEPX spot", "OCCTO snapshot").</param>
/// <param name="Area">The area code, or a description when it covers several.</param>
/// <param name="Window">The period covered.</param>
/// <param name="Rows">Data rows read.</param>
/// <param name="Warnings">Warnings, formatted <c>file:line: message</c>.</param>
/// <param name="Series">The series to store.</param>
public sealed record ParsedDataFile(string Source, string Kind, string Area, TimeWindow Window, long Rows, IReadOnlyList<string> Warnings,
    IReadOnlyList<SeriesWrite> Series);

/// <summary>The outcome of importing one file into a store.</summary>
/// <param name="File">The parsed file.</param>
/// <param name="Result">What the store did (stored, or already imported).</param>
public sealed record DataFileImport(ParsedDataFile File, ImportResult Result);

/// <summary>
/// Recognises a grid data file by its name, parses it completely with the matching importer and stores it through
/// <see cref="ISeriesStore.ImportAsync"/> — one transaction per file, keyed by the file's SHA-256, so a file either
/// lands whole or not at all and re-importing it changes nothing. Series keys: area actuals
/// <c>(area, key, "tso")</c>; JEPX <c>(area, "price", "jepx")</c> and <c>("JP", "price_system", "jepx")</c>; OCCTO
/// <c>(area, "demand" | "supply_capacity", "occto")</c> and <c>("TH-TK", "flow:&lt;intertie&gt;", "occto")</c>. Thread-safe.
/// </summary>
public static class DataFileImporter
{
    /// <summary>The store source of TSO area actuals.</summary>
    public const string TsoSource = "tso";

    /// <summary>The store source of JEPX prices.</summary>
    public const string JepxSource = "jepx";

    /// <summary>The store source of OCCTO snapshots.</summary>
    public const string OcctoSource = "occto";

    /// <summary>Parses a file's content.</summary>
    /// <param name="source">The file name or path (tells the kind and, for area files, the area).</param>
    /// <param name="content">The file's bytes.</param>
    /// <param name="area">The area of legacy area files whose name does not say it; null otherwise.</param>
    /// <exception cref="InputFormatException">The file is malformed or of no known kind.</exception>
    public static ParsedDataFile Parse(string source, byte[] content, GridArea? area = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(content);
        var name = Path.GetFileName(source).ToLowerInvariant();
        if (name.EndsWith(".json", StringComparison.Ordinal))
        {
            var snap = OcctoSnapshotImporter.Parse(content, source);
            var series = new List<SeriesWrite>();
            foreach (var (code, s) in snap.AreaDemand)
            {
                series.Add(new SeriesWrite(new SeriesKey(code, "demand", OcctoSource), s));
                series.Add(new SeriesWrite(new SeriesKey(code, "supply_capacity", OcctoSource), snap.AreaSupply[code]));
            }

            foreach (var tie in snap.Interties.Where(t => t.From is not null && t.To is not null))
            {
                series.Add(new SeriesWrite(new SeriesKey($"{tie.From!.Code}-{tie.To!.Code}", "flow:" + tie.Name, OcctoSource), snap.Flow(tie)));
            }

            return new ParsedDataFile(source, "OCCTO snapshot", "all", series[0].Series.Window, 48, [], series);
        }

        if (name.StartsWith("spot_summary", StringComparison.Ordinal))
        {
            var spot = JepxSpotImporter.Parse([(source, content)]);
            var series = new List<SeriesWrite> { new(new SeriesKey("JP", "price_system", JepxSource), spot.SystemPrice) };
            foreach (var code in spot.AreaPrices.Locations)
            {
                series.Add(new SeriesWrite(new SeriesKey(code, "price", JepxSource), spot.AreaPrices[code]));
            }

            return new ParsedDataFile(source, "JEPX spot", "9 areas", spot.Window, spot.Rows, [.. spot.Warnings.Select(w => w.ToString())], series);
        }

        if (AreaSupplyDemandImporter.LooksLikeAreaFile(name) || area is not null)
        {
            var d = AreaSupplyDemandImporter.Parse(content, source, area);
            var series = d.Series.Select(kv => new SeriesWrite(new SeriesKey(d.Area.Code, kv.Key, TsoSource), kv.Value)).ToList();
            return new ParsedDataFile(source, $"area actuals ({Describe(d.Format)}, {d.Encoding})", d.Area.Code, d.Window, d.Rows,
                [.. d.Warnings.Select(w => w.ToString())], series);
        }

        throw new InputFormatException(source, 0, 0,
            "not a file WattBit imports: expected eria_jukyu_* / realtime_jukyu_* / legacy area actuals, spot_summary_*.csv (JEPX) or an OCCTO dashboard-*.json. (Workload traces are read by the planning commands, not stored as series.)");
    }

    private static string Describe(AreaFileFormat format) => format switch
    {
        AreaFileFormat.Current => "30-min",
        AreaFileFormat.TohokuRealtime => "Tohoku real-time",
        _ => "2016 hourly",
    };

    /// <summary>Reads, parses and stores one file; nothing is written when parsing fails.</summary>
    /// <exception cref="InputFormatException">The file is malformed (the store is untouched).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<DataFileImport> ImportAsync(IWattBitStore store, string path, TimeProvider time, GridArea? area = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        var parsed = Parse(path, bytes, area);
        var record = new ImportRecord(Convert.ToHexStringLower(SHA256.HashData(bytes)), Path.GetFileName(path), parsed.Kind, parsed.Rows,
            parsed.Warnings, time.GetUtcNow());
        var result = await store.ImportAsync(record, parsed.Series, cancellationToken).ConfigureAwait(false);
        return new DataFileImport(parsed, result);
    }
}
