namespace WattBit.Data.Storage;

/// <summary>Opens the store a user names: a SQLite file path (the default) or a PostgreSQL connection.</summary>
public static class WattBitStore
{
    /// <summary>The environment variable that names the store when no option is given.</summary>
    public const string EnvironmentVariable = "WATTBIT_STORE";

    /// <summary>The SQLite file used when nothing else is named: <c>wattbit.db</c> in the current folder.</summary>
    public const string DefaultFile = "wattbit.db";

    /// <summary>
    /// Chooses the store location: <paramref name="option"/> if given, else the <c>WATTBIT_STORE</c> environment variable,
    /// else <see cref="DefaultFile"/>.
    /// </summary>
    public static string ResolveLocation(string? option) =>
        !string.IsNullOrWhiteSpace(option) ? option
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env ? env
        : DefaultFile;

    /// <summary>
    /// Opens a store. <paramref name="location"/> is either <c>postgres:</c> (or <c>postgresql:</c>) followed by an Npgsql
    /// connection string (<c>postgres:Host=127.0.0.1;Port=5432;Username=wattbit;Database=wattbit</c>), or a SQLite file path,
    /// optionally prefixed <c>sqlite:</c>. The schema is created or migrated.
    /// </summary>
    /// <exception cref="ArgumentException">The location is empty or the connection string is malformed.</exception>
    /// <exception cref="IOException">The SQLite file's folder does not exist.</exception>
    public static async Task<IWattBitStore> OpenAsync(string location, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        foreach (var prefix in (string[])["postgres:", "postgresql:"])
        {
            if (location.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return await PostgresStore.OpenAsync(location[prefix.Length..], cancellationToken).ConfigureAwait(false);
            }
        }

        var path = location.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? location["sqlite:".Length..] : location;
        return await SqliteStore.OpenAsync(path, cancellationToken).ConfigureAwait(false);
    }
}
