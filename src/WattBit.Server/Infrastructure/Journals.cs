using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using WattBit.Data.Storage;

namespace WattBit.Server.Infrastructure;

/// <summary>
/// Opens the server's journals — the append-only logs behind its state (orders and maintenance, site connections,
/// dispatch orders, idempotency keys, background jobs; anything a feature adds with <see cref="Open{T}"/>). With a
/// shared store (PostgreSQL, <see cref="IStoreNotifications"/>) each is a stream of that store, so every server instance
/// on the database serves the same state; otherwise (the embedded default) each is a JSON-lines file beside
/// <see cref="ServerOptions.Journal"/>.
/// </summary>
internal sealed class Journals
{
    /// <summary>The name of the main journal (orders, acknowledgements, maintenance: the audit log).</summary>
    public const string Main = "orders";

    /// <summary>How records are written: camelCase, enums as camelCase strings.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    private readonly string _journal;

    /// <summary>Journals for the server's settings and store: shared when the store is (PostgreSQL).</summary>
    public Journals(IOptions<ServerOptions> options, IWattBitStore store)
        : this(options.Value.Journal, store as IStoreNotifications is not null ? store : null, store as IStoreNotifications)
    {
    }

    /// <summary>Journals in files beside <paramref name="journal"/> (<paramref name="shared"/> null) or in a shared store.</summary>
    public Journals(string journal, IJournalStore? shared, IStoreNotifications? notifications = null)
    {
        _journal = journal;
        Store = shared;
        Notifications = notifications;
    }

    /// <summary>The shared store the journals live in, or null for files.</summary>
    public IJournalStore? Store { get; }

    /// <summary>Notifications between the instances sharing <see cref="Store"/>, or null.</summary>
    public IStoreNotifications? Notifications { get; }

    /// <summary>Counts of the background work on these journals (notifications, catch-ups, job ticks, lease renewals) for the runtime trace.</summary>
    public Diagnostics.ServerActivity Activity { get; } = new();

    /// <summary>Whether several server instances share this state (a PostgreSQL store).</summary>
    public bool Shared => Store is not null;

    /// <summary>
    /// Opens the journal <paramref name="name"/> (<see cref="Main"/>, or a short lower-case word such as <c>sites</c>:
    /// the file <c>{journal}.{name}.jsonl</c>, or the store stream <c>{name}</c>), replaying it into <paramref name="apply"/>.
    /// </summary>
    public IJournal<T> Open<T>(string name, Action<T> apply)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Store is not null)
        {
            return new StoreJournal<T>(Store, name, apply);
        }

        return new JsonLinesJournal<T>(name == Main ? _journal : JsonLinesJournal<T>.Beside(_journal, name), apply);
    }
}
