using System.Globalization;
using System.Text.RegularExpressions;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Time;

namespace WattBit.Data.Import;

/// <summary>
/// Reads the TSOs' area supply-demand actuals (エリア需給実績) in all their layouts: the current 30-minute
/// <c>eria_jukyu_YYYYMM_NN.csv</c>, Tohoku's <c>realtime_jukyu_YYYYMMDD_02.csv</c> and the 2016 legacy hourly files.
/// </summary>
/// <remarks>
/// Quirks handled: CP932 or UTF-8 text; a unit line and sometimes a second header line above the column names;
/// full-width column names (Kyushu); quoted fields; dates as 2025/4/1, 2025/04/01 or 20250401; slots labelled by their
/// end (0:30 .. 24:00) or start; the legacy hourly files' 〔MWh〕 units, "0時" times, dates written only on the
/// first hour of each day and two-row headers; the interconnection column written as positive = import (most areas)
/// or positive = export (Kyushu), detected from the balance of each row and normalised to positive = import.
/// Every row is checked to balance to its total (合計, or demand where there is no total); rows that do not are
/// reported as warnings with their line. A malformed file throws <see cref="InputFormatException"/> naming file,
/// line and column and yields nothing. Thread-safe (no shared state).
/// </remarks>
public static partial class AreaSupplyDemandImporter
{
    /// <summary>Largest magnitude accepted for any column, MW (Tokyo's record peak is about 60 GW).</summary>
    public const double MaxPlausibleMegawatts = 100_000;

    private static readonly string[] s_romaji =
        ["hokkaido", "tohoku", "tokyo", "chubu", "hokuriku", "kansai", "chugoku", "shikoku", "kyushu", "okinawa"];

