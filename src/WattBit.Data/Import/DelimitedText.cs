namespace WattBit.Data.Import;

/// <summary>One record of a comma-separated file: its 1-based line, its fields (unquoted) and each field's 1-based column.</summary>
internal sealed record TextRecord(int Line, string[] Fields, int[] Columns)
{
    public bool IsBlank
    {
        get
        {
            foreach (var f in Fields)
            {
                if (f.Length != 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public string At(int index) => index >= 0 && index < Fields.Length ? Fields[index] : string.Empty;

    public int ColumnOf(int index) => index >= 0 && index < Columns.Length ? Columns[index] : 0;
}

/// <summary>
/// A small comma-separated reader for the publishers' files: quoted or bare fields, CR/LF or LF line ends, no quoted
/// line breaks (none of these formats uses them). Keeps line and column of every field for error messages.
/// </summary>
internal static class DelimitedText
{
    public static List<TextRecord> Split(string text, string source)
    {
        var records = new List<TextRecord>(text.Length / 64);
        var line = 0;
        var pos = 0;
        var fields = new List<string>(32);
        var columns = new List<int>(32);
        while (pos < text.Length)
        {
            line++;
            var end = text.IndexOf('\n', pos);
            if (end < 0)
            {
                end = text.Length;
            }

            var stop = end > pos && text[end - 1] == '\r' ? end - 1 : end;
            SplitLine(text.AsSpan(pos, stop - pos), source, line, fields, columns);
            records.Add(new TextRecord(line, [.. fields], [.. columns]));
            pos = end + 1;
        }

        return records;
    }

    private static void SplitLine(ReadOnlySpan<char> s, string source, int line, List<string> fields, List<int> columns)
    {
        fields.Clear();
        columns.Clear();
        var i = 0;
        while (true)
        {
            columns.Add(i + 1);
            if (i < s.Length && s[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                var j = i + 1;
                var closed = false;
                while (j < s.Length)
                {
                    if (s[j] == '"')
                    {
                        if (j + 1 < s.Length && s[j + 1] == '"')
                        {
                            sb.Append('"');
                            j += 2;
                            continue;
                        }

                        closed = true;
                        j++;
                        break;
                    }

                    sb.Append(s[j]);
                    j++;
                }

                if (!closed)
                {
                    throw new Formats.InputFormatException(source, line, i + 1, "a quoted field is never closed (missing '\"'); the file may be truncated.");
                }

                fields.Add(sb.ToString());
                if (j < s.Length && s[j] != ',')
                {
                    throw new Formats.InputFormatException(source, line, j + 1, "unexpected text after a closing quote.");
                }

                if (j >= s.Length)
                {
                    return;
                }

                i = j + 1;
                continue;
            }

            var comma = s[i..].IndexOf(',');
            if (comma < 0)
            {
                fields.Add(s[i..].Trim().ToString());
                return;
            }

            fields.Add(s.Slice(i, comma).Trim().ToString());
            i += comma + 1;
        }
    }
}
