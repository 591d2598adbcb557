using WattBit.Sites;
using WattBit.Units;

namespace WattBit.Planning.Dispatch;

/// <summary>Something the dispatcher must react to, issued at <see cref="IssuedAt"/>.</summary>
/// <param name="IssuedAt">When the event was issued.</param>
public abstract record DispatchEvent(DateTimeOffset IssuedAt);

/// <summary>
/// A curtailment order (受電制限): the site must draw <see cref="Shed"/> less from the grid than now, from
/// <c>IssuedAt + Notice</c> for <see cref="ExpectedDuration"/>.
/// </summary>
/// <param name="IssuedAt">When the order was issued.</param>
/// <param name="Site">Curtailed site.</param>
/// <param name="Shed">Reduction of grid draw required; non-negative.</param>
/// <param name="Notice">Time until the reduction must be in place; non-negative.</param>
/// <param name="ExpectedDuration">How long the reduction lasts (batteries must hold for this long); positive.</param>
/// <param name="Purpose">Why: a grid emergency (the default) or a demand-response commitment; on-site generation is used for the
/// latter only when the site's generator allows it.</param>
public sealed record CurtailmentOrder(DateTimeOffset IssuedAt, SiteId Site, Power Shed, TimeSpan Notice, TimeSpan ExpectedDuration,
    CurtailmentPurpose Purpose = CurtailmentPurpose.GridEmergency)
    : DispatchEvent(IssuedAt);

/// <summary>Why a site is asked to draw less.</summary>
public enum CurtailmentPurpose
{
    /// <summary>A grid emergency or security order (受電制限, headroom loss, supply warning): every resource may be used.</summary>
    GridEmergency,

    /// <summary>A demand-response commitment: on-site generation only if the operator allows it for DR.</summary>
    DemandResponse,
}

/// <summary>A new headroom forecast for a site: its limit becomes <see cref="NewLimit"/> after <see cref="Notice"/> for <see cref="Duration"/>.</summary>
/// <param name="IssuedAt">When the forecast was issued.</param>
/// <param name="Site">Site.</param>
/// <param name="NewLimit">New grid limit.</param>
/// <param name="Notice">Time until it applies.</param>
/// <param name="Duration">How long it applies.</param>
public sealed record HeadroomChange(DateTimeOffset IssuedAt, SiteId Site, Power NewLimit, TimeSpan Notice, TimeSpan Duration)
    : DispatchEvent(IssuedAt);

/// <summary>A site has failed: its load is lost now and its workloads must restart elsewhere.</summary>
/// <param name="IssuedAt">When it failed.</param>
/// <param name="Site">Failed site.</param>
public sealed record SiteFailure(DateTimeOffset IssuedAt, SiteId Site) : DispatchEvent(IssuedAt);

/// <summary>A surge of inference demand: <see cref="ExtraRequestsPerSecond"/> more for a service, to be served within its latency bound.</summary>
/// <param name="IssuedAt">When the surge was seen.</param>
/// <param name="ServiceId">Service id.</param>
/// <param name="ExtraRequestsPerSecond">Additional demand (requests/s).</param>
/// <param name="Duration">How long it is expected to last.</param>
public sealed record InferenceSurge(DateTimeOffset IssuedAt, string ServiceId, double ExtraRequestsPerSecond, TimeSpan Duration)
    : DispatchEvent(IssuedAt);
