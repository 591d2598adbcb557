namespace WattBit.Server;

/// <summary>Settings of the WattBit server, bound from the configuration section <c>WattBit</c>.</summary>
internal sealed class ServerOptions
{
    public const string Section = "WattBit";

    /// <summary>Store location (SQLite path or <c>postgres:...</c>); default <c>wattbit.db</c> in the working folder.</summary>
    public string? Store { get; set; }

    /// <summary>Append-only journal (audit log) of curtailment orders, acknowledgements and maintenance; default <c>wattbit-journal.jsonl</c>.</summary>
    public string Journal { get; set; } = "wattbit-journal.jsonl";

    /// <summary>
    /// This instance's id in the journals of background jobs (which instance runs a job); unset: the machine name and the
    /// journal's full path. Give each instance sharing a PostgreSQL store its own, stable across restarts.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>The default <see cref="InstanceId"/>: <c>{machine}:{full path of the journal}</c>.</summary>
    public static string DefaultInstanceId(ServerOptions options) => Environment.MachineName + ":" + Path.GetFullPath(options.Journal);

    /// <summary>
    /// Whether concurrent publications (signals, node headroom) are committed together (group commit, default) rather
    /// than one store transaction each; false is the baseline of the ingest bench.
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>
    /// Whether the server logs a per-second runtime trace (GC pauses, thread pool, notifications, job ticks and lease
    /// renewals; <see cref="Diagnostics.RuntimeTrace"/>) for the load bench to join with its latencies (default false).
    /// </summary>
    public bool RuntimeTrace { get; set; }

    /// <summary>
    /// How long a cached read of a published series (signals, node headroom) is served at most (<c>WattBit:ReadCacheMaxAge</c>,
    /// default 5 s; zero: no cache). Writes here and other instances' live events empty the cache at once; this bounds
    /// staleness only when a change is never announced (a writer that died between its commit and its event).
    /// </summary>
    public TimeSpan ReadCacheMaxAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Background jobs: the lease of a running job's instance, and how many finished reports are kept (<c>WattBit:Jobs</c>).</summary>
    public Studies.JobOptions Jobs { get; set; } = new();

    /// <summary>The live-event stream: how long events are kept in the shared store (<c>WattBit:Events:Retention</c>).</summary>
    public Events.EventOptions Events { get; set; } = new();

    /// <summary>Seed of the synthetic reference year.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Largest accepted request body in bytes (default 1 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1 << 20;

    /// <summary>Requests per second granted to each API key (or each anonymous client address).</summary>
    public int RequestsPerSecond { get; set; } = 2000;

    /// <summary>Burst allowance (token-bucket size) per key.</summary>
    public int Burst { get; set; } = 4000;

    /// <summary>Whether public signal endpoints (Carbon Aware SDK routes, areas, signals, forecasts) can be read without a key.</summary>
    public bool AnonymousSignals { get; set; } = true;

    /// <summary>Folder of siting studies (*.yaml) planners may run by name; none when unset.</summary>
    public string? SitingStudies { get; set; }

    /// <summary>Folder of simulation scenarios (*.yaml) planners may run by name; none when unset.</summary>
    public string? SimulationScenarios { get; set; }

    /// <summary>
    /// GeoJSON of the TSO areas for the dashboard map (Electricity Maps areas.geojson, features with <c>zoneName</c>
    /// JP-XX); unset: <c>shared/data/japan/geo/areas.geojson</c> found upwards from the working folder or the binary,
    /// else the coarse built-in shapes; <c>builtin</c>: always the built-in shapes.
    /// </summary>
    public string? AreaMap { get; set; }

    /// <summary>
    /// In cluster mode (<c>WattBit:Cluster:Mode</c> set): how long issuing a curtailment order may retry the cluster before
    /// it answers 503; default 10 seconds.
    /// </summary>
    public TimeSpan ClusterAcceptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The processing market (<c>/api/market</c>, docs/market.md): headroom source, schedule, solver limit.</summary>
    public Market.MarketOptions Market { get; set; } = new();

    /// <summary>The headroom layer served under <c>/api/grid</c> (docs/headroom-layer.md).</summary>
    public HeadroomLayerOptions HeadroomLayer { get; set; } = new();

    /// <summary>Bearer-token settings; null = only API keys are accepted.</summary>
    public Security.JwtOptions? Jwt { get; set; }

    /// <summary>
    /// The DC operators' job engines (Slurm): each operator's dispatch orders for the sites listed are carried out on its
    /// engine and their outcome reported on the order (docs/server.md, "Dispatch on the job engine").
    /// </summary>
    public List<Dispatch.JobEngineOptions> JobEngines { get; set; } = [];

    /// <summary>Mutual TLS: the CA whose client certificates authenticate as API key entries (by <see cref="ApiKeyOptions.CertificateName"/>); null = off.</summary>
    public Security.ClientCertificateOptions? ClientCertificates { get; set; }

    /// <summary>The API keys the server accepts.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];
}

/// <summary>One API key: who it is, its role and scope. Give <see cref="Sha256"/> (hex of the key's SHA-256) rather than the key itself.</summary>
internal sealed class ApiKeyOptions
{
    /// <summary>A name for the key holder, used in the audit log (never the key).</summary>
    public string Id { get; set; } = "";

    /// <summary>The key in clear (development only).</summary>
    public string? Key { get; set; }

    /// <summary>Lower-case hex SHA-256 of the key.</summary>
    public string? Sha256 { get; set; }

    /// <summary>grid-operator, dc-operator, planner, viewer, market-operator or aggregator.</summary>
    public string Role { get; set; } = "";

    /// <summary>For grid-operator: the area code (TK, KN...).</summary>
    public string? Area { get; set; }

    /// <summary>For dc-operator: the operator id its sites and workloads belong to; for aggregator: the aggregator's id (decision 0149).</summary>
    public string? Operator { get; set; }

    /// <summary>
    /// The common name (CN) of the client certificate, issued by <c>WattBit:ClientCertificates:TrustedCa</c>, that
    /// authenticates as this entry over mutual TLS; an entry may have a certificate, a key, or both.
    /// </summary>
    public string? CertificateName { get; set; }
}

/// <summary>Settings of the headroom layer (section <c>WattBit:HeadroomLayer</c>).</summary>
internal sealed class HeadroomLayerOptions
{
    /// <summary>A MATPOWER case replacing the Japan backbone (every bus a substation <c>bus-N</c>); null = the Japan backbone.</summary>
    public string? Case { get; set; }

    /// <summary>Days computed from the start of today (JST), clipped to the fiscal year; default 7.</summary>
    public int Days { get; set; } = 7;

    /// <summary>Only these substations of the Japan backbone (default all).</summary>
    public List<string>? Substations { get; set; }

    /// <summary>Compute the layer when the server starts instead of at the first request.</summary>
    public bool Warm { get; set; }

    /// <summary>
    /// Put every area whose TSO actuals cover the layer's hours on its own demand (Tokyo, Chubu; decisions 0123, 0126),
    /// the other areas on the reference year; default true. Without the data (or false) every area follows the reference year.
    /// </summary>
    public bool RealAreas { get; set; } = true;

    /// <summary>The Japan data folder holding <c>area-supply-demand/</c>; null = $WATTBIT_SHARED_DATA/japan or
    /// <c>../shared/data/japan</c> found upwards from the working folder or the binary.</summary>
    public string? RealData { get; set; }
}
