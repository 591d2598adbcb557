using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;
using WattBit.Siting.Candidates;

namespace WattBit.Siting.Layers;

/// <summary>What the keys of a <see cref="ValueTable"/> are.</summary>
public enum ValueKey
{
    /// <summary>Candidate ids (substation names, user site ids, prefecture codes).</summary>
    Candidate,

    /// <summary>Prefectures (JIS code, English or Japanese name).</summary>
    Prefecture,

    /// <summary>TSO areas (code, English or Japanese name).</summary>
    Area,
}

/// <summary>
/// A layer given as a table: one value per candidate, per prefecture or per TSO area. CSV form: a header whose first
/// column is <c>candidate</c>, <c>prefecture</c> or <c>area</c> and whose second column holds the value (any name;
/// <c>value</c> by convention); extra columns are ignored. Immutable and thread-safe.
/// </summary>
public sealed class ValueTable
{
    private readonly Dictionary<string, double> _values;

    private ValueTable(string source, ValueKey key, string valueColumn, Dictionary<string, double> values)
    {
        Source = source;
        Key = key;
        ValueColumn = valueColumn;
        _values = values;
    }

    /// <summary>Where the table came from (file path or embedded:name).</summary>
    public string Source { get; }

    /// <summary>What the rows are keyed by.</summary>
    public ValueKey Key { get; }

    /// <summary>Header of the value column.</summary>
    public string ValueColumn { get; }

    /// <summary>Number of keyed values.</summary>
    public int Count => _values.Count;

    /// <summary>Builds a table from prefecture codes and values.</summary>
    public static ValueTable ForPrefectures(string source, IReadOnlyDictionary<int, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ValueTable(source, ValueKey.Prefecture, "value",
            values.ToDictionary(kv => kv.Key.ToString("00", CultureInfo.InvariantCulture), kv => kv.Value, StringComparer.Ordinal));
    }

    /// <summary>Builds a table from TSO areas and values.</summary>
    public static ValueTable ForAreas(string source, IReadOnlyDictionary<GridArea, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ValueTable(source, ValueKey.Area, "value", values.ToDictionary(kv => kv.Key.Code, kv => kv.Value, StringComparer.Ordinal));
    }

    /// <summary>Builds a table from candidate ids and values.</summary>
    public static ValueTable ForCandidates(string source, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ValueTable(source, ValueKey.Candidate, "value", new Dictionary<string, double>(values, StringComparer.Ordinal));
    }

    /// <summary>Reads a layer CSV file (see the class summary).</summary>
    /// <exception cref="InputFormatException">Bad header, an unknown prefecture/area, a repeated key, or a value that is not a number.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ValueTable ReadFile(string path) => Read(CsvTable.ReadFile(path));

    /// <summary>Reads a parsed layer CSV (see the class summary); <paramref name="valueColumn"/> picks the value column by name.</summary>
    /// <exception cref="InputFormatException">Bad header, an unknown prefecture/area, a repeated key, or a value that is not a number.</exception>
    public static ValueTable Read(CsvTable table, string? valueColumn = null) =>
        Read(table, null, valueColumn is null ? null : [valueColumn]);

    /// <summary>
    /// Reads a parsed layer CSV with a chosen key column (its name decides the key kind when it is candidate, prefecture
    /// or area; any other name means candidate ids) and value columns (summed). Null picks the first / second column.
    /// </summary>
    /// <exception cref="InputFormatException">A column is missing, an unknown prefecture/area, a repeated key, or a value that is not a number.</exception>
    public static ValueTable Read(CsvTable table, string? keyColumn, IReadOnlyList<string>? valueColumns)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Header.Count < 2)
        {
            throw new InputFormatException(table.Source, 1, 1, "a layer needs two columns: candidate|prefecture|area, then the value.");
        }

        var keyIndex = keyColumn is null ? 0 : table.Require(keyColumn);
        var keyName = table.Header[keyIndex].Trim().ToLowerInvariant();
        var key = keyName switch
        {
            "candidate" or "id" => ValueKey.Candidate,
            "prefecture" or "pref" or "jis" => ValueKey.Prefecture,
            "area" => ValueKey.Area,
            _ when keyColumn is not null => ValueKey.Candidate,
            _ => throw new InputFormatException(table.Source, 1, 1,
                $"the first column is '{table.Header[0]}'; it must be 'candidate', 'prefecture' or 'area' (or name the key column in the study file)."),
        };
        int[] valueIndexes = valueColumns is null ? [1] : [.. valueColumns.Select(table.Require)];
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var raw = table.Field(row, keyIndex);
            var normalised = key switch
            {
                ValueKey.Prefecture => Prefectures.TryFind(raw, out var p) ? p.CodeText
                    : throw table.Error(row, keyIndex, $"'{raw}' is not a prefecture (use a JIS code 1-47, an English or a Japanese name)."),
                ValueKey.Area => JapanAreas.TryFind(raw, out var a) ? a.Code
                    : throw table.Error(row, keyIndex, $"'{raw}' is not a TSO area (HKD TH TK CB HR KN CG SK KY ON)."),
                _ => raw,
            };
            double v = 0;
            foreach (var valueIndex in valueIndexes)
            {
                var text = table.Field(row, valueIndex);
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var part) || !double.IsFinite(part))
                {
                    throw table.Error(row, valueIndex, $"'{text}' is not a number (column '{table.Header[valueIndex]}').");
                }

                v += part;
            }

            if (!values.TryAdd(normalised, v))
            {
                throw table.Error(row, keyIndex, $"'{raw}' appears twice.");
            }
        }

        return new ValueTable(table.Source, key, string.Join(" + ", valueIndexes.Select(i => table.Header[i])), values);
    }

    /// <summary>The value for a candidate through its id, prefecture or area (whichever this table is keyed by), or null when absent.</summary>
    public double? ValueFor(Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var k = Key switch
        {
            ValueKey.Candidate => candidate.Id,
            ValueKey.Prefecture => candidate.Prefecture.CodeText,
            _ => candidate.Area.Code,
        };
        return _values.TryGetValue(k, out var v) ? v : null;
    }

    /// <summary>The value for a prefecture (via its code or area), or null.</summary>
    public double? ValueFor(Prefecture prefecture, GridArea area)
    {
        ArgumentNullException.ThrowIfNull(prefecture);
        ArgumentNullException.ThrowIfNull(area);
        return Key switch
        {
            ValueKey.Prefecture => _values.TryGetValue(prefecture.CodeText, out var v) ? v : null,
            ValueKey.Area => _values.TryGetValue(area.Code, out var w) ? w : null,
            _ => null,
        };
    }
}
