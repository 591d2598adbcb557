namespace WattBit.Siting.Ranking;

/// <summary>The criteria the siting method scores. Each has a fixed direction (<see cref="CriterionInfo.HigherIsBetter"/>).</summary>
public enum Criterion
{
    /// <summary>Grid headroom at the screen's basis (now or potential), MW; higher is better.</summary>
    Headroom,

    /// <summary>Renewable surplus of the area: curtailed renewable energy, GWh/year; higher is better (a DC can absorb it).</summary>
    RenewableSurplus,

    /// <summary>Mean carbon intensity of the area's supply, gCO2/kWh; lower is better.</summary>
    Carbon,

    /// <summary>Distance to the nearest Internet exchange, km; lower is better.</summary>
    IxDistance,

    /// <summary>Distance to the nearest submarine cable landing, km; lower is better.</summary>
    LandingDistance,

    /// <summary>Weighted one-way APN latency to the main user regions, ms; lower is better.</summary>
    Latency,

    /// <summary>Seismic exposure (Nankai Trough, Tokyo-inland), 0..1; lower is better.</summary>
    Seismic,

    /// <summary>Free-cooling hours per year; higher is better.</summary>
    FreeCooling,

    /// <summary>Land availability (user layer, any unit); higher is better.</summary>
    Land,

    /// <summary>Transport access (user layer, any unit); higher is better.</summary>
    Transport,

    /// <summary>Distance to the nearest existing DC cluster (Tokyo, Osaka), km; higher is better (step 3: resilience).</summary>
    ClusterDistance,

    /// <summary>The resilience fund's DC subsidy rate at the candidate (0 or 0.5); higher is better. Default weight 0: shown, not scored.</summary>
    Subsidy,
}

/// <summary>Names, units and direction of a criterion.</summary>
/// <param name="Criterion">The criterion.</param>
/// <param name="Key">The name used in config files and outputs (snake_case).</param>
/// <param name="Unit">Unit of the raw value.</param>
/// <param name="HigherIsBetter">Direction of the normalisation.</param>
public sealed record CriterionInfo(Criterion Criterion, string Key, string Unit, bool HigherIsBetter)
{
    /// <summary>All criteria in method order (overlay criteria, then the resilience criterion).</summary>
    public static IReadOnlyList<CriterionInfo> All { get; } =
    [
        new(Criterion.Headroom, "headroom", "MW", true),
        new(Criterion.RenewableSurplus, "renewable_surplus", "GWh/yr", true),
        new(Criterion.Carbon, "carbon", "gCO2/kWh", false),
        new(Criterion.IxDistance, "ix_distance", "km", false),
        new(Criterion.LandingDistance, "landing_distance", "km", false),
        new(Criterion.Latency, "latency", "ms", false),
        new(Criterion.Seismic, "seismic", "0-1", false),
        new(Criterion.FreeCooling, "free_cooling", "h/yr", true),
        new(Criterion.Land, "land", "user", true),
        new(Criterion.Transport, "transport", "user", true),
        new(Criterion.ClusterDistance, "cluster_distance", "km", true),
        new(Criterion.Subsidy, "subsidy", "rate", true),
    ];

    /// <summary>Number of criteria.</summary>
    public static int Count => All.Count;

    /// <summary>The info of a criterion.</summary>
    public static CriterionInfo Of(Criterion criterion) => All[(int)criterion];

    /// <summary>Finds a criterion by its key (case-insensitive, '-' accepted for '_').</summary>
    public static bool TryParse(string? key, out Criterion criterion)
    {
        var k = key?.Trim().Replace('-', '_');
        foreach (var info in All)
        {
            if (string.Equals(info.Key, k, StringComparison.OrdinalIgnoreCase))
            {
                criterion = info.Criterion;
                return true;
            }
        }

        criterion = default;
        return false;
    }

    /// <summary>The keys, comma-separated, for messages.</summary>
    public static string KeyList => string.Join(", ", All.Select(i => i.Key));
}
