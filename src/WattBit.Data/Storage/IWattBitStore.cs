using WattBit.Plans;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Workloads;

namespace WattBit.Data.Storage;

/// <summary>
/// The one storage contract of WattBit: time series, import records, sites, batch jobs and plans. Implemented by
/// <see cref="SqliteStore"/> (embedded default, one file) and <see cref="PostgresStore"/>; both pass the same conformance
/// suite. Open one with <see cref="WattBitStore.OpenAsync"/>; the schema is created or migrated on open.
/// <para>
/// Every write is one transaction: it either lands whole or not at all (an exception, including cancellation, leaves
/// the store as it was). Series writes are upserts, so writing the same values again changes nothing. Instants are
/// stored as UTC; values read back carry the offset of the window or item they were asked for with.
/// Instances are safe to use from several threads; each call uses its own connection.
/// </para>
/// </summary>
public interface IWattBitStore : IAsyncDisposable
{
    /// <summary>A short description of where the data lives ("sqlite:/path/wattbit.db", "postgres:host:port/db").</summary>
    string Description { get; }

    /// <summary>The schema version this store is at after opening.</summary>
    int SchemaVersion { get; }

    // ---- time series ----

    /// <summary>
    /// Stores one imported file: its values and its <see cref="ImportRecord"/>, in one transaction. If a record with the
    /// same hash exists, writes nothing and returns <see cref="ImportOutcome.AlreadyImported"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A write's step or unit differs from what is stored under its key, or two writes in the batch have the same key with different steps or units.</exception>
    Task<ImportResult> ImportAsync(ImportRecord record, IReadOnlyList<SeriesWrite> series, CancellationToken cancellationToken = default);

    /// <summary>
    /// Upserts values without an import record (computed signals, forecasts), in one transaction. NaN values are not
    /// written. Returns the number of values upserted.
    /// </summary>
    /// <exception cref="ArgumentException">A write's step or unit differs from what is stored under its key.</exception>
    Task<long> UpsertSeriesAsync(IReadOnlyList<SeriesWrite> series, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a series over <paramref name="window"/>: one value per step from <c>window.Start</c>, NaN where nothing is
    /// stored. The window's length must be a whole number of the series' steps. Returns null when nothing is stored
    /// under the key. The result's <see cref="TimeSeries.Name"/> is the key's text.
    /// </summary>
    /// <exception cref="ArgumentException">The window is not a whole number of steps long.</exception>
    /// <exception cref="SeriesAlignmentException">Stored values lie inside the window but off the grid that starts at <c>window.Start</c>.</exception>
    Task<TimeSeries?> ReadSeriesAsync(SeriesKey key, TimeWindow window, CancellationToken cancellationToken = default);

    /// <summary>Describes one stored series (unit, step, first/last instant, count), or null when nothing is stored under the key.</summary>
    Task<SeriesInfo?> GetSeriesInfoAsync(SeriesKey key, CancellationToken cancellationToken = default);

    /// <summary>Lists every stored series, ordered by location, metric, source.</summary>
    Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(CancellationToken cancellationToken = default);

    /// <summary>Finds the record of an imported file by its SHA-256 (lower-case hex), or null.</summary>
    Task<ImportRecord?> FindImportAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>Lists every import record, oldest first.</summary>
    Task<IReadOnlyList<ImportRecord>> ListImportsAsync(CancellationToken cancellationToken = default);

    // ---- sites ----

    /// <summary>Gets a site with its version, or null.</summary>
    Task<Versioned<Site>?> GetSiteAsync(SiteId id, CancellationToken cancellationToken = default);

    /// <summary>Lists every site with its version, ordered by id.</summary>
    Task<IReadOnlyList<Versioned<Site>>> ListSitesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates (<paramref name="expectedVersion"/> = 0) or replaces (the version last read) a site; returns the new version.
    /// </summary>
    /// <exception cref="StoreConcurrencyException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    Task<long> SaveSiteAsync(Site site, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Deletes a site if it is at <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="StoreConcurrencyException">The site does not exist or is at another version.</exception>
    Task DeleteSiteAsync(SiteId id, long expectedVersion, CancellationToken cancellationToken = default);

    // ---- batch workloads ----

    /// <summary>Gets a job with its version, or null.</summary>
    Task<Versioned<BatchJob>?> GetJobAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists the jobs whose window [release, deadline) overlaps <paramref name="window"/> (all jobs when null), ordered by release then id.</summary>
    Task<IReadOnlyList<Versioned<BatchJob>>> ListJobsAsync(TimeWindow? window = null, CancellationToken cancellationToken = default);

    /// <summary>Creates (<paramref name="expectedVersion"/> = 0) or replaces a job; returns the new version.</summary>
    /// <exception cref="StoreConcurrencyException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    Task<long> SaveJobAsync(BatchJob job, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Bulk upsert of jobs (a trace import), in one transaction, last writer wins: new jobs get version 1, changed
    /// jobs get their version + 1, identical jobs keep their version. Returns how many were created or changed.
    /// </summary>
    /// <exception cref="ArgumentException">Two jobs in the batch have the same id.</exception>
    Task<int> UpsertJobsAsync(IReadOnlyList<BatchJob> jobs, CancellationToken cancellationToken = default);

    /// <summary>Deletes a job if it is at <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="StoreConcurrencyException">The job does not exist or is at another version.</exception>
    Task DeleteJobAsync(string id, long expectedVersion, CancellationToken cancellationToken = default);

    // ---- plans ----

    /// <summary>Gets a plan with its version, or null.</summary>
    Task<Versioned<PlanRecord>?> GetPlanAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists the ids of stored plans, ordered by id.</summary>
    Task<IReadOnlyList<string>> ListPlanIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates (<paramref name="expectedVersion"/> = 0) or replaces a plan; returns the new version.</summary>
    /// <exception cref="StoreConcurrencyException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    Task<long> SavePlanAsync(PlanRecord plan, long expectedVersion, CancellationToken cancellationToken = default);
}
