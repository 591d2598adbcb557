using WattBit.Areas;
using WattBit.Time;

namespace WattBit.Data.Import;

/// <summary>The layout family of an area supply-demand file.</summary>
public enum AreaFileFormat
{
    /// <summary>The current 30-minute format <c>eria_jukyu_YYYYMM_NN.csv</c> (MW average per slot).</summary>
    Current,

    /// <summary>Tohoku's real-time file <c>realtime_jukyu_YYYYMMDD_02.csv</c> (same columns, preliminary values).</summary>
    TohokuRealtime,

    /// <summary>The 2016 legacy hourly formats (MWh per hour), several layouts.</summary>
    LegacyHourly,
}

/// <summary>
/// One area's supply-demand actuals imported from one file (or merged from several): a 30-minute series per column,
/// keyed by <see cref="SupplyDemandKeys"/>, in MW (average over the slot), slots start-labelled in JST (+09:00).
/// Immutable and thread-safe.
/// </summary>
public sealed class AreaSupplyDemand
{
    internal AreaSupplyDemand(GridArea area, IReadOnlyList<string> sources, AreaFileFormat format, string encoding,
        TimeSpan sourceStep, bool endLabelled, bool interconnectionFlipped, int rows,
        IReadOnlyDictionary<string, TimeSeries> series, IReadOnlyList<ImportWarning> warnings)
    {
        Area = area;
        Sources = sources;
        Format = format;
        Encoding = encoding;
        SourceStep = sourceStep;
        EndLabelled = endLabelled;
        InterconnectionFlipped = interconnectionFlipped;
        Rows = rows;
        Series = series;
        Warnings = warnings;
        var first = series[SupplyDemandKeys.Demand];
        Start = first.Start;
        Count = first.Count;
    }

    /// <summary>The series step: 30 minutes.</summary>
    public static TimeSpan Step { get; } = TimeSpan.FromMinutes(30);

    /// <summary>The area the data is for.</summary>
    public GridArea Area { get; }

    /// <summary>The files the data came from.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>The file layout (of the first file when merged).</summary>
    public AreaFileFormat Format { get; }

    /// <summary>The detected text encoding: "utf-8" or "cp932" (of the first file when merged).</summary>
    public string Encoding { get; }

    /// <summary>The step of the file itself: 30 minutes, or 60 for the legacy hourly files (each hour is held over both halves).</summary>
    public TimeSpan SourceStep { get; }

    /// <summary>True when the file labels each slot by its end (0:30 .. 24:00, as Kyushu does); the series are start-labelled.</summary>
    public bool EndLabelled { get; }

    /// <summary>True when the file wrote the interconnection as positive = export and its sign was flipped to positive = import.</summary>
    public bool InterconnectionFlipped { get; }

    /// <summary>Data rows read from the file(s); every one is in the series (none dropped).</summary>
    public int Rows { get; }

    /// <summary>First slot start.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Number of 30-minute slots in each series (including gap slots, which are NaN).</summary>
    public int Count { get; }

    /// <summary>The period covered, [first slot start, last slot end).</summary>
    public TimeWindow Window => new(Start, Start + (Step * Count));

    /// <summary>The series by key (MW, 30 min, aligned). Columns a file does not have are absent (not zero).</summary>
    public IReadOnlyDictionary<string, TimeSeries> Series { get; }

    /// <summary>Rows that did not balance, missing cells, gaps and other problems that did not stop the import.</summary>
    public IReadOnlyList<ImportWarning> Warnings { get; }

    /// <summary>The series for <paramref name="key"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such column.</exception>
    public TimeSeries this[string key] => Series.TryGetValue(key, out var s)
        ? s
        : throw new KeyNotFoundException($"{Area.Code}: the data has no '{key}' column (has: {string.Join(", ", Series.Keys)}).");

    /// <summary>True when the data has a column <paramref name="key"/>.</summary>
    public bool Has(string key) => Series.ContainsKey(key);

