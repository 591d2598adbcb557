using System.Globalization;
using System.Text;
using WattBit.Formats;

namespace WattBit.Grid.Network;

/// <summary>
/// Reads PSS/E RAW power flow files, revision 33 (the layout of PSS/E 33; files that declare a later revision are
/// rejected with a message, see decision 0111): case identification, buses, loads, fixed shunts, generators,
/// non-transformer branches, two-winding transformers and areas, into the same <see cref="PowerNetwork"/> that
/// <see cref="MatpowerCase"/> produces, converted as MATPOWER's <c>psse2mpc</c> does (decision 0111). Later sections
/// (two-terminal DC, VSC, FACTS, switched shunts, ...) are read for syntax and ignored: they carry no DC-model data
/// the engine uses. Every problem is an <see cref="InputFormatException"/> naming file, line, column and field.
/// </summary>
public static class PsseRawCase
{
    /// <summary>Reads a RAW file.</summary>
    /// <exception cref="InputFormatException">The file is malformed: an unsupported revision, a bad number, a
    /// missing field, a record at a bus that does not exist, a three-winding transformer, duplicate bus numbers, an
    /// in-service branch with x = 0, no reference bus.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PowerNetwork Load(string path) => Parse(File.ReadAllText(path, Encoding.UTF8), path);

