using System.Data.Common;
using Microsoft.Data.Sqlite;
using WattBit.Time;

namespace WattBit.Data.Storage;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode (readers never block the writer). Writes take the database's
/// write lock for their transaction; concurrent writers wait (up to the command timeout, 30 s by default).
/// Create with <see cref="OpenAsync"/>. Thread-safe.
/// </summary>
public sealed class SqliteStore : RelationalStore
{
    private static readonly string[][] Schema =
    [
        [
            """
            CREATE TABLE series (id INTEGER PRIMARY KEY, location TEXT NOT NULL, metric TEXT NOT NULL, source TEXT NOT NULL,
              unit_symbol TEXT NOT NULL, unit_aggregation INTEGER NOT NULL, step_seconds INTEGER NOT NULL, UNIQUE (location, metric, source))
            """,
            """
            CREATE TABLE points (series_id INTEGER NOT NULL REFERENCES series (id), ts INTEGER NOT NULL, value REAL NOT NULL,
              PRIMARY KEY (series_id, ts)) WITHOUT ROWID
            """,
            """
            CREATE TABLE imports (seq INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, file_name TEXT NOT NULL, file_format TEXT NOT NULL,
              row_count INTEGER NOT NULL, warnings TEXT NOT NULL, imported_at_utc INTEGER NOT NULL, imported_at_offset INTEGER NOT NULL)
            """,
            """
            CREATE TABLE sites (id TEXT PRIMARY KEY, version INTEGER NOT NULL, name TEXT NOT NULL, area TEXT NOT NULL,
              it_capacity_kw REAL NOT NULL, pue REAL NOT NULL, latitude REAL, longitude REAL)
            """,
            """
            CREATE TABLE jobs (id TEXT PRIMARY KEY, version INTEGER NOT NULL, release_utc INTEGER NOT NULL, release_offset INTEGER NOT NULL,
              deadline_utc INTEGER NOT NULL, deadline_offset INTEGER NOT NULL, duration_ticks INTEGER NOT NULL, power_kw REAL NOT NULL,
              interruptible INTEGER NOT NULL, locations TEXT NOT NULL)
            """,
            "CREATE INDEX jobs_release ON jobs (release_utc)",
            "CREATE TABLE plans (id TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL)",
        ],
        [
            "CREATE TABLE journal (stream TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (stream, seq)) WITHOUT ROWID",
        ],
        [
            // The job's kind (WorkloadKind as its byte value; jobs stored before it are batch, 2).
            "ALTER TABLE jobs ADD COLUMN kind INTEGER NOT NULL DEFAULT 2",
        ],
    ];

    private readonly string _connectionString;

    private SqliteStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string Description => "sqlite:" + Path;

    private protected override string DistinctFrom => "IS NOT";

    private protected override IReadOnlyList<string[]> Migrations => Schema;

    /// <summary>Opens (creating if needed) the database file at <paramref name="path"/> and brings its schema up to date.</summary>
    /// <exception cref="IOException">The file's folder does not exist.</exception>
    /// <exception cref="SqliteException">The file is not a SQLite database or cannot be written.</exception>
    public static async Task<SqliteStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{path}: the folder {folder} does not exist.");
        }

        var store = new SqliteStore(path);
        await using (var c = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            // WAL is a property of the file and cannot be switched inside a transaction, so it is set before migrating.
            await ExecAsync(c, null, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
        }

        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    private protected override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var c = new SqliteConnection(_connectionString);
        try
        {
            await c.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecAsync(c, null, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", cancellationToken).ConfigureAwait(false);
            return c;
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask; // BEGIN IMMEDIATE already holds the write lock.

    private protected override async Task<long> WritePointsAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<(long SeriesId, TimeSeries Series)> writes, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection, transaction,
            "INSERT INTO points (series_id, ts, value) VALUES (@s, @t, @v) ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value WHERE points.value IS NOT excluded.value",
            ("s", 0L), ("t", 0L), ("v", 0.0));
        cmd.Prepare();
        var ps = cmd.Parameters;
        long changed = 0;
        foreach (var (id, series) in writes)
        {
            ps[0].Value = id;
            var start = StoreMapping.ToUnixSeconds(series.Start, series.Name);
            var step = (long)series.Step.TotalSeconds;
            var values = series.Values.ToArray();
            for (var i = 0; i < values.Length; i++)
            {
                if (double.IsNaN(values[i]))
                {
                    continue;
                }

                if ((i & 4095) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                ps[1].Value = start + (i * step);
                ps[2].Value = values[i];
                changed += cmd.ExecuteNonQuery();
            }
        }

        return changed;
    }

    private protected override ValueTask DisposeCoreAsync()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var c = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(c);
        return ValueTask.CompletedTask;
    }
}
