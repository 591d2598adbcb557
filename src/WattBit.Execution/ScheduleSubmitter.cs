using WattBit.Formats;
using WattBit.Sites;

namespace WattBit.Execution;

/// <summary>
/// Turns a shifted schedule (formats.md §6 rows, or <c>Shifter.Shift</c> placements via <c>ToScheduleRows</c>) into engine
/// submissions: one engine job per workload, submitted to its location's queue with its first run's start as the begin
/// time and its total run time as the time limit. A job planned in several runs starts at its first run; its pauses
/// between runs are not enforced by the engine (see docs/execution.md).
/// </summary>
public static class ScheduleSubmitter
{
    /// <summary>The submissions for <paramref name="rows"/>, one per job id in first-appearance order.</summary>
    /// <param name="rows">The schedule.</param>
    /// <param name="queues">Where each location's work runs.</param>
    /// <param name="command">The command every job runs (a schedule does not carry one).</param>
    /// <param name="timeLimitSlack">Added to each job's planned run time for its time limit; null = no time limit.</param>
    /// <exception cref="ArgumentException">A location has no queue, or one job id appears at two locations.</exception>
    public static IReadOnlyList<JobSubmission> Submissions(IEnumerable<ScheduleRow> rows, QueueMap queues, string command, TimeSpan? timeLimitSlack = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var order = new List<string>();
        var byId = new Dictionary<string, (string Location, DateTimeOffset Start, TimeSpan Total)>(StringComparer.Ordinal);
        foreach (var r in rows)
        {
            if (byId.TryGetValue(r.Id, out var seen))
            {
                if (seen.Location != r.Location)
                {
                    throw new ArgumentException($"job '{r.Id}' is scheduled at both {seen.Location} and {r.Location}.", nameof(rows));
                }

                byId[r.Id] = (seen.Location, r.Start < seen.Start ? r.Start : seen.Start, seen.Total + (r.End - r.Start));
            }
            else
            {
                order.Add(r.Id);
                byId[r.Id] = (r.Location, r.Start, r.End - r.Start);
            }
        }

        return [.. order.Select(id =>
        {
            var (location, start, total) = byId[id];
            return new JobSubmission(id, queues.QueueOf(new SiteId(location)), command, start, timeLimitSlack is { } slack ? total + slack : null);
        })];
    }
}
