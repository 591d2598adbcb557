using System.Globalization;
using System.Text;
using WattBit.Formats;

namespace WattBit.Grid.Network;

/// <summary>
/// Reads MATPOWER case files (<c>caseformat.m</c>, versions 1 and 2): <c>baseMVA</c>, <c>bus</c>, <c>gen</c>,
/// <c>branch</c> and the optional <c>bus_name</c>, written either as <c>mpc.field = ...;</c> or as plain
/// <c>field = ...;</c>. Other fields (<c>gencost</c>, <c>areas</c>, <c>gentype</c>, ...) are parsed for syntax and
/// ignored. Every problem is reported as an <see cref="InputFormatException"/> naming file, line and column.
/// </summary>
public static class MatpowerCase
{
    private const int BusColumns = 13;
    private const int GenColumns = 10;
    private const int BranchColumns = 11;

    /// <summary>Reads a case file.</summary>
    /// <exception cref="InputFormatException">The file is malformed: bad syntax or number, a missing table, too few
    /// columns, a branch or generator at a bus that does not exist, duplicate bus numbers, an in-service branch with
    /// x = 0, no reference bus.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PowerNetwork Load(string path) => Parse(File.ReadAllText(path, Encoding.UTF8), path);

    /// <summary>Parses case text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">The text is malformed (see <see cref="Load"/>).</exception>
    public static PowerNetwork Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = new Parser(text, source).ParseAll();
        var baseMva = Scalar(fields, "baseMVA", source);
        var busM = Table(fields, "bus", BusColumns, source);
        var genM = Table(fields, "gen", GenColumns, source);
        var brM = Table(fields, "branch", BranchColumns, source);
        string[]? names = null;
        if (fields.TryGetValue("bus_name", out var nameValue))
        {
            names = nameValue.Strings ?? throw new InputFormatException(source, nameValue.Line, nameValue.Column, "bus_name must be a cell array of strings like {'a'; 'b'}.");
            if (names.Length != busM.Rows.Count)
            {
                throw new InputFormatException(source, nameValue.Line, nameValue.Column,
                    $"bus_name has {names.Length} names but the bus table has {busM.Rows.Count} rows.");
            }
        }

        string[]? branchNames = null;
        if (fields.TryGetValue("branch_name", out var branchNameValue))
        {
            branchNames = branchNameValue.Strings ?? throw new InputFormatException(source, branchNameValue.Line, branchNameValue.Column, "branch_name must be a cell array of strings like {'a'; 'b'}.");
            if (branchNames.Length != brM.Rows.Count)
            {
                throw new InputFormatException(source, branchNameValue.Line, branchNameValue.Column,
                    $"branch_name has {branchNames.Length} names but the branch table has {brM.Rows.Count} rows.");
            }
        }

        var buses = new List<Bus>(busM.Rows.Count);
        var index = new Dictionary<int, int>();
        var hasRef = false;
        for (var i = 0; i < busM.Rows.Count; i++)
        {
            var r = busM.Rows[i];
            var number = Integer(r, 0, "bus number", source);
            var typeCode = Integer(r, 1, "bus type", source);
            if (typeCode is < 1 or > 4)
            {
                throw Error(source, r, 1, $"bus type must be 1 (PQ), 2 (PV), 3 (reference) or 4 (isolated), not {typeCode}.");
            }

            if (!index.TryAdd(number, i))
            {
                throw Error(source, r, 0, $"bus {number} appears twice (first at row {index[number] + 1} of the bus table).");
            }

            hasRef |= typeCode == 3;
            buses.Add(new Bus(number, (BusType)typeCode, r.Values[2], r.Values[3], r.Values[4], r.Values[5],
                Integer(r, 6, "area", source), r.Values[8], r.Values[9], names?[i], r.Line));
        }

        if (!hasRef)
        {
            throw new InputFormatException(source, busM.Line, busM.Column, "no reference bus: the bus table needs one bus of type 3.");
        }

        var gens = new List<Generator>(genM.Rows.Count);
        foreach (var r in genM.Rows)
        {
            var bus = BusAt(r, 0, index, source, "generator");
            var on = r.Values[7] > 0 && buses[bus].Type != BusType.Isolated;
            gens.Add(new Generator(bus, r.Values[1], on, r.Values[8], r.Values[9], r.Line));
        }

        var branches = new List<Branch>(brM.Rows.Count);
        foreach (var r in brM.Rows)
        {
            var f = BusAt(r, 0, index, source, "branch from");
            var t = BusAt(r, 1, index, source, "branch to");
            var on = r.Values[10] > 0 && buses[f].Type != BusType.Isolated && buses[t].Type != BusType.Isolated;
            var x = r.Values[3];
            if (on && (x == 0 || !double.IsFinite(x)))
            {
                throw Error(source, r, 3, $"branch {branches.Count + 1} ({buses[f].Number}-{buses[t].Number}) is in service with x = {x.ToString(CultureInfo.InvariantCulture)}; a DC power flow needs x != 0.");
            }

            if (on && f == t)
            {
                throw Error(source, r, 1, $"branch {branches.Count + 1} connects bus {buses[f].Number} to itself.");
            }

            branches.Add(new Branch(f, t, r.Values[2], x, r.Values[4], r.Values[5], r.Values[6], r.Values[7], r.Values[8], r.Values[9], on, r.Line,
                branchNames?[branches.Count]));
        }

