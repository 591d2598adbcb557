using System.Text.Json.Serialization;
using WattBit.Formats;
using WattBit.Server.Api;
using WattBit.Server.Infrastructure;
using WattBit.Sites;
using WattBit.Units;

namespace WattBit.Server.Connections;

/// <summary>
/// A site's grid connection on the wire: the JSON shape the API and the journal carry, mapped to and from the Core
/// <see cref="GridConnection"/> at those two edges (<see cref="ToConnection"/>, <see cref="Of"/>); inside the server a
/// connection is a <see cref="GridConnection"/>. The Core <see cref="ConnectionKind"/> with its parameters. <c>firm</c>: <see cref="LimitMw"/> at every hour; <c>provisionalProfile</c>: <see cref="ProfileMw"/>, 24
/// MW values for JST hours 0-23 (暫定運用); <c>flexible</c>: the headroom series the area's grid operator publishes for
/// <see cref="Node"/>. <see cref="Node"/> is also where maintenance on the site's connection is published.
/// </summary>
internal sealed record SiteGrid([property: JsonRequired] ConnectionKind Kind, string? Node, double? LimitMw, double[]? ProfileMw)
{
    /// <summary>The largest limit accepted, in MW.</summary>
    public const double MaxMw = 100_000;

    /// <summary>Checks the connection, adding errors under <c>grid.*</c>.</summary>
    public void Validate(Problems problems)
    {
        problems.Require(Enum.IsDefined(Kind), "grid.kind", "grid.kind is firm, provisionalProfile or flexible.");
        problems.Require(Node is null || SignalEndpoints.IsValidNode(Node), "grid.node", "A node id has 1-64 letters, digits, '-', '_' or '.'.");
        switch (Kind)
        {
            case ConnectionKind.Firm:
                problems.Require(LimitMw is { } mw && double.IsFinite(mw) && mw is >= 0 and <= MaxMw, "grid.limitMw", $"A firm connection needs limitMw between 0 and {MaxMw}.");
                problems.Require(ProfileMw is null, "grid.profileMw", "profileMw is for provisionalProfile connections only.");
                break;
            case ConnectionKind.ProvisionalProfile:
                problems.Require(LimitMw is null, "grid.limitMw", "limitMw is for firm connections only.");
                if (ProfileMw is not { Length: 24 } profile)
                {
                    problems.Add("grid.profileMw", "A provisionalProfile connection needs profileMw: 24 MW values, for JST hours 0-23.");
                    break;
                }

                for (var h = 0; h < 24; h++)
                {
                    problems.Require(double.IsFinite(profile[h]) && profile[h] is >= 0 and <= MaxMw, $"grid.profileMw[{h}]", $"A profile value is between 0 and {MaxMw} MW.");
                }

                break;
            case ConnectionKind.Flexible:
                problems.Require(Node is not null, "grid.node", "A flexible connection follows the headroom published for its node: give node.");
                problems.Require(LimitMw is null && ProfileMw is null, "grid.kind", "A flexible connection takes only node (its limit is the node's published headroom).");
                break;
        }
    }

    /// <summary>
    /// The Core connection, at <see cref="Node"/> (its <see cref="GridConnection.Substation"/>). A flexible one follows
    /// the node's published headroom, which the caller gives it (<see cref="GridConnection.WithHeadroom"/>) for the
    /// window it plans; it states no MW of its own.
    /// </summary>
    /// <exception cref="ModelValidationException">The values are out of range (validated requests never are).</exception>
    public GridConnection ToConnection() => (Kind switch
    {
        ConnectionKind.Firm => GridConnection.FirmOf(Power.FromMegawatts(LimitMw ?? 0)),
        ConnectionKind.ProvisionalProfile => GridConnection.ProvisionalOf(ProfileMw!),
        _ => GridConnection.FlexibleFollowing(),
    }) with { Substation = Node };

    /// <summary>The wire shape of a connection the server holds (a flexible one without its series: the node's headroom is read when planning).</summary>
    public static SiteGrid Of(GridConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new SiteGrid(connection.Kind, connection.Substation, connection.Kind == ConnectionKind.Firm ? connection.Firm.Megawatts : null,
            connection.Profile is { } p ? [.. p] : null);
    }
}

/// <summary>
/// The grid connections (Core <see cref="GridConnection"/>, flexible ones following their node's published headroom) of
/// the DC operators' sites, keyed by scoped site id (<c>{operator}/{id}</c>), kept in memory
/// and journaled (<c>{journal}.sites.jsonl</c> beside the main journal, or the shared stream <c>sites</c> with a
/// PostgreSQL store) so a restart keeps them and every instance serves them. The store's site rows
/// carry the facility (area, IT capacity, PUE); the connection is planning data the store's schema does not hold.
/// Thread-safe.
/// </summary>
internal sealed class SiteGrids : IDisposable
{
    private readonly Dictionary<string, GridConnection> _grids = new(StringComparer.Ordinal);
    private readonly IJournal<Entry> _journal;
    private readonly Lock _lock = new();

    public SiteGrids(Journals journals) => _journal = journals.Open<Entry>("sites", Apply);

    /// <summary>One journal record: the site's connection from now on (null: none), in its wire shape.</summary>
    internal sealed record Entry(string Site, SiteGrid? Grid);

    /// <summary>The connection of a site (scoped id), or null, after reading what other instances stored (without blocking a thread).</summary>
    public async Task<GridConnection?> GetAsync(string scopedSite, CancellationToken cancellationToken = default)
    {
        await _journal.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        return Known(scopedSite);
    }

    /// <summary>Reads what other instances stored since the last read (nothing to do for a file).</summary>
    public Task CatchUpAsync(CancellationToken cancellationToken = default) => _journal.CatchUpAsync(cancellationToken);

    /// <summary>
    /// The connection of a site (scoped id) as of the last <see cref="CatchUpAsync"/> or <see cref="GetAsync"/>, or null;
    /// no store call (for many sites in one answer, after one catch-up).
    /// </summary>
    public GridConnection? Known(string scopedSite)
    {
        lock (_lock)
        {
            return _grids.GetValueOrDefault(scopedSite);
        }
    }

    /// <summary>Sets (or, with null, removes) a site's connection; durable when the task completes. Writes nothing when unchanged.</summary>
    public async Task SetAsync(string scopedSite, GridConnection? connection, CancellationToken cancellationToken = default)
    {
        var grid = connection is null ? null : SiteGrid.Of(connection);
        await _journal.AppendAsync(() =>
        {
            SiteGrid? current;
            lock (_lock)
            {
                current = _grids.GetValueOrDefault(scopedSite) is { } c ? SiteGrid.Of(c) : null;
            }

            if (current is null && grid is null)
            {
                return null;
            }

            if (current is not null && grid is not null && current.Kind == grid.Kind && current.Node == grid.Node && current.LimitMw == grid.LimitMw &&
                (current.ProfileMw ?? []).SequenceEqual(grid.ProfileMw ?? []))
            {
                return null;
            }

            return new Entry(scopedSite, grid);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What opening the journal recovered (a torn tail cut off), or null.</summary>
    internal string? JournalRecovery => _journal.Recovery;

    public void Dispose() => _journal.Dispose();

    private void Apply(Entry entry)
    {
        lock (_lock)
        {
            if (entry.Grid is null)
            {
                _grids.Remove(entry.Site);
            }
            else
            {
                _grids[entry.Site] = entry.Grid.ToConnection();
            }
        }
    }
}
