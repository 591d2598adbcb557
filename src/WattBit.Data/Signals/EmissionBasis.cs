namespace WattBit.Data.Signals;

/// <summary>Which emission factors a carbon intensity uses.</summary>
public enum EmissionBasis
{
    /// <summary>Combustion only (IPCC direct factors).</summary>
    Direct,

    /// <summary>Whole life cycle (IPCC lifecycle factors); the default, as Electricity Maps reports.</summary>
    Lifecycle,
}