    /// <summary>The part of the data inside <paramref name="window"/> (clipped to the data's own period).</summary>
    /// <exception cref="ArgumentException">The window does not overlap the data.</exception>
    public AreaSupplyDemand Slice(TimeWindow window)
    {
        var w = Window.Intersect(window) ?? throw new ArgumentException($"{Area.Code}: {window} does not overlap the data ({Window}).", nameof(window));
        var from = (int)((w.Start - Start).Ticks / Step.Ticks);
        var to = (int)Math.Ceiling((double)(w.End - Start).Ticks / Step.Ticks);
        var clipped = new TimeWindow(Start + (Step * from), Start + (Step * to));
        var series = new Dictionary<string, TimeSeries>(StringComparer.Ordinal);
        foreach (var (k, s) in Series)
        {
            series[k] = s.Slice(clipped);
        }

        var present = 0;
        foreach (var v in series[SupplyDemandKeys.Demand].Values)
        {
            present += double.IsNaN(v) ? 0 : 1;
        }

        return new AreaSupplyDemand(Area, Sources, Format, Encoding, SourceStep, EndLabelled, InterconnectionFlipped,
            present / (int)(SourceStep.Ticks / Step.Ticks), series, Warnings);
    }

    /// <summary>
    /// Merges several imports of one area (e.g. a year of monthly files) into one contiguous series per key; slots no
    /// file covers are NaN and reported. A slot present in two files with different values is an error.
    /// </summary>
    /// <exception cref="ArgumentException">The parts are of different areas, or two parts disagree on a slot.</exception>
    public static AreaSupplyDemand Merge(IEnumerable<AreaSupplyDemand> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts.OrderBy(p => p.Start).ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Nothing to merge.", nameof(parts));
        }

        if (list.Count == 1)
        {
            return list[0];
        }

        var area = list[0].Area;
        var start = list[0].Start;
        var end = list.Max(p => p.Window.End);
        var n = (int)((end - start).Ticks / Step.Ticks);
        var keys = new List<string>();
        foreach (var k in SupplyDemandKeys.All)
        {
            if (list.Exists(p => p.Has(k)))
            {
                keys.Add(k);
            }
        }

        var arrays = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var k in keys)
        {
            var a = new double[n];
            Array.Fill(a, double.NaN);
            arrays[k] = a;
        }

        var covered = new string?[n];
        var warnings = new List<ImportWarning>();
        foreach (var p in list)
        {
            if (p.Area != area)
            {
                throw new ArgumentException($"Cannot merge {p.Area.Code} data ({string.Join(", ", p.Sources)}) into {area.Code}.", nameof(parts));
            }

            var offset = (int)((p.Start - start).Ticks / Step.Ticks);
            for (var i = 0; i < p.Count; i++)
            {
                var j = offset + i;
                if (covered[j] is { } other && !double.IsNaN(p[SupplyDemandKeys.Demand][i]))
                {
                    if (p[SupplyDemandKeys.Demand][i] != arrays[SupplyDemandKeys.Demand][j])
                    {
                        throw new ArgumentException(
                            $"{area.Code}: slot {Formats.Iso8601.Format(p.Start + (Step * i))} is in both {other} and {string.Join(", ", p.Sources)} with different values.", nameof(parts));
                    }

                    continue;
                }

                if (double.IsNaN(p[SupplyDemandKeys.Demand][i]))
                {
                    continue;
                }

                covered[j] = string.Join(", ", p.Sources);
                foreach (var (k, s) in p.Series)
                {
                    arrays[k][j] = s[i];
                }
            }

            warnings.AddRange(p.Warnings);
        }

        ReportGaps(covered, start, area.Code + " (merged)", warnings);
        var series = new Dictionary<string, TimeSeries>(StringComparer.Ordinal);
        foreach (var k in keys)
        {
            series[k] = TimeSeries.Wrap(start, Step, arrays[k], SeriesUnit.Megawatts, $"{area.Code} {k}");
        }

        return new AreaSupplyDemand(area, [.. list.SelectMany(p => p.Sources)], list[0].Format, list[0].Encoding, list[0].SourceStep,
            list.Exists(p => p.EndLabelled), list.Exists(p => p.InterconnectionFlipped), list.Sum(p => p.Rows), series, warnings);
    }

    internal static void ReportGaps(string?[] covered, DateTimeOffset start, string source, List<ImportWarning> warnings)
    {
        var i = 0;
        while (i < covered.Length)
        {
            if (covered[i] is not null)
            {
                i++;
                continue;
            }

            var j = i;
            while (j < covered.Length && covered[j] is null)
            {
                j++;
            }

            warnings.Add(new ImportWarning(source, 0,
                $"no data for {j - i} slot(s) from {Formats.Iso8601.Format(start + (Step * i))} to {Formats.Iso8601.Format(start + (Step * j))}; left missing (NaN)."));
            i = j;
        }
    }
}
