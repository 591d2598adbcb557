using System.Globalization;
using WattBit.Areas;
using WattBit.Formats;

namespace WattBit.Data.Reference;

/// <summary>The parameters of one area in the reference model (see <c>reference_areas.csv</c>). Power in MW, energy in TWh.</summary>
/// <param name="Area">The area.</param>
/// <param name="AnnualDemandTwh">Demand over a year, TWh.</param>
/// <param name="SolarMw">Installed solar, MW.</param>
/// <param name="SolarCapacityFactor">Solar capacity factor before curtailment.</param>
/// <param name="WindMw">Installed wind, MW.</param>
/// <param name="WindCapacityFactor">Wind capacity factor.</param>
/// <param name="NuclearMw">Nuclear in operation, MW (run flat at 90 %).</param>
/// <param name="HydroMeanMw">Mean run-of-river and reservoir hydro, MW.</param>
/// <param name="GeothermalMeanMw">Mean geothermal, MW.</param>
/// <param name="BiomassMeanMw">Mean biomass, MW.</param>
/// <param name="CoalMw">Coal capacity, MW (dispatched first, to 85 %).</param>
/// <param name="GasMw">Gas capacity, MW (dispatched second, to 90 %).</param>
/// <param name="OilMw">Oil capacity, MW (dispatched last).</param>
/// <param name="PumpedStorageMw">Pumping capacity that absorbs surplus before curtailment, MW.</param>
/// <param name="NetImportMw">Mean net import over the interconnections, MW (positive = import).</param>
/// <param name="MustRunShare">Thermal that must stay on (inertia, reserves) as a share of demand; a surplus beyond it is curtailed.</param>
public sealed record ReferenceAreaParameters(GridArea Area, double AnnualDemandTwh, double SolarMw, double SolarCapacityFactor,
    double WindMw, double WindCapacityFactor, double NuclearMw, double HydroMeanMw, double GeothermalMeanMw, double BiomassMeanMw,
    double CoalMw, double GasMw, double OilMw, double PumpedStorageMw, double NetImportMw, double MustRunShare);

/// <summary>
/// The reference model the synthetic year is built from: per-area parameters, the normalised demand and solar shapes
/// (month × day type × half-hour, from the Tokyo FY2025 actuals) and per-area price quantiles (JEPX FY2025). Shipped
/// in this assembly; every table can be replaced by a user file. Immutable and thread-safe.
/// </summary>
public sealed class ReferenceModel
{
    /// <summary>Number of quantiles in a price table (percentiles 0, 1, ..., 100).</summary>
    public const int PriceQuantiles = 101;

    private ReferenceModel(IReadOnlyDictionary<string, ReferenceAreaParameters> areas, double[] demandShape, double[] solarShape,
        IReadOnlyDictionary<string, double[]> priceQuantiles)
    {
        Areas = areas;
        DemandShape = demandShape;
        SolarShape = solarShape;
        PriceQuantilesByArea = priceQuantiles;
    }

    /// <summary>The shipped model.</summary>
    public static ReferenceModel Default { get; } = Load(null, null, null);

    /// <summary>Parameters by area code (all ten areas).</summary>
    public IReadOnlyDictionary<string, ReferenceAreaParameters> Areas { get; }

    /// <summary>Demand relative to the annual mean, index [(month-1) * 2 + dayType] * 48 + slot (dayType 0 workday, 1 weekend/holiday).</summary>
    public IReadOnlyList<double> DemandShape { get; }

    /// <summary>Solar output relative to its annual mean, index (month-1) * 48 + slot.</summary>
    public IReadOnlyList<double> SolarShape { get; }

    /// <summary>Price percentiles (JPY/kWh, 0 %, 1 %, ..., 100 %) by area code.</summary>
    public IReadOnlyDictionary<string, double[]> PriceQuantilesByArea { get; }

