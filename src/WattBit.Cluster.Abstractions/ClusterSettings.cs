namespace WattBit.Cluster;

/// <summary>Where the cluster keeps its membership, grain state and reminders.</summary>
public enum ClusterMode
{
    /// <summary>One process: localhost clustering, grain state and reminders in memory (the default; no server needed).</summary>
    Embedded,

    /// <summary>Many silos: PostgreSQL for clustering, grain state and reminders (Orleans ADO.NET providers).</summary>
    Postgres,
}

/// <summary>
/// Settings of a WattBit silo or cluster client, bound from the <c>WattBit:Cluster</c> configuration section (for example
/// <c>--WattBit:Cluster:Mode=Postgres --WattBit:Cluster:ConnectionString=...</c>). Mutable options object; not thread-safe
/// while being bound.
/// </summary>
public sealed class ClusterSettings
{
    /// <summary>The configuration section the settings are read from.</summary>
    public const string Section = "WattBit:Cluster";

    /// <summary>Embedded (default) or PostgreSQL.</summary>
    public ClusterMode Mode { get; set; } = ClusterMode.Embedded;

    /// <summary>Npgsql connection string of the cluster database; required in <see cref="ClusterMode.Postgres"/> mode.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Orleans cluster id (silos and clients with the same id form one cluster); default <c>wattbit</c>.</summary>
    public string ClusterId { get; set; } = "wattbit";

    /// <summary>Orleans service id (keys grain state and reminders; keep it across deployments); default <c>wattbit</c>.</summary>
    public string ServiceId { get; set; } = "wattbit";

    /// <summary>Silo-to-silo port on loopback/the host; default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port; default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Tight failure detection for loopback clusters and tests (probe timeout 1 s, 2 missed probes, 1 vote, table refresh
    /// 1 s): a killed silo is declared dead in a few seconds instead of Orleans' default of tens of seconds. Default off.
    /// </summary>
    public bool FastFailureDetection { get; set; }

    /// <summary>
    /// Smallest reminder period Orleans accepts, and the period of an order's redelivery reminder; default 1 minute (the
    /// Orleans default). Tests lower it to seconds.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A deadline (an order's effective time or expected end) observed later than this after it passed is reported as
    /// missed (see <see cref="Orders.DeadlineReport"/>); default 5 seconds.
    /// </summary>
    public TimeSpan DeadlineGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a client waits for a grain call (sweep runs are long); default 5 minutes.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="InvalidOperationException">A setting is missing or out of range; the message names it.</exception>
    public void Validate()
    {
        if (Mode == ClusterMode.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException($"{Section}:ConnectionString is required when {Section}:Mode is Postgres.");
        }

        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            throw new InvalidOperationException($"{Section}:ClusterId and {Section}:ServiceId must not be empty.");
        }

        if (SiloPort is <= 0 or > 65535 || GatewayPort is <= 0 or > 65535)
        {
            throw new InvalidOperationException($"{Section}:SiloPort and {Section}:GatewayPort must be TCP ports (1-65535); got {SiloPort} and {GatewayPort}.");
        }

        if (ReminderPeriod <= TimeSpan.Zero || DeadlineGrace < TimeSpan.Zero || ResponseTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{Section}:ReminderPeriod and ResponseTimeout must be positive and DeadlineGrace not negative.");
        }
    }
}
