using WattBit.Formats;
using WattBit.Sites;

namespace WattBit.Planning.Model;

/// <summary>
/// A network link between two sites: fibre distance and equipment latency give the one-way latency
/// (<see cref="Network.MicrosecondsPerKm"/> per km plus equipment); bandwidth bounds transfers.
/// </summary>
/// <param name="A">One end.</param>
/// <param name="B">Other end.</param>
/// <param name="FibreKm">Fibre route length in km; non-negative.</param>
/// <param name="BandwidthGbps">Bandwidth available for workload moves in Gbit/s; positive.</param>
/// <param name="EquipmentLatency">Latency added by equipment (switches, transponders).</param>
public sealed record NetworkLink(SiteId A, SiteId B, double FibreKm, double BandwidthGbps, TimeSpan EquipmentLatency)
{
    /// <summary>One-way latency of the link.</summary>
    public TimeSpan Latency => Network.FibreLatency(FibreKm) + EquipmentLatency;

    /// <summary>Time to move <paramref name="gigabytes"/> of state over the link (serialisation plus latency).</summary>
    public TimeSpan TransferTime(double gigabytes) =>
        TimeSpan.FromSeconds(gigabytes * 8 / BandwidthGbps) + Latency;
}

/// <summary>
/// The network between sites (explicit links, or defaults derived from geographic distance) and the region groups
/// (~50 km) that tightly coupled work must stay within. Immutable.
/// </summary>
public sealed class Network
{
    /// <summary>Propagation delay in optical fibre, microseconds per km (~5 us/km).</summary>
    public const double MicrosecondsPerKm = 5.0;

    /// <summary>Fibre route length as a multiple of the great-circle distance when a link is derived (default 1.5).</summary>
    public const double RouteFactor = 1.5;

    private readonly Dictionary<(string, string), NetworkLink> _links = [];
    private readonly Dictionary<string, DcSite> _sites;
    private readonly Dictionary<string, string> _regionOf = new(StringComparer.Ordinal);

    /// <summary>Creates the network.</summary>
    /// <param name="sites">The sites.</param>
    /// <param name="links">Explicit links; pairs without one get a derived link.</param>
    /// <param name="defaultBandwidthGbps">Bandwidth of derived links in Gbit/s; default 100.</param>
    /// <param name="defaultEquipmentLatency">Equipment latency of derived links; default 50 us.</param>
    /// <param name="regionRadiusKm">Sites closer than this (single linkage) share a region group when none is given; default 50.</param>
    /// <exception cref="ModelValidationException">A link names an unknown site or has a non-positive bandwidth.</exception>
    public Network(IReadOnlyList<DcSite> sites, IEnumerable<NetworkLink>? links = null, double defaultBandwidthGbps = 100,
        TimeSpan? defaultEquipmentLatency = null, double regionRadiusKm = 50)
    {
        ArgumentNullException.ThrowIfNull(sites);
        _sites = sites.ToDictionary(s => s.Id.Value, StringComparer.Ordinal);
        DefaultBandwidthGbps = Check.Positive(defaultBandwidthGbps, "network.default_bandwidth_gbps");
        DefaultEquipmentLatency = defaultEquipmentLatency ?? TimeSpan.FromMicroseconds(50);
        RegionRadiusKm = Check.Positive(regionRadiusKm, "network.region_radius_km");
        foreach (var link in links ?? [])
        {
            if (!_sites.ContainsKey(link.A.Value) || !_sites.ContainsKey(link.B.Value))
            {
                throw new ModelValidationException("links.sites", $"link {link.A}-{link.B} names a site that does not exist.");
            }

            Check.Positive(link.BandwidthGbps, "links.bandwidth_gbps");
            Check.NonNegative(link.FibreKm, "links.km");
            _links[Key(link.A, link.B)] = link;
        }

        AssignRegions(sites);
    }

    /// <summary>Bandwidth of derived links (Gbit/s).</summary>
    public double DefaultBandwidthGbps { get; }

    /// <summary>Equipment latency of derived links.</summary>
    public TimeSpan DefaultEquipmentLatency { get; }

    /// <summary>Radius of an automatically derived region group (km).</summary>
    public double RegionRadiusKm { get; }

    /// <summary>Propagation latency over <paramref name="km"/> of fibre.</summary>
    public static TimeSpan FibreLatency(double km) => TimeSpan.FromMicroseconds(km * MicrosecondsPerKm);

    /// <summary>The region group of a site.</summary>
    /// <exception cref="KeyNotFoundException">The site is unknown.</exception>
    public string RegionOf(SiteId site) => _regionOf[site.Value];

    /// <summary>
    /// The link between two sites: the explicit one, or one derived from the great-circle distance times
    /// <see cref="RouteFactor"/> (zero km for the same site, 500 km when a location is missing).
    /// </summary>
    public NetworkLink Link(SiteId a, SiteId b)
    {
        if (_links.TryGetValue(Key(a, b), out var link))
        {
            return link;
        }

        var km = a == b ? 0 : DistanceKm(_sites[a.Value].Site.Location, _sites[b.Value].Site.Location) * RouteFactor;
        return new NetworkLink(a, b, km, DefaultBandwidthGbps, a == b ? TimeSpan.Zero : DefaultEquipmentLatency);
    }

    /// <summary>Time to move <paramref name="gigabytes"/> of state from <paramref name="from"/> to <paramref name="to"/> (zero when equal).</summary>
    public TimeSpan TransferTime(SiteId from, SiteId to, double gigabytes) =>
        from == to ? TimeSpan.Zero : Link(from, to).TransferTime(gigabytes);

    /// <summary>One-way latency from a user region to a site: fibre at <see cref="RouteFactor"/> times distance plus equipment.</summary>
    public TimeSpan UserLatency(UserRegion region, SiteId site)
    {
        ArgumentNullException.ThrowIfNull(region);
        var km = DistanceKm(region.Location, _sites[site.Value].Site.Location) * RouteFactor;
        return FibreLatency(km) + DefaultEquipmentLatency;
    }

    private static double DistanceKm(GeoPoint? a, GeoPoint? b) => a is { } pa && b is { } pb ? pa.DistanceKm(pb) : 500;

    private static (string, string) Key(SiteId a, SiteId b) =>
        string.CompareOrdinal(a.Value, b.Value) <= 0 ? (a.Value, b.Value) : (b.Value, a.Value);

    private void AssignRegions(IReadOnlyList<DcSite> sites)
    {
        // Single-linkage grouping of sites without an explicit region: union-find over pairs closer than the radius.
        var parent = new int[sites.Count];
        for (var i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }

        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        for (var i = 0; i < sites.Count; i++)
        {
            if (sites[i].Region is not null || sites[i].Site.Location is null)
            {
                continue;
            }

            for (var j = i + 1; j < sites.Count; j++)
            {
                if (sites[j].Region is null && sites[j].Site.Location is { } lj &&
                    sites[i].Site.Location!.Value.DistanceKm(lj) <= RegionRadiusKm)
                {
                    parent[Find(j)] = Find(i);
                }
            }
        }

        for (var i = 0; i < sites.Count; i++)
        {
            _regionOf[sites[i].Id.Value] = sites[i].Region ?? "region-" + sites[Find(i)].Id.Value;
        }
    }
}
