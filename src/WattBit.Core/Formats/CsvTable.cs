using System.Text;

namespace WattBit.Formats;

/// <summary>One data row of a CSV file with its position, for precise error messages.</summary>
/// <param name="Line">1-based line where the row starts.</param>
/// <param name="Fields">The unquoted field values.</param>
/// <param name="Columns">1-based character column where each field starts.</param>
public sealed record CsvRow(int Line, string[] Fields, int[] Columns);

/// <summary>
/// A small RFC 4180 CSV reader: comma-separated, optional double quotes (with "" escapes and embedded newlines), a
/// UTF-8 byte-order mark ignored, blank lines skipped. Keeps line and column of every field so that readers of
/// WattBit's formats can point at the exact place of a problem. Not thread-safe while reading.
/// </summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columnIndex;

    private CsvTable(string source, string[] header, int[] headerColumns, List<CsvRow> rows)
    {
        Source = source;
        Header = header;
        Rows = rows;
        _columnIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim();
            if (!_columnIndex.TryAdd(name, i))
            {
                throw new InputFormatException(source, 1, headerColumns[i], $"column '{name}' appears twice in the header.");
            }
        }
    }

    /// <summary>The file path or description used in messages.</summary>
    public string Source { get; }

    /// <summary>The header names as written.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The data rows in file order.</summary>
    public IReadOnlyList<CsvRow> Rows { get; }

    /// <summary>Reads a UTF-8 CSV file.</summary>
    /// <exception cref="InputFormatException">The file is empty or has an unterminated quote.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CsvTable ReadFile(string path) => Parse(File.ReadAllText(path, Encoding.UTF8), path);

    /// <summary>Parses CSV text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">The text is empty or has an unterminated quote.</exception>
    public static CsvTable Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRow>();
        var fields = new List<string>();
        var columns = new List<int>();
        var field = new StringBuilder();
        int line = 1, col = 1, rowLine = 1, fieldCol = 1;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        bool inQuotes = false, quotedField = false, any = false;
        int quoteLine = 0, quoteCol = 0;

        void EndField()
        {
            fields.Add(quotedField ? field.ToString() : field.ToString().Trim());
            columns.Add(fieldCol);
            field.Clear();
            quotedField = false;
        }

        void EndRow()
        {
            EndField();
            var blank = fields.Count == 1 && fields[0].Length == 0 && !any;
            if (!blank)
            {
                records.Add(new CsvRow(rowLine, [.. fields], [.. columns]));
            }

            fields.Clear();
            columns.Clear();
            any = false;
        }

        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                        col += 2;
                        continue;
                    }

                    inQuotes = false;
                    col++;
                    continue;
                }

                field.Append(c);
                if (c == '\n')
                {
                    line++;
                    col = 1;
                }
                else
                {
                    col++;
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.ToString().Trim().Length == 0:
                    field.Clear();
                    inQuotes = true;
                    quotedField = true;
                    any = true;
                    quoteLine = line;
                    quoteCol = col;
                    col++;
                    break;
                case ',':
                    EndField();
                    any = true;
                    col++;
                    fieldCol = col;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRow();
                    line++;
                    col = 1;
                    fieldCol = 1;
                    rowLine = line;
                    break;
                default:
                    field.Append(c);
                    if (!char.IsWhiteSpace(c))
                    {
                        any = true;
                    }

                    col++;
                    break;
            }
        }

        if (inQuotes)
        {
            throw new InputFormatException(source, quoteLine, quoteCol, "a quoted field is never closed (missing '\"').");
        }

        if (field.Length > 0 || fields.Count > 0 || any)
        {
            EndRow();
        }

        if (records.Count == 0)
        {
            throw new InputFormatException(source, 0, 0, "the file is empty: expected a header row.");
        }

        var header = records[0];
        records.RemoveAt(0);
        return new CsvTable(source, header.Fields, header.Columns, records);
    }

    /// <summary>The index of a required column (case-insensitive).</summary>
    /// <exception cref="InputFormatException">The column is missing; the message lists the columns found.</exception>
    public int Require(string column) => _columnIndex.TryGetValue(column, out var index)
        ? index
        : throw new InputFormatException(Source, 1, 0,
            $"missing column '{column}' in the header (found: {string.Join(", ", Header)}).");

    /// <summary>The index of an optional column, or -1.</summary>
    public int Optional(string column) => _columnIndex.TryGetValue(column, out var index) ? index : -1;

    /// <summary>The value of a field, or an error naming the line when the row is too short.</summary>
    /// <exception cref="InputFormatException">The row has fewer fields than the column index needs.</exception>
    public string Field(CsvRow row, int column)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (column >= row.Fields.Length)
        {
            throw new InputFormatException(Source, row.Line, 0,
                $"the row has {row.Fields.Length} fields but column '{Header[column]}' is field {column + 1}.");
        }

        return row.Fields[column];
    }

    /// <summary>An error pointing at a field.</summary>
    public InputFormatException Error(CsvRow row, int column, string problem)
    {
        ArgumentNullException.ThrowIfNull(row);
        var col = column >= 0 && column < row.Columns.Length ? row.Columns[column] : 0;
        return new InputFormatException(Source, row.Line, col, problem);
    }
}
