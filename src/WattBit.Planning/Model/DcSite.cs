using WattBit.Formats;
using WattBit.Sites;
using WattBit.Time;
using WattBit.Units;

namespace WattBit.Planning.Model;

/// <summary>
/// A data-centre site as the planner sees it: the shared <see cref="Sites.Site"/> (id, area, location, IT capacity)
/// plus GPUs, a PUE model, an optional battery, on-site generation (an hourly profile such as solar, and an optional
/// dispatchable generator), UPS endurance, a fixed base IT load and the grid connection. Immutable.
/// </summary>
public sealed record DcSite
{
    /// <summary>Creates a site.</summary>
    /// <param name="site">The shared site record (IT capacity must be positive).</param>
    /// <param name="gpus">Number of GPUs; non-negative.</param>
    /// <param name="connection">Grid connection.</param>
    /// <param name="pue">PUE model; defaults to a constant equal to <c>site.Pue</c>.</param>
    /// <param name="battery">Optional battery.</param>
    /// <param name="onSiteGeneration">Optional hourly on-site generation in MW (solar, for example).</param>
    /// <param name="upsEndurance">How long the UPS carries the IT load; default 10 minutes.</param>
    /// <param name="baseLoad">IT load that never moves (storage, network, hosted customers); default zero.</param>
    /// <param name="region">Region group (~50 km) for tightly coupled work; null lets <see cref="Network"/> derive it.</param>
    /// <param name="outsideTemperature">Optional hourly outside temperature in degrees Celsius for the PUE model.</param>
    /// <param name="generator">Optional dispatchable on-site generator (emergency generation or cogeneration).</param>
    /// <exception cref="ModelValidationException">A value is out of range.</exception>
    public DcSite(Site site, int gpus, GridConnection connection, PueModel? pue = null, Battery? battery = null,
        TimeSeries? onSiteGeneration = null, TimeSpan? upsEndurance = null, Power? baseLoad = null, string? region = null,
        TimeSeries? outsideTemperature = null, OnSiteGenerator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(connection);
        if (gpus < 0)
        {
            throw new ModelValidationException("gpus", $"Site '{site.Id}': gpus must not be negative (got {gpus}).");
        }

        var ups = upsEndurance ?? TimeSpan.FromMinutes(10);
        if (ups < TimeSpan.Zero)
        {
            throw new ModelValidationException("ups_minutes", $"Site '{site.Id}': ups_minutes must not be negative.");
        }

        var b = baseLoad ?? Power.Zero;
        Check.NonNegative(b.Megawatts, "base_load_mw");
        if (b > site.ItCapacity)
        {
            throw new ModelValidationException("base_load_mw", $"Site '{site.Id}': base_load_mw ({b.Megawatts} MW) exceeds it_capacity_mw ({site.ItCapacity.Megawatts} MW).");
        }

        Site = site;
        Gpus = gpus;
        Connection = connection;
        Pue = pue ?? new PueModel(site.Pue);
        Battery = battery;
        OnSiteGeneration = onSiteGeneration;
        UpsEndurance = ups;
        BaseLoad = b;
        Region = region;
        OutsideTemperature = outsideTemperature;
        Generator = generator;
    }

    /// <summary>Optional dispatchable on-site generator.</summary>
    public OnSiteGenerator? Generator { get; }

    /// <summary>The shared site record.</summary>
    public Site Site { get; }

    /// <summary>The site id.</summary>
    public SiteId Id => Site.Id;

    /// <summary>IT capacity.</summary>
    public Power ItCapacity => Site.ItCapacity;

    /// <summary>Number of GPUs.</summary>
    public int Gpus { get; }

    /// <summary>Grid connection.</summary>
    public GridConnection Connection { get; }

    /// <summary>PUE model.</summary>
    public PueModel Pue { get; }

    /// <summary>Optional battery.</summary>
    public Battery? Battery { get; }

    /// <summary>Optional hourly on-site generation (MW).</summary>
    public TimeSeries? OnSiteGeneration { get; }

    /// <summary>How long the UPS carries the IT load.</summary>
    public TimeSpan UpsEndurance { get; }

    /// <summary>IT load that never moves.</summary>
    public Power BaseLoad { get; }

    /// <summary>Explicit region group, or null.</summary>
    public string? Region { get; }

    /// <summary>Optional hourly outside temperature (degrees Celsius).</summary>
    public TimeSeries? OutsideTemperature { get; }

    /// <summary>PUE for the hour starting at <paramref name="hourStart"/> (base PUE when no temperature is known).</summary>
    public double PueAt(DateTimeOffset hourStart) =>
        OutsideTemperature is { } t && t.TryIndexOf(hourStart, out var i) ? Pue.At(t[i]) : Pue.BasePue;

    /// <summary>On-site generation for the hour starting at <paramref name="hourStart"/> (zero when none or missing).</summary>
    public Power GenerationAt(DateTimeOffset hourStart) =>
        OnSiteGeneration is { } g && g.TryIndexOf(hourStart, out var i) && !double.IsNaN(g[i])
            ? Power.FromMegawatts(Math.Max(0, g[i]))
            : Power.Zero;
}
