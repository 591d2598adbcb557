using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Signals;
using WattBit.Time;

namespace WattBit.Data.Import;

/// <summary>
/// JEPX day-ahead spot results (スポット市場取引結果, <c>spot_summary_YYYY.csv</c>): the system price and the nine area
/// prices per 30-minute slot, JPY/kWh. Okinawa is not part of JEPX and has no price.
/// </summary>
public sealed class JepxSpot
{
    internal JepxSpot(IReadOnlyList<string> sources, TimeSeries system, SignalSet areas, int rows, IReadOnlyList<ImportWarning> warnings)
    {
        Sources = sources;
        SystemPrice = system;
        AreaPrices = areas;
        Rows = rows;
        Warnings = warnings;
    }

    /// <summary>The files read.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>システムプライス: the unconstrained system price, JPY/kWh, 30 min.</summary>
    public TimeSeries SystemPrice { get; }

    /// <summary>エリアプライス per area (locations are area codes HKD .. KY), JPY/kWh, 30 min, aligned with <see cref="SystemPrice"/>.</summary>
    public SignalSet AreaPrices { get; }

    /// <summary>Data rows read (one per delivery slot).</summary>
    public int Rows { get; }

    /// <summary>Blank rows skipped, gaps and similar.</summary>
    public IReadOnlyList<ImportWarning> Warnings { get; }

    /// <summary>The period covered.</summary>
    public TimeWindow Window => SystemPrice.Window;
}

