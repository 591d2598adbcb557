using System.Globalization;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Formats;

/// <summary>Jobs read from a file, with the line each came from so later checks can point at it.</summary>
/// <param name="Source">The file path.</param>
/// <param name="Jobs">The jobs in file order.</param>
/// <param name="Lines">The 1-based line of each job (same order as <paramref name="Jobs"/>).</param>
/// <param name="LocationsColumn">1-based column where the locations field starts on each line (0 when absent).</param>
public sealed record JobFile(string Source, IReadOnlyList<BatchJob> Jobs, IReadOnlyList<int> Lines, IReadOnlyList<int> LocationsColumn);

/// <summary>
/// Reads the workload format of formats.md section 6:
/// <c>id,release,deadline,duration_minutes,power_kw,interruptible,locations</c>. Extra columns are ignored; a missing
/// <c>locations</c> column means every job may run anywhere. Also writes the format.
/// </summary>
public static class JobsCsv
{
    /// <summary>Reads a jobs file.</summary>
    /// <exception cref="InputFormatException">A missing column, a bad timestamp or number, a duplicate id, a deadline not after the release, or a duration longer than the window.</exception>
    public static JobFile ReadFile(string path) => Read(CsvTable.ReadFile(path));

    /// <summary>Reads jobs CSV text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">See <see cref="ReadFile"/>.</exception>
    public static JobFile Parse(string text, string source) => Read(CsvTable.Parse(text, source));

    /// <summary>Writes the header and one row per job; timestamps keep each job's offset, numbers round-trip exactly.</summary>
    public static void Write(TextWriter writer, IEnumerable<BatchJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(jobs);
        writer.WriteLine("id,release,deadline,duration_minutes,power_kw,interruptible,locations");
        foreach (var j in jobs)
        {
            writer.Write(Csv.Escape(j.Id));
            writer.Write(',');
            writer.Write(Iso8601.Format(j.Release));
            writer.Write(',');
            writer.Write(Iso8601.Format(j.Deadline));
            writer.Write(',');
            writer.Write(j.Duration.TotalMinutes.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(j.Power.Kilowatts.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(j.Interruptible ? "true" : "false");
            writer.Write(',');
            writer.WriteLine(Csv.Escape(string.Join(';', j.Locations)));
        }
    }

    private static JobFile Read(CsvTable table)
    {
        int cId = table.Require("id"), cRelease = table.Require("release"), cDeadline = table.Require("deadline"),
            cDuration = table.Require("duration_minutes"), cPower = table.Require("power_kw"),
            cInterruptible = table.Require("interruptible"), cLocations = table.Optional("locations");
        var jobs = new List<BatchJob>(table.Rows.Count);
        var lines = new List<int>(table.Rows.Count);
        var locationColumns = new List<int>(table.Rows.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var id = table.Field(row, cId);
            if (id.Length == 0)
            {
                throw table.Error(row, cId, "job id is empty.");
            }

            if (!seen.TryAdd(id, row.Line))
            {
                throw table.Error(row, cId, $"job id '{id}' is already used on line {seen[id]}.");
            }

            var release = Time(table, row, cRelease, "release");
            var deadline = Time(table, row, cDeadline, "deadline");
            if (deadline <= release)
            {
                throw table.Error(row, cDeadline,
                    $"job '{id}': deadline {Iso8601.Format(deadline)} is not after its release {Iso8601.Format(release)}.");
            }

            var minutes = Number(table, row, cDuration, "duration_minutes");
            if (minutes <= 0)
            {
                throw table.Error(row, cDuration, $"job '{id}': duration_minutes must be positive (got {minutes}).");
            }

            // Rounded to whole ticks: minutes like 599.9833 (9:59:59) must not come back a tick short.
            var duration = TimeSpan.FromTicks((long)Math.Round(minutes * TimeSpan.TicksPerMinute));
            if (duration > deadline - release)
            {
                throw table.Error(row, cDuration,
                    $"job '{id}': duration {minutes} min is longer than its window {Iso8601.Format(release)} .. {Iso8601.Format(deadline)} ({(deadline - release).TotalMinutes} min).");
            }

            var kw = Number(table, row, cPower, "power_kw");
            if (kw <= 0)
            {
                throw table.Error(row, cPower, $"job '{id}': power_kw must be positive (got {kw}).");
            }

            var interruptibleText = table.Field(row, cInterruptible);
            bool interruptible = interruptibleText.ToUpperInvariant() switch
            {
                "TRUE" or "1" or "YES" => true,
                "FALSE" or "0" or "NO" or "" => false,
                _ => throw table.Error(row, cInterruptible, $"interruptible must be true or false, not '{interruptibleText}'."),
            };

            string[] locations = [];
            if (cLocations >= 0 && cLocations < row.Fields.Length)
            {
                locations = row.Fields[cLocations].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var dup = locations.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (dup is not null)
                {
                    throw table.Error(row, cLocations, $"job '{id}': location '{dup.Key}' is listed twice.");
                }
            }

            jobs.Add(new BatchJob(id, release, deadline, duration, Power.FromKilowatts(kw), interruptible, locations));
            lines.Add(row.Line);
            locationColumns.Add(cLocations >= 0 && cLocations < row.Columns.Length ? row.Columns[cLocations] : 0);
        }

        if (jobs.Count == 0)
        {
            throw new InputFormatException(table.Source, 1, 0, "the jobs file has a header but no job rows.");
        }

        return new JobFile(table.Source, jobs, lines, locationColumns);
    }

    private static DateTimeOffset Time(CsvTable table, CsvRow row, int column, string name)
    {
        var text = table.Field(row, column);
        return Iso8601.TryParse(text, out var value, out var reason) ? value : throw table.Error(row, column, $"{name}: {reason}.");
    }

    private static double Number(CsvTable table, CsvRow row, int column, string name)
    {
        var text = table.Field(row, column);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw table.Error(row, column, $"{name} '{text}' is not a number.");
    }
}
