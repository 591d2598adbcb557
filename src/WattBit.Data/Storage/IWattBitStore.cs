namespace WattBit.Data.Storage;

/// <summary>
/// The one storage contract of WattBit: time series and import records (<see cref="ISeriesStore"/>), sites
/// (<see cref="ISiteStore"/>), batch jobs (<see cref="IWorkloadStore"/>), plans (<see cref="IPlanStore"/>) and append-only
/// journal streams (<see cref="IJournalStore"/>), one interface per aggregate; a caller that needs one asks for that one. Implemented by
/// <see cref="SqliteStore"/> (embedded default, one file) and <see cref="PostgresStore"/>; both pass the same conformance
/// suite. Open one with <see cref="WattBitStore.OpenAsync"/>; the schema is created or migrated on open.
/// <para>
/// Every write is one transaction: it either lands whole or not at all (an exception, including cancellation, leaves
/// the store as it was). Series writes are upserts, so writing the same values again changes nothing. Instants are
/// stored as UTC; values read back carry the offset of the window or item they were asked for with.
/// Instances are safe to use from several threads; each call uses its own connection.
/// </para>
/// </summary>
public interface IWattBitStore : ISeriesStore, ISiteStore, IWorkloadStore, IPlanStore, IJournalStore, IAsyncDisposable
{
    /// <summary>A short description of where the data lives ("sqlite:/path/wattbit.db", "postgres:host:port/db").</summary>
    string Description { get; }

    /// <summary>The schema version this store is at after opening.</summary>
    int SchemaVersion { get; }
}