    /// <summary>Reads one file.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="area">The area of a file whose name does not say it (required for legacy files named without an area); ignored when the name says the area.</param>
    /// <exception cref="InputFormatException">The file is malformed; the message names file, line and column.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static AreaSupplyDemand ReadFile(string path, GridArea? area = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), path, area);
    }

    /// <summary>Reads a file's bytes; <paramref name="source"/> is its name (used for the area, format and messages).</summary>
    /// <exception cref="InputFormatException">The content is malformed.</exception>
    public static AreaSupplyDemand Parse(ReadOnlySpan<byte> content, string source, GridArea? area = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = TextDecoding.Decode(content, out var encoding);
        return ParseText(text, source, encoding, area);
    }

    /// <summary>Tells the area and format from a file name, or returns false when the name does not say them.</summary>
    public static bool TryIdentify(string fileName, out GridArea? area, out AreaFileFormat format)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var name = Path.GetFileNameWithoutExtension(fileName).ToLowerInvariant();
        area = null;
        format = AreaFileFormat.LegacyHourly;
        var m = CurrentName().Match(name);
        if (m.Success)
        {
            format = m.Groups[1].Value == "realtime_jukyu" ? AreaFileFormat.TohokuRealtime : AreaFileFormat.Current;
            area = JapanAreas.TryFind(m.Groups[3].Value, out var a) ? a : null;
            return area is not null;
        }

        for (var i = 0; i < s_romaji.Length; i++)
        {
            if (name.Contains(s_romaji[i], StringComparison.Ordinal))
            {
                area = JapanAreas.All[i];
                return true;
            }
        }

        // Hokkaido Electric Power Network publishes its legacy files as sup_dem_results_YYYY_Nq.csv.
        if (name.StartsWith("sup_dem_results", StringComparison.Ordinal))
        {
            area = JapanAreas.Hokkaido;
            return true;
        }

        return false;
    }

    /// <summary>True when the file name looks like an area supply-demand file (any layout).</summary>
    public static bool LooksLikeAreaFile(string fileName)
    {
        var name = Path.GetFileName(fileName).ToLowerInvariant();
        return CurrentName().IsMatch(name) || name.Contains("jukyu", StringComparison.Ordinal)
            || name.Contains("jyukyu", StringComparison.Ordinal) || name.StartsWith("juyo_", StringComparison.Ordinal)
            || name.StartsWith("sup_dem_results", StringComparison.Ordinal);
    }

    internal static AreaSupplyDemand ParseText(string text, string source, string encoding, GridArea? area)
    {
        // A file name that says the area wins: the explicit area is for files named without one.
        var named = TryIdentify(source, out var fromName, out var format);
        area = named ? fromName : area;
        if (area is null)
        {
            throw new InputFormatException(source, 0, 0,
                "cannot tell the area from the file name; name the area (e.g. --area TK) for files not named eria_jukyu_YYYYMM_NN.csv.");
        }

        var records = DelimitedText.Split(text, source);
        var headerIndex = records.FindIndex(0, Math.Min(records.Count, 10), IsHeader);
        if (headerIndex < 0)
        {
            throw new InputFormatException(source, 1, 1,
                $"no header row (DATE,TIME,... or 月日,時刻,...) in the first lines after decoding the file as {encoding}; the encoding is wrong or this is not an area supply-demand (エリア需給実績) file.");
        }

        var header = records[headerIndex];
        var above = headerIndex > 0 ? records[headerIndex - 1] : null;
        var layout = Layout.Read(header, above, source);
        if (layout.DateTime < 0 && !named)
        {
            format = AreaFileFormat.Current;
        }

        if (layout.Legacy)
        {
            format = AreaFileFormat.LegacyHourly;
        }

        var warnings = new List<ImportWarning>();
        foreach (var ignored in layout.Ignored)
        {
            warnings.Add(new ImportWarning(source, header.Line, $"column '{ignored}' is not a known supply-demand column; ignored."));
        }

        // Pass 1: parse every data row into (date, minute-of-day label, values).
        var rows = new List<RawRow>(records.Count);
        DateOnly? lastDate = null;
        var pending = new List<int>();
        for (var r = headerIndex + 1; r < records.Count; r++)
        {
            var rec = records[r];
            if (rec.IsBlank)
            {
                continue;
            }

            if (rec.Fields.Length < layout.Width)
            {
                throw new InputFormatException(source, rec.Line, rec.ColumnOf(rec.Fields.Length - 1),
                    $"the row has {rec.Fields.Length} fields but the header has {layout.Width}; the file is truncated or damaged.");
            }

            var (date, minutes) = ParseWhen(rec, layout, ref lastDate, source);
            if (AllValuesEmpty(rec, layout))
            {
                // Real-time files list the rest of the day with empty cells until the values are published.
                pending.Add(rec.Line);
                continue;
            }

            var values = new double[layout.Keys.Count];
            for (var k = 0; k < values.Length; k++)
            {
                var idx = layout.Indexes[k];
                var cell = rec.Fields[idx];
                if (cell.Length == 0)
                {
                    values[k] = double.NaN;
                    continue;
                }

                if (!double.TryParse(cell, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    throw new InputFormatException(source, rec.Line, rec.ColumnOf(idx), $"'{cell}' in column {layout.Names[k]} is not a number.");
                }

                if (Math.Abs(v) > MaxPlausibleMegawatts)
                {
                    throw new InputFormatException(source, rec.Line, rec.ColumnOf(idx),
                        $"impossible value {cell} MW in column {layout.Names[k]} (more than {MaxPlausibleMegawatts:0} MW).");
                }

                values[k] = v;
            }

            var demand = values[layout.DemandSlot];
            if (!(demand > 0))
            {
                throw new InputFormatException(source, rec.Line, rec.ColumnOf(layout.Indexes[layout.DemandSlot]),
                    double.IsNaN(demand) ? "area demand (エリア需要) is empty." : $"impossible area demand {demand} MW (must be positive).");
            }

            rows.Add(new RawRow(rec.Line, date, minutes, values));
        }

        if (pending.Count > 0)
        {
            warnings.Add(new ImportWarning(source, pending[0],
                $"{pending.Count} row(s) (lines {pending[0]}-{pending[^1]}) have a time but no values yet (not yet published); not imported."));
        }

        if (rows.Count == 0)
        {
            throw new InputFormatException(source, header.Line, 0, "the file has a header but no data rows.");
        }

        return Assemble(area, source, encoding, format, layout, rows, warnings);
    }

    private static AreaSupplyDemand Assemble(GridArea area, string source, string encoding, AreaFileFormat format, Layout layout,
        List<RawRow> rows, List<ImportWarning> warnings)
    {
        // Step and labelling from the labels themselves.
        var sourceStep = layout.Legacy ? 60 : 30;
        var endLabelled = false;
        bool anyZero = false, anyEnd = false;
        var minMinute = int.MaxValue;
        foreach (var r in rows)
        {
            anyZero |= r.Minutes == 0;
            anyEnd |= r.Minutes == 1440;
            minMinute = Math.Min(minMinute, r.Minutes);
        }

        if (anyEnd || (!anyZero && minMinute == sourceStep))
        {
            endLabelled = true;
        }

        if (anyEnd && anyZero)
        {
            var zero = rows.Find(r => r.Minutes == 0)!;
            throw new InputFormatException(source, zero.Line, 0, "the file labels slots both 0:00 and 24:00; cannot tell start- from end-labelled slots.");
        }

        var stepMinutes = TimeSpan.FromMinutes(sourceStep);
        var times = new DateTimeOffset[rows.Count];
        var start = DateTimeOffset.MaxValue;
        var end = DateTimeOffset.MinValue;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (r.Minutes % sourceStep != 0)
            {
                throw new InputFormatException(source, r.Line, layout.TimeColumn,
                    $"time {r.Minutes / 60}:{r.Minutes % 60:00} is not on the file's {sourceStep}-minute grid.");
            }

            var t = new DateTimeOffset(r.Date.ToDateTime(TimeOnly.MinValue), Jst.Offset).AddMinutes(r.Minutes);
            if (endLabelled)
            {
                t -= stepMinutes;
            }

            times[i] = t;
            start = t < start ? t : start;
            end = t > end ? t : end;
        }

        var n = (int)((end - start).Ticks / AreaSupplyDemand.Step.Ticks) + (sourceStep / 30);
        var keyCount = layout.Keys.Count;
        var arrays = new double[keyCount][];
        for (var k = 0; k < keyCount; k++)
        {
            arrays[k] = new double[n];
            Array.Fill(arrays[k], double.NaN);
        }

        // Columns a publisher leaves empty throughout (e.g. 地熱 where there is none) are reported once, not per row.
        var emptyColumn = new bool[keyCount];
        for (var k = 0; k < keyCount; k++)
        {
            emptyColumn[k] = rows.TrueForAll(r => double.IsNaN(r.Values[k]));
        }

        // Interconnection sign: count rows that balance under each convention.
        var flip = DetectExportPositive(area, layout, rows);
        var covered = new string?[n];
        var lineOf = new int[n];
        var perSource = sourceStep / 30;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (flip && layout.InterconnectionSlot >= 0)
            {
                r.Values[layout.InterconnectionSlot] = -r.Values[layout.InterconnectionSlot];
            }

            var j0 = (int)((times[i] - start).Ticks / AreaSupplyDemand.Step.Ticks);
            if (covered[j0] is not null)
            {
                var same = true;
                for (var k = 0; k < keyCount; k++)
                {
                    same &= arrays[k][j0].Equals(r.Values[k]);
                }

                if (!same)
                {
                    throw new InputFormatException(source, r.Line, layout.TimeColumn,
                        $"duplicate slot {Iso8601.Format(times[i])} (already on line {lineOf[j0]}) with different values.");
                }

                warnings.Add(new ImportWarning(source, r.Line, $"slot {Iso8601.Format(times[i])} repeats line {lineOf[j0]} exactly; kept once."));
                continue;
            }

            for (var h = 0; h < perSource; h++)
            {
                covered[j0 + h] = source;
                lineOf[j0 + h] = r.Line;
                for (var k = 0; k < keyCount; k++)
                {
                    arrays[k][j0 + h] = r.Values[k];
                }
            }

            CheckRow(r, layout, emptyColumn, source, warnings);
        }

        AreaSupplyDemand.ReportGaps(covered, start, source, warnings);
        var series = new Dictionary<string, TimeSeries>(StringComparer.Ordinal);
        for (var k = 0; k < keyCount; k++)
        {
            if (emptyColumn[k])
            {
                warnings.Add(new ImportWarning(source, 0, $"column {layout.Names[k]} ({layout.Keys[k]}) is empty in every row; not imported."));
                continue;
            }

            series[layout.Keys[k]] = TimeSeries.Wrap(start, AreaSupplyDemand.Step, arrays[k], SeriesUnit.Megawatts, $"{area.Code} {layout.Keys[k]}");
        }

        return new AreaSupplyDemand(area, [source], format, encoding, stepMinutes, endLabelled, flip, rows.Count, series, warnings);
    }

    private static bool DetectExportPositive(GridArea area, Layout layout, List<RawRow> rows)
    {
        var defaultExportPositive = area == JapanAreas.Kyushu;
        if (layout.InterconnectionSlot < 0)
        {
            return false;
        }

        int import = 0, export = 0;
        foreach (var r in rows)
        {
            var (others, tie, target, tolerance) = BalanceTerms(r, layout);
            if (double.IsNaN(others) || double.IsNaN(target) || double.IsNaN(tie) || tie == 0)
            {
                continue;
            }

            import += Math.Abs(others + tie - target) <= tolerance ? 1 : 0;
            export += Math.Abs(others - tie - target) <= tolerance ? 1 : 0;
        }

        return import == export ? defaultExportPositive : export > import;
    }

    private static (double Others, double Tie, double Target, double Tolerance) BalanceTerms(RawRow r, Layout layout)
    {
        double others = 0;
        var terms = 0;
        for (var k = 0; k < layout.Keys.Count; k++)
        {
            if (k == layout.InterconnectionSlot || !SupplyDemandKeys.IsSupply(layout.Keys[k]))
            {
                continue;
            }

            var v = r.Values[k];
            if (!double.IsNaN(v))
            {
                others += v;
                terms++;
            }
        }

        var tie = layout.InterconnectionSlot >= 0 ? r.Values[layout.InterconnectionSlot] : 0;
        var target = layout.TotalSlot >= 0 ? r.Values[layout.TotalSlot] : r.Values[layout.DemandSlot];

        // Each published value is rounded to a whole MW (or MWh): allow half a unit per term.
        return (others, tie, target, 0.5 * (terms + 2));
    }

    private static void CheckRow(RawRow r, Layout layout, bool[] emptyColumn, string source, List<ImportWarning> warnings)
    {
        var (others, tie, target, tolerance) = BalanceTerms(r, layout);
        if (double.IsNaN(target))
        {
            warnings.Add(new ImportWarning(source, r.Line, "the total (合計) is empty; the row's balance cannot be checked."));
            return;
        }

        var missing = 0;
        for (var k = 0; k < layout.Keys.Count; k++)
        {
            if (double.IsNaN(r.Values[k]) && !emptyColumn[k])
            {
                missing++;
            }
        }

        if (missing > 0)
        {
            warnings.Add(new ImportWarning(source, r.Line, $"{missing} empty cell(s); left missing (NaN)."));
        }

        var sum = others + (double.IsNaN(tie) ? 0 : tie);
        if (Math.Abs(sum - target) > tolerance)
        {
            var what = layout.TotalSlot >= 0 ? "total (合計)" : "demand (エリア需要)";
            warnings.Add(new ImportWarning(source, r.Line,
                $"the supply columns add up to {sum.ToString("0.#", CultureInfo.InvariantCulture)} MW but the {what} is {target.ToString("0.#", CultureInfo.InvariantCulture)} MW (off by {(sum - target).ToString("0.#", CultureInfo.InvariantCulture)}); kept as published."));
        }
    }

    private static bool AllValuesEmpty(TextRecord rec, Layout layout)
    {
        foreach (var idx in layout.Indexes)
        {
            if (rec.Fields[idx].Length != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHeader(TextRecord rec)
    {
        var first = SupplyDemandKeys.Normalize(rec.At(0)).ToUpperInvariant();
        return first is "DATE" or "DATE_TIME" or "月日" or "年月日";
    }

    private static (DateOnly Date, int Minutes) ParseWhen(TextRecord rec, Layout layout, ref DateOnly? lastDate, string source)
    {
        string dateText, timeText;
        int dateCol, timeCol;
        if (layout.DateTime >= 0)
        {
            var cell = rec.Fields[layout.DateTime];
            var space = cell.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                throw new InputFormatException(source, rec.Line, rec.ColumnOf(layout.DateTime), $"'{cell}' is not a date and time like 2016/4/1 0:00.");
            }

            dateText = cell[..space];
            timeText = cell[(space + 1)..].Trim();
            dateCol = timeCol = rec.ColumnOf(layout.DateTime);
        }
        else
        {
            dateText = rec.Fields[layout.Date];
            timeText = rec.Fields[layout.Time];
            dateCol = rec.ColumnOf(layout.Date);
            timeCol = rec.ColumnOf(layout.Time);
        }

        DateOnly date;
        if (dateText.Length == 0 && layout.Legacy && lastDate is { } carried)
        {
            // Legacy hourly files write the date on the first hour of each day only.
            date = carried;
        }
        else if (!TryParseDate(dateText, out date))
        {
            throw new InputFormatException(source, rec.Line, dateCol, $"'{dateText}' is not a date (expected 2025/4/1, 2025/04/01 or 20250401).");
        }

        lastDate = date;
        if (!TryParseTime(timeText, out var minutes))
        {
            throw new InputFormatException(source, rec.Line, timeCol, $"'{timeText}' is not a time of day (expected 0:00 .. 24:00 or 0時 .. 23時).");
        }

        return (date, minutes);
    }

    internal static bool TryParseDate(string text, out DateOnly date)
    {
        date = default;
        var s = text.Trim();
        if (s.Length == 8 && s.All(char.IsAsciiDigit))
        {
            return DateOnly.TryParseExact(s, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
        }

        var parts = s.Split('/', '-');
        return parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            && y is >= 1990 and <= 2200 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m)
            && (date = new DateOnly(y, m, d)) != default;
    }

    internal static bool TryParseTime(string text, out int minutes)
    {
        minutes = 0;
        var s = text.Trim();
        if (s.EndsWith('時'))
        {
            if (int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var hour) && hour is >= 0 and <= 24)
            {
                minutes = hour * 60;
                return true;
            }

            return false;
        }

        var colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1
            || !int.TryParse(s.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(s.AsSpan(colon + 1, Math.Min(2, s.Length - colon - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out var min)
            || h is < 0 or > 24 || min is < 0 or > 59 || (h == 24 && min != 0))
        {
            return false;
        }

        minutes = (h * 60) + min;
        return true;
    }

    [GeneratedRegex(@"^(eria_jukyu|realtime_jukyu)_(\d{6}|\d{8})_(\d{2})")]
    private static partial Regex CurrentName();

    private sealed record RawRow(int Line, DateOnly Date, int Minutes, double[] Values);

    private sealed class Layout
    {
        public int Date { get; private set; } = -1;

        public int Time { get; private set; } = -1;

        public int DateTime { get; private set; } = -1;

        public int TimeColumn { get; private set; }

        public bool Legacy { get; private set; }

        public int Width { get; private set; }

        public List<string> Keys { get; } = [];

        public List<string> Names { get; } = [];

        public List<int> Indexes { get; } = [];

        public List<string> Ignored { get; } = [];

        public int DemandSlot { get; private set; } = -1;

        public int TotalSlot { get; private set; } = -1;

        public int InterconnectionSlot { get; private set; } = -1;

        public static Layout Read(TextRecord header, TextRecord? above, string source)
        {
            var layout = new Layout();
            var lastNonEmpty = 0;
            for (var i = 0; i < header.Fields.Length; i++)
            {
                var raw = header.Fields[i];
                if (raw.Length == 0)
                {
                    continue;
                }

                lastNonEmpty = i;
                var name = SupplyDemandKeys.Normalize(raw);
                var upper = name.ToUpperInvariant();
                layout.Legacy |= raw.Contains("MWh", StringComparison.OrdinalIgnoreCase) || upper == "DATE_TIME" || name == "月日";
                switch (upper)
                {
                    case "DATE" or "月日" or "年月日":
                        layout.Date = i;
                        continue;
                    case "TIME" or "時刻":
                        layout.Time = i;
                        layout.TimeColumn = header.ColumnOf(i);
                        continue;
                    case "DATE_TIME":
                        layout.DateTime = i;
                        layout.TimeColumn = header.ColumnOf(i);
                        continue;
                }

                var key = SupplyDemandKeys.FromJapanese(raw);
                if (key is null && above is not null && above.At(i).Length > 0)
                {
                    // Two-row headers: 太陽光 / 実績 -> 太陽光実績.
                    key = SupplyDemandKeys.FromJapanese(SupplyDemandKeys.Normalize(above.At(i)) + name);
                    name = SupplyDemandKeys.Normalize(above.At(i)) + name;
                }

                if (key is null)
                {
                    layout.Ignored.Add(raw);
                    continue;
                }

                if (layout.Keys.Contains(key))
                {
                    throw new InputFormatException(source, header.Line, header.ColumnOf(i), $"column '{raw}' ({key}) appears twice in the header.");
                }

                layout.Keys.Add(key);
                layout.Names.Add(raw);
                layout.Indexes.Add(i);
            }

            layout.Width = lastNonEmpty + 1;
            if (layout.DateTime < 0 && (layout.Date < 0 || layout.Time < 0))
            {
                throw new InputFormatException(source, header.Line, 1, "the header has no DATE and TIME (or 月日 and 時刻) columns.");
            }

            layout.DemandSlot = layout.Keys.IndexOf(SupplyDemandKeys.Demand);
            if (layout.DemandSlot < 0)
            {
                throw new InputFormatException(source, header.Line, 0, "the header has no area demand column (エリア需要).");
            }

            layout.TotalSlot = layout.Keys.IndexOf(SupplyDemandKeys.Total);
            layout.InterconnectionSlot = layout.Keys.IndexOf(SupplyDemandKeys.Interconnection);
            if (!layout.Keys.Exists(SupplyDemandKeys.IsSupply))
            {
                throw new InputFormatException(source, header.Line, 0, "the header has no supply columns (原子力, 火力, 水力, ...).");
            }

            return layout;
        }
    }
}
