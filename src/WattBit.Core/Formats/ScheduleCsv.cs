namespace WattBit.Formats;

/// <summary>One row of a schedule: a job runs at a location over [start, end).</summary>
/// <param name="Id">The job id.</param>
/// <param name="Location">Where it runs.</param>
/// <param name="Start">When the run starts.</param>
/// <param name="End">When the run ends (exclusive).</param>
public sealed record ScheduleRow(string Id, string Location, DateTimeOffset Start, DateTimeOffset End);

/// <summary>Writes and reads the schedule format of formats.md §6: <c>id,location,start,end</c> (several rows for an interrupted job).</summary>
public static class ScheduleCsv
{
    /// <summary>Writes the header and one row per run.</summary>
    public static void Write(TextWriter writer, IEnumerable<ScheduleRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.WriteLine("id,location,start,end");
        foreach (var r in rows)
        {
            writer.Write(Csv.Escape(r.Id));
            writer.Write(',');
            writer.Write(Csv.Escape(r.Location));
            writer.Write(',');
            writer.Write(Iso8601.Format(r.Start));
            writer.Write(',');
            writer.WriteLine(Iso8601.Format(r.End));
        }
    }

    /// <summary>Reads a schedule file.</summary>
    /// <exception cref="InputFormatException">A missing column, a bad timestamp, or an end not after its start.</exception>
    public static IReadOnlyList<ScheduleRow> ReadFile(string path) => Read(CsvTable.ReadFile(path));

    /// <summary>Reads schedule CSV text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">See <see cref="ReadFile"/>.</exception>
    public static IReadOnlyList<ScheduleRow> Parse(string text, string source) => Read(CsvTable.Parse(text, source));

    private static List<ScheduleRow> Read(CsvTable table)
    {
        int cId = table.Require("id"), cLoc = table.Require("location"), cStart = table.Require("start"), cEnd = table.Require("end");
        var rows = new List<ScheduleRow>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var start = Time(table, row, cStart);
            var end = Time(table, row, cEnd);
            if (end <= start)
            {
                throw table.Error(row, cEnd, $"end {Iso8601.Format(end)} is not after start {Iso8601.Format(start)}.");
            }

            rows.Add(new ScheduleRow(table.Field(row, cId), table.Field(row, cLoc), start, end));
        }

        return rows;
    }

    private static DateTimeOffset Time(CsvTable table, CsvRow row, int column) =>
        Iso8601.TryParse(table.Field(row, column), out var value, out var reason) ? value : throw table.Error(row, column, reason + ".");
}
