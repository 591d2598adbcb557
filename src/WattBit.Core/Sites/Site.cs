using WattBit.Areas;
using WattBit.Units;

namespace WattBit.Sites;

/// <summary>A data-centre site: where it is, which TSO area it draws from, its IT capacity and its efficiency. Immutable.</summary>
public sealed record Site
{
    /// <summary>Creates a site.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The IT capacity is not positive or the PUE is below 1.</exception>
    public Site(SiteId id, string name, GridArea area, Power itCapacity, double pue = 1.3, GeoPoint? location = null)
    {
        ArgumentNullException.ThrowIfNull(area);
        if (itCapacity <= Power.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(itCapacity), itCapacity, $"Site '{id}': IT capacity must be positive.");
        }

        if (!double.IsFinite(pue) || pue < 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(pue), pue, $"Site '{id}': PUE must be at least 1.0.");
        }

        Id = id;
        Name = string.IsNullOrWhiteSpace(name) ? id.Value : name;
        Area = area;
        ItCapacity = itCapacity;
        Pue = pue;
        Location = location;
    }

    /// <summary>The site identifier.</summary>
    public SiteId Id { get; }

    /// <summary>A display name (may be Japanese).</summary>
    public string Name { get; }

    /// <summary>The TSO area the site is connected in.</summary>
    public GridArea Area { get; }

    /// <summary>The IT load the site can carry.</summary>
    public Power ItCapacity { get; }

    /// <summary>Power usage effectiveness: facility power / IT power (1.0 = no overhead; default 1.3).</summary>
    public double Pue { get; }

    /// <summary>Where the site is, when known.</summary>
    public GeoPoint? Location { get; }

    /// <summary>The grid draw for an IT load, including cooling and losses (IT x PUE).</summary>
    public Power GridDraw(Power itLoad) => itLoad * Pue;
}