/// <summary>Reads JEPX spot summary files (CP932 or UTF-8). Thread-safe.</summary>
public static class JepxSpotImporter
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(30);

    /// <summary>Highest price accepted, JPY/kWh (the market cap has been 200 JPY/kWh; the 2021 peak was 251).</summary>
    public const double MaxPlausiblePrice = 1_000;

    /// <summary>Reads one or more files (e.g. several years) into one contiguous series; slots no file covers are NaN and reported.</summary>
    /// <exception cref="InputFormatException">A file is malformed, or two files disagree on a slot.</exception>
    public static JepxSpot ReadFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var parts = paths.Select(p => (Path: p, Bytes: File.ReadAllBytes(p))).ToList();
        return Parse(parts.Select(p => (p.Path, (ReadOnlyMemory<byte>)p.Bytes)));
    }

    /// <summary>Reads one file.</summary>
    /// <exception cref="InputFormatException">The file is malformed.</exception>
    public static JepxSpot ReadFile(string path) => ReadFiles([path]);

    /// <summary>Parses file contents, each with its name for messages.</summary>
    /// <exception cref="InputFormatException">A file is malformed.</exception>
    public static JepxSpot Parse(IEnumerable<(string Source, ReadOnlyMemory<byte> Content)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var slots = new Dictionary<DateTimeOffset, (double[] Prices, string Source, int Line)>();
        var warnings = new List<ImportWarning>();
        var sources = new List<string>();
        var rows = 0;
        foreach (var (source, content) in files)
        {
            sources.Add(source);
            rows += ParseOne(TextDecoding.Decode(content.Span, out _), source, slots, warnings);
        }

        if (slots.Count == 0)
        {
            throw new InputFormatException(string.Join(", ", sources), 0, 0, "no price rows.");
        }

        var start = slots.Keys.Min();
        var end = slots.Keys.Max() + s_step;
        var n = (int)((end - start).Ticks / s_step.Ticks);
        var arrays = new double[10][];
        for (var k = 0; k < arrays.Length; k++)
        {
            arrays[k] = new double[n];
            Array.Fill(arrays[k], double.NaN);
        }

        var covered = new string?[n];
        foreach (var (t, (prices, source, _)) in slots)
        {
            var i = (int)((t - start).Ticks / s_step.Ticks);
            covered[i] = source;
            for (var k = 0; k < 10; k++)
            {
                arrays[k][i] = prices[k];
            }
        }

        AreaSupplyDemand.ReportGaps(covered, start, string.Join(", ", sources), warnings);
        var system = TimeSeries.Wrap(start, s_step, arrays[0], SeriesUnit.YenPerKilowattHour, "JEPX system");
        var areas = new List<KeyValuePair<string, TimeSeries>>(9);
        for (var a = 0; a < 9; a++)
        {
            var code = JapanAreas.All[a].Code;
            areas.Add(new(code, TimeSeries.Wrap(start, s_step, arrays[a + 1], SeriesUnit.YenPerKilowattHour, code)));
        }

        return new JepxSpot(sources, system, new SignalSet(SignalKind.Price, areas), rows, warnings);
    }

    private static int ParseOne(string text, string source, Dictionary<DateTimeOffset, (double[] Prices, string Source, int Line)> slots, List<ImportWarning> warnings)
    {
        var records = DelimitedText.Split(text, source);
        if (records.Count == 0)
        {
            throw new InputFormatException(source, 0, 0, "the file is empty.");
        }

        var header = records[0];
        int cDate = -1, cCode = -1, cSystem = -1;
        var cArea = new int[9];
        Array.Fill(cArea, -1);
        for (var i = 0; i < header.Fields.Length; i++)
        {
            var h = SupplyDemandKeys.Normalize(header.Fields[i]);
            if (h == "受渡日")
            {
                cDate = i;
            }
            else if (h == "時刻コード")
            {
                cCode = i;
            }
            else if (h.StartsWith("システムプライス", StringComparison.Ordinal))
            {
                cSystem = i;
            }
            else if (h.StartsWith("エリアプライス", StringComparison.Ordinal))
            {
                var name = h["エリアプライス".Length..];
                var paren = name.IndexOf('(', StringComparison.Ordinal);
                name = paren > 0 ? name[..paren] : name;
                if (JapanAreas.TryFind(name, out var area) && area.Number <= 9)
                {
                    cArea[area.Number - 1] = i;
                }
            }
        }

        if (cDate < 0 || cCode < 0 || cSystem < 0 || Array.IndexOf(cArea, -1) >= 0)
        {
            throw new InputFormatException(source, 1, 1,
                "not a JEPX spot summary: the header needs 受渡日, 時刻コード, システムプライス and the nine エリアプライス columns (is the encoding right?).");
        }

        var width = Math.Max(Math.Max(cDate, cCode), Math.Max(cSystem, cArea.Max())) + 1;
        var rows = 0;
        var blank = 0;
        for (var r = 1; r < records.Count; r++)
        {
            var rec = records[r];
            if (rec.IsBlank)
            {
                blank++;
                continue;
            }

            if (rec.Fields.Length < width)
            {
                throw new InputFormatException(source, rec.Line, rec.ColumnOf(rec.Fields.Length - 1),
                    $"the row has {rec.Fields.Length} fields but needs {width}; the file is truncated or damaged.");
            }

            if (!AreaSupplyDemandImporter.TryParseDate(rec.Fields[cDate], out var date))
            {
                throw new InputFormatException(source, rec.Line, rec.ColumnOf(cDate), $"'{rec.Fields[cDate]}' is not a date.");
            }

            if (!int.TryParse(rec.Fields[cCode], NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 1 or > 48)
            {
                throw new InputFormatException(source, rec.Line, rec.ColumnOf(cCode), $"time code '{rec.Fields[cCode]}' is not 1 .. 48.");
            }

            var prices = new double[10];
            for (var k = 0; k < 10; k++)
            {
                var c = k == 0 ? cSystem : cArea[k - 1];
                var cell = rec.Fields[c];
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    throw new InputFormatException(source, rec.Line, rec.ColumnOf(c), $"price '{cell}' is not a number.");
                }

                if (v is < 0 or > MaxPlausiblePrice)
                {
                    throw new InputFormatException(source, rec.Line, rec.ColumnOf(c), $"impossible price {cell} JPY/kWh (outside 0 .. {MaxPlausiblePrice:0}).");
                }

                prices[k] = v;
            }

            var t = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), Jst.Offset) + (s_step * (code - 1));
            if (slots.TryGetValue(t, out var existing))
            {
                if (!existing.Prices.AsSpan().SequenceEqual(prices))
                {
                    throw new InputFormatException(source, rec.Line, rec.ColumnOf(cCode),
                        $"duplicate slot {Iso8601.Format(t)} (already in {existing.Source} line {existing.Line}) with different prices.");
                }

                warnings.Add(new ImportWarning(source, rec.Line, $"slot {Iso8601.Format(t)} repeats {existing.Source} line {existing.Line} exactly; kept once."));
                rows++;
                continue;
            }

            slots[t] = (prices, source, rec.Line);
            rows++;
        }

        if (blank > 0)
        {
            warnings.Add(new ImportWarning(source, 0, $"{blank} empty row(s) (only commas) skipped."));
        }

        return rows;
    }
}
