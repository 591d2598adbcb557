using System.Reflection;
using Npgsql;

namespace WattBit.Cluster.Schema;

/// <summary>
/// Creates the tables and queries the Orleans ADO.NET providers need in a PostgreSQL database (main query catalogue,
/// clustering, persistence, reminders). The Orleans 10.4 packages do not ship these scripts; ours are written from the
/// providers' contract. Idempotent and safe to run from several silos at once (one transaction under an advisory lock).
/// </summary>
public static class PostgresSchema
{
    /// <summary>The scripts, in the order they are applied.</summary>
    public static IReadOnlyList<string> Scripts { get; } =
        ["PostgreSQL-Main.sql", "PostgreSQL-Clustering.sql", "PostgreSQL-Persistence.sql", "PostgreSQL-Reminders.sql"];

    // Arbitrary constant shared by every silo: serialises concurrent schema set-ups.
    private const long LockKey = 0x5761747442697401;

    /// <summary>Applies every script in one transaction.</summary>
    /// <param name="connectionString">Npgsql connection string of the cluster database.</param>
    /// <param name="cancellationToken">Stops the set-up.</param>
    /// <exception cref="InvalidOperationException">A script failed; the message names it and carries the server's error.</exception>
    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, tx))
        {
            await lockCmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var name in Scripts)
        {
            await using var cmd = new NpgsqlCommand(Read(name), connection, tx);
            try
            {
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException($"Cluster schema script {name} failed: {e.MessageText} ({e.SqlState}).", e);
            }
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The text of one script.</summary>
    /// <param name="name">A name from <see cref="Scripts"/>.</param>
    public static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("WattBit.Cluster.Schema." + name)
            ?? throw new ArgumentException($"no cluster schema script named '{name}'.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
