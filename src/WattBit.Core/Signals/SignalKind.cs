namespace WattBit.Signals;

/// <summary>What a signal measures; decides its unit and the name of totals computed from it.</summary>
public enum SignalKind
{
    /// <summary>Carbon intensity in gCO2/kWh; energy x signal = emissions.</summary>
    Carbon,

    /// <summary>Energy price in JPY/kWh; energy x signal = cost.</summary>
    Price,

    /// <summary>Grid headroom in MW.</summary>
    Headroom,

    /// <summary>Curtailed renewable energy (output curtailment) per step.</summary>
    Curtailment,

    /// <summary>Any other level read as given, of any sign (a weather variable used as a forecast input); no unit known to WattBit.</summary>
    Other,
}
