using System.Globalization;

namespace WattBit.Execution.Slurm;

/// <summary>Reads and writes the text formats of the Slurm 22.05 command-line tools (run with <c>TZ=UTC</c>).</summary>
internal static class SlurmFormat
{
    /// <summary>
    /// The squeue <c>--format</c> WattBit reads: id, state, partition, submit, start, end, reason, priority (0 = held),
    /// then the comment (last, as it may contain '|').
    /// </summary>
    public const string SqueueFormat = "%i|%T|%P|%V|%S|%e|%r|%Q|%k";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss";

    /// <summary>A time as sbatch <c>--begin</c> takes it (UTC, whole seconds rounded up so the job never starts early).</summary>
    public static string FormatBegin(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        var whole = new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        if (whole < utc)
        {
            whole = whole.AddSeconds(1);
        }

        return whole.ToString(TimeFormat, CultureInfo.InvariantCulture);
    }

    /// <summary>A time limit as sbatch <c>--time</c> takes it: whole minutes, rounded up, at least 1.</summary>
    public static string FormatTimeLimit(TimeSpan limit) =>
        Math.Max(1, (long)Math.Ceiling(limit.TotalMinutes)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a squeue time; null for N/A, NONE, Unknown or empty.</summary>
    /// <exception cref="FormatException">Not a squeue time.</exception>
    public static DateTimeOffset? ParseTime(string text)
    {
        if (text.Length == 0 || text is "N/A" or "NONE" or "None" or "Unknown")
        {
            return null;
        }

        return DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? new DateTimeOffset(t, TimeSpan.Zero)
            : throw new FormatException($"'{text}' is not a Slurm time (expected {TimeFormat}).");
    }

    /// <summary>Maps a Slurm job state (long form, as squeue <c>%T</c> prints it) to an engine state.</summary>
    /// <exception cref="FormatException">A state this adapter does not know.</exception>
    public static EngineJobState ParseState(string state) => state switch
    {
        "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESV_DEL_HOLD" => EngineJobState.Pending,
        "RUNNING" or "CONFIGURING" or "COMPLETING" or "RESIZING" or "SIGNALING" or "STAGE_OUT" or "POWER_UP_NODE" or "UPDATE_DB" => EngineJobState.Running,
        "SUSPENDED" or "STOPPED" => EngineJobState.Suspended,
        "COMPLETED" => EngineJobState.Completed,
        "CANCELLED" or "REVOKED" => EngineJobState.Cancelled,
        "FAILED" or "TIMEOUT" or "NODE_FAIL" or "PREEMPTED" or "BOOT_FAIL" or "DEADLINE" or "OUT_OF_MEMORY" or "SPECIAL_EXIT" => EngineJobState.Failed,
        _ => throw new FormatException($"unknown Slurm job state '{state}'."),
    };

    /// <summary>
    /// Parses one squeue line of <see cref="SqueueFormat"/>; null when the job's comment does not start with
    /// <paramref name="commentPrefix"/> (not a WattBit job).
    /// </summary>
    /// <exception cref="FormatException">The line does not have the expected fields.</exception>
    public static EngineJob? ParseSqueueLine(string line, string commentPrefix)
    {
        var f = line.Split('|', 9);
        if (f.Length != 9)
        {
            throw new FormatException($"squeue line has {f.Length} fields, expected 9: '{line}'.");
        }

        var comment = f[8];
        if (!comment.StartsWith(commentPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var state = ParseState(f[1]);
        var reason = f[6] is "None" or "" ? null : f[6];
        var submitted = ParseTime(f[3]) ?? throw new FormatException($"squeue line has no submit time: '{line}'.");
        var start = ParseTime(f[4]);
        var end = ParseTime(f[5]);
        var pending = state == EngineJobState.Pending;
        if (!long.TryParse(f[7], NumberStyles.None, CultureInfo.InvariantCulture, out var priority))
        {
            throw new FormatException($"squeue line has priority '{f[7]}', expected a whole number: '{line}'.");
        }

        var finished = state is EngineJobState.Completed or EngineJobState.Failed or EngineJobState.Cancelled;
        return new EngineJob(
            EngineJobId: f[0],
            WorkloadId: comment[commentPrefix.Length..],
            Queue: f[2],
            State: state,
            Held: pending && priority == 0,
            Reason: reason,
            SubmittedAt: submitted,
            StartedAt: pending ? null : start,
            EndedAt: finished ? end : null,
            ExpectedStartAt: pending ? start : null);
    }
}
