using WattBit.Siting.Facts;
using WattBit.Siting.Geo;
using WattBit.Siting.Layers;
using WattBit.Sites;
using WattBit.Units;

namespace WattBit.Siting.Connection;

/// <summary>An area or location signal with the source it came from.</summary>
/// <param name="Name">What it is.</param>
/// <param name="Value">The value; null when the layer has no value here (never a made-up 0).</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Source">Where it came from (embedded default, a file, a model).</param>
public sealed record SiteSignal(string Name, double? Value, string Unit, string Source);

/// <summary>Everything <c>wattbit site check</c> reports for a proposed DC.</summary>
/// <param name="Location">Prefecture and area of the point.</param>
/// <param name="Power">The DC's size.</param>
/// <param name="Subsidy">The fund's answer.</param>
/// <param name="Connection">Connection options.</param>
/// <param name="NearestLanding">Nearest cable landing and its distance, km.</param>
/// <param name="NearestIx">Nearest IX location and its distance, km.</param>
/// <param name="Signals">Area and location signals (curtailed energy, carbon, seismic exposure, free cooling, latency, cluster distance).</param>
/// <param name="Assumptions">The connection assumptions used.</param>
public sealed record SiteCheckReport(
    JapanLocation Location,
    Power Power,
    SubsidyAssessment Subsidy,
    ConnectionAssessment Connection,
    (NamedPoint Place, double Km) NearestLanding,
    (NamedPoint Place, double Km) NearestIx,
    IReadOnlyList<SiteSignal> Signals,
    ConnectionAssumptions Assumptions);

/// <summary>Builds a <see cref="SiteCheckReport"/> for a point and a size. Stateless and thread-safe.</summary>
public static class SiteCheck
{
    /// <summary>Checks a proposed facility.</summary>
    /// <param name="point">Where it would be.</param>
    /// <param name="power">Its size.</param>
    /// <param name="kind">What it is (default a DC).</param>
    /// <param name="locator">Prefecture/area lookup (with boundary maps for precision).</param>
    /// <param name="assumptions">Connection assumptions (default <see cref="ConnectionAssumptions.Default"/>).</param>
    /// <param name="flexibleHeadroom">Flexible (②) headroom near the site, when known.</param>
    /// <param name="n1Headroom">N-1 (③) headroom near the site, when known.</param>
    /// <exception cref="ArgumentException">The point is outside Japan.</exception>
    public static SiteCheckReport Run(
        GeoPoint point,
        Power power,
        FacilityKind kind,
        JapanLocator locator,
        ConnectionAssumptions? assumptions = null,
        Power? flexibleHeadroom = null,
        Power? n1Headroom = null)
    {
        ArgumentNullException.ThrowIfNull(locator);
        assumptions ??= ConnectionAssumptions.Default;
        var where = locator.Locate(point);
        var subsidy = SubsidyRules.Assess(kind, where.Prefecture, point);
        var connection = ConnectionPlanner.Assess(power, assumptions, flexibleHeadroom, n1Headroom);
        var cooling = new FreeCoolingModel();
        var latency = LatencyModel.Default;
        var (nankai, inland) = DefaultLayers.SeismicDesignation(where.Prefecture);
        var signals = new List<SiteSignal>
        {
            new("curtailed renewable energy of area " + where.Area.Code, DefaultLayers.CurtailedEnergyGwh.ValueFor(where.Prefecture, where.Area), "GWh/yr", DefaultLayers.CurtailedEnergyGwh.Source),
            new("carbon intensity of area " + where.Area.Code, DefaultLayers.CarbonIntensity.ValueFor(where.Prefecture, where.Area), "gCO2/kWh", DefaultLayers.CarbonIntensity.Source),
            new("seismic exposure of " + where.Prefecture.NameJa, DefaultLayers.SeismicExposure.ValueFor(where.Prefecture, where.Area), "0-1",
                $"{DefaultLayers.SeismicExposure.Source} (Nankai: {Or(nankai)}, Tokyo-inland: {Or(inland)})"),
            new("free-cooling hours", cooling.Hours(point.Latitude), "h/yr", $"latitude model, <= {cooling.ThresholdCelsius} degC"),
            new("APN latency, weighted to user regions", latency.WeightedOneWayMs(point), "ms one-way", "route factor 1.5 x great-circle, 5 us/km"),
        };
        foreach (var r in latency.Regions)
        {
            signals.Add(new("APN latency to " + r.Name, latency.OneWayMs(point, r.Location), "ms one-way", "route factor 1.5 x great-circle, 5 us/km"));
        }

        var cluster = NamedPoint.Nearest(LatencyModel.DefaultClusters, point);
        signals.Add(new("distance to nearest existing cluster (" + cluster.Place.Name + ")", cluster.DistanceKm, "km", "great-circle"));
        return new SiteCheckReport(where, power, subsidy, connection,
            NamedPoint.Nearest(TelecomFacts.DefaultLandings, point), NamedPoint.Nearest(TelecomFacts.DefaultInternetExchanges, point), signals, assumptions);
    }

    private static string Or(string s) => s.Length == 0 ? "no" : s;
}
