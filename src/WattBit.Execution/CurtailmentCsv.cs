using WattBit.Formats;
using WattBit.Sites;

namespace WattBit.Execution;

/// <summary>
/// Writes and reads a curtailment record as CSV (<c>site,mode,applied_at,engine_job_id,workload_id,queue,kind</c>, one
/// row per job), so that a curtailment applied by one command can be lifted by a later one.
/// </summary>
public static class CurtailmentCsv
{
    /// <summary>Writes <paramref name="curtailment"/> with a header (a curtailment that touched no job writes one row with empty job fields).</summary>
    public static void Write(TextWriter writer, AppliedCurtailment curtailment)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(curtailment);
        writer.WriteLine("site,mode,applied_at,engine_job_id,workload_id,queue,kind");
        var head = $"{Csv.Escape(curtailment.Site.Value)},{curtailment.Mode},{Iso8601.Format(curtailment.AppliedAt)}";
        if (curtailment.Interventions.Count == 0)
        {
            writer.WriteLine(head + ",,,,");
        }

        foreach (var i in curtailment.Interventions)
        {
            writer.WriteLine($"{head},{Csv.Escape(i.EngineJobId)},{Csv.Escape(i.WorkloadId)},{Csv.Escape(i.Queue)},{i.Kind}");
        }
    }

    /// <summary>Reads a record written by <see cref="Write"/>.</summary>
    /// <exception cref="InputFormatException">A missing column, no rows, an unknown mode or kind, a bad time, or rows of different curtailments.</exception>
    public static AppliedCurtailment ReadFile(string path) => Read(CsvTable.ReadFile(path));

    /// <summary>Reads record text; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputFormatException">See <see cref="ReadFile"/>.</exception>
    public static AppliedCurtailment Parse(string text, string source) => Read(CsvTable.Parse(text, source));

    private static AppliedCurtailment Read(CsvTable table)
    {
        int cSite = table.Require("site"), cMode = table.Require("mode"), cAt = table.Require("applied_at"), cJob = table.Require("engine_job_id"),
            cWorkload = table.Require("workload_id"), cQueue = table.Require("queue"), cKind = table.Require("kind");
        if (table.Rows.Count == 0)
        {
            throw new InputFormatException(table.Source, 1, 1, "a curtailment record needs at least one row.");
        }

        var first = table.Rows[0];
        SiteId site;
        try
        {
            site = new SiteId(table.Field(first, cSite));
        }
        catch (ArgumentException ex)
        {
            throw table.Error(first, cSite, ex.Message);
        }

        var mode = Enum<CurtailmentMode>(table, first, cMode);
        var at = Iso8601.TryParse(table.Field(first, cAt), out var t, out var reason) ? t : throw table.Error(first, cAt, reason + ".");
        var interventions = new List<Intervention>();
        foreach (var row in table.Rows)
        {
            if (table.Field(row, cSite) != site.Value || table.Field(row, cAt) != table.Field(first, cAt))
            {
                throw table.Error(row, cSite, "all rows must belong to one curtailment (same site and applied_at).");
            }

            var job = table.Field(row, cJob);
            if (job.Length == 0)
            {
                continue;
            }

            if (!job.All(char.IsAsciiDigit))
            {
                throw table.Error(row, cJob, $"'{job}' is not an engine job id.");
            }

            interventions.Add(new Intervention(job, table.Field(row, cWorkload), table.Field(row, cQueue), Enum<InterventionKind>(table, row, cKind)));
        }

        return new AppliedCurtailment(site, mode, at, interventions);
    }

    private static T Enum<T>(CsvTable table, CsvRow row, int column)
        where T : struct, Enum =>
        System.Enum.TryParse<T>(table.Field(row, column), ignoreCase: true, out var value) && System.Enum.IsDefined(value)
            ? value
            : throw table.Error(row, column, $"'{table.Field(row, column)}' is not one of {string.Join(", ", System.Enum.GetNames<T>())}.");
}
