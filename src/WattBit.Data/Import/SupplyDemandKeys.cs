using System.Text;

namespace WattBit.Data.Import;

/// <summary>
/// The English keys under which an area supply-demand file's columns (エリア需給実績) are imported, and the mapping
/// from the publishers' Japanese column names. All values are average MW over the slot.
/// </summary>
public static class SupplyDemandKeys
{
    /// <summary>エリア需要: area demand, MW.</summary>
    public const string Demand = "demand";

    /// <summary>原子力: nuclear.</summary>
    public const string Nuclear = "nuclear";

    /// <summary>火力(LNG): gas-fired thermal.</summary>
    public const string ThermalLng = "thermal_lng";

    /// <summary>火力(石炭): coal-fired thermal.</summary>
    public const string ThermalCoal = "thermal_coal";

    /// <summary>火力(石油): oil-fired thermal.</summary>
    public const string ThermalOil = "thermal_oil";

    /// <summary>火力(その他): other thermal (mixed or unknown fuel).</summary>
    public const string ThermalOther = "thermal_other";

    /// <summary>火力: all thermal, in the 2016 legacy formats that do not split it by fuel.</summary>
    public const string Thermal = "thermal";

    /// <summary>火力出力制御量: thermal output curtailed.</summary>
    public const string ThermalCurtailed = "thermal_curtailed";

    /// <summary>水力: hydro (run-of-river and reservoir; pumped storage is separate).</summary>
    public const string Hydro = "hydro";

    /// <summary>地熱: geothermal.</summary>
    public const string Geothermal = "geothermal";

    /// <summary>バイオマス: biomass.</summary>
    public const string Biomass = "biomass";

    /// <summary>バイオマス出力制御量: biomass output curtailed.</summary>
    public const string BiomassCurtailed = "biomass_curtailed";

    /// <summary>太陽光発電実績 / 太陽光実績: solar output actually delivered.</summary>
    public const string Solar = "solar";

    /// <summary>太陽光出力制御量 / 太陽光抑制量: solar output curtailed (出力制御), not part of the supply.</summary>
    public const string SolarCurtailed = "solar_curtailed";

    /// <summary>風力発電実績 / 風力実績: wind output actually delivered.</summary>
    public const string Wind = "wind";

    /// <summary>風力出力制御量 / 風力抑制量: wind output curtailed, not part of the supply.</summary>
    public const string WindCurtailed = "wind_curtailed";

    /// <summary>揚水: pumped storage, positive when generating, negative when pumping.</summary>
    public const string PumpedStorage = "pumped_storage";

    /// <summary>蓄電池: batteries, positive when discharging.</summary>
    public const string Battery = "battery";

    /// <summary>連系線: net interconnection flow, normalised so that positive = import into the area.</summary>
    public const string Interconnection = "interconnection";

    /// <summary>その他: other supply.</summary>
    public const string Other = "other";

    /// <summary>合計 / 供給力合計: the file's own total of the supply columns.</summary>
    public const string Total = "total";

    private static readonly Dictionary<string, string> s_byJapanese = new(StringComparer.Ordinal)
    {
        ["エリア需要"] = Demand,
        ["原子力"] = Nuclear,
        ["火力(LNG)"] = ThermalLng,
        ["火力(石炭)"] = ThermalCoal,
        ["火力(石油)"] = ThermalOil,
        ["火力(その他)"] = ThermalOther,
        ["火力"] = Thermal,
        ["火力出力制御量"] = ThermalCurtailed,
        ["水力"] = Hydro,
        ["地熱"] = Geothermal,
        ["バイオマス"] = Biomass,
        ["バイオマス出力制御量"] = BiomassCurtailed,
        ["太陽光発電実績"] = Solar,
        ["太陽光実績"] = Solar,
        ["太陽光出力制御量"] = SolarCurtailed,
        ["太陽光抑制量"] = SolarCurtailed,
        ["風力発電実績"] = Wind,
        ["風力実績"] = Wind,
        ["風力出力制御量"] = WindCurtailed,
        ["風力抑制量"] = WindCurtailed,
        ["揚水"] = PumpedStorage,
        ["蓄電池"] = Battery,
        ["連系線"] = Interconnection,
        ["その他"] = Other,
        ["合計"] = Total,
        ["供給力合計"] = Total,
    };

    /// <summary>Every key in file order of the current format (legacy <see cref="Thermal"/> after the fuels).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Demand, Nuclear, ThermalLng, ThermalCoal, ThermalOil, ThermalOther, Thermal, ThermalCurtailed, Hydro, Geothermal,
        Biomass, BiomassCurtailed, Solar, SolarCurtailed, Wind, WindCurtailed, PumpedStorage, Battery, Interconnection, Other, Total,
    ];

    /// <summary>True for the columns that add up to the total supply (everything but demand, curtailment and the total).</summary>
    public static bool IsSupply(string key) => key is not (Demand or Total) && !IsCurtailment(key);

    /// <summary>True for the curtailment (出力制御量) columns.</summary>
    public static bool IsCurtailment(string key) => key.EndsWith("_curtailed", StringComparison.Ordinal);

    /// <summary>
    /// Maps a Japanese column name to its key. The name is NFKC-normalised (full-width brackets and letters as in
    /// Kyushu's files become ASCII) and a trailing unit such as 〔MWh〕 or [MW] is dropped.
    /// </summary>
    /// <returns>The key, or null when the name is not a known column.</returns>
    public static string? FromJapanese(string name) => s_byJapanese.GetValueOrDefault(Normalize(name));

    /// <summary>NFKC-normalises a header cell, drops a trailing unit in brackets and all spaces.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var s = name.Normalize(NormalizationForm.FormKC).Replace(" ", string.Empty, StringComparison.Ordinal);
        var bracket = s.IndexOfAny(['〔', '[']);
        if (bracket > 0)
        {
            s = s[..bracket];
        }

        return s.Trim();
    }
}