        return new PowerNetwork(source, baseMva, buses, gens, branches);
    }

    private static int BusAt(Row r, int col, Dictionary<int, int> index, string source, string what)
    {
        var number = Integer(r, col, $"{what} bus", source);
        return index.TryGetValue(number, out var i) ? i : throw Error(source, r, col, $"{what} bus {number} is not in the bus table.");
    }

    private static int Integer(Row r, int col, string what, string source)
    {
        var v = r.Values[col];
        return v == Math.Floor(v) && Math.Abs(v) < int.MaxValue
            ? (int)v
            : throw Error(source, r, col, $"{what} must be an integer, not {v.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static InputFormatException Error(string source, Row r, int col, string message) =>
        new(source, r.Line, r.Columns[col], message);

    private static double Scalar(Dictionary<string, Value> fields, string name, string source)
    {
        if (!fields.TryGetValue(name, out var v))
        {
            throw new InputFormatException(source, 0, 0, $"missing '{name}' (expected a line like 'mpc.{name} = 100;').");
        }

        return v.Rows is [{ Values: [var x] }] ? x : throw new InputFormatException(source, v.Line, v.Column, $"'{name}' must be a single number.");
    }

    private static Matrix Table(Dictionary<string, Value> fields, string name, int minColumns, string source)
    {
        if (!fields.TryGetValue(name, out var v) || v.Rows is null)
        {
            throw new InputFormatException(source, v?.Line ?? 0, v?.Column ?? 0, $"missing matrix '{name}' (expected 'mpc.{name} = [ ... ];').");
        }

        foreach (var r in v.Rows)
        {
            if (r.Values.Length < minColumns)
            {
                throw new InputFormatException(source, r.Line, r.Columns.Length > 0 ? r.Columns[0] : 0,
                    $"a row of '{name}' has {r.Values.Length} columns; MATPOWER needs at least {minColumns}.");
            }
        }

        return new Matrix(v.Line, v.Column, v.Rows);
    }

    private sealed record Matrix(int Line, int Column, IReadOnlyList<Row> Rows);

    private sealed record Row(int Line, double[] Values, int[] Columns);

    private sealed record Value(int Line, int Column, IReadOnlyList<Row>? Rows, string[]? Strings);

    /// <summary>A small recursive-descent reader for the MATLAB subset that case files use.</summary>
    private sealed class Parser(string text, string source)
    {
        private int _pos;
        private int _line = 1;
        private int _col = 1;

        public Dictionary<string, Value> ParseAll()
        {
            var fields = new Dictionary<string, Value>(StringComparer.Ordinal);
            while (true)
            {
                SkipBlank(newlines: true);
                if (_pos >= text.Length)
                {
                    return fields;
                }

                int line = _line, col = _col;
                var ident = ReadIdentifier();
                if (ident.Length == 0)
                {
                    throw Fail($"unexpected '{text[_pos]}'; expected a statement like 'mpc.bus = [ ... ];'.");
                }

                if (ident is "function" or "return" or "end" or "endfunction")
                {
                    SkipToLineEnd();
                    continue;
                }

                var name = ident.StartsWith("mpc.", StringComparison.Ordinal) ? ident[4..] : ident;
                SkipBlank(newlines: false);
                if (Peek() != '=')
                {
                    throw Fail($"expected '=' after '{ident}'.");
                }

                Advance();
                SkipBlank(newlines: true);
                var value = ReadValue(line, col);
                SkipBlank(newlines: false);
                if (Peek() == ';')
                {
                    Advance();
                }

                if (!fields.TryAdd(name, value))
                {
                    throw new InputFormatException(source, line, col, $"'{name}' is assigned twice.");
                }
            }
        }

        private Value ReadValue(int line, int col)
        {
            var c = Peek();
            switch (c)
            {
                case '[':
                    return new Value(line, col, ReadMatrix(), null);
                case '{':
                    return new Value(line, col, null, ReadCell());
                case '\'' or '"':
                    return new Value(line, col, null, [ReadString()]);
                default:
                    int l = _line, cc = _col;
                    var x = ReadNumber();
                    return new Value(line, col, [new Row(l, [x], [cc])], null);
            }
        }

        private List<Row> ReadMatrix()
        {
            var openLine = _line;
            var openCol = _col;
            Advance();
            var rows = new List<Row>();
            var values = new List<double>();
            var cols = new List<int>();
            var rowLine = _line;
            void EndRow()
            {
                if (values.Count > 0)
                {
                    if (rows.Count > 0 && rows[0].Values.Length != values.Count)
                    {
                        throw new InputFormatException(source, rowLine, cols[0],
                            $"this row has {values.Count} values but the first row of the matrix has {rows[0].Values.Length}.");
                    }

                    rows.Add(new Row(rowLine, [.. values], [.. cols]));
                    values.Clear();
                    cols.Clear();
                }
            }

            while (true)
            {
                SkipBlank(newlines: false);
                if (_pos >= text.Length)
                {
                    throw new InputFormatException(source, openLine, openCol, "the matrix opened here is never closed with ']'.");
                }

                var c = text[_pos];
                if (c == ']')
                {
                    EndRow();
                    Advance();
                    return rows;
                }

                if (c is ';' or '\n')
                {
                    EndRow();
                    Advance();
                    continue;
                }

                if (c == ',')
                {
                    Advance();
                    continue;
                }

                if (values.Count == 0)
                {
                    rowLine = _line;
                }

                cols.Add(_col);
                values.Add(ReadNumber());
            }
        }

        private string[] ReadCell()
        {
            var openLine = _line;
            var openCol = _col;
            Advance();
            var items = new List<string>();
            while (true)
            {
                SkipBlank(newlines: true);
                if (_pos >= text.Length)
                {
                    throw new InputFormatException(source, openLine, openCol, "the cell array opened here is never closed with '}'.");
                }

                var c = text[_pos];
                switch (c)
                {
                    case '}':
                        Advance();
                        return [.. items];
                    case ';' or ',':
                        Advance();
                        break;
                    case '\'' or '"':
                        items.Add(ReadString());
                        break;
                    default:
                        // Non-string cells (numbers) are allowed in ignored fields; keep their text.
                        var start = _pos;
                        while (_pos < text.Length && !char.IsWhiteSpace(text[_pos]) && text[_pos] is not (';' or ',' or '}'))
                        {
                            Advance();
                        }

                        if (start == _pos)
                        {
                            throw Fail($"unexpected '{c}' in a cell array.");
                        }

                        items.Add(text[start.._pos]);
                        break;
                }
            }
        }

        private string ReadString()
        {
            var quote = text[_pos];
            int line = _line, col = _col;
            Advance();
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length || text[_pos] == '\n')
                {
                    throw new InputFormatException(source, line, col, "a string opened here is not closed on its line.");
                }

                var c = text[_pos];
                Advance();
                if (c == quote)
                {
                    if (Peek() == quote)
                    {
                        sb.Append(quote);
                        Advance();
                        continue;
                    }

                    return sb.ToString();
                }

                sb.Append(c);
            }
        }

        private double ReadNumber()
        {
            int line = _line, col = _col;
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '.' or '+' or '-'))
            {
                // A sign is part of the number only at its start or after an exponent marker.
                if (text[_pos] is '+' or '-' && _pos > start && text[_pos - 1] is not ('e' or 'E'))
                {
                    break;
                }

                Advance();
            }

            var token = text[start.._pos];
            if (token.Length == 0)
            {
                throw new InputFormatException(source, line, col, $"expected a number, found '{Peek()}'.");
            }

            var body = token.TrimStart('+', '-');
            var negative = token.StartsWith('-');
            double v;
            if (body is "Inf" or "inf")
            {
                v = double.PositiveInfinity;
            }
            else if (body is "NaN" or "nan")
            {
                v = double.NaN;
            }
            else if (!double.TryParse(body, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out v))
            {
                throw new InputFormatException(source, line, col, $"'{token}' is not a number.");
            }

            return negative ? -v : v;
        }

        private string ReadIdentifier()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '_' or '.'))
            {
                Advance();
            }

            return text[start.._pos];
        }

        /// <summary>Skips spaces, comments (<c>%</c> to end of line) and <c>...</c> continuations; newlines only when asked.</summary>
        private void SkipBlank(bool newlines)
        {
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c == '%' || c == '#')
                {
                    while (_pos < text.Length && text[_pos] != '\n')
                    {
                        Advance();
                    }
                }
                else if (c == '.' && string.CompareOrdinal(text, _pos, "...", 0, 3) == 0)
                {
                    SkipToLineEnd();
                }
                else if (c == '\n' ? newlines : char.IsWhiteSpace(c))
                {
                    Advance();
                }
                else
                {
                    return;
                }
            }
        }

        private void SkipToLineEnd()
        {
            while (_pos < text.Length && text[_pos] != '\n')
            {
                Advance();
            }

            if (_pos < text.Length)
            {
                Advance();
            }
        }

        private char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void Advance()
        {
            if (text[_pos] == '\n')
            {
                _line++;
                _col = 1;
            }
            else
            {
                _col++;
            }

            _pos++;
        }

        private InputFormatException Fail(string message) => new(source, _line, _col, message);
    }
}
