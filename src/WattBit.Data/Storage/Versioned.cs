namespace WattBit.Data.Storage;

/// <summary>
/// A stored value with its version for optimistic concurrency: pass <see cref="Version"/> back as the expected
/// version when saving; the store refuses the save if someone saved in between. Versions start at 1.
/// </summary>
/// <typeparam name="T">The stored type.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Version">Its version (1 after creation, +1 per save).</param>
public readonly record struct Versioned<T>(T Value, long Version);

/// <summary>
/// Thrown when a save names an expected version that is not the stored one (someone else saved first, or the item
/// was expected to be new but exists, or to exist but does not). Nothing was written.
/// </summary>
public sealed class StoreConcurrencyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What was saved ("site", "job", "plan").</param>
    /// <param name="id">Its identifier.</param>
    /// <param name="expectedVersion">The version the caller expected (0 = expected not to exist).</param>
    /// <param name="actualVersion">The stored version (0 = does not exist).</param>
    public StoreConcurrencyException(string kind, string id, long expectedVersion, long actualVersion)
        : base($"{kind} '{id}' was changed by someone else: expected version {expectedVersion}, stored version {actualVersion}. Reload and retry.")
    {
        Kind = kind;
        Id = id;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>Creates the exception with a message.</summary>
    public StoreConcurrencyException() : this("item", "?", 0, 0)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StoreConcurrencyException(string message) : base(message)
    {
        Kind = "item";
        Id = "?";
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public StoreConcurrencyException(string message, Exception innerException) : base(message, innerException)
    {
        Kind = "item";
        Id = "?";
    }

    /// <summary>What was saved ("site", "job", "plan").</summary>
    public string Kind { get; }

    /// <summary>The identifier of what was saved.</summary>
    public string Id { get; }

    /// <summary>The version the caller expected (0 = expected not to exist).</summary>
    public long ExpectedVersion { get; }

    /// <summary>The stored version (0 = does not exist).</summary>
    public long ActualVersion { get; }
}
