namespace WattBit.Server.Studies;

/// <summary>Settings of the background jobs (siting rankings, simulations): <c>WattBit:Jobs:*</c>.</summary>
internal sealed class JobOptions
{
    /// <summary>
    /// Shared mode (PostgreSQL): how long an instance whose jobs are running may go without a heartbeat before another
    /// instance takes its running jobs over (resumed from their input) or fails them with the reason; default 60 s, at
    /// least three heartbeats (<see cref="JobRunner{TResult}.CancelPoll"/>, 5 s). Heartbeats and expiry are measured
    /// on each instance's own clock, so clocks need not agree.
    /// </summary>
    public TimeSpan LeaseExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many finished reports of each kind (the <c>siting-reports</c> and <c>simulation-reports</c> streams or files)
    /// are kept, newest first; default 200. An older report is removed from the stream and from memory, and its job then
    /// says so. At least 1.
    /// </summary>
    public int ReportsKept { get; set; } = 200;
}
