namespace WattBit.Planning.Shifting;

/// <summary>What a shift minimises; the signal's values are read in the matching unit.</summary>
public enum ShiftObjective
{
    /// <summary>Emissions: the signal is carbon intensity in gCO2/kWh; totals are kg CO2.</summary>
    Carbon,

    /// <summary>Energy cost: the signal is a price in JPY/kWh; totals are JPY.</summary>
    Cost,
}
