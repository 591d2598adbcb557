using System.Data.Common;
using WattBit.Formats;
using WattBit.Plans;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;
using WattBit.Workloads;

namespace WattBit.Data.Storage;

/// <summary>
/// The SQL implementation of <see cref="IWattBitStore"/> shared by <see cref="SqliteStore"/> and <see cref="PostgresStore"/>:
/// both speak the same SQL (upserts with <c>ON CONFLICT</c>, <c>@name</c> parameters); only the schema types, the bulk
/// write of points and the migration lock differ. Thread-safe: every call opens its own pooled connection.
/// </summary>
public abstract class RelationalStore : IWattBitStore
{
    private protected RelationalStore()
    {
    }

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <inheritdoc />
    public int SchemaVersion { get; private set; }

    /// <summary>The SQL "values differ" operator, null-safe (<c>IS NOT</c> in SQLite, <c>IS DISTINCT FROM</c> in PostgreSQL).</summary>
    private protected abstract string DistinctFrom { get; }

    /// <summary>The DDL of each schema version, in order; version <c>i + 1</c> is <c>Migrations[i]</c>.</summary>
    private protected abstract IReadOnlyList<string[]> Migrations { get; }

    private protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Serialises concurrent migrations (inside the migration transaction).</summary>
    private protected abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Upserts the points (series id, unix seconds, value) in the given transaction; returns how many rows changed.</summary>
    private protected abstract Task<long> WritePointsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(long SeriesId, TimeSeries Series)> writes,
        CancellationToken cancellationToken);

    /// <summary>Creates or migrates the schema to the latest version.</summary>
    private protected async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockForMigrationAsync(c, tx, cancellationToken).ConfigureAwait(false);
        await ExecAsync(c, tx, "CREATE TABLE IF NOT EXISTS wattbit_schema (version BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
        var current = await ScalarAsync(c, tx, "SELECT COALESCE(MAX(version), 0) FROM wattbit_schema", cancellationToken).ConfigureAwait(false) ?? 0;
        if (current > Migrations.Count)
        {
            throw new InvalidOperationException(
                $"{Description}: the database is at schema version {current}, newer than this program knows ({Migrations.Count}); upgrade WattBit.");
        }

        for (var v = (int)current; v < Migrations.Count; v++)
        {
            foreach (var ddl in Migrations[v])
            {
                await ExecAsync(c, tx, ddl, cancellationToken).ConfigureAwait(false);
            }

            await ExecAsync(c, tx, "INSERT INTO wattbit_schema (version) VALUES (@v)", cancellationToken, ("v", (long)(v + 1))).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        SchemaVersion = Migrations.Count;
    }

    // ---------------------------------------------------------------- time series

    /// <inheritdoc />
    public async Task<ImportResult> ImportAsync(ImportRecord record, IReadOnlyList<SeriesWrite> series, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(series);
        if (record.Sha256.Length != 64)
        {
            throw new ArgumentException($"import of '{record.FileName}': the hash must be 64 hex characters (SHA-256).", nameof(record));
        }

        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var inserted = await ExecAsync(c, tx,
            """
            INSERT INTO imports (sha256, file_name, file_format, row_count, warnings, imported_at_utc, imported_at_offset)
            VALUES (@h, @f, @fmt, @r, @w, @t, @o) ON CONFLICT (sha256) DO NOTHING
            """, cancellationToken,
            ("h", record.Sha256.ToLowerInvariant()), ("f", record.FileName), ("fmt", record.Format), ("r", record.Rows),
            ("w", StoreMapping.WarningsToJson(record.Warnings)), ("t", StoreMapping.UtcTicks(record.ImportedAt)),
            ("o", (long)StoreMapping.OffsetMinutes(record.ImportedAt))).ConfigureAwait(false);
        if (inserted == 0)
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            var previous = await FindImportAsync(record.Sha256, cancellationToken).ConfigureAwait(false);
            return new ImportResult(ImportOutcome.AlreadyImported, 0, previous);
        }

        var seen = new Dictionary<SeriesKey, (long Id, SeriesUnit Unit, TimeSpan Step)>();
        var written = await WriteSeriesAsync(c, tx, series, seen, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        Remember(seen);
        return new ImportResult(ImportOutcome.Stored, written, null);
    }

    /// <inheritdoc />
    public async Task<long> UpsertSeriesAsync(IReadOnlyList<SeriesWrite> series, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var seen = new Dictionary<SeriesKey, (long Id, SeriesUnit Unit, TimeSpan Step)>();
        var written = await WriteSeriesAsync(c, tx, series, seen, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        Remember(seen);
        return written;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<long>> UpsertSeriesGroupsAsync(IReadOnlyList<IReadOnlyList<SeriesWrite>> groups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groups);
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var written = new long[groups.Count];
        var seen = new Dictionary<SeriesKey, (long Id, SeriesUnit Unit, TimeSpan Step)>();
        for (var i = 0; i < groups.Count; i++)
        {
            written[i] = await WriteSeriesAsync(c, tx, groups[i], seen, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        Remember(seen);
        return written;
    }

    /// <summary>Remembers the series a committed transaction found or created (their ids, units and steps never change).</summary>
    private void Remember(Dictionary<SeriesKey, (long Id, SeriesUnit Unit, TimeSpan Step)> seen)
    {
        foreach (var (key, meta) in seen)
        {
            _seriesIds[key] = meta;
        }
    }

    private async Task<long> WriteSeriesAsync(DbConnection c, DbTransaction tx, IReadOnlyList<SeriesWrite> series,
        Dictionary<SeriesKey, (long Id, SeriesUnit Unit, TimeSpan Step)> ids, CancellationToken cancellationToken)
    {
        var writes = new List<(long, TimeSeries)>(series.Count);
        foreach (var w in series)
        {
            ArgumentNullException.ThrowIfNull(w);
            _ = StoreMapping.ToUnixSeconds(w.Series.Start, w.Key.ToString());
            StoreMapping.CheckStorable(w.Key, w.Series);
        }

        foreach (var w in series)
        {
            if (!ids.TryGetValue(w.Key, out var meta))
            {
                meta = await SeriesIdAsync(c, tx, w.Key, w.Series, cancellationToken).ConfigureAwait(false);
                ids[w.Key] = meta;
            }

            if (meta.Step != w.Series.Step || meta.Unit != w.Series.Unit)
            {
                throw new ArgumentException(
                    $"series {w.Key}: stored with step {TimeSeries.FormatStep(meta.Step)} and unit {meta.Unit}, but written with step {TimeSeries.FormatStep(w.Series.Step)} and unit {w.Series.Unit}.");
            }

            writes.Add((meta.Id, w.Series));
        }

        return await WritePointsAsync(c, tx, writes, cancellationToken).ConfigureAwait(false);
    }

    // Series rows are never deleted and their id, unit and step never change, so those of committed writes are remembered
    // (a write to a known series then skips two statements).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<SeriesKey, (long Id, SeriesUnit Unit, TimeSpan Step)> _seriesIds = new();

    private async Task<(long Id, SeriesUnit Unit, TimeSpan Step)> SeriesIdAsync(DbConnection c, DbTransaction tx, SeriesKey key, TimeSeries series,
        CancellationToken cancellationToken)
    {
        if (_seriesIds.TryGetValue(key, out var known))
        {
            return known;
        }

        (string, object?)[] keyParams = [("l", key.Location), ("m", key.Metric), ("s", key.Source)];
        await ExecAsync(c, tx,
            """
            INSERT INTO series (location, metric, source, unit_symbol, unit_aggregation, step_seconds)
            VALUES (@l, @m, @s, @u, @a, @st) ON CONFLICT (location, metric, source) DO NOTHING
            """, cancellationToken,
            [.. keyParams, ("u", series.Unit.Symbol), ("a", (long)series.Unit.Aggregation), ("st", (long)series.Step.TotalSeconds)]).ConfigureAwait(false);
        await using var cmd = Command(c, tx, "SELECT id, unit_symbol, unit_aggregation, step_seconds FROM series WHERE location = @l AND metric = @m AND source = @s", keyParams);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"series {key}: could not be created.");
        }

        return (r.GetInt64(0), StoreMapping.Unit(r.GetString(1), (int)r.GetInt64(2)), TimeSpan.FromSeconds(r.GetInt64(3)));
    }

    /// <inheritdoc />
    public async Task<TimeSeries?> ReadSeriesAsync(SeriesKey key, TimeWindow window, CancellationToken cancellationToken = default)
    {
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        long id;
        SeriesUnit unit;
        TimeSpan step;
        await using (var cmd = Command(c, null, "SELECT id, unit_symbol, unit_aggregation, step_seconds FROM series WHERE location = @l AND metric = @m AND source = @s",
                         ("l", key.Location), ("m", key.Metric), ("s", key.Source)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            id = r.GetInt64(0);
            unit = StoreMapping.Unit(r.GetString(1), (int)r.GetInt64(2));
            step = TimeSpan.FromSeconds(r.GetInt64(3));
        }

        if (window.Duration.Ticks % step.Ticks != 0)
        {
            throw new ArgumentException($"series {key}: the window {window} is not a whole number of {TimeSeries.FormatStep(step)} steps.", nameof(window));
        }

        var start = StoreMapping.ToUnixSeconds(window.Start, key.ToString());
        var stepSeconds = (long)step.TotalSeconds;
        var values = new double[window.Duration.Ticks / step.Ticks];
        Array.Fill(values, double.NaN);
        var found = false;
        await using (var cmd = Command(c, null, "SELECT ts, value FROM points WHERE series_id = @id AND ts >= @a AND ts < @b",
                         ("id", id), ("a", start), ("b", start + (values.LongLength * stepSeconds))))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var offset = r.GetInt64(0) - start;
                if (offset % stepSeconds != 0)
                {
                    throw new SeriesAlignmentException(
                        $"series {key}: a stored value at {Iso8601.Format(StoreMapping.FromUnixSeconds(r.GetInt64(0), window.Start.Offset))} is off the {TimeSeries.FormatStep(step)} grid that starts at {Iso8601.Format(window.Start)}.");
                }

                values[offset / stepSeconds] = r.GetDouble(1);
                found = true;
            }
        }

        if (!found)
        {
            // A window with no values reads as missing values when the series holds any point (in the range its extent
            // counts, as GetSeriesInfoAsync), else as no series: one probe of the key's index, not the extent's MIN, MAX
            // and COUNT over every point (~5-10 ms for a year of 30-minute values on PostgreSQL, on every read of a
            // slot not yet published).
            await using var cmd = Command(c, null, "SELECT ts FROM points WHERE series_id = @id AND " + StoredRange + " ORDER BY ts LIMIT 1", ("id", id));
            if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null or DBNull)
            {
                return null;
            }
        }

        return TimeSeries.Wrap(window.Start, step, values, unit, key.ToString());
    }

    // The instants a stored point must have to count in a series' extent (InfoSelect's join): years 1900 to 9999.
    private const string StoredRange = "ts >= -2208988800 AND ts < 253402214400";

    private const string InfoSelect =
        """
        SELECT s.location, s.metric, s.source, s.unit_symbol, s.unit_aggregation, s.step_seconds, MIN(p.ts), MAX(p.ts), COUNT(*)
        FROM series s JOIN points p ON p.series_id = s.id AND p.ts >= -2208988800 AND p.ts < 253402214400
        """;

    private const string InfoGroup = " GROUP BY s.id, s.location, s.metric, s.source, s.unit_symbol, s.unit_aggregation, s.step_seconds";

    /// <inheritdoc />
    public async Task<SeriesInfo?> GetSeriesInfoAsync(SeriesKey key, CancellationToken cancellationToken = default)
    {
        var list = await QueryAsync(InfoSelect + " WHERE s.location = @l AND s.metric = @m AND s.source = @s" + InfoGroup, ReadInfo, cancellationToken,
            ("l", key.Location), ("m", key.Metric), ("s", key.Source)).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeriesInfo>> ListSeriesAsync(CancellationToken cancellationToken = default)
    {
        var list = await QueryAsync(InfoSelect + InfoGroup, ReadInfo, cancellationToken).ConfigureAwait(false);
        return [.. list.OrderBy(i => i.Key.Location, StringComparer.Ordinal).ThenBy(i => i.Key.Metric, StringComparer.Ordinal)
            .ThenBy(i => i.Key.Source, StringComparer.Ordinal)];
    }

    private static SeriesInfo ReadInfo(DbDataReader r) => new(
        new SeriesKey(r.GetString(0), r.GetString(1), r.GetString(2)),
        StoreMapping.Unit(r.GetString(3), (int)r.GetInt64(4)),
        TimeSpan.FromSeconds(r.GetInt64(5)),
        DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(6)),
        DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(7)),
        r.GetInt64(8));

    private const string ImportSelect =
        "SELECT sha256, file_name, file_format, row_count, warnings, imported_at_utc, imported_at_offset FROM imports";

    /// <inheritdoc />
    public async Task<ImportRecord?> FindImportAsync(string sha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        var list = await QueryAsync(ImportSelect + " WHERE sha256 = @h", ReadImport, cancellationToken, ("h", sha256.ToLowerInvariant())).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ImportRecord>> ListImportsAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync(ImportSelect + " ORDER BY seq", ReadImport, cancellationToken).ConfigureAwait(false);

    private static ImportRecord ReadImport(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), StoreMapping.WarningsFromJson(r.GetString(4)),
        StoreMapping.FromUtcTicks(r.GetInt64(5), (int)r.GetInt64(6)));

    // ---------------------------------------------------------------- sites

    private const string SiteSelect = "SELECT id, name, area, it_capacity_kw, pue, latitude, longitude, version FROM sites";

    /// <inheritdoc />
    public async Task<Versioned<Site>?> GetSiteAsync(SiteId id, CancellationToken cancellationToken = default)
    {
        var list = await QueryAsync(SiteSelect + " WHERE id = @id", ReadSite, cancellationToken, ("id", id.Value)).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Versioned<Site>>> ListSitesAsync(CancellationToken cancellationToken = default)
    {
        var list = await QueryAsync(SiteSelect, ReadSite, cancellationToken).ConfigureAwait(false);
        return [.. list.OrderBy(s => s.Value.Id.Value, StringComparer.Ordinal)];
    }

    private static Versioned<Site> ReadSite(DbDataReader r) => new(
        StoreMapping.Site(r.GetString(0), r.GetString(1), r.GetString(2), r.GetDouble(3), r.GetDouble(4),
            r.IsDBNull(5) ? null : r.GetDouble(5), r.IsDBNull(6) ? null : r.GetDouble(6)),
        r.GetInt64(7));

    /// <inheritdoc />
    public Task<long> SaveSiteAsync(Site site, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(site);
        return SaveVersionedAsync("site", "sites", site.Id.Value, expectedVersion,
            ["name", "area", "it_capacity_kw", "pue", "latitude", "longitude"],
            [site.Name, site.Area.Code, site.ItCapacity.Kilowatts, site.Pue, site.Location?.Latitude, site.Location?.Longitude],
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteSiteAsync(SiteId id, long expectedVersion, CancellationToken cancellationToken = default) =>
        DeleteVersionedAsync("site", "sites", id.Value, expectedVersion, cancellationToken);

    // ---------------------------------------------------------------- jobs

    private static readonly string[] JobColumns =
        ["release_utc", "release_offset", "deadline_utc", "deadline_offset", "duration_ticks", "power_kw", "interruptible", "locations", "kind"];

    private const string JobSelect =
        "SELECT id, release_utc, release_offset, deadline_utc, deadline_offset, duration_ticks, power_kw, interruptible, locations, kind, version FROM jobs";

    private static object?[] JobValues(BatchJob job) =>
    [
        StoreMapping.UtcTicks(job.Release), (long)StoreMapping.OffsetMinutes(job.Release),
        StoreMapping.UtcTicks(job.Deadline), (long)StoreMapping.OffsetMinutes(job.Deadline),
        job.Duration.Ticks, job.Power.Kilowatts, job.Interruptible ? 1L : 0L, StoreMapping.LocationsToText(job.Locations), (long)job.Kind,
    ];

    private static Versioned<BatchJob> ReadJob(DbDataReader r) => new(
        new BatchJob(r.GetString(0),
            StoreMapping.FromUtcTicks(r.GetInt64(1), (int)r.GetInt64(2)),
            StoreMapping.FromUtcTicks(r.GetInt64(3), (int)r.GetInt64(4)),
            TimeSpan.FromTicks(r.GetInt64(5)),
            Power.FromKilowatts(r.GetDouble(6)),
            r.GetInt64(7) != 0,
            StoreMapping.LocationsFromText(r.GetString(8)),
            (WorkloadKind)r.GetInt64(9)),
        r.GetInt64(10));

    /// <inheritdoc />
    public async Task<Versioned<BatchJob>?> GetJobAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var list = await QueryAsync(JobSelect + " WHERE id = @id", ReadJob, cancellationToken, ("id", id)).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Versioned<BatchJob>>> ListJobsAsync(TimeWindow? window = null, CancellationToken cancellationToken = default)
    {
        var list = window is { } w
            ? await QueryAsync(JobSelect + " WHERE release_utc < @b AND deadline_utc > @a", ReadJob, cancellationToken,
                ("a", w.Start.UtcTicks), ("b", w.End.UtcTicks)).ConfigureAwait(false)
            : await QueryAsync(JobSelect, ReadJob, cancellationToken).ConfigureAwait(false);
        return [.. list.OrderBy(j => j.Value.Release).ThenBy(j => j.Value.Id, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public Task<long> SaveJobAsync(BatchJob job, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        return SaveVersionedAsync("job", "jobs", job.Id, expectedVersion, JobColumns, JobValues(job), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<int> UpsertJobsAsync(IReadOnlyList<BatchJob> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var j in jobs)
        {
            if (!ids.Add(j.Id))
            {
                throw new ArgumentException($"job '{j.Id}' appears more than once in the batch.", nameof(jobs));
            }
        }

        var columns = string.Join(", ", JobColumns);
        var parameters = string.Join(", ", JobColumns.Select(n => "@" + n));
        var set = string.Join(", ", JobColumns.Select(n => $"{n} = excluded.{n}"));
        var changed = string.Join(" OR ", JobColumns.Select(n => $"jobs.{n} {DistinctFrom} excluded.{n}"));
        var sql = $"INSERT INTO jobs (id, version, {columns}) VALUES (@id, 1, {parameters}) " +
                  $"ON CONFLICT (id) DO UPDATE SET {set}, version = jobs.version + 1 WHERE {changed}";
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, tx, sql, [("id", ""), .. JobColumns.Select(n => (n, (object?)0L))]);
        var count = 0;
        foreach (var job in jobs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            cmd.Parameters[0].Value = job.Id;
            var values = JobValues(job);
            for (var i = 0; i < values.Length; i++)
            {
                cmd.Parameters[i + 1].Value = values[i];
            }

            count += await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <inheritdoc />
    public Task DeleteJobAsync(string id, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return DeleteVersionedAsync("job", "jobs", id, expectedVersion, cancellationToken);
    }

    // ---------------------------------------------------------------- plans

    /// <inheritdoc />
    public async Task<Versioned<PlanRecord>?> GetPlanAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var list = await QueryAsync("SELECT body, version FROM plans WHERE id = @id",
            r => new Versioned<PlanRecord>(StoreMapping.PlanFromJson(r.GetString(0)), r.GetInt64(1)), cancellationToken, ("id", id)).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListPlanIdsAsync(CancellationToken cancellationToken = default)
    {
        var list = await QueryAsync("SELECT id FROM plans", r => r.GetString(0), cancellationToken).ConfigureAwait(false);
        return [.. list.Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public Task<long> SavePlanAsync(PlanRecord plan, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return SaveVersionedAsync("plan", "plans", plan.Id, expectedVersion, ["body"], [StoreMapping.PlanToJson(plan)], cancellationToken);
    }

    // ---------------------------------------------------------------- journal streams

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournalRecord>> ReadJournalAsync(string stream, long afterSeq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        return await QueryAsync("SELECT seq, body FROM journal WHERE stream = @s AND seq > @a ORDER BY seq",
            r => new JournalRecord(r.GetInt64(0), r.GetString(1)), cancellationToken, ("s", stream), ("a", afterSeq)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> JournalLengthAsync(string stream, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync(c, null, "SELECT MAX(seq) FROM journal WHERE stream = @s", cancellationToken, ("s", stream)).ConfigureAwait(false) ?? 0;
    }

    /// <inheritdoc />
    public async Task<bool> TryAppendJournalAsync(string stream, long seq, string body, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ExecAsync(c, null, "INSERT INTO journal (stream, seq, body) VALUES (@s, @q, @b) ON CONFLICT (stream, seq) DO NOTHING", cancellationToken,
            ("s", stream), ("q", seq), ("b", body)).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Here in one transaction that holds the database's write lock from its start (SQLite's <c>BEGIN IMMEDIATE</c>);
    /// PostgreSQL overrides it with a per-stream advisory lock.
    /// </remarks>
    public virtual async Task<JournalAppend> AppendJournalAsync(string stream, IReadOnlyList<string> bodies, long afterSeq,
        CancellationToken cancellationToken = default)
    {
        CheckAppend(stream, bodies, afterSeq);
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var last = await ScalarAsync(c, tx, "SELECT MAX(seq) FROM journal WHERE stream = @s", cancellationToken, ("s", stream)).ConfigureAwait(false) ?? 0;
        var missed = new List<JournalRecord>();
        await using (var cmd = Command(c, tx, "SELECT seq, body FROM journal WHERE stream = @s AND seq > @a ORDER BY seq", ("s", stream), ("a", afterSeq)))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                missed.Add(new JournalRecord(r.GetInt64(0), r.GetString(1)));
            }
        }

        for (var i = 0; i < bodies.Count; i++)
        {
            await ExecAsync(c, tx, "INSERT INTO journal (stream, seq, body) VALUES (@s, @q, @b)", cancellationToken,
                ("s", stream), ("q", last + 1 + i), ("b", bodies[i])).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new JournalAppend(last + 1, missed);
    }

    /// <summary>Checks the arguments of an append at the next positions.</summary>
    private protected static void CheckAppend(string stream, IReadOnlyList<string> bodies, long afterSeq)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(bodies);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        if (bodies.Count == 0)
        {
            throw new ArgumentException("Nothing to append.", nameof(bodies));
        }

        foreach (var b in bodies)
        {
            if (b is null)
            {
                throw new ArgumentException("A journal record's body is null.", nameof(bodies));
            }
        }
    }

    /// <inheritdoc />
    public async Task<int> PruneJournalAsync(string stream, long throughSeq, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(throughSeq);
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One statement: the last record is kept whatever throughSeq says, so the stream's length (and the next position
        // an append takes) never goes back and an event id is never given twice.
        return await ExecAsync(c, null,
            "DELETE FROM journal WHERE stream = @s AND seq <= @q AND seq < (SELECT MAX(seq) FROM journal WHERE stream = @s)", cancellationToken,
            ("s", stream), ("q", throughSeq)).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- helpers

    private async Task<long> SaveVersionedAsync(string kind, string table, string id, long expectedVersion, string[] columns, object?[] values,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var ps = new List<(string, object?)>(columns.Length + 2) { ("id", id) };
        if (expectedVersion > 0)
        {
            ps.Add(("expected", expectedVersion));
        }

        for (var i = 0; i < columns.Length; i++)
        {
            ps.Add((columns[i], values[i]));
        }

        var sql = expectedVersion == 0
            ? $"INSERT INTO {table} (id, version, {string.Join(", ", columns)}) VALUES (@id, 1, {string.Join(", ", columns.Select(n => "@" + n))}) ON CONFLICT (id) DO NOTHING"
            : $"UPDATE {table} SET version = @expected + 1, {string.Join(", ", columns.Select(n => $"{n} = @{n}"))} WHERE id = @id AND version = @expected";
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(c, tx, sql, cancellationToken, [.. ps]).ConfigureAwait(false) == 0)
        {
            var actual = await ScalarAsync(c, tx, $"SELECT version FROM {table} WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false) ?? 0;
            throw new StoreConcurrencyException(kind, id, expectedVersion, actual);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return expectedVersion + 1;
    }

    private async Task DeleteVersionedAsync(string kind, string table, string id, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecAsync(c, tx, $"DELETE FROM {table} WHERE id = @id AND version = @v", cancellationToken, ("id", id), ("v", expectedVersion))
                .ConfigureAwait(false) == 0)
        {
            var actual = await ScalarAsync(c, tx, $"SELECT version FROM {table} WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false) ?? 0;
            throw new StoreConcurrencyException(kind, id, expectedVersion, actual);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private protected static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }

        return cmd;
    }

    private protected static async Task<int> ExecAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(c, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private protected static async Task<long?> ScalarAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(c, tx, sql, parameters);
        var v = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return v is null or DBNull ? null : Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var c = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, null, sql, parameters);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(read(r));
        }

        return list;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the store's connections.</summary>
    private protected abstract ValueTask DisposeCoreAsync();
}