    /// <summary>Loads the model, replacing each shipped table by the given file where one is given.</summary>
    /// <exception cref="InputFormatException">A table is malformed or incomplete.</exception>
    public static ReferenceModel Load(string? areasPath, string? shapesPath, string? priceQuantilesPath)
    {
        var areas = new Dictionary<string, ReferenceAreaParameters>(StringComparer.Ordinal);
        var t = Table(areasPath, "reference_areas.csv");
        string[] cols = ["annual_demand_twh", "solar_mw", "solar_cf", "wind_mw", "wind_cf", "nuclear_mw", "hydro_mean_mw", "geothermal_mean_mw",
            "biomass_mean_mw", "coal_mw", "gas_mw", "oil_mw", "pumped_storage_mw", "net_import_mw", "must_run_share"];
        var idx = cols.Select(t.Require).ToArray();
        var cArea = t.Require("area");
        foreach (var row in t.Rows)
        {
            var area = JapanAreas.TryFind(t.Field(row, cArea), out var a) ? a : throw t.Error(row, cArea, $"unknown area '{t.Field(row, cArea)}'.");
            var v = idx.Select(c => Number(t, row, c)).ToArray();
            areas[area.Code] = new ReferenceAreaParameters(area, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]);
        }

        foreach (var a in JapanAreas.All)
        {
            if (!areas.ContainsKey(a.Code))
            {
                throw new InputFormatException(t.Source, 0, 0, $"no parameters for area {a.Code}.");
            }
        }

        var demand = new double[12 * 2 * 48];
        var solar = new double[12 * 48];
        Array.Fill(demand, double.NaN);
        Array.Fill(solar, double.NaN);
        t = Table(shapesPath, "reference_shapes.csv");
        int cKind = t.Require("kind"), cMonth = t.Require("month"), cDay = t.Require("day_type"), cSlot = t.Require("slot"), cValue = t.Require("value");
        foreach (var row in t.Rows)
        {
            var month = (int)Number(t, row, cMonth);
            var day = (int)Number(t, row, cDay);
            var slot = (int)Number(t, row, cSlot);
            if (month is < 1 or > 12 || day is < 0 or > 1 || slot is < 0 or > 47)
            {
                throw t.Error(row, cMonth, "month 1-12, day_type 0-1 and slot 0-47 expected.");
            }

            var value = Number(t, row, cValue);
            switch (t.Field(row, cKind))
            {
                case "demand":
                    demand[(((month - 1) * 2) + day) * 48 + slot] = value;
                    break;
                case "solar":
                    solar[((month - 1) * 48) + slot] = value;
                    break;
                default:
                    throw t.Error(row, cKind, "kind must be demand or solar.");
            }
        }

        if (Array.Exists(demand, double.IsNaN) || Array.Exists(solar, double.IsNaN))
        {
            throw new InputFormatException(t.Source, 0, 0, "the shapes table must give every month x day type x slot for demand and every month x slot for solar.");
        }

        var prices = new Dictionary<string, double[]>(StringComparer.Ordinal);
        t = Table(priceQuantilesPath, "reference_price_quantiles.csv");
        var cPa = t.Require("area");
        var cq = Enumerable.Range(0, PriceQuantiles).Select(i => t.Require("p" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        foreach (var row in t.Rows)
        {
            var area = JapanAreas.TryFind(t.Field(row, cPa), out var a) ? a : throw t.Error(row, cPa, $"unknown area '{t.Field(row, cPa)}'.");
            prices[area.Code] = [.. cq.Select(c => Number(t, row, c))];
        }

        foreach (var a in JapanAreas.All)
        {
            if (!prices.ContainsKey(a.Code))
            {
                throw new InputFormatException(t.Source, 0, 0, $"no price quantiles for area {a.Code}.");
            }
        }

        return new ReferenceModel(areas, demand, solar, prices);
    }

    private static CsvTable Table(string? path, string shipped) =>
        path is null ? CsvTable.Parse(JapanFacts.ReadShipped(shipped), "(shipped) " + shipped) : CsvTable.ReadFile(path);

    private static double Number(CsvTable t, CsvRow row, int c) =>
        double.TryParse(t.Field(row, c), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw t.Error(row, c, $"'{t.Field(row, c)}' is not a number.");
}
