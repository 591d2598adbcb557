using WattBit.Sites;

namespace WattBit.Data.Storage;

/// <summary>Sites with versions for optimistic concurrency (part of <see cref="IWattBitStore"/>).</summary>
public interface ISiteStore
{
    /// <summary>Gets a site with its version, or null.</summary>
    Task<Versioned<Site>?> GetSiteAsync(SiteId id, CancellationToken cancellationToken = default);

    /// <summary>Lists every site with its version, ordered by id.</summary>
    Task<IReadOnlyList<Versioned<Site>>> ListSitesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates (<paramref name="expectedVersion"/> = 0) or replaces (the version last read) a site; returns the new version.
    /// </summary>
    /// <exception cref="StoreConcurrencyException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    Task<long> SaveSiteAsync(Site site, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Deletes a site if it is at <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="StoreConcurrencyException">The site does not exist or is at another version.</exception>
    Task DeleteSiteAsync(SiteId id, long expectedVersion, CancellationToken cancellationToken = default);
}
