using WattBit.Time;

namespace WattBit.Data.Storage;

/// <summary>Time series and the record of each imported file (part of <see cref="IWattBitStore"/>; see its transaction rules).</summary>
public interface ISeriesStore
{
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
    /// Upserts several independent groups of writes in one transaction — a group commit: many small publications, one
    /// commit — and returns each group's count, as <see cref="UpsertSeriesAsync"/> would. If any group fails, nothing is
    /// written (the caller may then write the groups one by one to find the bad one).
    /// </summary>
    /// <exception cref="ArgumentException">A write's step or unit differs from what is stored under its key.</exception>
    Task<IReadOnlyList<long>> UpsertSeriesGroupsAsync(IReadOnlyList<IReadOnlyList<SeriesWrite>> groups, CancellationToken cancellationToken = default);

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
}