    /// <summary>Parses RAW text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">The text is malformed (see <see cref="Load"/>).</exception>
    public static PowerNetwork Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        var lines = text.Split('\n');
        var reader = new Reader(lines, source);
        return reader.Read();
    }

    /// <summary>One comma- (or blank-) separated field of a record, with its 1-based column.</summary>
    private readonly record struct Field(string Text, int Column, bool Quoted);

    /// <summary>A record: one line of the file split into fields (text after an unquoted '/' is a comment).</summary>
    private sealed class Record(int line, List<Field> fields, string source, string what)
    {
        public int Line { get; } = line;

        public int Count => fields.Count;

        public bool IsSectionEnd => fields.Count > 0 && !fields[0].Quoted && fields[0].Text is "0" or "Q";

        public bool IsFileEnd => fields.Count > 0 && !fields[0].Quoted && fields[0].Text == "Q";

        public InputFormatException Error(int index, string name, string problem) =>
            new(source, Line, index < fields.Count ? fields[index].Column : 0, $"{what}, field {name}: {problem}");

        public double Number(int index, string name, double? fallback = null)
        {
            if (index >= fields.Count || fields[index].Text.Length == 0)
            {
                return fallback ?? throw Error(index, name, "missing (the record ends before it).");
            }

            var t = fields[index].Text;
            return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v
                : throw Error(index, name, $"'{t}' is not a number.");
        }

        public int Integer(int index, string name, int? fallback = null)
        {
            if (index >= fields.Count || fields[index].Text.Length == 0)
            {
                return fallback ?? throw Error(index, name, "missing (the record ends before it).");
            }

            var t = fields[index].Text;
            return int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw Error(index, name, $"'{t}' is not an integer.");
        }

        public string Text(int index, string fallback = "") =>
            index < fields.Count ? fields[index].Text.Trim() : fallback;
    }

    private sealed class Reader(string[] lines, string source)
    {
        private int _next; // 0-based index of the next line to read

        public PowerNetwork Read()
        {
            // Case identification: IC, SBASE, REV, XFRRAT, NXFRAT, BASFRQ; then two title lines.
            var id = NextRecord("case identification record");
            if (id is null || id.Count == 0)
            {
                throw new InputFormatException(source, 1, 0, "the file is empty; a RAW file starts with 'IC, SBASE, REV, ...'.");
            }

            var ic = id.Integer(0, "IC");
            if (ic != 0)
            {
                throw id.Error(0, "IC", $"{ic} marks a change case (only a base case, IC = 0, is a whole network).");
            }

            var baseMva = id.Number(1, "SBASE", 100);
            if (!(baseMva > 0))
            {
                throw id.Error(1, "SBASE", "the system MVA base must be positive.");
            }

            var rev = id.Integer(2, "REV", 33);
            if (rev != 33)
            {
                throw id.Error(2, "REV", $"revision {rev} is not supported; this reader reads PSS/E 33 RAW files (decision 0111).");
            }

            _next += 2; // two title lines, free text

            var buses = new List<Bus>();
            var index = new Dictionary<int, int>();
            var vm = new List<double>();
            foreach (var r in Section("bus data record"))
            {
                var number = r.Integer(0, "I");
                if (number <= 0)
                {
                    throw r.Error(0, "I", $"bus number {number} must be positive.");
                }

                var ide = r.Integer(3, "IDE", 1);
                if (ide is < 1 or > 4)
                {
                    throw r.Error(3, "IDE", $"bus type must be 1, 2, 3 or 4, not {ide}.");
                }

                if (!index.TryAdd(number, buses.Count))
                {
                    throw r.Error(0, "I", $"bus {number} appears twice (first at line {buses[index[number]].Line}).");
                }

                var name = r.Text(1);
                buses.Add(new Bus(number, (BusType)ide, 0, 0, 0, 0, r.Integer(4, "AREA", 1), r.Number(8, "VA", 0),
                    r.Number(2, "BASKV", 0), name.Length == 0 ? null : name, r.Line));
                vm.Add(r.Number(7, "VM", 1));
            }

            if (!buses.Exists(b => b.Type == BusType.Reference))
            {
                throw new InputFormatException(source, _next, 0, "no reference bus: the bus data need one bus with IDE = 3.");
            }

            var pd = new double[buses.Count];
            var qd = new double[buses.Count];
            var gs = new double[buses.Count];
            var bs = new double[buses.Count];

            // Loads: I, ID, STATUS, AREA, ZONE, PL, QL, IP, IQ, YP, YQ, ...; constant current and admittance parts at
            // the bus's solved voltage VM, as MATPOWER's psse_convert.
            foreach (var r in Section("load data record"))
            {
                var bus = BusOf(r, 0, "I", index);
                if (r.Integer(2, "STATUS", 1) == 0)
                {
                    continue;
                }

                var v = vm[bus];
                pd[bus] += r.Number(5, "PL", 0) + (r.Number(7, "IP", 0) * v) + (r.Number(9, "YP", 0) * v * v);
                qd[bus] += r.Number(6, "QL", 0) + (r.Number(8, "IQ", 0) * v) - (r.Number(10, "YQ", 0) * v * v);
            }

            // Fixed shunts: I, ID, STATUS, GL, BL (MW / MVAr at 1 p.u.).
            foreach (var r in Section("fixed shunt data record"))
            {
                var bus = BusOf(r, 0, "I", index);
                if (r.Integer(2, "STATUS", 1) == 0)
                {
                    continue;
                }

                gs[bus] += r.Number(3, "GL", 0);
                bs[bus] += r.Number(4, "BL", 0);
            }

            // Generators: I, ID, PG, QG, QT, QB, VS, IREG, MBASE, ZR, ZX, RT, XT, GTAP, STAT, RMPCT, PT, PB, ...
            var gens = new List<Generator>();
            foreach (var r in Section("generator data record"))
            {
                var bus = BusOf(r, 0, "I", index);
                var on = r.Integer(14, "STAT", 1) != 0 && buses[bus].Type != BusType.Isolated;
                gens.Add(new Generator(bus, r.Number(2, "PG", 0), on, r.Number(16, "PT", 9999), r.Number(17, "PB", -9999), r.Line));
            }

            // Non-transformer branches: I, J, CKT, R, X, B, RATEA, RATEB, RATEC, GI, BI, GJ, BJ, ST, ...
            var branches = new List<Branch>();
            foreach (var r in Section("non-transformer branch data record"))
            {
                var f = BusOf(r, 0, "I", index);
                var t = BusOf(r, 1, "J", index);
                var on = r.Integer(13, "ST", 1) != 0;
                if (on)
                {
                    // Line shunts at the ends (GI, BI, GJ, BJ, p.u.) become bus shunts, as MATPOWER's psse_convert.
                    gs[f] += r.Number(9, "GI", 0) * baseMva;
                    bs[f] += r.Number(10, "BI", 0) * baseMva;
                    gs[t] += r.Number(11, "GJ", 0) * baseMva;
                    bs[t] += r.Number(12, "BJ", 0) * baseMva;
                }

                branches.Add(MakeBranch(r, buses, f, t, r.Number(3, "R", 0), r.Number(4, "X"), r.Number(5, "B", 0),
                    r.Number(6, "RATEA", 0), r.Number(7, "RATEB", 0), r.Number(8, "RATEC", 0), 0, 0, on, 4, "X", branches.Count));
            }

            // Two-winding transformers: four records each.
            while (true)
            {
                var r1 = NextRecord("transformer data record 1") ?? throw EndOfFile("transformer data");
                if (r1.IsSectionEnd)
                {
                    break;
                }

                var f = BusOf(r1, 0, "I", index);
                var t = BusOf(r1, 1, "J", index);
                var k = r1.Integer(2, "K", 0);
                if (k != 0)
                {
                    throw r1.Error(2, "K", $"three-winding transformers (K = {k}) are not supported; only two-winding transformers are read (decision 0111).");
                }

                var cw = r1.Integer(4, "CW", 1);
                var cz = r1.Integer(5, "CZ", 1);
                if (cw is < 1 or > 3)
                {
                    throw r1.Error(4, "CW", $"winding data code must be 1, 2 or 3, not {cw}.");
                }

                if (cz is < 1 or > 3)
                {
                    throw r1.Error(5, "CZ", $"impedance data code must be 1, 2 or 3, not {cz}.");
                }

                var on = r1.Integer(11, "STAT", 1) != 0;
                var r2 = NextRecord("transformer data record 2") ?? throw EndOfFile("transformer data");
                var r3 = NextRecord("transformer data record 3") ?? throw EndOfFile("transformer data");
                var r4 = NextRecord("transformer data record 4") ?? throw EndOfFile("transformer data");
                var sbase12 = r2.Number(2, "SBASE1-2", baseMva);
                if (cz != 1 && !(sbase12 > 0))
                {
                    throw r2.Error(2, "SBASE1-2", "the winding MVA base must be positive when CZ = 2 or 3.");
                }

                double kvI = buses[f].BaseKv, kvJ = buses[t].BaseKv;
                var windv1 = r3.Number(0, "WINDV1", 1);
                var nomv1 = r3.Number(1, "NOMV1", 0);
                var windv2 = r4.Number(0, "WINDV2", 1);
                var nomv2 = r4.Number(1, "NOMV2", 0);
                if (nomv1 == 0)
                {
                    nomv1 = kvI;
                }

                if (nomv2 == 0)
                {
                    nomv2 = kvJ;
                }

                // Impedance on the system base (CZ = 1 already is); winding base Zb = NOMV1² / SBASE1-2.
                double rr = r2.Number(0, "R1-2", 0), xx = r2.Number(1, "X1-2");
                if (cz != 1)
                {
                    if (!(kvI > 0))
                    {
                        throw r1.Error(0, "I", $"bus {buses[f].Number} has BASKV = {kvI}; converting a winding-base impedance (CZ = {cz}) needs it.");
                    }

                    var scale = (nomv1 * nomv1 / sbase12) / (kvI * kvI / baseMva);
                    if (cz == 3)
                    {
                        // R1-2 is the load loss in W, X1-2 the impedance magnitude in p.u. of the winding base.
                        var rw = rr / 1e6 / sbase12;
                        var xw = Math.Sqrt(Math.Max(0, (xx * xx) - (rw * rw)));
                        rr = rw;
                        xx = xw;
                    }

                    rr *= scale;
                    xx *= scale;
                }

                // Off-nominal ratio: CW = 1 p.u. of the bus base kV; CW = 2 kV; CW = 3 p.u. of the winding's NOMV.
                double tap;
                if (cw == 1)
                {
                    tap = windv1 / windv2;
                }
                else
                {
                    if (!(kvI > 0) || !(kvJ > 0))
                    {
                        throw r1.Error(4, "CW", $"winding voltages in kV (CW = {cw}) need BASKV of buses {buses[f].Number} and {buses[t].Number}.");
                    }

                    var w1 = cw == 2 ? windv1 / kvI : windv1 * nomv1 / kvI;
                    var w2 = cw == 2 ? windv2 / kvJ : windv2 * nomv2 / kvJ;
                    tap = w1 / w2;
                }

                branches.Add(MakeBranch(r2, buses, f, t, rr, xx, 0, r3.Number(3, "RATA1", 0), r3.Number(4, "RATB1", 0),
                    r3.Number(5, "RATC1", 0), tap, r3.Number(2, "ANG1", 0), on, 1, "X1-2", branches.Count, r1.Line));
            }

            // Areas: I, ISW, PDES, PTOL, 'ARNAME'.
            var areas = new List<Area>();
            var areaNumbers = new HashSet<int>();
            foreach (var r in Section("area data record"))
            {
                var number = r.Integer(0, "I");
                if (!areaNumbers.Add(number))
                {
                    throw r.Error(0, "I", $"area {number} appears twice.");
                }

                var name = r.Text(4);
                areas.Add(new Area(number, name.Length == 0 ? null : name, r.Line));
            }

            // The remaining sections are read for syntax only (to 'Q' or the end of the file).
            SkipRest();

            for (var i = 0; i < buses.Count; i++)
            {
                buses[i] = buses[i] with { Pd = pd[i], Qd = qd[i], Gs = gs[i], Bs = bs[i] };
            }

            return new PowerNetwork(source, baseMva, buses, gens, branches, areas);
        }

        private Branch MakeBranch(Record r, List<Bus> buses, int f, int t, double rr, double x, double b, double rateA,
            double rateB, double rateC, double ratio, double shift, bool on, int xField, string xName, int count, int line = 0)
        {
            on = on && buses[f].Type != BusType.Isolated && buses[t].Type != BusType.Isolated;
            if (on && (x == 0 || !double.IsFinite(x)))
            {
                throw r.Error(xField, xName, $"branch {count + 1} ({buses[f].Number}-{buses[t].Number}) is in service with x = 0; a DC power flow needs x != 0.");
            }

            if (on && f == t)
            {
                throw r.Error(1, "J", $"branch {count + 1} connects bus {buses[f].Number} to itself.");
            }

            return new Branch(f, t, rr, x, b, rateA, rateB, rateC, ratio, shift, on, line == 0 ? r.Line : line);
        }

        private static int BusOf(Record r, int field, string name, Dictionary<int, int> index)
        {
            var number = Math.Abs(r.Integer(field, name)); // a negative J marks the metered end
            return index.TryGetValue(number, out var i) ? i : throw r.Error(field, name, $"bus {number} is not in the bus data.");
        }

        private InputFormatException EndOfFile(string section) =>
            new(source, lines.Length, 0, $"the file ends inside the {section} (each section ends with a record '0').");

        private IEnumerable<Record> Section(string what)
        {
            while (true)
            {
                var r = NextRecord(what) ?? throw EndOfFile(what.Replace(" record", string.Empty, StringComparison.Ordinal));
                if (r.IsFileEnd)
                {
                    throw new InputFormatException(source, r.Line, 1, $"'Q' ends the file before the {what.Replace(" record", string.Empty, StringComparison.Ordinal)} section.");
                }

                if (r.IsSectionEnd)
                {
                    yield break;
                }

                yield return r;
            }
        }

        private void SkipRest()
        {
            while (NextRecord("record") is { } r)
            {
                if (r.IsFileEnd)
                {
                    return;
                }
            }
        }

        /// <summary>The next non-blank line as a record, or null at the end of the file.</summary>
        private Record? NextRecord(string what)
        {
            while (_next < lines.Length)
            {
                var lineNo = _next + 1;
                var line = lines[_next++].TrimEnd('\r');
                var fields = Split(line, lineNo, what);
                if (fields.Count > 0)
                {
                    return new Record(lineNo, fields, source, $"{what} at line {lineNo.ToString(CultureInfo.InvariantCulture)}");
                }
            }

            return null;
        }

        private List<Field> Split(string line, int lineNo, string what)
        {
            var fields = new List<Field>();
            var i = 0;
            var expectField = true; // at the start, or after a comma
            while (i < line.Length)
            {
                var ch = line[i];
                if (ch is ' ' or '\t')
                {
                    i++;
                    continue;
                }

                if (ch == '/')
                {
                    break; // comment to the end of the line
                }

                if (ch == ',')
                {
                    if (expectField)
                    {
                        fields.Add(new Field(string.Empty, i + 1, false)); // an empty field takes its default
                    }

                    expectField = true;
                    i++;
                    continue;
                }

                var start = i;
                if (ch is '\'' or '"')
                {
                    var end = line.IndexOf(ch, i + 1);
                    if (end < 0)
                    {
                        throw new InputFormatException(source, lineNo, i + 1, $"{what}: a quoted name is not closed.");
                    }

                    fields.Add(new Field(line[(i + 1)..end], start + 1, true));
                    i = end + 1;
                }
                else
                {
                    while (i < line.Length && line[i] is not (',' or ' ' or '\t' or '/'))
                    {
                        i++;
                    }

                    fields.Add(new Field(line[start..i], start + 1, false));
                }

                expectField = false;
            }

            return fields;
        }
    }
}
