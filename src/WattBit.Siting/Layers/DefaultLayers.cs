using WattBit.Areas;
using WattBit.Siting.Facts;

namespace WattBit.Siting.Layers;

/// <summary>
/// The coarse default tables compiled into the assembly: per-area curtailed renewable energy and mean carbon
/// intensity, and per-prefecture seismic exposure. Their derivation and sources are in docs/siting.md; every one can be
/// replaced by a user file. Thread-safe.
/// </summary>
public static class DefaultLayers
{
    private static readonly Lazy<ValueTable> s_curtailed = new(() => ValueTable.Read(EmbeddedFacts.Read("area_defaults.csv"), "curtailed_gwh_per_year"));
    private static readonly Lazy<ValueTable> s_carbon = new(() => ValueTable.Read(EmbeddedFacts.Read("area_defaults.csv"), "carbon_gco2_per_kwh"));
    private static readonly Lazy<ValueTable> s_seismic = new(() => ValueTable.Read(EmbeddedFacts.Read("seismic_default.csv"), "exposure"));

    /// <summary>Curtailed renewable energy per TSO area, GWh per year (order of magnitude, fiscal 2023).</summary>
    public static ValueTable CurtailedEnergyGwh => s_curtailed.Value;

    /// <summary>Mean carbon intensity of supply per TSO area, gCO2/kWh (coarse, about fiscal 2022-2023).</summary>
    public static ValueTable CarbonIntensity => s_carbon.Value;

    /// <summary>
    /// Seismic exposure per prefecture, 0..1: 1.0 in the core of the Nankai Trough tsunami zone or the four Tokyo-inland
    /// core prefectures, 0.6 elsewhere in the Nankai promotion area or the Tokyo-inland emergency area, 0.2 otherwise.
    /// </summary>
    public static ValueTable SeismicExposure => s_seismic.Value;

    /// <summary>The Nankai Trough and Tokyo-inland designation behind the default exposure of a prefecture.</summary>
    public static (string Nankai, string TokyoInland) SeismicDesignation(Prefecture prefecture)
    {
        ArgumentNullException.ThrowIfNull(prefecture);
        var table = EmbeddedFacts.Read("seismic_default.csv");
        int n = table.Require("nankai"), t = table.Require("tokyo_inland");
        var row = table.Rows[prefecture.Code - 1];
        return (row.Fields[n], row.Fields[t]);
    }
}
