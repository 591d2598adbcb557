using System.Globalization;
using System.Reflection;
using WattBit.Areas;
using WattBit.Formats;

namespace WattBit.Data.Reference;

/// <summary>An inter-area link (連系線) and its capacity.</summary>
/// <param name="From">One end.</param>
/// <param name="To">The other end.</param>
/// <param name="CapacityMw">Transfer capacity, MW, taken as the same in both directions.</param>
/// <param name="Kind">AC, HVDC, FC (frequency converter) or BTB (back-to-back).</param>
public sealed record Interconnection(GridArea From, GridArea To, double CapacityMw, string Kind);

/// <summary>Emission factors of one production mode, gCO2/kWh.</summary>
/// <param name="Direct">Combustion only.</param>
/// <param name="Lifecycle">Including construction, fuel chain and decommissioning.</param>
public readonly record struct ModeFactors(double Direct, double Lifecycle);

/// <summary>
/// The small public fact tables WattBit ships (embedded in this assembly, from <c>shared/data/japan/facts</c>):
/// inter-area links, installed capacity by mode and emission factors by mode. Each table can be replaced by a user
/// file of the same CSV layout. Immutable and thread-safe.
/// </summary>
public sealed class JapanFacts
{
    private JapanFacts(IReadOnlyList<Interconnection> links, IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> capacity,
        IReadOnlyDictionary<string, ModeFactors> factors)
    {
        Interconnections = links;
        InstalledCapacityMw = capacity;
        EmissionFactors = factors;
    }

    /// <summary>The production modes of the emission factor table.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["coal", "gas", "oil", "biomass", "solar", "wind", "hydro", "nuclear", "geothermal", "unknown"];

    /// <summary>The facts shipped with WattBit.</summary>
    public static JapanFacts Default { get; } = Load(null, null, null);

    /// <summary>Inter-area links.</summary>
    public IReadOnlyList<Interconnection> Interconnections { get; }

    /// <summary>Installed capacity, MW, by area code then mode (biomass, coal, gas, geothermal, hydro, hydro_storage, nuclear, oil, solar, wind). A mode the table leaves blank is absent.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> InstalledCapacityMw { get; }

    /// <summary>Emission factors by mode (see <see cref="Modes"/>).</summary>
    public IReadOnlyDictionary<string, ModeFactors> EmissionFactors { get; }

    /// <summary>Installed capacity of <paramref name="mode"/> in <paramref name="area"/>, MW; 0 when not listed.</summary>
    public double Capacity(GridArea area, string mode)
    {
        ArgumentNullException.ThrowIfNull(area);
        return InstalledCapacityMw.TryGetValue(area.Code, out var m) && m.TryGetValue(mode, out var v) ? v : 0;
    }

    /// <summary>Loads the facts, replacing each shipped table by the given file where one is given.</summary>
    /// <param name="interconnectionsPath">A file like interconnections.csv (from,to,capacity_mw,kind), or null for the shipped one.</param>
    /// <param name="capacityPath">A file like installed_capacity_mw.csv, or null.</param>
    /// <param name="emissionFactorsPath">A file like emission_factors_gco2_per_kwh.csv (mode,direct,lifecycle), or null.</param>
    /// <exception cref="InputFormatException">A file is malformed (unknown area or mode, bad number).</exception>
    public static JapanFacts Load(string? interconnectionsPath, string? capacityPath, string? emissionFactorsPath)
    {
        var links = new List<Interconnection>();
        var t = Table(interconnectionsPath, "interconnections.csv");
        int cFrom = t.Require("from"), cTo = t.Require("to"), cCap = t.Require("capacity_mw"), cKind = t.Optional("kind");
        foreach (var row in t.Rows)
        {
            links.Add(new Interconnection(Area(t, row, cFrom), Area(t, row, cTo), Number(t, row, cCap), cKind >= 0 ? t.Field(row, cKind) : "AC"));
        }

        var capacity = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        t = Table(capacityPath, "installed_capacity_mw.csv");
        var cArea = t.Require("area");
        foreach (var row in t.Rows)
        {
            var area = Area(t, row, cArea);
            var modes = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var c = 0; c < t.Header.Count; c++)
            {
                if (c != cArea && t.Field(row, c).Length > 0)
                {
                    modes[t.Header[c].Trim()] = Number(t, row, c);
                }
            }

            capacity[area.Code] = modes;
        }

        var factors = new Dictionary<string, ModeFactors>(StringComparer.Ordinal);
        t = Table(emissionFactorsPath, "emission_factors_gco2_per_kwh.csv");
        int cMode = t.Require("mode"), cDirect = t.Require("direct"), cLife = t.Require("lifecycle");
        foreach (var row in t.Rows)
        {
            var mode = t.Field(row, cMode);
            if (!Modes.Contains(mode))
            {
                throw t.Error(row, cMode, $"unknown mode '{mode}' (known: {string.Join(", ", Modes)}).");
            }

            factors[mode] = new ModeFactors(Number(t, row, cDirect), Number(t, row, cLife));
        }

        foreach (var mode in Modes)
        {
            if (!factors.ContainsKey(mode))
            {
                throw new InputFormatException(t.Source, 0, 0, $"no emission factor for mode '{mode}'.");
            }
        }

        return new JapanFacts(links, capacity, factors);
    }

    /// <summary>Opens a shipped fact table (the embedded CSV) as text.</summary>
    /// <param name="name">File name, e.g. "areas.csv".</param>
    /// <exception cref="FileNotFoundException">No such shipped table.</exception>
    public static string ReadShipped(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("WattBit.Data.Facts." + name)
            ?? throw new FileNotFoundException($"No shipped fact table '{name}'.", name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static CsvTable Table(string? path, string shipped) =>
        path is null ? CsvTable.Parse(ReadShipped(shipped), "(shipped) " + shipped) : CsvTable.ReadFile(path);

    private static GridArea Area(CsvTable t, CsvRow row, int c) =>
        JapanAreas.TryFind(t.Field(row, c), out var a) ? a : throw t.Error(row, c, $"unknown area '{t.Field(row, c)}'.");

    private static double Number(CsvTable t, CsvRow row, int c) =>
        double.TryParse(t.Field(row, c), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0
            ? v
            : throw t.Error(row, c, $"'{t.Field(row, c)}' is not a non-negative number.");
}
