using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using WattBit.Time;

namespace WattBit.Data.Storage;

/// <summary>
/// The PostgreSQL store (Npgsql). Points are written with binary COPY into a temporary table and merged with one
/// <c>INSERT ... ON CONFLICT</c>, all in the caller's transaction. Migrations take an advisory lock, so several
/// processes may open the same database at once. Create with <see cref="OpenAsync"/>. Thread-safe.
/// </summary>
public sealed class PostgresStore : RelationalStore, IStoreNotifications
{
    private const long MigrationLockKey = 0x5761747442697431; // "WattBit1"

    private static readonly string[][] Schema =
    [
        [
            """
            CREATE TABLE series (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, location TEXT NOT NULL, metric TEXT NOT NULL,
              source TEXT NOT NULL, unit_symbol TEXT NOT NULL, unit_aggregation BIGINT NOT NULL, step_seconds BIGINT NOT NULL,
              UNIQUE (location, metric, source))
            """,
            """
            CREATE TABLE points (series_id BIGINT NOT NULL REFERENCES series (id), ts BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL,
              PRIMARY KEY (series_id, ts))
            """,
            """
            CREATE TABLE imports (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, file_name TEXT NOT NULL,
              file_format TEXT NOT NULL, row_count BIGINT NOT NULL, warnings TEXT NOT NULL, imported_at_utc BIGINT NOT NULL,
              imported_at_offset BIGINT NOT NULL)
            """,
            """
            CREATE TABLE sites (id TEXT PRIMARY KEY, version BIGINT NOT NULL, name TEXT NOT NULL, area TEXT NOT NULL,
              it_capacity_kw DOUBLE PRECISION NOT NULL, pue DOUBLE PRECISION NOT NULL, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION)
            """,
            """
            CREATE TABLE jobs (id TEXT PRIMARY KEY, version BIGINT NOT NULL, release_utc BIGINT NOT NULL, release_offset BIGINT NOT NULL,
              deadline_utc BIGINT NOT NULL, deadline_offset BIGINT NOT NULL, duration_ticks BIGINT NOT NULL, power_kw DOUBLE PRECISION NOT NULL,
              interruptible BIGINT NOT NULL, locations TEXT NOT NULL)
            """,
            "CREATE INDEX jobs_release ON jobs (release_utc)",
            "CREATE TABLE plans (id TEXT PRIMARY KEY, version BIGINT NOT NULL, body TEXT NOT NULL)",
        ],
        [
            "CREATE TABLE journal (stream TEXT NOT NULL, seq BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (stream, seq))",
        ],
        [
            // The job's kind (WorkloadKind as its byte value; jobs stored before it are batch, 2).
            "ALTER TABLE jobs ADD COLUMN kind BIGINT NOT NULL DEFAULT 2",
        ],
    ];

    private readonly NpgsqlDataSource _dataSource;

    private PostgresStore(NpgsqlDataSource dataSource, string description)
    {
        _dataSource = dataSource;
        Description = description;
    }

    /// <inheritdoc />
    public override string Description { get; }

    private protected override string DistinctFrom => "IS DISTINCT FROM";

    private protected override IReadOnlyList<string[]> Migrations => Schema;

