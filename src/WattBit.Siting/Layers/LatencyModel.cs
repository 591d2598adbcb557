using WattBit.Siting.Facts;
using WattBit.Sites;

namespace WattBit.Siting.Layers;

/// <summary>
/// APN (all-photonics network) latency model: fibre length = route factor x great-circle distance, one-way latency =
/// fibre length x 5 microseconds per km (light in glass, refractive index ~1.47), no switching delay (the APN is
/// optical end to end). The layer value is the weight-averaged one-way latency to the user regions, in milliseconds.
/// Immutable and thread-safe.
/// </summary>
/// <param name="Regions">The user regions.</param>
/// <param name="RouteFactor">Fibre route length over great-circle distance (default 1.5).</param>
/// <param name="MicrosecondsPerKm">Propagation delay in fibre (default 5 us/km).</param>
public sealed record LatencyModel(IReadOnlyList<UserRegion> Regions, double RouteFactor = 1.5, double MicrosecondsPerKm = 5)
{
    /// <summary>
    /// Default user regions: the seven largest metropolitan areas with their populations (millions, rounded; 2020
    /// census metropolitan employment areas): Tokyo 37, Osaka 19, Nagoya 9, Fukuoka 5.5, Sapporo 2.6, Sendai 2.2, Hiroshima 2.0.
    /// </summary>
    public static IReadOnlyList<UserRegion> DefaultRegions { get; } =
    [
        new("Tokyo 東京", new GeoPoint(35.6812, 139.7671), 37),
        new("Osaka 大阪", new GeoPoint(34.7025, 135.4959), 19),
        new("Nagoya 名古屋", new GeoPoint(35.1709, 136.8815), 9),
        new("Fukuoka 福岡", new GeoPoint(33.5902, 130.4017), 5.5),
        new("Sapporo 札幌", new GeoPoint(43.0687, 141.3508), 2.6),
        new("Sendai 仙台", new GeoPoint(38.2601, 140.8822), 2.2),
        new("Hiroshima 広島", new GeoPoint(34.3979, 132.4753), 2.0),
    ];

    /// <summary>The default model (default regions, route factor 1.5, 5 us/km).</summary>
    public static LatencyModel Default { get; } = new(DefaultRegions);

    /// <summary>One-way fibre latency between two points, milliseconds.</summary>
    public double OneWayMs(GeoPoint a, GeoPoint b) => a.DistanceKm(b) * RouteFactor * MicrosecondsPerKm / 1000.0;

    /// <summary>Weight-averaged one-way latency from a point to the user regions, milliseconds.</summary>
    /// <exception cref="InvalidOperationException">There are no regions or the weights sum to zero.</exception>
    public double WeightedOneWayMs(GeoPoint site)
    {
        double sum = 0, weights = 0;
        foreach (var r in Regions)
        {
            sum += r.Weight * OneWayMs(site, r.Location);
            weights += r.Weight;
        }

        return weights > 0 ? sum / weights : throw new InvalidOperationException("The latency model has no user regions with positive weight.");
    }

    /// <summary>Existing DC clusters whose distance the method rewards: Tokyo (Otemachi/Inzai side) and Osaka.</summary>
    public static IReadOnlyList<NamedPoint> DefaultClusters { get; } =
    [
        new("tokyo", "Tokyo cluster 東京", new GeoPoint(35.6866, 139.7660), "Otemachi, Inzai and the Tokyo bay area"),
        new("osaka", "Osaka cluster 大阪", new GeoPoint(34.6958, 135.4940), "Dojima and the Keihanna area"),
    ];
}