    /// <summary>Connects to the database named by an Npgsql connection string and brings its schema up to date.</summary>
    /// <exception cref="NpgsqlException">The server cannot be reached or refuses the login.</exception>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    public static async Task<PostgresStore> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var dataSource = NpgsqlDataSource.Create(builder);
        var store = new PostgresStore(dataSource, $"postgres:{builder.Host}:{builder.Port}/{builder.Database}");
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ExecAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@k)", cancellationToken, ("k", MigrationLockKey));

    private protected override async Task<long> WritePointsAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<(long SeriesId, TimeSeries Series)> writes, CancellationToken cancellationToken)
    {
        var c = (NpgsqlConnection)connection;
        if (SmallWrite(writes) is { } small)
        {
            return small.Ids.Length == 0 ? 0 : await ExecAsync(c, transaction,
                """
                INSERT INTO points (series_id, ts, value) SELECT * FROM unnest(@i, @t, @v)
                ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value WHERE points.value IS DISTINCT FROM excluded.value
                """, cancellationToken, ("i", small.Ids), ("t", small.Times), ("v", small.Values)).ConfigureAwait(false);
        }

        await ExecAsync(c, transaction,
            "CREATE TEMP TABLE IF NOT EXISTS wattbit_points_in (seq BIGINT NOT NULL, series_id BIGINT NOT NULL, ts BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL) ON COMMIT DELETE ROWS",
            cancellationToken).ConfigureAwait(false);
        await ExecAsync(c, transaction, "TRUNCATE wattbit_points_in", cancellationToken).ConfigureAwait(false);
        long seq = 0;
        await using (var writer = await c.BeginBinaryImportAsync("COPY wattbit_points_in (seq, series_id, ts, value) FROM STDIN (FORMAT BINARY)", cancellationToken)
                         .ConfigureAwait(false))
        {
            foreach (var (id, series) in writes)
            {
                var start = StoreMapping.ToUnixSeconds(series.Start, series.Name);
                var step = (long)series.Step.TotalSeconds;
                var values = series.Values.ToArray();
                for (var i = 0; i < values.Length; i++)
                {
                    if (double.IsNaN(values[i]))
                    {
                        continue;
                    }

                    if ((seq & 4095) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    // Synchronous writes: they only fill Npgsql's buffer (flushed when full), and an await per field
                    // costs more than the field itself.
                    writer.StartRow();
                    writer.Write(seq++, NpgsqlDbType.Bigint);
                    writer.Write(id, NpgsqlDbType.Bigint);
                    writer.Write(start + (i * step), NpgsqlDbType.Bigint);
                    writer.Write(values[i], NpgsqlDbType.Double);
                }
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (seq == 0)
        {
            return 0;
        }

        // Two writes to one series in a batch may name the same slot: then the later one wins (DISTINCT ON keeps the
        // highest seq). Otherwise every (series, slot) is unique and the sort is skipped. Unchanged values are not rewritten.
        var seriesIds = new HashSet<long>();
        var overlapping = false;
        foreach (var (id, _) in writes)
        {
            overlapping |= !seriesIds.Add(id);
        }

        var select = overlapping
            ? "SELECT DISTINCT ON (series_id, ts) series_id, ts, value FROM wattbit_points_in ORDER BY series_id, ts, seq DESC"
            : "SELECT series_id, ts, value FROM wattbit_points_in";
        return await ExecAsync(c, transaction,
            $"""
            INSERT INTO points (series_id, ts, value) {select}
            ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value WHERE points.value IS DISTINCT FROM excluded.value
            """, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>At most this many points are written as one parameterised statement (no temporary table, no COPY).</summary>
    internal const int SmallWritePoints = 1024;

    /// <summary>
    /// The points of a write of at most <see cref="SmallWritePoints"/> points as three arrays (the later of two writes to one
    /// slot wins, as in the COPY path), or null for a larger write.
    /// </summary>
    private static (long[] Ids, long[] Times, double[] Values)? SmallWrite(IReadOnlyList<(long SeriesId, TimeSeries Series)> writes)
    {
        var total = 0;
        foreach (var (_, series) in writes)
        {
            total += series.Count;
            if (total > SmallWritePoints)
            {
                return null;
            }
        }

        var points = new Dictionary<(long, long), double>(total);
        foreach (var (id, series) in writes)
        {
            var start = StoreMapping.ToUnixSeconds(series.Start, series.Name);
            var step = (long)series.Step.TotalSeconds;
            var values = series.Values;
            for (var i = 0; i < values.Length; i++)
            {
                if (!double.IsNaN(values[i]))
                {
                    points[(id, start + (i * step))] = values[i];
                }
            }
        }

        var n = points.Count;
        var (ids, times, vals) = (new long[n], new long[n], new double[n]);
        var k = 0;
        foreach (var ((id, ts), v) in points)
        {
            (ids[k], times[k], vals[k]) = (id, ts, v);
            k++;
        }

        return (ids, times, vals);
    }

    /// <inheritdoc />
    public async Task<bool> TryAppendJournalAndNotifyAsync(string stream, long seq, string body, string channel, string payload,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(seq, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(payload);
        await using var c = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One statement, one commit: the notification is sent (at commit) only when the record was written.
        await using var cmd = Command(c, null,
            """
            WITH appended AS (INSERT INTO journal (stream, seq, body) VALUES (@s, @q, @b) ON CONFLICT (stream, seq) DO NOTHING RETURNING seq)
            SELECT count(*) FROM (SELECT pg_notify(@c, @p) FROM appended) n
            """, ("s", stream), ("q", seq), ("b", body), ("c", channel), ("p", payload));
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    /// <inheritdoc />
    public async Task<bool> TryAppendJournalBatchAndNotifyAsync(string stream, long firstSeq, IReadOnlyList<string> bodies, string channel, string payload,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentNullException.ThrowIfNull(bodies);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSeq, 1);
        ArgumentOutOfRangeException.ThrowIfZero(bodies.Count);
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(payload);
        if (bodies.Any(b => b is null))
        {
            throw new ArgumentException("A journal record's body is null.", nameof(bodies));
        }

        await using var c = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One statement, one commit: a position another writer holds is a unique violation that undoes the whole insert
        // (all or nothing); the notification is sent (at commit) only when the records were written.
        await using var cmd = Command(c, null,
            """
            WITH appended AS (
              INSERT INTO journal (stream, seq, body)
              SELECT @s, @q + t.i - 1, t.b FROM unnest(@b::text[]) WITH ORDINALITY AS t(b, i)
              RETURNING seq)
            SELECT count(*) FROM (SELECT pg_notify(@c, @p) FROM (SELECT 1 FROM appended LIMIT 1) one) n
            """, ("s", stream), ("q", firstSeq), ("b", bodies.ToArray()), ("c", channel), ("p", payload));
        try
        {
            // A data-modifying WITH runs to completion whatever the outer query reads: every record is in, or none.
            return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    /// <summary>The first key of the per-stream advisory locks of appends at the next position ("WBJL"; the second is the stream's hash).</summary>
    private const int JournalLockClass = 0x57424A4C;

    /// <inheritdoc />
    /// <remarks>
    /// One round trip, one transaction: a per-stream advisory lock (<c>pg_advisory_xact_lock</c>, held until the commit), then
    /// one statement that inserts at the stream's last position + 1... and reads what came after <paramref name="afterSeq"/>
    /// (its snapshot is taken after the lock, so it sees every append that held the lock before).
    /// </remarks>
    public override Task<JournalAppend> AppendJournalAsync(string stream, IReadOnlyList<string> bodies, long afterSeq, CancellationToken cancellationToken = default)
    {
        CheckAppend(stream, bodies, afterSeq);
        return AppendAtNextAsync(stream, bodies, afterSeq, null, cancellationToken);
    }

    /// <inheritdoc />
    public Task<JournalAppend> AppendJournalAndNotifyAsync(string stream, IReadOnlyList<string> bodies, long afterSeq, string channel, string payload,
        CancellationToken cancellationToken = default)
    {
        CheckAppend(stream, bodies, afterSeq);
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(payload);
        return AppendAtNextAsync(stream, bodies, afterSeq, (channel, payload), cancellationToken);
    }

    private async Task<JournalAppend> AppendAtNextAsync(string stream, IReadOnlyList<string> bodies, long afterSeq, (string Channel, string Payload)? notify,
        CancellationToken cancellationToken)
    {
        var array = bodies as string[] ?? [.. bodies];
        while (true)
        {
            await using var c = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            // A batch is one implicit transaction (one Sync): the lock is held from the first command to the commit.
            await using var batch = new NpgsqlBatch(c);
            batch.BatchCommands.Add(BatchCommand("SELECT pg_advisory_xact_lock(@k, hashtext(@s))", ("k", JournalLockClass), ("s", stream)));
            batch.BatchCommands.Add(BatchCommand(
                """
                WITH last AS (SELECT COALESCE(MAX(seq), 0) AS seq FROM journal WHERE stream = @s),
                appended AS (
                  INSERT INTO journal (stream, seq, body)
                  SELECT @s, last.seq + t.i, t.b FROM last, unnest(@b::text[]) WITH ORDINALITY AS t(b, i)
                  RETURNING seq)
                SELECT 0 AS k, seq, NULL::text AS body FROM last
                UNION ALL
                SELECT 1, seq, body FROM journal WHERE stream = @s AND seq > @a
                ORDER BY 1, 2
                """, ("s", stream), ("b", array), ("a", afterSeq)));
            if (notify is { } n)
            {
                batch.BatchCommands.Add(BatchCommand("SELECT pg_notify(@c, @p)", ("c", n.Channel), ("p", n.Payload)));
            }

            try
            {
                await using var r = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await r.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the lock's row
                long last = 0;
                var missed = new List<JournalRecord>();
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (r.GetInt32(0) == 0)
                    {
                        last = r.GetInt64(1);
                    }
                    else
                    {
                        missed.Add(new JournalRecord(r.GetInt64(1), r.GetString(2)));
                    }
                }

                while (await r.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }

                return new JournalAppend(last + 1, missed);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // A writer that names its position (TryAppendJournal*: records that decide on the state before them) does not
                // take the lock and took this one between our read of the last position and our insert; the whole batch was
                // undone. Rare (only a stream written both ways at once); the next try reads the new last position.
            }
        }
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        return cmd;
    }

    /// <inheritdoc />
    public async Task NotifyAsync(string channel, string payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(payload);
        await using var c = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(c, null, "SELECT pg_notify(@c, @p)", cancellationToken, ("c", channel), ("p", payload)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ListenAsync(string channel, Action<string> received, Action listening, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(listening);
        var retry = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // A connection of its own, outside the pool's reuse: LISTEN belongs to the session.
                await using var c = _dataSource.CreateConnection();
                await c.OpenAsync(cancellationToken).ConfigureAwait(false);
                c.Notification += (_, e) => received(e.Payload);
                await ExecAsync(c, null, "LISTEN " + QuoteIdentifier(channel), cancellationToken).ConfigureAwait(false);
                retry = TimeSpan.FromMilliseconds(100);
                listening();
                while (true)
                {
                    await c.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException)
            {
                // The connection was lost: listen again after a short back-off (the caller catches up when listening).
                await Task.Delay(retry, cancellationToken).ConfigureAwait(false);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private protected override ValueTask DisposeCoreAsync() => _dataSource.DisposeAsync();
}
